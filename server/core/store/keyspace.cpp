#include "keyspace.h"

#include "lfu.h"
#include "protocol/numbers.h"

#include <QDateTime>
#include <QHashFunctions>
#include <QRandomGenerator>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <new>

namespace {

// Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP and its acceptable share of stale keys (10%).
constexpr int ExpireSampleSize = 20;
constexpr int AcceptableStalePercent = 10;
// Redis's OBJ_SHARED_INTEGERS and OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
constexpr long long SharedIntegers = 10000;
constexpr qsizetype EmbstrSizeLimit = 44;

// The access times of Redis's shared integers 0..9999: like those objects, one per process
// and set when the first database is made (Redis creates them at start-up). Atomic only
// because tests run several servers in one process; relaxed order is enough for a clock.
std::atomic<quint32> sharedIntegerAccess[SharedIntegers];

void initSharedIntegerAccess()
{
    static const bool initialised = [] {
        const auto now = quint32(QDateTime::currentSecsSinceEpoch());
        for (std::atomic<quint32> &access : sharedIntegerAccess)
            access.store(now, std::memory_order_relaxed);
        return true;
    }();
    Q_UNUSED(initialised);
}

std::atomic<quint32> &sharedAccessOf(const KeyEntry &entry)
{
    long long number = 0;
    Numbers::toLongLong(entry.string(), &number); // SharedInt: always "0".."9999"
    return sharedIntegerAccess[qBound(0LL, number, SharedIntegers - 1)];
}

quint64 randomBelow(quint64 n)
{
    return QRandomGenerator::global()->bounded(n);
}

} // namespace

QByteArray typeName(ValueType type)
{
    switch (type) {
    case ValueType::String: return QByteArrayLiteral("string");
    case ValueType::List: return QByteArrayLiteral("list");
    case ValueType::Set: return QByteArrayLiteral("set");
    case ValueType::ZSet: return QByteArrayLiteral("zset");
    case ValueType::Hash: return QByteArrayLiteral("hash");
    case ValueType::Stream: return QByteArrayLiteral("stream");
    }
    return QByteArrayLiteral("none");
}

Keyspace::Keyspace()
{
    initSharedIntegerAccess();
}

Keyspace::~Keyspace()
{
    clear();
}

KeyEntry *Keyspace::createEntry(QByteArrayView key)
{
    void *memory = std::malloc(sizeof(KeyEntry) + size_t(key.size()));
    if (!memory)
        throw std::bad_alloc();
    auto *entry = new (memory) KeyEntry(quint32(key.size()), freshAccess());
    if (!key.isEmpty()) // an empty key's view may have a null data pointer
        std::memcpy(reinterpret_cast<char *>(entry + 1), key.data(), size_t(key.size()));
    return entry;
}

void Keyspace::destroyEntry(KeyEntry *entry)
{
    entry->~KeyEntry();
    std::free(entry);
}

void Keyspace::destroyLinked(KeyEntry *entry, Deletion reason)
{
    if (reason == Deletion::Expire && m_keyEventHook)
        m_keyEventHook(KeyEvent::Expired, entry->key());
    if (reason == Deletion::Expire && m_invalidator)
        m_invalidator->keyModified(entry->key(), false);
    if (reason == Deletion::Expire && m_expiredHook)
        m_expiredHook(entry->key());
    m_dict.take(entry->key());
    if (entry->hasExpire())
        removeVolatile(entry);
    releaseValue(entry, reason);
    destroyEntry(entry);
    m_dict.shrinkIfNeeded();
}

void Keyspace::releaseValue(KeyEntry *entry, Deletion reason)
{
    // A stream that goes (deleted or overwritten) wakes the XREADGROUP clients waiting on it,
    // which then fail, as Redis 7.0's dbGenericDelete signals the key.
    if (entry->type == ValueType::Stream)
        keyAdded(entry->key());
    // Only a value worth deferring leaves its entry: a small one is freed with it.
    if (m_lazyFree && entry->type != ValueType::String
        && m_lazyFree->shouldDefer(reason, *entry->object()))
        m_lazyFree->release(entry->takeObject());
}

