#include "childfork.h"

#include "store/dict.h"

#include <cerrno>
#include <chrono>
#include <csignal>

#include <sys/wait.h>
#include <unistd.h>

namespace {

// Only the event loop's thread forks.
qint64 g_latestMicros = 0;
qint64 g_total = 0;

void setRunning(bool running)
{
    ChildFork::Detail::running = running;
    dictSetResizeAllowed(!running);
}

} // namespace

namespace ChildFork {

pid_t start()
{
    const auto begin = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        return 0;
    }
    if (pid > 0) {
        g_latestMicros = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::steady_clock::now() - begin)
                                 .count();
        ++g_total;
        setRunning(true);
    }
    return pid;
}

pid_t wait(pid_t pid, int *status, bool block)
{
    pid_t done;
    while ((done = ::waitpid(pid, status, block ? 0 : WNOHANG)) < 0 && errno == EINTR && block) { }
    if (done == pid || (done < 0 && errno == ECHILD))
        setRunning(false);
    return done;
}

qint64 latestMicros()
{
    return g_latestMicros;
}

qint64 total()
{
    return g_total;
}

} // namespace ChildFork
