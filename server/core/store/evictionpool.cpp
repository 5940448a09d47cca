#include "evictionpool.h"

#include "keyspace.h"

#include <cstring>
#include <limits>
#include <utility>

quint64 EvictionPool::score(const Keyspace &db, const KeyEntry &entry, EvictionPolicy policy)
{
    switch (policy) {
    case EvictionPolicy::VolatileLfu:
    case EvictionPolicy::AllkeysLfu: return 255 - db.lfuCount(&entry);
    case EvictionPolicy::VolatileTtl:
        return std::numeric_limits<quint64>::max() - quint64(entry.expireAt);
    default: return quint64(db.idleSeconds(&entry));
    }
}

void EvictionPool::populate(int dbIndex, const Keyspace &db, EvictionPolicy policy, int samples)
{
    const bool volatileOnly = EvictionPolicies::isVolatile(policy);
    for (int i = 0; i < samples; ++i) {
        const KeyEntry *entry = volatileOnly ? db.randomVolatileEntry() : db.randomEntry();
        if (!entry)
            return;
        insert(dbIndex, entry->key(), score(db, *entry, policy));
    }
}

void EvictionPool::insert(int dbIndex, QByteArrayView key, quint64 score)
{
    // The first slot whose candidate ranks at least as high: a newcomer goes below its equals,
    // as in Redis's evictionPoolPopulate.
    int k = 0;
    while (k < m_count && m_candidates[size_t(k)].score < score)
        ++k;
    for (int i = 0; i < m_count; ++i) {
        const Candidate &held = m_candidates[size_t(i)];
        if (held.dbIndex == dbIndex && held.key == key)
            return; // sampled twice: its rank has not changed enough to matter
    }
    if (k == 0 && m_count == Size)
        return; // worse than every candidate of a full pool
    if (m_count < Size) {
        // Open slot k by moving the better ones right; the spare buffer at the end goes to k.
        for (int i = m_count; i > k; --i)
            std::swap(m_candidates[size_t(i)], m_candidates[size_t(i - 1)]);
        ++m_count;
    } else {
        // Full: drop the worst (slot 0) by moving the worse ones left, reusing its buffer.
        --k;
        for (int i = 0; i < k; ++i)
            std::swap(m_candidates[size_t(i)], m_candidates[size_t(i + 1)]);
    }
    Candidate &slot = m_candidates[size_t(k)];
    slot.score = score;
    slot.dbIndex = dbIndex;
    slot.key.resize(key.size());
    if (!key.isEmpty())
        std::memcpy(slot.key.data(), key.data(), size_t(key.size()));
}

bool EvictionPool::take(int *dbIndex, QByteArray *key)
{
    if (m_count == 0)
        return false;
    Candidate &best = m_candidates[size_t(--m_count)];
    *dbIndex = best.dbIndex;
    std::swap(*key, best.key);
    return true;
}