void Keyspace::setLazyFree(LazyFree *lazyFree)
{
    m_lazyFree = lazyFree;
    if (!lazyFree) {
        m_dict.setTableFreer(nullptr);
        return;
    }
    // No objects in Redis's sense: lazyfree_pending_objects and lazyfreed_objects stay as
    // Redis reports them.
    m_dict.setTableFreer(
            [lazyFree](void *buckets) { lazyFree->post([buckets] { std::free(buckets); }, 0); });
}

KeyEntry *Keyspace::findOrCreate(QByteArrayView key, bool *added)
{
    const size_t hash = Dict<KeyEntry>::hashOf(key);
    KeyEntry *entry = m_dict.find(key, hash);
    *added = !entry;
    if (!entry) {
        entry = createEntry(key);
        m_dict.insert(entry, hash);
        if (m_keyEventHook)
            m_keyEventHook(KeyEvent::Created, key);
    }
    return entry;
}

KeyEntry *Keyspace::find(QByteArrayView key, qint64 nowMs)
{
    m_clock = quint32(nowMs / 1000);
    KeyEntry *entry = m_dict.find(key);
    if (entry && entry->isExpired(nowMs)) {
        destroyLinked(entry, Deletion::Expire);
        ++m_expiredCount;
        return nullptr;
    }
    return entry;
}

KeyEntry *Keyspace::setString(QByteArrayView key, QByteArrayView value, qint64 expireAt,
                              bool keepTtl)
{
    bool added = false;
    KeyEntry *entry = findOrCreate(key, &added);
    const quint32 oldAccess = accessField(entry);
    releaseValue(entry, Deletion::Server);
    entry->setStringValue(value);
    // A new object in Redis, made now; a shared integer is not touched by being stored.
    setEncoding(entry, encodingOf(entry->string()));
    keepLfuOnOverwrite(entry, added, oldAccess);
    if (!keepTtl)
        applyExpire(entry, expireAt);
    signalModified(key);
    return entry;
}

KeyEntry *Keyspace::setObject(QByteArrayView key, ValueType type, std::unique_ptr<Aggregate> object)
{
    bool added = false;
    KeyEntry *entry = findOrCreate(key, &added);
    const quint32 oldAccess = accessField(entry);
    releaseValue(entry, Deletion::Server);
    entry->setObjectValue(type, std::move(object));
    entry->accessTime = freshAccess();
    keepLfuOnOverwrite(entry, added, oldAccess);
    applyExpire(entry, -1);
    signalModified(key);
    if (added)
        keyAdded(key);
    return entry;
}

bool Keyspace::remove(QByteArrayView key, Deletion reason)
{
    KeyEntry *entry = m_dict.find(key);
    if (!entry)
        return false;
    destroyLinked(entry, reason);
    if (reason == Deletion::Eviction)
        signalTouched(key);
    else
        signalModified(key);
    return true;
}

KeyEntry *Keyspace::detach(QByteArrayView key)
{
    KeyEntry *entry = m_dict.take(key);
    if (!entry)
        return nullptr;
    if (entry->type == ValueType::Stream)
        keyAdded(key);
    if (entry->hasExpire())
        removeVolatile(entry);
    m_dict.shrinkIfNeeded();
    return entry;
}

void Keyspace::attach(KeyEntry *entry)
{
    const size_t hash = Dict<KeyEntry>::hashOf(entry->key());
    if (KeyEntry *old = m_dict.find(entry->key(), hash))
        destroyLinked(old, Deletion::Server);
    m_dict.insert(entry, hash);
    if (entry->hasExpire())
        addVolatile(entry);
    keyAdded(entry->key());
    if (m_keyEventHook)
        m_keyEventHook(KeyEvent::Created, entry->key());
}

bool Keyspace::rename(QByteArrayView from, QByteArrayView to)
{
    KeyEntry *old = detach(from);
    if (!old)
        return false;
    // The key lives in the entry's own allocation, so a new name needs a new entry.
    KeyEntry *entry = createEntry(to);
    entry->takeValue(*old);
    entry->expireAt = old->expireAt;
    // Redis moves the object itself, so it keeps its encoding, refcount and access time.
    entry->encoding = old->encoding;
    entry->accessTime = old->accessTime;
    destroyEntry(old);
    attach(entry);
    signalModified(from);
    signalModified(to);
    return true;
}

