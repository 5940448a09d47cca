#pragma once

#include <QtGlobal>

// used_memory, as Redis's zmalloc_used_memory: the usable size of every block the process has
// from malloc and not yet freed, kept current by malloc, free, calloc, realloc and the aligned
// allocators of this file, which replace glibc's (operator new and delete, Qt and Lua go through
// them) and count each block's malloc_usable_size around glibc's own __libc_* functions. Reading
// it is one relaxed atomic load, so the eviction check can afford it before every command; the
// count is process-wide (the lazy-free and fsync threads free memory too, hence the atomic).
//
// Only blocks allocated through these functions are counted, so memory allocated before they
// were linked in does not exist: the whole program uses them once any code calls usedBytes(),
// which is what pulls this file out of the static library.
namespace AllocationCounter {

// Bytes allocated and not freed, process-wide.
qint64 usedBytes();

} // namespace AllocationCounter
