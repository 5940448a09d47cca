#pragma once

// Linux keeps a nice value per thread: work that must never hold up a client's reply (the
// dashboard's window, freeing memory in the background) runs a few nice levels below the
// serving thread, so that where they share a core the serving thread wins it as soon as it
// wakes, while they still get a share of a busy core (SCHED_IDLE would starve them).
namespace ThreadPriority {

// Lowers the calling thread's priority by `levels` nice levels (at most to 19). Other threads,
// started before, keep theirs.
void lowerCurrent(int levels);

} // namespace ThreadPriority
