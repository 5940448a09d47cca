#pragma once

#include "aggregate.h"
#include "blockingkeys.h"
#include "watchedkeys.h"

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <memory>
#include <new>
#include <vector>

// Redis's object types, in its order (OBJ_STRING, OBJ_LIST, OBJ_SET, OBJ_ZSET, OBJ_HASH).
enum class ValueType : quint8 { String, List, Set, ZSet, Hash };

// TYPE's name for a value type ("string", "list", ...).
QByteArray typeName(ValueType type);

// How Redis 7.0 would hold a string (OBJECT ENCODING, OBJECT REFCOUNT). It follows how the
// value was last written, not only what it holds: "12" stored by SET is an int, the same "12"
// after APPEND is raw. SharedInt is one of Redis's shared integers 0..9999: "int" with a
// refcount of 2147483647. Aggregates name their own encoding (Aggregate::encodingName()).
enum class StringEncoding : quint8 { Raw, Embstr, Int, SharedInt };

// One key with its value: a single allocation holding this header followed by the key bytes.
// A string lives in the header; any other type is an Aggregate the entry owns. encoding and
// accessTime fill what was padding: the header stays 56 bytes on 64-bit.
struct KeyEntry
{
    KeyEntry(quint32 keyLength, quint32 accessTime)
        : keyLength(keyLength)
        , accessTime(accessTime)
    {
        new (&value) QByteArray();
    }
    ~KeyEntry() { releaseValue(); }
    KeyEntry(const KeyEntry &) = delete;
    KeyEntry &operator=(const KeyEntry &) = delete;

    KeyEntry *next = nullptr;
    qint64 expireAt = -1; // milliseconds since the epoch, -1 for none
    union
    {
        QByteArray value;  // type String
        Aggregate *object; // every other type; owned
    };
    quint32 keyLength;
    qint32 volatileIndex = -1; // position in Keyspace's list of keys with a TTL, -1 if none
    ValueType type = ValueType::String;
    StringEncoding encoding = StringEncoding::Embstr;
    // Last access in Keyspace's seconds clock (Redis's LRU field), for OBJECT IDLETIME.
    quint32 accessTime;

    QByteArrayView key() const
    {
        return QByteArrayView(reinterpret_cast<const char *>(this + 1), keyLength);
    }
    bool hasExpire() const { return expireAt >= 0; }
    // Redis's keyIsExpired: past its time only once now is beyond it (now > expireAt).
    bool isExpired(qint64 nowMs) const { return expireAt >= 0 && expireAt < nowMs; }

    // The aggregate, as its type (the caller has checked `type`).
    template<typename T> T *as() const { return static_cast<T *>(object); }
    // Makes the value a string, freeing an aggregate it held.
    void setStringValue(QByteArray bytes)
    {
        if (type != ValueType::String) {
            releaseValue();
            new (&value) QByteArray();
            type = ValueType::String;
        }
        value = std::move(bytes);
    }
    // Makes the value an aggregate of type t, freeing what it held.
    void setObjectValue(ValueType t, std::unique_ptr<Aggregate> aggregate)
    {
        releaseValue();
        object = aggregate.release();
        type = t;
        encoding = StringEncoding::Embstr; // never SharedInt: touch() reads a shared integer
    }
    // Moves other's value (string or aggregate) here; other is left an empty string.
    void takeValue(KeyEntry &other)
    {
        if (other.type == ValueType::String) {
            setStringValue(std::move(other.value));
        } else {
            releaseValue();
            object = other.object;
            type = other.type;
            new (&other.value) QByteArray();
            other.type = ValueType::String;
        }
    }

private:
    void releaseValue()
    {
        if (type == ValueType::String)
            value.~QByteArray();
        else
            delete object;
    }
};
static_assert(sizeof(void *) != 8 || sizeof(KeyEntry) == 56,
              "KeyEntry is measured per key against redis-server: keep it at 56 bytes");

