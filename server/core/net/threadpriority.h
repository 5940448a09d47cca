#pragma once

// Work that must never hold up a client's reply (the dashboard's window, freeing memory in
// the background) runs at a lower priority than the serving thread, so that where they share a
// core the serving thread wins it as soon as it wakes, while they still get a share of a busy
// core (SCHED_IDLE would starve them).
namespace ThreadPriority {

enum class Policy { Normal, Batch };

// Makes the calling thread background work: `policy`, `levels` nice levels below its current
// one (at most 19), and the longest time slice Linux allows. The slice matters on Linux 6.12
// and later (EEVDF with per-thread slices): a thread that has just woken keeps the core for its
// whole slice even when a thread of higher priority wakes beside it, unless that thread's slice
// is the shorter one (the serving thread waited 1.8 ms behind the lazy-free thread so). Older
// kernels ignore the slice. Other threads, started before, keep their priority.
void makeBackground(int levels, Policy policy);

} // namespace ThreadPriority