bool Keyspace::moveTo(QByteArrayView key, Keyspace &target)
{
    KeyEntry *entry = detach(key);
    if (!entry)
        return false;
    target.attach(entry);
    signalModified(key);
    target.signalModified(key);
    return true;
}

bool Keyspace::copyTo(QByteArrayView key, Keyspace &target, QByteArrayView newKey)
{
    const KeyEntry *source = m_dict.find(key);
    if (!source)
        return false;
    KeyEntry *entry = createEntry(newKey);
    if (source->type == ValueType::String)
        entry->setStringValue(source->string());
    else
        entry->setObjectValue(source->type, source->object()->clone());
    entry->expireAt = source->expireAt;
    // Redis's dupStringObject keeps the encoding, but a copy is never a shared integer.
    entry->encoding = source->encoding == StringEncoding::SharedInt ? StringEncoding::Int
                                                                    : source->encoding;
    entry->accessTime = target.freshAccess();
    target.attach(entry);
    target.signalModified(newKey);
    return true;
}

StringEncoding Keyspace::encodingOf(QByteArrayView value)
{
    long long number = 0;
    if (value.size() <= 20 && Numbers::toLongLong(value, &number))
        return number >= 0 && number < SharedIntegers ? StringEncoding::SharedInt
                                                      : StringEncoding::Int;
    return createdEncoding(value.size());
}

StringEncoding Keyspace::createdEncoding(qsizetype length)
{
    return length <= EmbstrSizeLimit ? StringEncoding::Embstr : StringEncoding::Raw;
}

void Keyspace::touchSharedInteger(const KeyEntry &entry) const
{
    std::atomic<quint32> &access = sharedAccessOf(entry);
    access.store(accessed(access.load(std::memory_order_relaxed)), std::memory_order_relaxed);
}

quint32 Keyspace::accessField(const KeyEntry *entry) const
{
    return entry->encoding == StringEncoding::SharedInt
            ? sharedAccessOf(*entry).load(std::memory_order_relaxed)
            : entry->accessTime;
}

void Keyspace::setEncoding(KeyEntry *entry, StringEncoding encoding) const
{
    const quint32 counter = accessField(entry);
    entry->encoding = encoding == StringEncoding::SharedInt && !sharesIntegers()
            ? StringEncoding::Int
            : encoding;
    if (usesLfu())
        setAccessField(entry, counter);
    else
        entry->accessTime = m_clock;
}

void Keyspace::replaceString(KeyEntry *entry, QByteArrayView value, StringEncoding encoding) const
{
    const quint32 oldAccess = accessField(entry);
    entry->setStringValue(value);
    setEncoding(entry, encoding);
    keepLfuOnOverwrite(entry, false, oldAccess);
}

void Keyspace::setAccessField(KeyEntry *entry, quint32 field) const
{
    // A shared integer is one object in Redis: every key holding it shares the field.
    if (entry->encoding == StringEncoding::SharedInt)
        sharedAccessOf(*entry).store(field, std::memory_order_relaxed);
    else
        entry->accessTime = field;
}

void Keyspace::keepLfuOnOverwrite(KeyEntry *entry, bool added, quint32 oldAccess) const
{
    if (!added && usesLfu())
        setAccessField(entry, oldAccess);
}

quint32 Keyspace::freshAccess() const
{
    return usesLfu() ? Lfu::initial(m_clock) : m_clock;
}

quint32 Keyspace::accessed(quint32 field) const
{
    return usesLfu() ? Lfu::accessed(field, m_clock, m_config->lfuLogFactor, m_config->lfuDecayTime)
                     : m_clock;
}

qint64 Keyspace::idleSeconds(const KeyEntry *entry, quint32 clock) const
{
    return qMax<qint64>(0, qint64(clock) - qint64(accessField(entry)));
}

quint8 Keyspace::lfuCount(const KeyEntry *entry, quint32 clock) const
{
    return Lfu::count(accessField(entry), clock, m_config ? m_config->lfuDecayTime : 1);
}

