#include "allocationcounter.h"

// Under AddressSanitizer, malloc and free belong to the sanitizer's allocator, which must see
// every block; replacing them here would hide the heap from it. Its own statistics give the
// same figure (bytes allocated and not freed), so sanitized builds read those instead.
#if defined(__SANITIZE_ADDRESS__)
#define QKV_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QKV_SANITIZER_ALLOCATOR 1
#endif
#endif

#ifdef QKV_SANITIZER_ALLOCATOR

#include <cstddef>

// The sanitizer runtime's (gcc's and clang's; gcc ships no header declaring it).
extern "C" size_t __sanitizer_get_current_allocated_bytes();

namespace AllocationCounter {

qint64 usedBytes()
{
    return qint64(__sanitizer_get_current_allocated_bytes());
}

} // namespace AllocationCounter

#else

#include <atomic>
#include <cerrno>
#include <cstddef>

#include <malloc.h>
#include <unistd.h>

// glibc's own allocator, which the functions below wrap (glibc documents replacing malloc this
// way: "Replacing malloc" in its manual).
extern "C" {
void *__libc_malloc(size_t size);
void __libc_free(void *pointer);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
}

namespace {

// Relaxed: the count is a statistic and an eviction trigger, ordered with nothing else. One
// uncontended locked add per allocation and free (bench/RESULTS.md has the measured cost).
std::atomic<qint64> allocated { 0 };

void *counted(void *pointer)
{
    if (pointer)
        allocated.fetch_add(qint64(malloc_usable_size(pointer)), std::memory_order_relaxed);
    return pointer;
}

void uncount(void *pointer)
{
    if (pointer)
        allocated.fetch_sub(qint64(malloc_usable_size(pointer)), std::memory_order_relaxed);
}

bool isPowerOfTwo(size_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

} // namespace

namespace AllocationCounter {

qint64 usedBytes()
{
    return allocated.load(std::memory_order_relaxed);
}

} // namespace AllocationCounter

extern "C" {

void *malloc(size_t size)
{
    return counted(__libc_malloc(size));
}

void free(void *pointer)
{
    uncount(pointer);
    __libc_free(pointer);
}

void *calloc(size_t count, size_t size)
{
    return counted(__libc_calloc(count, size));
}

void *realloc(void *pointer, size_t size)
{
    if (!pointer)
        return malloc(size);
    if (size == 0) {
        free(pointer);
        return nullptr;
    }
    const qint64 before = qint64(malloc_usable_size(pointer));
    void *moved = __libc_realloc(pointer, size);
    if (moved) // on failure the old block is untouched and still counted
        allocated.fetch_add(qint64(malloc_usable_size(moved)) - before, std::memory_order_relaxed);
    return moved;
}

void *memalign(size_t alignment, size_t size)
{
    return counted(__libc_memalign(alignment, size));
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

#endif // QKV_SANITIZER_ALLOCATOR
