#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <vector>

enum class ValueType : quint8
{
    String
};

// One key with its value: a single allocation holding this header followed by the key bytes.
struct KeyEntry
{
    KeyEntry *next;
    qint64 expireAt; // milliseconds since the epoch, -1 for none
    QByteArray value;
    quint32 keyLength;
    qint32 volatileIndex; // position in Keyspace's list of keys with a TTL, -1 if none
    ValueType type;

    QByteArrayView key() const
    {
        return QByteArrayView(reinterpret_cast<const char *>(this + 1), keyLength);
    }
    bool hasExpire() const { return expireAt >= 0; }
};

// One database: keys to values with optional expiry. A chained hash table with power-of-two
// buckets, so that SCAN can use Redis's reverse-binary cursor (every key present for the whole
// scan is returned, whatever resizes happen in between) and so that random sampling is cheap
// for active expiry and RANDOMKEY. Expired keys are removed lazily by find() and actively by
// expireCycle(). It returns statuses and never writes replies. Not thread-safe: it lives on
// the server thread.
class Keyspace
{
public:
    Keyspace();
    ~Keyspace();
    Keyspace(const Keyspace &) = delete;
    Keyspace &operator=(const Keyspace &) = delete;

    // The live entry for key, or nullptr. An expired key is deleted on the way.
    KeyEntry *find(QByteArrayView key, qint64 nowMs);
    // Replaces or creates the key as a string. keepTtl keeps an existing expiry; otherwise the
    // expiry becomes expireAt (-1 for none).
    KeyEntry *setString(QByteArrayView key, QByteArray value, qint64 expireAt = -1,
                        bool keepTtl = false);
    bool remove(QByteArrayView key);
    void setExpire(KeyEntry *entry, qint64 expireAt);
    void clear();

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

private:
    size_t bucketOf(QByteArrayView key) const;
    KeyEntry **slotOf(QByteArrayView key);
    KeyEntry *createEntry(QByteArrayView key);
    void destroyEntry(KeyEntry *entry);
    void unlinkAndDestroy(KeyEntry **slot);
    void addVolatile(KeyEntry *entry);
    void removeVolatile(KeyEntry *entry);
    void resize(size_t buckets);
    void shrinkIfSparse();

    std::vector<KeyEntry *> m_buckets;
    std::vector<KeyEntry *> m_volatile;
    qsizetype m_size = 0;
    size_t m_seed;
    quint64 m_expiredCount = 0;
};
