#pragma once

#include "evictionpool.h"

#include <QTimer>

#include <chrono>

class Server;

/* maxmemory (Redis's evict.c): when used memory (AllocationCounter) is over maxmemory, keys go
 * by maxmemory-policy until it is not, before each command (Connection::execute) and, when that
 * runs out of its time budget (maxmemory-eviction-tenacity), from a zero-interval timer until
 * done. An evicted key is deleted as lazyfree-lazy-eviction says, notified as `evicted`
 * (class e), invalidated for tracking clients and WATCHers (Keyspace::remove), counted in
 * INFO's evicted_keys and propagated as DEL (UNLINK when lazy), as Redis does.
 */
class Evictor
{
public:
    enum class Result {
        Ok,      // under the limit, or no limit
        Running, // over it, but the time budget ran out: the timer goes on
        Fail,    // over it and nothing left to evict (or noeviction): denyoom commands fail
    };
    // Redis's shared.oomerr.
    static constexpr char OomError[] = "OOM command not allowed when used memory > 'maxmemory'.";

    explicit Evictor(Server &server);
    Evictor(const Evictor &) = delete;
    Evictor &operator=(const Evictor &) = delete;

    // Redis's performEvictions.
    Result performEvictions();
    // Redis's freeMemoryGetNotCountedMemory: memory that the limit does not count, because it
    // is about to be freed by itself: the append-only file's buffer, written out before the
    // replies of this round leave (qkv has no replicas, whose output Redis leaves out too).
    // Evicting keys for it would empty the cache after every burst of big writes.
    qint64 notCountedBytes() const;
    // Evicts from the timer, after the current command: a lower maxmemory set by CONFIG SET
    // (evicting inside the command would count as its changes and propagate it).
    void scheduleEvictions() { m_timer.start(); }
    // Redis's evictionTimeLimitUs for maxmemory-eviction-tenacity (0..100): 50 us per step up
    // to 10, then 15% more per step, unlimited at 100.
    static std::chrono::microseconds timeLimit(long long tenacity);

    // Redis's server.script_oom: whether memory was over the limit when the current script (or
    // EXEC) began; its first write of a denyoom command fails then.
    bool scriptOom() const { return m_scriptOom; }
    void setScriptOom(bool oom) { m_scriptOom = oom; }

    // INFO stats: keys evicted, and ms spent over maxmemory (all, and the current stretch).
    quint64 evictedKeys() const { return m_evictedKeys; }
    qint64 totalExceededMs() const;
    qint64 currentExceededMs() const;
    void resetStats();

private:
    // Deletes the best key to evict; false when there is none.
    bool evictOne();
    bool pickPooled(int *dbIndex, QByteArray *key);
    bool pickRandom(int *dbIndex, QByteArray *key);
    void overLimit(bool over);
    // Used memory as the limit sees it (less notCountedBytes()).
    qint64 countedBytes() const;

    Server &m_server;
    EvictionPool m_pool;
    QTimer m_timer; // Redis's evictionTimeProc, while a run ran out of time
    int m_nextRandomDb = 0;
    bool m_scriptOom = false;
    quint64 m_evictedKeys = 0;
    qint64 m_exceededMs = 0;
    std::chrono::steady_clock::time_point m_exceededSince {}; // zero while under the limit
};
