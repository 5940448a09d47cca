#include "filelimits.h"

#include <sys/resource.h>

namespace {

// Redis's CONFIG_MIN_RESERVED_FDS.
constexpr long long ReservedDescriptors = 32;

} // namespace

long long clientsWithinFileLimit(long long maxClients)
{
    const auto wanted = rlim_t(maxClients + ReservedDescriptors);
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024 - ReservedDescriptors;
    const rlim_t old = limit.rlim_cur;
    if (old >= wanted)
        return maxClients;
    // Only limits above the current one are tried: none accepted leaves the current one.
    rlim_t best = wanted;
    while (best > old) {
        limit.rlim_cur = best;
        limit.rlim_max = best;
        if (::setrlimit(RLIMIT_NOFILE, &limit) == 0)
            break;
        if (best < 16) {
            best = old;
            break;
        }
        best -= 16;
    }
    if (best < old)
        best = old;
    return best >= wanted ? maxClients : (long long)best - ReservedDescriptors;
}