void Keyspace::restoreAccess(KeyEntry *entry, qint64 idleSeconds, int frequency, qint64 nowMs) const
{
    const quint32 clock = quint32(nowMs / 1000);
    if (usesLfu()) {
        if (frequency >= 0)
            entry->accessTime = Lfu::withCount(quint8(frequency), clock);
    } else if (idleSeconds >= 0) {
        entry->accessTime = quint32(qMax<qint64>(0, qint64(clock) - idleSeconds));
    }
}

void Keyspace::swap(Keyspace &other)
{
    touchLiveWatchedKeys(&other);
    other.touchLiveWatchedKeys(this);
    m_dict.swap(other.m_dict);
    m_volatile.swap(other.m_volatile);
    std::swap(m_expiredCount, other.m_expiredCount);
    ++m_changes;
    signalWaitedKeys();
    other.signalWaitedKeys();
}

BlockingKeys &Keyspace::blockingKeys()
{
    if (!m_blocking)
        m_blocking = std::make_unique<BlockingKeys>();
    return *m_blocking;
}

void Keyspace::signalWaitedKeys()
{
    if (!m_blocking)
        return;
    // Every one: a key the swap brought in serves its waiters, and a stream that went away
    // fails its XREADGROUP readers (Redis's scanDatabaseForDeletedStreams); waiters whose key
    // is simply missing stay as they are.
    for (const QByteArray &key : m_blocking->waitedKeys())
        m_blocking->signal(key);
}

void Keyspace::setExpire(KeyEntry *entry, qint64 expireAt)
{
    if (expireAt < 0 && !entry->hasExpire())
        return;
    applyExpire(entry, expireAt);
    signalModified(entry->key());
}

void Keyspace::applyExpire(KeyEntry *entry, qint64 expireAt)
{
    if (expireAt >= 0 && !entry->hasExpire())
        addVolatile(entry);
    else if (expireAt < 0 && entry->hasExpire())
        removeVolatile(entry);
    entry->expireAt = expireAt;
}

void Keyspace::addVolatile(KeyEntry *entry)
{
    entry->volatileIndex = qint32(m_volatile.size());
    m_volatile.push_back(entry);
}

void Keyspace::removeVolatile(KeyEntry *entry)
{
    // Swap with the last one so removal stays O(1).
    KeyEntry *last = m_volatile.back();
    m_volatile[size_t(entry->volatileIndex)] = last;
    last->volatileIndex = entry->volatileIndex;
    m_volatile.pop_back();
    entry->volatileIndex = -1;
}

void Keyspace::watch(QByteArrayView key, KeyWatcher *watcher)
{
    if (!m_watched)
        m_watched = std::make_unique<WatchedKeys>();
    m_watched->add(key, watcher);
}

void Keyspace::unwatch(QByteArrayView key, KeyWatcher *watcher)
{
    if (!m_watched)
        return;
    m_watched->remove(key, watcher);
    if (m_watched->isEmpty())
        m_watched.reset();
}

bool Keyspace::isLive(QByteArrayView key, qint64 nowMs)
{
    const KeyEntry *entry = m_dict.peek(key);
    return entry && !entry->isExpired(nowMs);
}

void Keyspace::touchLiveWatchedKeys(Keyspace *other)
{
    if (!m_watched)
        return;
    // Redis 7.0 does not count a key that has expired but is not deleted yet (observed on
    // 7.0.15: FLUSHDB after a watched key expired lets EXEC run).
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_watched->touchIf([&](QByteArrayView key) {
        return isLive(key, now) || (other && other->isLive(key, now));
    });
}

void Keyspace::clear(bool async)
{
    m_changes += quint64(m_dict.size());
    touchLiveWatchedKeys(nullptr);
    signalWaitedKeys();
    m_volatile.clear();
    if (!async || !m_lazyFree || m_dict.size() == 0) {
        m_dict.clear(destroyEntry);
        return;
    }
    // Redis's emptyDbAsync: the whole table leaves at once; this thread keeps an empty one.
    auto old = std::make_shared<Dict<KeyEntry>>();
    old->swap(m_dict);
    const qsizetype keys = old->size();
    m_lazyFree->post([old] { old->clear(destroyEntry); }, keys);
}