// One database: keys to values with optional expiry. A chained hash table with power-of-two
// buckets, so that SCAN can use Redis's reverse-binary cursor (every key present for the whole
// scan is returned, whatever resizes happen in between) and so that random sampling is cheap
// for active expiry and RANDOMKEY. Expired keys are removed lazily by find() and actively by
// expireCycle(). It returns statuses and never writes replies. Not thread-safe: it lives on
// the server thread.
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
    KeyEntry *setString(QByteArrayView key, QByteArray value, qint64 expireAt = -1,
                        bool keepTtl = false);
    // Redis's setKey for aggregates (SORT STORE, SUNIONSTORE, a first push...): creates or
    // replaces the key with object of type, without an expiry, accessed now.
    KeyEntry *setObject(QByteArrayView key, ValueType type, std::unique_ptr<Aggregate> object);
    // Redis's dbUnshareStringValue: a value that a command edits in place (APPEND, SETRANGE,
    // SETBIT, BITFIELD) becomes raw, whatever it was and even if the edit changes nothing.
    // In Redis that is a new object, so it counts as accessed now.
    void unshareString(KeyEntry *entry) { setEncoding(entry, StringEncoding::Raw); }
    // entry's value was replaced by one so encoded (a new object in Redis, made now).
    void setEncoding(KeyEntry *entry, StringEncoding encoding) const
    {
        entry->encoding = encoding;
        entry->accessTime = m_clock;
    }
    // Redis's tryObjectEncoding, for values stored as the client sent them (SET, MSET...):
    // an integer string2l accepts (shared when 0..9999), else embstr up to 44 bytes, else raw.
    static StringEncoding encodingOf(QByteArrayView value);
    // Redis's createStringObject, for strings the server makes (INCRBYFLOAT): never int.
    static StringEncoding createdEncoding(qsizetype length);

    // Records an access to entry (Redis's lookupKey without LOOKUP_NOTOUCH). A shared
    // integer is one object for the whole process in Redis, so its access time is too: a
    // GET of one key holding 5 resets the idle time of every key holding 5.
    void touch(KeyEntry *entry) const
    {
        if (entry->encoding == StringEncoding::SharedInt)
            touchSharedInteger(*entry, m_clock);
        else
            entry->accessTime = m_clock;
    }
    // OBJECT IDLETIME: seconds since entry (or its shared integer) was last accessed, by the
    // clock of the latest find().
    qint64 idleSeconds(const KeyEntry *entry) const;
    bool remove(QByteArrayView key);
    // Removing the expiry of a key that has none changes nothing (and tells nobody).
    void setExpire(KeyEntry *entry, qint64 expireAt);
    // FLUSHDB: the watchers of every live key are told first.
    void clear();
    // A command changed the value of key in place (APPEND, SETRANGE, INCR, SETBIT...).
    void signalModified(QByteArrayView key)
    {
        if (m_watched) // the whole cost of WATCH while no client watches this database
            m_watched->touch(key);
    }

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
    // does; SWAPDB signals the waited-for keys that the swap brought in.
    BlockingKeys &blockingKeys();
    BlockingKeys *blockingKeysIfAny() const { return m_blocking.get(); }

    qsizetype size() const { return m_size; }
    qsizetype volatileCount() const { return qsizetype(m_volatile.size()); }
    // Mean remaining TTL of keys with an expiry, in ms, estimated like Redis's avg_ttl.
    qint64 averageTtl(qint64 nowMs) const;

    // Visits one step of a full scan and returns the next cursor (0 when the scan is done).
    quint64 scan(quint64 cursor, const std::function<void(const KeyEntry &)> &visit) const;
    void forEach(const std::function<void(const KeyEntry &)> &visit) const;
    const KeyEntry *randomEntry() const;
    // Samples keys with a TTL and deletes the expired ones, as Redis's active expire cycle:
    // repeats while more than a quarter of a sample was expired and the budget allows.
    qsizetype expireCycle(qint64 nowMs, int maxSamples);

    quint64 expiredCount() const { return m_expiredCount; }
    // For INFO stats: time spent in expireCycle(), how often it stopped at its sample budget,
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
        return qint64(m_buckets.capacity() * sizeof(KeyEntry *)
                      + m_volatile.capacity() * sizeof(KeyEntry *))
                + qint64(m_size) * qint64(sizeof(KeyEntry));
    }

private:
    static void touchSharedInteger(const KeyEntry &entry, quint32 clock);
    size_t bucketOf(QByteArrayView key) const;
    KeyEntry **slotOf(QByteArrayView key);
    KeyEntry *createEntry(QByteArrayView key);
    void destroyEntry(KeyEntry *entry);
    void unlinkAndDestroy(KeyEntry **slot);
    // remove() without telling the watchers: for expired keys.
    bool erase(QByteArrayView key);
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
    // SWAPDB: the keys clients wait for that are here now (Redis's scanDatabaseForReadyKeys).
    void signalWaitedKeys();
    void addVolatile(KeyEntry *entry);
    void removeVolatile(KeyEntry *entry);
    void resize(size_t buckets);
    void shrinkIfSparse();

    std::vector<KeyEntry *> m_buckets;
    std::vector<KeyEntry *> m_volatile;
    qsizetype m_size = 0;
    size_t m_seed;
    quint64 m_expiredCount = 0;
    quint64 m_expireCycleMicros = 0;
    quint64 m_expireCycleCapReached = 0;
    double m_staleEstimate = 0;
    std::unique_ptr<WatchedKeys> m_watched;   // null while nothing is watched; never swapped
    std::unique_ptr<BlockingKeys> m_blocking; // null until a client blocks here; never swapped
    // Seconds since the epoch at the latest find(): 32 bits last until 2106. Never swapped.
    quint32 m_clock = 0;
};
