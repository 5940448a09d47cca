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
//
// The child tells the parent how far it got through a pipe, as Redis's child info pipe: the
// keys written so far (about once a second) and the memory the copy-on-write cost it (its
// private dirty pages, read at most 1% of the time), which INFO shows (current_save_keys_*,
// current_fork_perc, current_cow_*, rdb_last_cow_size, aof_last_cow_size).
namespace ChildFork {

// As ::fork(); in the child, SIGINT and SIGTERM are back to their default action so that the
// parent's handlers (which log and touch the event loop) never run there. keysTotal: the keys
// the child will write; name: what it does, in the log ("RDB", "AOF rewrite").
pid_t start(qint64 keysTotal, const char *name);
// As ::waitpid(pid, status, block ? 0 : WNOHANG), retried on EINTR when blocking. Reads what
// the child reported first. Once the child is reaped (or was, by someone else: ECHILD) it no
// longer runs.
pid_t wait(pid_t pid, int *status, bool block);
qint64 latestMicros();
qint64 total();

// In the child: one more key written (reported every 1024 keys, at most once a second).
void keyWritten();
// In the child: reports the copy-on-write it cost, then _exit(code) (no destructor runs).
[[noreturn]] void exit(int code);

// In the parent, while a child runs (all 0 otherwise), as of its latest report.
struct Progress
{
    qint64 keysProcessed = 0;
    qint64 keysTotal = 0;
    qint64 cowBytes = 0;
    qint64 cowPeakBytes = 0;
    qint64 cowAgeSeconds = 0; // since cowBytes was read
};
Progress progress();
// The copy-on-write the last child that finished reported at its end; -1 if it ended without
// reporting (killed).
qint64 lastCowBytes();

namespace Detail {
inline bool running = false; // only the event loop's thread forks and reaps
}
// Whether a child started here has not been reaped yet.
inline bool isRunning()
{
    return Detail::running;
}

} // namespace ChildFork