size_t Keyspace::memoryUsage(const KeyEntry &entry, qsizetype samples)
{
    size_t bytes = malloc_usable_size(const_cast<KeyEntry *>(&entry)) + sizeof(KeyEntry *);
    if (entry.type != ValueType::String)
        return bytes + (entry.isInlineObject ? 0 : malloc_usable_size(entry.heapObject))
                + entry.object()->memoryUsage(samples);
    // A long string's bytes live in a QArrayData block of their own.
    const QByteArray *heap = entry.heapStringIfAny();
    if (heap && heap->capacity() > 0)
        bytes += malloc_usable_size(const_cast<QByteArray *>(heap)->data_ptr().d_ptr());
    return bytes;
}

qint64 Keyspace::averageTtl(qint64 nowMs) const
{
    if (m_volatile.empty())
        return 0;
    // A bounded sample keeps INFO cheap with millions of volatile keys.
    const size_t step = qMax<size_t>(1, m_volatile.size() / 1000);
    qint64 sum = 0;
    qint64 count = 0;
    for (size_t i = 0; i < m_volatile.size(); i += step) {
        sum += qMax<qint64>(0, m_volatile[i]->expireAt - nowMs);
        ++count;
    }
    return sum / count;
}

quint64 Keyspace::scan(quint64 cursor, const std::function<void(const KeyEntry &)> &visit) const
{
    return m_dict.scan(cursor, visit);
}

void Keyspace::forEach(const std::function<void(const KeyEntry &)> &visit) const
{
    m_dict.forEach(visit);
}

const KeyEntry *Keyspace::randomEntry() const
{
    return m_dict.randomNode(randomBelow);
}

const KeyEntry *Keyspace::randomVolatileEntry() const
{
    return m_volatile.empty() ? nullptr : m_volatile[size_t(randomBelow(m_volatile.size()))];
}

bool Keyspace::rehashUntil(std::chrono::steady_clock::time_point deadline)
{
    // 100 buckets between clock reads, as Redis's dictRehashMilliseconds.
    while (m_dict.rehashSteps(100)) {
        if (std::chrono::steady_clock::now() >= deadline)
            return true;
    }
    return false;
}

qsizetype Keyspace::expireCycle(qint64 nowMs, std::chrono::steady_clock::time_point deadline,
                                bool *timedOut)
{
    const auto start = std::chrono::steady_clock::now();
    auto *random = QRandomGenerator::global();
    qsizetype removed = 0;
    *timedOut = false;
    // Redis 7.0's active-expire-effort (1..10): each step above 1 samples a quarter more keys
    // per round and tolerates one percent less of them expired.
    const long long effort = (m_config ? m_config->activeExpireEffort : 1) - 1;
    const size_t sampleSize = size_t(ExpireSampleSize + ExpireSampleSize / 4 * effort);
    const long long acceptableStale = AcceptableStalePercent - effort;
    for (int iteration = 1; !m_volatile.empty(); ++iteration) {
        const int samples = int(qMin<size_t>(m_volatile.size(), sampleSize));
        int expired = 0;
        for (int i = 0; i < samples && !m_volatile.empty(); ++i) {
            KeyEntry *entry = m_volatile[random->bounded(quint64(m_volatile.size()))];
            if (entry->isExpired(nowMs)) {
                destroyLinked(entry, Deletion::Expire);
                ++expired;
            }
        }
        removed += expired;
        m_expiredCount += quint64(expired);
        // A slow running average, as Redis keeps expired_stale_perc.
        m_staleEstimate = 0.05 * expired / samples + 0.95 * m_staleEstimate;
        if (expired * 100 <= samples * acceptableStale)
            break;
        // The clock is read every 16 rounds, as Redis does, to keep the loop cheap.
        if (iteration % 16 == 0 && std::chrono::steady_clock::now() >= deadline) {
            *timedOut = true;
            ++m_expireCycleCapReached;
            break;
        }
    }
    m_expireCycleMicros += quint64(std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::steady_clock::now() - start)
                                           .count());
    return removed;
}
