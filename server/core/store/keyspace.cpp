#include "keyspace.h"

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

constexpr size_t MinBuckets = 16;
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
    Numbers::toLongLong(entry.value, &number); // SharedInt: always "0".."9999"
    return sharedIntegerAccess[qBound(0LL, number, SharedIntegers - 1)];
}

quint64 reverseBits(quint64 v)
{
    quint64 r = 0;
    for (int i = 0; i < 64; ++i) {
        r = (r << 1) | (v & 1);
        v >>= 1;
    }
    return r;
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
    }
    return QByteArrayLiteral("none");
}

Keyspace::Keyspace()
    : m_buckets(MinBuckets, nullptr)
    , m_seed(QRandomGenerator::system()->generate64())
{
    initSharedIntegerAccess();
}

Keyspace::~Keyspace()
{
    clear();
}

size_t Keyspace::bucketOf(QByteArrayView key) const
{
    return qHash(key, m_seed) & (m_buckets.size() - 1);
}

KeyEntry **Keyspace::slotOf(QByteArrayView key)
{
    KeyEntry **slot = &m_buckets[bucketOf(key)];
    while (*slot && (*slot)->key() != key)
        slot = &(*slot)->next;
    return slot;
}

KeyEntry *Keyspace::createEntry(QByteArrayView key)
{
    void *memory = std::malloc(sizeof(KeyEntry) + size_t(key.size()));
    if (!memory)
        throw std::bad_alloc();
    auto *entry = new (memory) KeyEntry(quint32(key.size()), m_clock);
    std::memcpy(reinterpret_cast<char *>(entry + 1), key.data(), size_t(key.size()));
    return entry;
}

void Keyspace::destroyEntry(KeyEntry *entry)
{
    entry->~KeyEntry();
    std::free(entry);
}

void Keyspace::unlinkAndDestroy(KeyEntry **slot)
{
    KeyEntry *entry = *slot;
    *slot = entry->next;
    if (entry->hasExpire())
        removeVolatile(entry);
    destroyEntry(entry);
    --m_size;
}

KeyEntry *Keyspace::find(QByteArrayView key, qint64 nowMs)
{
    m_clock = quint32(nowMs / 1000);
    KeyEntry **slot = slotOf(key);
    KeyEntry *entry = *slot;
    if (entry && entry->isExpired(nowMs)) {
        unlinkAndDestroy(slot);
        ++m_expiredCount;
        shrinkIfSparse();
        return nullptr;
    }
    return entry;
}

KeyEntry *Keyspace::setString(QByteArrayView key, QByteArray value, qint64 expireAt, bool keepTtl)
{
    KeyEntry **slot = slotOf(key);
    KeyEntry *entry = *slot;
    if (!entry) {
        entry = createEntry(key);
        *slot = entry;
        if (++m_size > qsizetype(m_buckets.size()))
            resize(m_buckets.size() * 2);
    }
    entry->setStringValue(std::move(value));
    // A new object in Redis, made now; a shared integer is not touched by being stored.
    setEncoding(entry, encodingOf(entry->value));
    if (!keepTtl)
        applyExpire(entry, expireAt);
    signalModified(key);
    return entry;
}

KeyEntry *Keyspace::setObject(QByteArrayView key, ValueType type, std::unique_ptr<Aggregate> object)
{
    KeyEntry **slot = slotOf(key);
    KeyEntry *entry = *slot;
    const bool added = !entry;
    if (added) {
        entry = createEntry(key);
        *slot = entry;
        if (++m_size > qsizetype(m_buckets.size()))
            resize(m_buckets.size() * 2);
    }
    entry->setObjectValue(type, std::move(object));
    entry->accessTime = m_clock;
    applyExpire(entry, -1);
    signalModified(key);
    if (added)
        keyAdded(key);
    return entry;
}

bool Keyspace::remove(QByteArrayView key)
{
    if (!erase(key))
        return false;
    signalModified(key);
    return true;
}

bool Keyspace::erase(QByteArrayView key)
{
    KeyEntry **slot = slotOf(key);
    if (!*slot)
        return false;
    unlinkAndDestroy(slot);
    shrinkIfSparse();
    return true;
}

KeyEntry *Keyspace::detach(QByteArrayView key)
{
    KeyEntry **slot = slotOf(key);
    KeyEntry *entry = *slot;
    if (!entry)
        return nullptr;
    *slot = entry->next;
    entry->next = nullptr;
    if (entry->hasExpire())
        removeVolatile(entry);
    --m_size;
    return entry;
}

void Keyspace::attach(KeyEntry *entry)
{
    KeyEntry **slot = slotOf(entry->key());
    if (*slot)
        unlinkAndDestroy(slot);
    slot = &m_buckets[bucketOf(entry->key())];
    entry->next = *slot;
    *slot = entry;
    if (entry->hasExpire())
        addVolatile(entry);
    if (++m_size > qsizetype(m_buckets.size()))
        resize(m_buckets.size() * 2);
    keyAdded(entry->key());
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
    shrinkIfSparse();
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
    shrinkIfSparse();
    signalModified(key);
    target.signalModified(key);
    return true;
}

