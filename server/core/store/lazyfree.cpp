#include "lazyfree.h"

#include "config/serverconfig.h"
#include "net/threadpriority.h"

LazyFree::LazyFree(const ServerConfig &config)
    : m_config(config)
    , m_thread(&LazyFree::work, this)
{ }

LazyFree::~LazyFree()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

bool LazyFree::shouldDefer(Deletion reason, const Aggregate &value) const
{
    return value.freeEffort() > EffortThreshold && isLazy(reason);
}

bool LazyFree::isLazy(Deletion reason) const
{
    switch (reason) {
    case Deletion::Server: return m_config.lazyfreeLazyServerDel;
    case Deletion::User: return m_config.lazyfreeLazyUserDel;
    case Deletion::Unlink: return true;
    case Deletion::Expire: return m_config.lazyfreeLazyExpire;
    case Deletion::Eviction: return m_config.lazyfreeLazyEviction;
    }
    return false;
}

void LazyFree::release(std::unique_ptr<Aggregate> object)
{
    // std::function needs a copyable callable: the job owns the raw pointer.
    Aggregate *raw = object.release();
    enqueue({ [raw] { delete raw; }, 1 });
}

void LazyFree::post(std::function<void()> job, qsizetype objects)
{
    enqueue({ std::move(job), objects });
}

void LazyFree::enqueue(Job job)
{
    m_pending.fetch_add(job.objects, std::memory_order_relaxed);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void LazyFree::waitIdle()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_idle.wait(lock, [this] { return m_queue.empty() && !m_busy; });
}

void LazyFree::work()
{
    // SCHED_BATCH and ten nice levels down: a share of the CPU, so memory is reclaimed on a
    // busy machine too (SCHED_IDLE starved it: a 10M-key FLUSHALL ASYNC was still pending after
    // 2 minutes beside a compiler), but on a core it shares with the serving thread, that
    // thread takes the core back as soon as a client's request wakes it.
    ThreadPriority::makeBackground(10, ThreadPriority::Policy::Batch);
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
        if (m_queue.empty()) // stopping, and nothing left to free
            return;
        Job job = std::move(m_queue.front());
        m_queue.pop_front();
        m_busy = true;
        lock.unlock();
        job.run();
        job.run = nullptr; // whatever the job captured is released off the lock too
        m_pending.fetch_sub(job.objects, std::memory_order_relaxed);
        m_freed.fetch_add(quint64(job.objects), std::memory_order_relaxed);
        lock.lock();
        m_busy = false;
        if (m_queue.empty())
            m_idle.notify_all();
    }
}
