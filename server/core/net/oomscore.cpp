#include "oomscore.h"

#include "observe/logsink.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace OomScore {

namespace {

constexpr int MinScore = -1000;
constexpr int MaxScore = 1000;
constexpr char ProcFile[] = "/proc/self/oom_score_adj";

// What the last apply() was given, for a fork child.
OomScoreAdj g_mode = OomScoreAdj::No;
std::array<int, 3> g_values {};
// Whether qkv changed the score, and the score before it did (restored by "no").
bool g_adjusted = false;
int g_base = 0;

// Plain system calls and no logging: a fork child runs this too, where another thread of the
// parent may have held a lock (the log's) at the fork.
bool readScore(int *score)
{
    const int fd = ::open(ProcFile, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char text[16] = {};
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0)
        return false;
    *score = std::atoi(text);
    return true;
}

bool writeScore(int score)
{
    const int fd = ::open(ProcFile, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char text[16];
    const int length = std::snprintf(text, sizeof text, "%d\n", score);
    const bool written = ::write(fd, text, size_t(length)) == length;
    ::close(fd);
    return written;
}

// False with errno set when the file could not be read or written; nothing changes then.
bool set(OomScoreAdj mode, const std::array<int, 3> &values, ProcessClass processClass)
{
    if (mode == OomScoreAdj::No) {
        if (!g_adjusted)
            return true;
        if (!writeScore(g_base))
            return false;
        g_adjusted = false;
        return true;
    }
    int base = g_base;
    if (!g_adjusted && !readScore(&base))
        return false;
    int score = values[size_t(processClass)];
    if (mode == OomScoreAdj::Relative)
        score += base;
    // Marked as changed only once written: a refused value leaves everything as it was.
    if (!writeScore(std::clamp(score, MinScore, MaxScore)))
        return false;
    g_base = base;
    g_adjusted = true;
    return true;
}

} // namespace

bool apply(const ServerConfig &config, ProcessClass processClass)
{
    if (!set(config.oomScoreAdj, config.oomScoreAdjValues, processClass)) {
        qCWarning(lcServer).noquote()
                << "Unable to set oom_score_adj:" << QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    g_mode = config.oomScoreAdj;
    g_values = config.oomScoreAdjValues;
    return true;
}

void enterBackgroundChild()
{
    set(g_mode, g_values, ProcessClass::BackgroundChild);
}

} // namespace OomScore
