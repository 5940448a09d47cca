#include "evictor.h"

#include "keyspace.h"
#include "net/server.h"
#include "observe/allocationcounter.h"
#include "persist/persistence.h"
#include "pubsub/keyspaceevents.h"

#include <cmath>
#include <limits>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

// Keys evicted between checks of the clock (and, when lazy, of the memory already freed).
constexpr int CheckEvery = 16;

qint64 msSince(Clock::time_point since)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

} // namespace

Evictor::Evictor(Server &server)
    : m_server(server)
{
    m_timer.setInterval(0);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
        if (performEvictions() != Result::Running)
            m_timer.stop();
    });
}

std::chrono::microseconds Evictor::timeLimit(long long tenacity)
{
    if (tenacity <= 10)
        return std::chrono::microseconds(50 * tenacity);
    if (tenacity < 100)
        return std::chrono::microseconds(qint64(500.0 * std::pow(1.15, double(tenacity) - 10.0)));
    return std::chrono::microseconds::max();
}

Evictor::Result Evictor::performEvictions()
{
    const ServerConfig &config = m_server.config();
    // Redis's isSafeToPerformEvictions: while clients are paused the dataset stays as it is.
    if (config.maxmemory <= 0 || m_server.pauseMode() != Server::PauseMode::None)
        return Result::Ok;
    // The cheap test first, as Redis's getMaxmemoryState: what is not counted is looked at only
    // when the total is over.
    if (AllocationCounter::usedBytes() <= config.maxmemory) {
        overLimit(false);
        return Result::Ok;
    }
    const qint64 used = countedBytes();
    if (used <= config.maxmemory) {
        overLimit(false);
        return Result::Ok;
    }
    overLimit(true);
    if (config.maxmemoryPolicy == EvictionPolicy::NoEviction)
        return Result::Fail;
    const qint64 toFree = used - config.maxmemory;
    const auto budget = timeLimit(config.maxmemoryEvictionTenacity);
    const Clock::time_point start = Clock::now();
    qint64 freed = 0;
    qint64 evicted = 0;
    Result result = Result::Ok;
    while (freed < toFree) {
        const qint64 before = AllocationCounter::usedBytes();
        if (!evictOne()) {
            result = Result::Fail;
            break;
        }
        freed += before - AllocationCounter::usedBytes();
        if (++evicted % CheckEvery != 0)
            continue;
        // Values freed on the lazy-free thread are not counted above: ask the counter itself.
        if (config.lazyfreeLazyEviction && countedBytes() <= config.maxmemory)
            break;
        if (Clock::now() - start > budget) {
            m_timer.start();
            result = Result::Running;
            break;
        }
    }
    // Nothing left to evict, but values may still be on their way out on the lazy-free thread:
    // wait for them a little (the time budget, at most a second), as Redis does.
    if (result == Result::Fail && m_server.lazyFree().pendingObjects() > 0) {
        std::this_thread::sleep_for(
                qMin<std::chrono::microseconds>(budget, std::chrono::seconds(1)));
        if (countedBytes() <= config.maxmemory)
            result = Result::Ok;
    }
    if (result == Result::Ok)
        overLimit(countedBytes() > config.maxmemory);
    return result;
}

qint64 Evictor::notCountedBytes() const
{
    return m_server.isPropagating() ? m_server.persistence().aof().bufferAllocated() : 0;
}

qint64 Evictor::countedBytes() const
{
    return qMax<qint64>(0, AllocationCounter::usedBytes() - notCountedBytes());
}

bool Evictor::evictOne()
{
    const ServerConfig &config = m_server.config();
    int dbIndex = 0;
    QByteArray key;
    const bool found = EvictionPolicies::usesPool(config.maxmemoryPolicy)
            ? pickPooled(&dbIndex, &key)
            : pickRandom(&dbIndex, &key);
    if (!found)
        return false;
    const bool lazy = config.lazyfreeLazyEviction;
    m_server.database(dbIndex).remove(key, Deletion::Eviction);
    ++m_evictedKeys;
    KeyspaceEvents::notify(m_server, KeyspaceEvents::Evicted, "evicted", key, dbIndex);
    // Redis's propagateDeletion.
    if (m_server.isPropagating())
        m_server.propagate(dbIndex, { lazy ? "UNLINK" : "DEL", key });
    return true;
}

bool Evictor::pickPooled(int *dbIndex, QByteArray *key)
{
    const ServerConfig &config = m_server.config();
    const EvictionPolicy policy = config.maxmemoryPolicy;
    const bool volatileOnly = EvictionPolicies::isVolatile(policy);
    for (;;) {
        qsizetype candidates = 0;
        for (int i = 0; i < m_server.databaseCount(); ++i) {
            const Keyspace &db = m_server.database(i);
            const qsizetype keys = volatileOnly ? db.volatileCount() : db.size();
            if (keys == 0)
                continue;
            m_pool.populate(i, db, policy, int(config.maxmemorySamples));
            candidates += keys;
        }
        if (candidates == 0)
            return false;
        // The best candidate that is still there (and still has a TTL, for volatile-*): the
        // pool may hold keys deleted or persisted since they were sampled.
        while (m_pool.take(dbIndex, key)) {
            const KeyEntry *entry = m_server.database(*dbIndex).peek(*key);
            if (entry && (!volatileOnly || entry->hasExpire()))
                return true;
        }
    }
}

bool Evictor::pickRandom(int *dbIndex, QByteArray *key)
{
    const bool volatileOnly = EvictionPolicies::isVolatile(m_server.config().maxmemoryPolicy);
    // One database after another, so that each gives up keys in turn.
    for (int i = 0; i < m_server.databaseCount(); ++i) {
        const int index = m_nextRandomDb++ % m_server.databaseCount();
        const Keyspace &db = m_server.database(index);
        const KeyEntry *entry = volatileOnly ? db.randomVolatileEntry() : db.randomEntry();
        if (entry) {
            *dbIndex = index;
            *key = entry->key().toByteArray();
            return true;
        }
    }
    return false;
}

void Evictor::overLimit(bool over)
{
    const bool wasOver = m_exceededSince != Clock::time_point();
    if (over && !wasOver) {
        m_exceededSince = Clock::now();
    } else if (!over && wasOver) {
        m_exceededMs += msSince(m_exceededSince);
        m_exceededSince = Clock::time_point();
    }
}

qint64 Evictor::currentExceededMs() const
{
    return m_exceededSince == Clock::time_point() ? 0 : msSince(m_exceededSince);
}

qint64 Evictor::totalExceededMs() const
{
    return m_exceededMs + currentExceededMs();
}

void Evictor::resetStats()
{
    m_evictedKeys = 0;
    m_exceededMs = 0;
    if (m_exceededSince != Clock::time_point())
        m_exceededSince = Clock::now();
}
