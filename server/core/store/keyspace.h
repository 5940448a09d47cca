#pragma once

#include "blockingkeys.h"
#include "config/serverconfig.h"
#include "dict.h"
#include "keyentry.h"
#include "lazyfree.h"
#include "persist/childfork.h"
#include "watchedkeys.h"

#include <QByteArray>
#include <QByteArrayView>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

// One database: keys to values with optional expiry, in a Dict (Redis's dict: power-of-two
// tables grown and shrunk by incremental rehashing, so no request pays for moving the whole
// table; SCAN's reverse-binary cursor returns every key present for the whole scan, whatever
// resizes happen in between; random sampling is cheap for active expiry and RANDOMKEY).
// Expired keys are removed lazily by find() and actively by expireCycle(), within a time
// budget. It returns statuses and never writes replies. Not thread-safe: it lives on the
// server thread.
//
// Every change goes through its write paths, which tell the clients that WATCH the key
// (Redis's signalModifiedKey); commands that edit a value in place call signalModified().
// As in Redis 7.0, keys deleted because they expired do not count as changed.
class Keyspace
{
public:
    Keyspace();
    ~Keyspace();
    Keyspace(const Keyspace &) = delete;
    Keyspace &operator=(const Keyspace &) = delete;

    // The live entry for key, or nullptr. An expired key is deleted on the way. nowMs also
    // advances the clock that access times are kept in (as Redis's cached LRU clock), so
    // the commands' lookups keep it current; find() itself does not touch the entry.
    KeyEntry *find(QByteArrayView key, qint64 nowMs);
    // Replaces or creates the key as a string, encoded as Redis's tryObjectEncoding would
    // (encodingOf()) and accessed now. keepTtl keeps an existing expiry; otherwise the expiry
    // becomes expireAt (-1 for none).
    KeyEntry *setString(QByteArrayView key, QByteArrayView value, qint64 expireAt = -1,
                        bool keepTtl = false);
    // Redis's setKey for aggregates (SORT STORE, SUNIONSTORE, a first push...): creates or
    // replaces the key with object of type, without an expiry, accessed now.
    KeyEntry *setObject(QByteArrayView key, ValueType type, std::unique_ptr<Aggregate> object);
    // Redis's dbUnshareStringValue: a value that a command edits in place (APPEND, SETRANGE,
    // SETBIT, BITFIELD) becomes raw, whatever it was and even if the edit changes nothing.
    // In Redis that is a new object, so it counts as accessed now. Returns the bytes to edit.
    QByteArray &unshareString(KeyEntry *entry)
    {
        setEncoding(entry, StringEncoding::Raw);
        return entry->mutableString();
    }
    // entry's value was replaced by one so encoded (a new object in Redis, made now; under an
    // LFU policy it keeps the counter, as Redis's dbOverwrite does). Under an LRU or LFU policy
    // with maxmemory set, no value is a shared integer (Redis's
    // MAXMEMORY_FLAG_NO_SHARED_INTEGERS), so that each key keeps its own access field.
    void setEncoding(KeyEntry *entry, StringEncoding encoding) const;
    // Replaces entry's value, keeping its expiry, with a string so encoded (INCR: Redis's
    // dbOverwrite of a new object). The caller signals the change.
    void replaceString(KeyEntry *entry, QByteArrayView value, StringEncoding encoding) const;
    // Redis's tryObjectEncoding, for values stored as the client sent them (SET, MSET...):
    // an integer string2l accepts (shared when 0..9999), else embstr up to 44 bytes, else raw.
    static StringEncoding encodingOf(QByteArrayView value);
    // Redis's createStringObject, for strings the server makes (INCRBYFLOAT): never int.
    static StringEncoding createdEncoding(qsizetype length);

