#include "childfork.h"

#include <chrono>
#include <csignal>

#include <unistd.h>

namespace {

// Only the event loop's thread forks.
qint64 g_latestMicros = 0;
qint64 g_total = 0;

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
    }
    return pid;
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
