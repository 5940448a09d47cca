#include "allocationcounter.h"

// Under AddressSanitizer, malloc and free belong to the sanitizer's allocator, which must see
// every block; replacing them here would hide the heap from it. Its own statistics give the
// same figure (bytes allocated and not freed), so sanitized builds read those instead.

#ifdef QKV_SANITIZER_ALLOCATOR

#include <cstddef>

// The sanitizer runtime's (gcc's and clang's; gcc ships no header declaring it).
extern "C" size_t __sanitizer_get_current_allocated_bytes();

namespace AllocationCounter {

qint64 usedBytes()
{
    return qint64(__sanitizer_get_current_allocated_bytes());
}

void purge() { }

QByteArray allocatorName()
{
    return QByteArrayLiteral("libc");
}

void setBackgroundThread(bool) { }

void purgeByDecayOnly() { }

QByteArray statistics()
{
    return QByteArrayLiteral("Stats not supported for the current allocator");
}

} // namespace AllocationCounter

#else

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include <jemalloc/jemalloc.h>
#include <new>
#include <unistd.h>

namespace {

// Relaxed: the count is a statistic and an eviction trigger, ordered with nothing else. One
// uncontended locked add per allocation and free (bench/RESULTS.md has the measured cost).
std::atomic<qint64> allocated { 0 };

// mallocx() wants a size of at least 1; malloc(0) must still return a unique pointer.
size_t atLeastOne(size_t size)
{
    return size ? size : 1;
}

// nallocx() computes the size class arithmetically, so counting costs no lookup of the new
// block in jemalloc's radix tree, as sallocx() on the result would.
void *allocate(size_t size, int flags)
{
    size = atLeastOne(size);
    void *pointer = mallocx(size, flags);
    if (pointer)
        allocated.fetch_add(qint64(nallocx(size, flags)), std::memory_order_relaxed);
    else
        errno = ENOMEM; // as malloc's contract wants; mallocx leaves errno alone
    return pointer;
}

bool isPowerOfTwo(size_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

// operator new's contract: on failure, call the new-handler and retry, or throw bad_alloc.
void *allocateOrThrow(size_t size, int flags)
{
    for (;;) {
        if (void *pointer = allocate(size, flags))
            return pointer;
        const std::new_handler handler = std::get_new_handler();
        if (!handler)
            throw std::bad_alloc();
        handler();
    }
}

void *allocateOrNull(size_t size, int flags) noexcept
{
    try {
        return allocateOrThrow(size, flags);
    } catch (...) {
        return nullptr;
    }
}

int alignedFlags(std::align_val_t alignment)
{
    return MALLOCX_ALIGN(static_cast<size_t>(alignment));
}

} // namespace

namespace AllocationCounter {

qint64 usedBytes()
{
    return allocated.load(std::memory_order_relaxed);
}

void purge()
{
    mallctl("arena." QT_STRINGIFY(MALLCTL_ARENAS_ALL) ".purge", nullptr, nullptr, nullptr, 0);
}

QByteArray statistics()
{
    QByteArray text;
    malloc_stats_print(
            [](void *out, const char *line) { static_cast<QByteArray *>(out)->append(line); },
            &text, nullptr);
    return text;
}

QByteArray allocatorName()
{
    return QByteArrayLiteral("jemalloc-" QT_STRINGIFY(JEMALLOC_VERSION_MAJOR) "." QT_STRINGIFY(
            JEMALLOC_VERSION_MINOR) "." QT_STRINGIFY(JEMALLOC_VERSION_BUGFIX));
}

void setBackgroundThread(bool on)
{
    mallctl("background_thread", nullptr, nullptr, &on, sizeof on);
}

void purgeByDecayOnly()
{
    // The threshold is each arena's, fixed when jemalloc makes it, and automatic arenas are made
    // lazily as threads first allocate: so every one is made now (binding this thread to it in
    // turn) and given a threshold no run reaches. The separate arena for blocks over 8 MB is not
    // automatic and keeps its eager purge: its blocks, the big bucket arrays, are freed on the
    // lazy-free thread, and a calloc of one then gets pages already zero.
    unsigned arenas = 0;
    size_t length = sizeof arenas;
    unsigned home = 0;
    size_t homeLength = sizeof home;
    if (mallctl("opt.narenas", &arenas, &length, nullptr, 0) != 0
        || mallctl("thread.arena", &home, &homeLength, nullptr, 0) != 0)
        return;
    size_t never = SIZE_MAX;
    for (unsigned i = 0; i < arenas; ++i) {
        char name[48];
        std::snprintf(name, sizeof name, "arena.%u.oversize_threshold", i);
        if (mallctl("thread.arena", nullptr, nullptr, &i, sizeof i) == 0)
            mallctl(name, nullptr, nullptr, &never, sizeof never);
    }
    mallctl("thread.arena", nullptr, nullptr, &home, sizeof home);
}

} // namespace AllocationCounter

extern "C" {

void *malloc(size_t size)
{
    return allocate(size, 0);
}

void free(void *pointer)
{
    if (!pointer)
        return;
    // The size read once serves both the count and sdallocx(), which then skips its own lookup.
    const size_t size = sallocx(pointer, 0);
    allocated.fetch_sub(qint64(size), std::memory_order_relaxed);
    sdallocx(pointer, size, 0);
}

void *calloc(size_t count, size_t size)
{
    size_t bytes = 0;
    if (__builtin_mul_overflow(count, size, &bytes)) {
        errno = ENOMEM;
        return nullptr;
    }
    return allocate(bytes, MALLOCX_ZERO);
}

void *realloc(void *pointer, size_t size)
{
    if (!pointer)
        return malloc(size);
    if (size == 0) {
        free(pointer);
        return nullptr;
    }
    const qint64 before = qint64(sallocx(pointer, 0));
    void *moved = rallocx(pointer, size, 0);
    if (moved) // on failure the old block is untouched and still counted
        allocated.fetch_add(qint64(nallocx(size, 0)) - before, std::memory_order_relaxed);
    else
        errno = ENOMEM;
    return moved;
}

size_t malloc_usable_size(void *pointer)
{
    return pointer ? sallocx(pointer, 0) : 0;
}

void *memalign(size_t alignment, size_t size)
{
    if (!isPowerOfTwo(alignment)) {
        errno = EINVAL;
        return nullptr;
    }
    return allocate(size, MALLOCX_ALIGN(alignment));
}

void *aligned_alloc(size_t alignment, size_t size)
{
    return memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size)
{
    if (!isPowerOfTwo(alignment) || alignment % sizeof(void *) != 0)
        return EINVAL;
    void *pointer = memalign(alignment, size);
    if (!pointer)
        return ENOMEM;
    *result = pointer;
    return 0;
}

void *valloc(size_t size)
{
    return memalign(size_t(sysconf(_SC_PAGESIZE)), size);
}

void *pvalloc(size_t size)
{
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    return memalign(page, (size + page - 1) / page * page);
}

} // extern "C"

// libjemalloc.so.2 exports operator new and delete of its own, and it comes before libstdc++ in
// the search order: without these, every C++ allocation (Qt's objects, the standard containers)
// would bypass the count, and a block new'd there and freed through free() above (or the
// other way round) would move used_memory by its size, which drifted below zero with the
// dashboard open. Every form ends in the functions above; the sized deletes ignore the size
// (free() reads the block's own) so that a wrong size from any caller cannot skew the count.
void *operator new(size_t size)
{
    return allocateOrThrow(size, 0);
}

void *operator new[](size_t size)
{
    return allocateOrThrow(size, 0);
}

void *operator new(size_t size, const std::nothrow_t &) noexcept
{
    return allocateOrNull(size, 0);
}

void *operator new[](size_t size, const std::nothrow_t &) noexcept
{
    return allocateOrNull(size, 0);
}

void *operator new(size_t size, std::align_val_t alignment)
{
    return allocateOrThrow(size, alignedFlags(alignment));
}

void *operator new[](size_t size, std::align_val_t alignment)
{
    return allocateOrThrow(size, alignedFlags(alignment));
}

void *operator new(size_t size, std::align_val_t alignment, const std::nothrow_t &) noexcept
{
    return allocateOrNull(size, alignedFlags(alignment));
}

void *operator new[](size_t size, std::align_val_t alignment, const std::nothrow_t &) noexcept
{
    return allocateOrNull(size, alignedFlags(alignment));
}

void operator delete(void *pointer) noexcept
{
    free(pointer);
}

void operator delete[](void *pointer) noexcept
{
    free(pointer);
}

void operator delete(void *pointer, const std::nothrow_t &) noexcept
{
    free(pointer);
}

void operator delete[](void *pointer, const std::nothrow_t &) noexcept
{
    free(pointer);
}

void operator delete(void *pointer, size_t) noexcept
{
    free(pointer);
}

void operator delete[](void *pointer, size_t) noexcept
{
    free(pointer);
}

void operator delete(void *pointer, std::align_val_t) noexcept
{
    free(pointer);
}

void operator delete[](void *pointer, std::align_val_t) noexcept
{
    free(pointer);
}

void operator delete(void *pointer, std::align_val_t, const std::nothrow_t &) noexcept
{
    free(pointer);
}

void operator delete[](void *pointer, std::align_val_t, const std::nothrow_t &) noexcept
{
    free(pointer);
}

void operator delete(void *pointer, size_t, std::align_val_t) noexcept
{
    free(pointer);
}

void operator delete[](void *pointer, size_t, std::align_val_t) noexcept
{
    free(pointer);
}

#endif // QKV_SANITIZER_ALLOCATOR