    // Records an access to entry (Redis's lookupKey without LOOKUP_NOTOUCH). A shared
    // integer is one object for the whole process in Redis, so its access time is too: a
    // GET of one key holding 5 resets the idle time of every key holding 5.
    // Under an LFU maxmemory-policy the access field is an LFU counter (Lfu), raised as Redis's
    // updateLFU does; otherwise it is the clock. Not while a forked child runs, whose pages
    // the write would copy (ChildFork), as Redis's lookupKey.
    void touch(KeyEntry *entry) const
    {
        if (ChildFork::isRunning())
            return;
        if (entry->encoding == StringEncoding::SharedInt)
            touchSharedInteger(*entry);
        else
            entry->accessTime = accessed(entry->accessTime);
    }
    // OBJECT IDLETIME: seconds since entry (or its shared integer) was last accessed, by the
    // clock of the latest find() or the given one (seconds). Meaningful under a non-LFU policy
    // only.
    qint64 idleSeconds(const KeyEntry *entry) const { return idleSeconds(entry, m_clock); }
    qint64 idleSeconds(const KeyEntry *entry, quint32 clock) const;
    // OBJECT FREQ and LFU eviction: entry's LFU counter, decayed to the latest find()'s clock
    // or the given one. Meaningful under an LFU policy only.
    quint8 lfuCount(const KeyEntry *entry) const { return lfuCount(entry, m_clock); }
    quint8 lfuCount(const KeyEntry *entry, quint32 clock) const;
    // What RESTORE (FREQ, IDLETIME) and a snapshot say of a key's use, as of nowMs (Redis's
    // objectSetLRUOrLFU): under an LFU policy a frequency (>= 0) becomes its counter; under any
    // other an idle time in seconds (>= 0) puts its last access that long before now. The one
    // that does not apply, or a negative one (not given), changes nothing.
    void restoreAccess(KeyEntry *entry, qint64 idleSeconds, int frequency, qint64 nowMs) const;
    // The live configuration (the server's): maxmemory-policy decides what access fields hold
    // and whether integers are shared; lfu-log-factor and lfu-decay-time drive the counter.
    // Without one (unit tests) access fields are clocks.
    void setConfig(const ServerConfig *config) { m_config = config; }
    // Deletes key, freeing its value in the background when the lazyfree-lazy-* parameter of
    // reason says so and the value is big (LazyFree). An eviction is not counted as a change
    // (changes()), as Redis's server.dirty does not count it.
    bool remove(QByteArrayView key, Deletion reason = Deletion::Server);
    // Removing the expiry of a key that has none changes nothing (and tells nobody).
    void setExpire(KeyEntry *entry, qint64 expireAt);
    // FLUSHDB: the watchers of every live key are told first. async (FLUSHDB ASYNC) hands the
    // whole table to the background thread when there is one.
    void clear(bool async = false);
    // The server's background freeing thread; without one (unit tests) all frees are inline.
    // It also frees the big bucket arrays the table's rehashing leaves behind.
    void setLazyFree(LazyFree *lazyFree);
    // Keyspace notifications: told of each key created (Redis's dbAdd: a new key,
    // RENAME/MOVE/COPY's destination) and each key deleted because it expired, before it is
    // freed. Without one (the default) that costs a test of an empty std::function.
    enum class KeyEvent { Created, Expired };
    void setKeyEventHook(std::function<void(KeyEvent, QByteArrayView key)> hook)
    {
        m_keyEventHook = std::move(hook);
    }
    // Propagation: told of each key deleted because it expired (lazily or actively), before it
    // is freed, so that the deletion reaches the append-only file as Redis propagates it.
    void setExpiredHook(std::function<void(QByteArrayView key)> hook)
    {
        m_expiredHook = std::move(hook);
    }
    // A command changed the value of key in place (APPEND, SETRANGE, INCR, SETBIT...).
    void signalModified(QByteArrayView key)
    {
        ++m_changes;
        signalTouched(key);
    }
    // WATCHers and tracking clients learn that key changed, which the save rules and
    // rdb_changes_since_last_save do not count (an eviction, as Redis's performEvictions).
    void signalTouched(QByteArrayView key)
    {
        if (m_watched) // the whole cost of WATCH while no client watches this database
            m_watched->touch(key);
        if (m_invalidator) // the same for client-side caching while nothing is tracked
            m_invalidator->keyModified(key, true);
    }
    // Client-side caching's tracking table, told of modified and expired keys; set only while
    // it tracks anything (the server's; never swapped).
    void setKeyInvalidator(KeyInvalidator *invalidator) { m_invalidator = invalidator; }

