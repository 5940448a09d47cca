#pragma once

#include "aggregate.h"

#include <QtGlobal>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

struct ServerConfig;

// Why a key's value is being dropped: each reason has its own lazyfree-lazy-* parameter
// (UNLINK and FLUSH ... ASYNC are always lazy).
enum class Deletion : quint8 {
    Server,   // an overwrite or an implicit delete (SET over a key, RENAME's target, an emptied
              // aggregate): lazyfree-lazy-server-del
    User,     // DEL: lazyfree-lazy-user-del
    Unlink,   // UNLINK: always
    Expire,   // lazy and active expiry: lazyfree-lazy-expire
    Eviction, // maxmemory: lazyfree-lazy-eviction
};

// Redis's lazyfree: values too big to free within a request are handed to a background
// thread, so that deleting a million-element hash or flushing ten million keys costs the
// event loop microseconds. Only memory no other thread can reach is handed over (an Aggregate
// taken out of its entry, a whole table swapped out of a database), so the thread needs no
// lock beyond its queue.
class LazyFree
{
public:
    // Redis's LAZYFREE_THRESHOLD: values whose free effort (allocations to release) is at or
    // below this are freed at once, as queueing would cost more.
    static constexpr qsizetype EffortThreshold = 64;

    explicit LazyFree(const ServerConfig &config);
    // Finishes every queued job first: nothing handed over is leaked at exit.
    ~LazyFree();
    LazyFree(const LazyFree &) = delete;
    LazyFree &operator=(const LazyFree &) = delete;

    // Whether value, dropped for this reason, goes to the thread: the reason's lazyfree-lazy-*
    // parameter is on (per the live configuration) and freeing it costs above EffortThreshold.
    bool shouldDefer(Deletion reason, const Aggregate &value) const;
    // Frees object on the thread.
    void release(std::unique_ptr<Aggregate> object);
    // Runs job (freeing `objects` keys' worth of memory) on the thread: FLUSHALL ASYNC.
    void post(std::function<void()> job, qsizetype objects);
    // Waits until the queue is empty and the thread idle (tests, DEBUG-like waits).
    void waitIdle();

    // INFO memory: objects queued and not yet freed, and freed since start/CONFIG RESETSTAT.
    qsizetype pendingObjects() const { return m_pending.load(std::memory_order_relaxed); }
    quint64 freedObjects() const { return m_freed.load(std::memory_order_relaxed); }
    void resetStats() { m_freed.store(0, std::memory_order_relaxed); }

private:
    bool isLazy(Deletion reason) const;

    struct Job
    {
        std::function<void()> run;
        qsizetype objects;
    };
    void enqueue(Job job);
    void work();

    const ServerConfig &m_config;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<Job> m_queue;
    bool m_busy = false;
    bool m_stopping = false;
    std::atomic<qsizetype> m_pending { 0 };
    std::atomic<quint64> m_freed { 0 };
    std::thread m_thread; // last: starts once the members above exist
};
