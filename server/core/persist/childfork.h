#pragma once

#include <QtGlobal>

#include <sys/types.h>

// fork() for the persistence children (BGSAVE, BGREWRITEAOF), timed as Redis times it: the
// parent is stopped for as long as the kernel copies its page tables, which is the stall its
// clients see, so INFO reports it (latest_fork_usec, total_forks).
namespace ChildFork {

// As ::fork(); in the child, SIGINT and SIGTERM are back to their default action so that the
// parent's handlers (which log and touch the event loop) never run there.
pid_t start();
qint64 latestMicros();
qint64 total();

} // namespace ChildFork