    // RENAME: gives from's value and expiry to `to` (replacing it) and drops from. Callers
    // look both keys up first (lazy expiry) and handle from == to. False if from is missing.
    bool rename(QByteArrayView from, QByteArrayView to);
    // MOVE: takes key (value and expiry) out of this database into target, replacing any
    // key of that name there. False if key is missing.
    bool moveTo(QByteArrayView key, Keyspace &target);
    // COPY: puts a copy of key (value and expiry) into target as newKey, replacing it.
    // False if key is missing.
    bool copyTo(QByteArrayView key, Keyspace &target, QByteArrayView newKey);
    // SWAPDB: exchanges the whole contents of two databases. The watched keys stay with their
    // database; a watched key that is live in either of the two counts as changed.
    void swap(Keyspace &other);

    // WATCH: watcher is told when key changes in this database, until unwatch().
    void watch(QByteArrayView key, KeyWatcher *watcher);
    void unwatch(QByteArrayView key, KeyWatcher *watcher);

    // Blocking commands (BLPOP...): the clients of this database waiting for keys, created on
    // first use. Creating a key (setObject(), RENAME, MOVE, COPY) signals it, as Redis's dbAdd
    // does; deleting or replacing a stream signals it too (its XREADGROUP readers fail), and
    // SWAPDB and FLUSHDB signal every waited-for key.
    BlockingKeys &blockingKeys();
    BlockingKeys *blockingKeysIfAny() const { return m_blocking.get(); }
    // Redis's signalKeyAsReady for a change that is not a new key: XADD to a stream that
    // clients wait on (XREAD), XGROUP DESTROY (the group's readers fail).
    void signalReady(QByteArrayView key) { keyAdded(key); }

    qsizetype size() const { return m_dict.size(); }
    // Whether the table is moving to a bigger or smaller one (INFO, tests).
    bool isRehashing() const { return m_dict.isRehashing(); }
    qsizetype volatileCount() const { return qsizetype(m_volatile.size()); }
    // Mean remaining TTL of keys with an expiry, in ms, estimated like Redis's avg_ttl.
    qint64 averageTtl(qint64 nowMs) const;

    // Visits one step of a full scan and returns the next cursor (0 when the scan is done).
    quint64 scan(quint64 cursor, const std::function<void(const KeyEntry &)> &visit) const;
    void forEach(const std::function<void(const KeyEntry &)> &visit) const;
    const KeyEntry *randomEntry() const;
    // A key with a TTL drawn at random, or nullptr when there is none (volatile-* eviction).
    const KeyEntry *randomVolatileEntry() const;
    // The entry of key, expired or not, with no side effect (eviction's pool lookups).
    const KeyEntry *peek(QByteArrayView key) const { return m_dict.peek(key); }
    // Redis's active expire cycle for this database: samples 20 keys with a TTL at a time and
    // deletes the expired ones, again while more than 10% of a sample had expired (more keys
    // and a lower share with a higher active-expire-effort), until
    // deadline (steady clock, checked every 16 samples). Returns the keys deleted; *timedOut
    // tells whether it stopped at the deadline with work left.
    qsizetype expireCycle(qint64 nowMs, std::chrono::steady_clock::time_point deadline,
                          bool *timedOut);
    // Moves buckets of a growing or shrinking table until deadline (Redis's
    // incrementallyRehash, run from the server's timer); false when there is nothing to move.
    bool rehashUntil(std::chrono::steady_clock::time_point deadline);

    // Keys changed through this database since it was made (Redis's server.dirty, counted per
    // modified key; FLUSHDB counts the keys it removed): what the save rules and INFO's
    // rdb_changes_since_last_save are made of. Never swapped.
    quint64 changes() const { return m_changes; }
    void addChanges(quint64 count) { m_changes += count; }
    // A command that changed `total` elements of one key counts them all, as Redis's dirty
    // counter does: brings what was counted since `since` (a changes() value taken before it
    // began; creating, signalling and removing the key count too) up to total.
    void countChangesSince(quint64 since, quint64 total)
    {
        if (m_changes - since < total)
            m_changes = since + total;
    }

