#include "threadpriority.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ThreadPriority {

namespace {

// The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER0): glibc 2.36 has no wrapper, and
// <linux/sched/types.h> clashes with <sched.h>.
struct SchedAttr
{
    uint32_t size;
    uint32_t policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime; // for SCHED_OTHER and SCHED_BATCH since 6.12: the slice, 0.1 to 100 ms
    uint64_t deadline;
    uint64_t period;
};

constexpr uint64_t LongestSliceNs = 100'000'000;

} // namespace

void makeBackground(int levels, Policy policy)
{
    const id_t self = static_cast<id_t>(gettid());
    errno = 0;
    const int current = getpriority(PRIO_PROCESS, self);
    const int nice = errno == 0 ? std::min(current + levels, 19) : levels;
    const int linuxPolicy = policy == Policy::Batch ? SCHED_BATCH : SCHED_OTHER;
    SchedAttr attr {};
    attr.size = sizeof attr;
    attr.policy = static_cast<uint32_t>(linuxPolicy);
    attr.nice = nice;
    attr.runtime = LongestSliceNs;
    if (syscall(SYS_sched_setattr, 0, &attr, 0) == 0)
        return;
    // Kernels before 3.14, or a seccomp filter that refuses sched_setattr: the same without
    // the slice.
    sched_param none {};
    pthread_setschedparam(pthread_self(), linuxPolicy, &none);
    setpriority(PRIO_PROCESS, self, nice);
}

} // namespace ThreadPriority
