#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

// appendfsync everysec's fsync off the event loop (Redis's bio AOF fsync job): one thread that
// fsyncs the file descriptor it is given, one request at a time.
class FsyncWorker
{
public:
    FsyncWorker();
    ~FsyncWorker(); // waits for a running fsync
    FsyncWorker(const FsyncWorker &) = delete;
    FsyncWorker &operator=(const FsyncWorker &) = delete;

    // Asks for an fsync of fd; false (nothing asked) while the previous one still runs.
    bool request(int fd);
    bool isBusy() const;
    // Blocks until no fsync runs (before fd is closed or replaced).
    void wait();

private:
    void run();

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    int m_fd = -1; // the fd to fsync; -1 when idle
    bool m_quit = false;
    std::thread m_thread;
};