bool Keyspace::copyTo(QByteArrayView key, Keyspace &target, QByteArrayView newKey)
{
    const KeyEntry *source = *slotOf(key);
    if (!source)
        return false;
    KeyEntry *entry = createEntry(newKey);
    if (source->type == ValueType::String)
        entry->setStringValue(source->value); // implicitly shared: copied on the next write
    else
        entry->setObjectValue(source->type, source->object->clone());
    entry->expireAt = source->expireAt;
    // Redis's dupStringObject keeps the encoding, but a copy is never a shared integer.
    entry->encoding = source->encoding == StringEncoding::SharedInt ? StringEncoding::Int
                                                                    : source->encoding;
    entry->accessTime = target.m_clock;
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

void Keyspace::touchSharedInteger(const KeyEntry &entry, quint32 clock)
{
    sharedAccessOf(entry).store(clock, std::memory_order_relaxed);
}

qint64 Keyspace::idleSeconds(const KeyEntry *entry) const
{
    const quint32 access = entry->encoding == StringEncoding::SharedInt
            ? sharedAccessOf(*entry).load(std::memory_order_relaxed)
            : entry->accessTime;
    return qMax<qint64>(0, qint64(m_clock) - qint64(access));
}

void Keyspace::swap(Keyspace &other)
{
    touchLiveWatchedKeys(&other);
    other.touchLiveWatchedKeys(this);
    m_buckets.swap(other.m_buckets);
    m_volatile.swap(other.m_volatile);
    std::swap(m_size, other.m_size);
    std::swap(m_seed, other.m_seed);
    std::swap(m_expiredCount, other.m_expiredCount);
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
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QByteArray &key : m_blocking->waitedKeys()) {
        if (isLive(key, now))
            m_blocking->signal(key);
    }
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
    const KeyEntry *entry = *slotOf(key);
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

void Keyspace::clear()
{
    touchLiveWatchedKeys(nullptr);
    for (KeyEntry *&head : m_buckets) {
        while (head) {
            KeyEntry *next = head->next;
            destroyEntry(head);
            head = next;
        }
    }
    m_volatile.clear();
    m_size = 0;
    m_buckets.assign(MinBuckets, nullptr);
}

void Keyspace::resize(size_t buckets)
{
    std::vector<KeyEntry *> old(buckets, nullptr);
    old.swap(m_buckets);
    for (KeyEntry *head : old) {
        while (head) {
            KeyEntry *next = head->next;
            KeyEntry *&slot = m_buckets[bucketOf(head->key())];
            head->next = slot;
            slot = head;
            head = next;
        }
    }
}

void Keyspace::shrinkIfSparse()
{
    const size_t buckets = m_buckets.size();
    if (buckets > MinBuckets && size_t(m_size) * 8 < buckets)
        resize(qMax(MinBuckets, buckets / 2));
}

size_t Keyspace::memoryUsage(const KeyEntry &entry, qsizetype samples)
{
    size_t bytes = malloc_usable_size(const_cast<KeyEntry *>(&entry)) + sizeof(KeyEntry *);
    if (entry.type != ValueType::String)
        return bytes + sizeof(*entry.object) + entry.object->memoryUsage(samples);
    // A string's bytes live in a QArrayData block of their own (none for an empty one).
    if (entry.value.capacity() > 0)
        bytes += malloc_usable_size(const_cast<QByteArray &>(entry.value).data_ptr().d_ptr());
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
    if (m_size == 0)
        return 0;
    const quint64 mask = m_buckets.size() - 1;
    for (const KeyEntry *entry = m_buckets[cursor & mask]; entry; entry = entry->next)
        visit(*entry);
    // Increment the reversed cursor: buckets are visited in an order that survives resizing.
    cursor |= ~mask;
    cursor = reverseBits(cursor);
    ++cursor;
    return reverseBits(cursor);
}

void Keyspace::forEach(const std::function<void(const KeyEntry &)> &visit) const
{
    for (const KeyEntry *head : m_buckets) {
        for (const KeyEntry *entry = head; entry; entry = entry->next)
            visit(*entry);
    }
}

const KeyEntry *Keyspace::randomEntry() const
{
    if (m_size == 0)
        return nullptr;
    auto *random = QRandomGenerator::global();
    const KeyEntry *head = nullptr;
    while (!head)
        head = m_buckets[random->bounded(quint64(m_buckets.size()))];
    int length = 0;
    for (const KeyEntry *e = head; e; e = e->next)
        ++length;
    int pick = int(random->bounded(length));
    while (pick--)
        head = head->next;
    return head;
}

qsizetype Keyspace::expireCycle(qint64 nowMs, int maxSamples)
{
    const auto start = std::chrono::steady_clock::now();
    auto *random = QRandomGenerator::global();
    qsizetype removed = 0;
    int budget = maxSamples;
    for (;;) {
        constexpr int SampleSize = 20;
        int expired = 0;
        int sampled = 0;
        for (; sampled < SampleSize && !m_volatile.empty() && budget > 0; ++sampled, --budget) {
            KeyEntry *entry = m_volatile[random->bounded(quint64(m_volatile.size()))];
            if (entry->isExpired(nowMs)) {
                erase(entry->key()); // the view is used before the entry is freed
                ++expired;
            }
        }
        removed += expired;
        m_expiredCount += quint64(expired);
        if (sampled > 0) // a slow running average, as Redis keeps it
            m_staleEstimate = 0.05 * expired / sampled + 0.95 * m_staleEstimate;
        if (sampled == 0 || expired * 4 <= sampled || budget <= 0) {
            if (budget <= 0 && sampled > 0)
                ++m_expireCycleCapReached;
            break;
        }
    }
    m_expireCycleMicros += quint64(std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::steady_clock::now() - start)
                                           .count());
    return removed;
}
