#include "fsyncworker.h"

#include <unistd.h>

FsyncWorker::FsyncWorker()
    : m_thread([this] { run(); })
{ }

FsyncWorker::~FsyncWorker()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

bool FsyncWorker::request(int fd)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_fd >= 0)
            return false;
        m_fd = fd;
    }
    m_wake.notify_one();
    return true;
}

bool FsyncWorker::isBusy() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_fd >= 0;
}

void FsyncWorker::wait()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_idle.wait(lock, [this] { return m_fd < 0; });
}

void FsyncWorker::run()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_quit || m_fd >= 0; });
        if (m_fd < 0 && m_quit)
            return;
        const int fd = m_fd;
        lock.unlock();
        ::fdatasync(fd);
        lock.lock();
        m_fd = -1;
        m_idle.notify_all();
    }
}
