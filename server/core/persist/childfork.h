#pragma once

#include <QtGlobal>

#include <sys/types.h>

// fork() for the persistence children (BGSAVE, BGREWRITEAOF), timed as Redis times it: the
// parent is stopped for as long as the kernel copies its page tables, which is the stall its
// clients see, so INFO reports it (latest_fork_usec, total_forks).
//
// While a child runs it shares the parent's memory copy-on-write, and every page the parent
// writes is copied. So the store avoids writes that only keep statistics or tidy up, as Redis
// does while hasActiveChildProcess(): reads do not update keys' access times, hash tables grow
// only when five times overfull and do not shrink, and idle-time rehashing waits.
namespace ChildFork {

// As ::fork(); in the child, SIGINT and SIGTERM are back to their default action so that the
// parent's handlers (which log and touch the event loop) never run there.
pid_t start();
// As ::waitpid(pid, status, block ? 0 : WNOHANG), retried on EINTR when blocking. Once the
// child is reaped (or was, by someone else: ECHILD) it no longer runs.
pid_t wait(pid_t pid, int *status, bool block);
qint64 latestMicros();
qint64 total();

namespace Detail {
inline bool running = false; // only the event loop's thread forks and reaps
}
// Whether a child started here has not been reaped yet.
inline bool isRunning()
{
    return Detail::running;
}

} // namespace ChildFork
