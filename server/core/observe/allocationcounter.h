#pragma once

#include <QByteArray>
#include <QtGlobal>

// Defined where AddressSanitizer's allocator, not jemalloc, serves malloc and free.
#if defined(__SANITIZE_ADDRESS__)
#define QKV_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QKV_SANITIZER_ALLOCATOR 1
#endif
#endif

// The process's allocator is jemalloc, as Redis's: glibc's malloc made the serving thread sort
// the chunks that the lazy-free thread had just freed (its first large malloc after a DEL of a
// million-element aggregate took milliseconds), jemalloc's per-thread caches and size-class
// bins do not.
//
// used_memory, as Redis's zmalloc_used_memory: the usable size of every block the process has
// from malloc and not yet freed, kept current by malloc, free, calloc, realloc and the aligned
// allocators and the operators new and delete of this file, which replace glibc's and
// jemalloc's (Qt, the standard library and Lua go through them) and count each block's size
// around jemalloc's own mallocx, rallocx and dallocx. Reading
// it is one relaxed atomic load, so the eviction check can afford it before every command; the
// count is process-wide (the lazy-free and fsync threads free memory too, hence the atomic).
//
// Only blocks allocated through these functions are counted, so memory allocated before they
// were linked in does not exist: the whole program uses them once any code calls usedBytes(),
// which is what pulls this file out of the static library.
namespace AllocationCounter {

// Bytes allocated and not freed, process-wide.
qint64 usedBytes();

// Gives the allocator's dirty pages back to the system now (MEMORY PURGE).
void purge();

// The allocator's own report (MEMORY MALLOC-STATS).
QByteArray statistics();

// INFO's mem_allocator: "jemalloc-5.3.0", as Redis's; "libc" under the sanitizer.
QByteArray allocatorName();

// Whether jemalloc's own thread gives freed pages back to the system (jemalloc-bg-thread).
void setBackgroundThread(bool on);

// Leaves every freed run of pages, however large, to the decay (given back to the system over
// dirty_decay_ms, by the background thread when it runs). jemalloc otherwise gives back at once,
// on the thread that frees, any run that coalesces past 8 MB (its oversize_threshold): the
// lazy-free thread freeing 10M keys gave back 500 MB in 60 ms, and that burst stalled the
// serving thread for 13-28 ms (bench/RESULTS.md). Blocks of 8 MB or more, which jemalloc keeps
// in an arena of their own, still go back as they are freed. Called once, at start-up.
void purgeByDecayOnly();

} // namespace AllocationCounter
