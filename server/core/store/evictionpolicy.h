#pragma once

#include <QtGlobal>

// maxmemory-policy: which keys go when used memory is over maxmemory (Redis's MAXMEMORY_*), in
// the order Redis's CONFIG SET error lists them.
enum class EvictionPolicy : quint8 {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    NoEviction,
};

namespace EvictionPolicies {

inline constexpr EvictionPolicy All[] = {
    EvictionPolicy::VolatileLru,   EvictionPolicy::VolatileLfu, EvictionPolicy::VolatileRandom,
    EvictionPolicy::VolatileTtl,   EvictionPolicy::AllkeysLru,  EvictionPolicy::AllkeysLfu,
    EvictionPolicy::AllkeysRandom, EvictionPolicy::NoEviction,
};

// The policy's name in the configuration ("allkeys-lru").
inline const char *name(EvictionPolicy policy)
{
    static const char *const names[] = {
        "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
        "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction",
    };
    return names[int(policy)];
}

// Keys' access fields hold an LFU counter instead of a clock (Redis's MAXMEMORY_FLAG_LFU).
inline bool isLfu(EvictionPolicy policy)
{
    return policy == EvictionPolicy::VolatileLfu || policy == EvictionPolicy::AllkeysLfu;
}
// Keys' access fields hold the clock of their last access and eviction picks the least
// recently used (Redis's MAXMEMORY_FLAG_LRU; a snapshot saves each key's idle time then).
inline bool isLru(EvictionPolicy policy)
{
    return policy == EvictionPolicy::VolatileLru || policy == EvictionPolicy::AllkeysLru;
}
// Only keys with a TTL may go.
inline bool isVolatile(EvictionPolicy policy)
{
    return policy <= EvictionPolicy::VolatileTtl;
}
// Candidates are ranked in the eviction pool (LRU, LFU, TTL), not drawn at random.
inline bool usesPool(EvictionPolicy policy)
{
    return policy != EvictionPolicy::VolatileRandom && policy != EvictionPolicy::AllkeysRandom
            && policy != EvictionPolicy::NoEviction;
}
// Redis's MAXMEMORY_FLAG_NO_SHARED_INTEGERS: with maxmemory set under an LRU or LFU policy every
// integer value is its own object, so that each key keeps its own access time.
inline bool avoidsSharedIntegers(EvictionPolicy policy)
{
    return isLru(policy) || isLfu(policy);
}

} // namespace EvictionPolicies
