#pragma once

#include "config/serverconfig.h"

// Redis's setOOMScoreAdj: under oom-score-adj (relative or absolute) the process's
// /proc/self/oom_score_adj is set from oom-score-adj-values, the first for the server, the
// third for a BGSAVE or AOF rewrite child (so the kernel's OOM killer picks a child before
// the server); relative values are added to the score the process had before qkv first
// changed it, and "no" puts that score back.
namespace OomScore {

// Which of oom-score-adj-values applies (Redis's CONFIG_OOM_MASTER, _REPLICA, _BGCHILD).
enum class ProcessClass { Primary = 0, Replica = 1, BackgroundChild = 2 };

// Sets this process's score from config (and remembers config for children). False, with
// Redis's log line, when /proc/self/oom_score_adj cannot be read or written (lowering it
// needs CAP_SYS_RESOURCE); nothing is changed then.
bool apply(const ServerConfig &config, ProcessClass processClass = ProcessClass::Primary);
// In a fork child: the background child's score from what apply() was last given.
void enterBackgroundChild();

} // namespace OomScore