    quint64 expiredCount() const { return m_expiredCount; }
    // For INFO stats: time spent in expireCycle(), how often it stopped at its time budget,
    // and a running estimate of the share of sampled volatile keys found expired (Redis's
    // expired_stale_perc, 0..1).
    quint64 expireCycleMicros() const { return m_expireCycleMicros; }
    quint64 expireCycleCapReached() const { return m_expireCycleCapReached; }
    double staleEstimate() const { return m_staleEstimate; }
    void resetStats()
    {
        m_expiredCount = 0;
        m_expireCycleMicros = 0;
        m_expireCycleCapReached = 0;
    }
    // MEMORY USAGE: bytes held for entry (its allocation with the key, its value, its bucket
    // slot); aggregates are estimated from `samples` elements (0: all).
    static size_t memoryUsage(const KeyEntry &entry, qsizetype samples);
    // Memory of the table itself (buckets and entry headers), for INFO's overhead figures.
    qint64 overheadBytes() const
    {
        return qint64(m_dict.bucketBytes() + m_volatile.capacity() * sizeof(KeyEntry *))
                + qint64(size()) * qint64(sizeof(KeyEntry));
    }

private:
    void touchSharedInteger(const KeyEntry &entry) const;
    // The access field of entry, or of its shared integer; and setting it.
    quint32 accessField(const KeyEntry *entry) const;
    void setAccessField(KeyEntry *entry, quint32 field) const;
    bool usesLfu() const { return m_config && EvictionPolicies::isLfu(m_config->maxmemoryPolicy); }
    bool sharesIntegers() const
    {
        return !m_config || m_config->maxmemory == 0
                || !EvictionPolicies::avoidsSharedIntegers(m_config->maxmemoryPolicy);
    }
    // Redis's dbOverwrite: under an LFU policy a value replacing another keeps its counter.
    void keepLfuOnOverwrite(KeyEntry *entry, bool added, quint32 oldAccess) const;
    // The access field of a value made now, and of one accessed now.
    quint32 freshAccess() const;
    quint32 accessed(quint32 field) const;
    // The entry of key, created (empty string, no expiry) if missing; *added tells which.
    KeyEntry *findOrCreate(QByteArrayView key, bool *added);
    KeyEntry *createEntry(QByteArrayView key);
    static void destroyEntry(KeyEntry *entry);
    // Unlinks entry (found in the table) and frees it.
    void destroyLinked(KeyEntry *entry, Deletion reason);
    // Hands entry's value to the background thread when reason's policy says so (it frees
    // only big values there); entry is left holding an empty string.
    void releaseValue(KeyEntry *entry, Deletion reason);
    void applyExpire(KeyEntry *entry, qint64 expireAt);
    // Whether key is here and not expired, without deleting it (the watched-key checks).
    bool isLive(QByteArrayView key, qint64 nowMs);
    // For FLUSHDB and SWAPDB: touches the watched keys live here or in other.
    void touchLiveWatchedKeys(Keyspace *other);
    // Unlinks the entry without freeing it; attach() links it (into this or another database).
    KeyEntry *detach(QByteArrayView key);
    void attach(KeyEntry *entry);
    void keyAdded(QByteArrayView key)
    {
        if (m_blocking) // the whole cost of blocking while nobody waits in this database
            m_blocking->signal(key);
    }
    // SWAPDB and FLUSH: every key clients wait for (Redis's scanDatabaseForReadyKeys and
    // scanDatabaseForDeletedStreams).
    void signalWaitedKeys();
    void addVolatile(KeyEntry *entry);
    void removeVolatile(KeyEntry *entry);

    Dict<KeyEntry> m_dict;
    std::vector<KeyEntry *> m_volatile;
    quint64 m_expiredCount = 0;
    quint64 m_changes = 0;
    quint64 m_expireCycleMicros = 0;
    quint64 m_expireCycleCapReached = 0;
    double m_staleEstimate = 0;
    std::unique_ptr<WatchedKeys> m_watched;   // null while nothing is watched; never swapped
    std::unique_ptr<BlockingKeys> m_blocking; // null until a client blocks here; never swapped
    // Seconds since the epoch at the latest find(): 32 bits last until 2106. Never swapped.
    quint32 m_clock = 0;
    LazyFree *m_lazyFree = nullptr;                               // the server's; never swapped
    const ServerConfig *m_config = nullptr;                       // the server's; never swapped
    KeyInvalidator *m_invalidator = nullptr;                      // the server's; never swapped
    std::function<void(KeyEvent, QByteArrayView)> m_keyEventHook; // never swapped
    std::function<void(QByteArrayView)> m_expiredHook;            // never swapped
};
