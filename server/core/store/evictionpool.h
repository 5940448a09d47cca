#pragma once

#include "evictionpolicy.h"

#include <QByteArray>
#include <QByteArrayView>

#include <array>

class Keyspace;
struct KeyEntry;

/* Redis's eviction pool (evict.c): the best candidates seen by recent samples, kept between
 * evictions, so that approximated LRU/LFU/TTL eviction gets close to the exact order without
 * a per-key list. Each populate() samples a few keys of one database (all keys, or only those
 * with a TTL under a volatile-* policy) and keeps those that rank above the pool's worst; take()
 * hands out the best. Candidates are names, not pointers: a key deleted or changed since it was
 * sampled is simply looked up again by the caller. Not thread-safe.
 */
class EvictionPool
{
public:
    static constexpr int Size = 16; // Redis's EVPOOL_SIZE

    // Samples `samples` keys of db (database number dbIndex) and merges them in, ranked for
    // policy (which must use the pool: EvictionPolicies::usesPool()).
    void populate(int dbIndex, const Keyspace &db, EvictionPolicy policy, int samples);
    // Moves the best candidate out into *dbIndex and *key; false when the pool is empty.
    bool take(int *dbIndex, QByteArray *key);
    // How many candidates are held.
    int count() const { return m_count; }
    void clear() { m_count = 0; }

    // The rank of entry under policy, higher goes first: LRU idle seconds, 255 minus the LFU
    // counter, or the nearness of the expiry.
    static quint64 score(const Keyspace &db, const KeyEntry &entry, EvictionPolicy policy);

private:
    void insert(int dbIndex, QByteArrayView key, quint64 score);

    struct Candidate
    {
        quint64 score = 0;
        int dbIndex = 0;
        QByteArray key; // its buffer is reused as candidates move in and out
    };
    // Ascending by score: the best is at m_count - 1.
    std::array<Candidate, Size> m_candidates;
    int m_count = 0;
};
