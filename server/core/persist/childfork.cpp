#include "childfork.h"

#include "net/oomscore.h"
#include "observe/logsink.h"
#include "store/dict.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// What the child writes to the pipe: one record, shorter than PIPE_BUF, so written whole.
struct Report
{
    qint64 keys;
    qint64 cow;
    qint64 cowReadMs; // steady clock, shared by parent and child (CLOCK_MONOTONIC)
    qint64 peak;
    qint64 average;
    bool final;
};

// Only the event loop's thread forks, and a child has only the thread that forked.
qint64 g_latestMicros = 0;
qint64 g_total = 0;
int g_pipe = -1;      // the parent's read end, or the child's write end
bool g_child = false; // this process is the child (a SAVE in the parent reports nothing)
const char *g_name = "";
ChildFork::Progress g_progress;
qint64 g_cowReadMs = 0; // when the child read g_progress.cowBytes (0: never)
qint64 g_lastCow = -1;
qint64 g_keys = 0; // in the child

qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

void setRunning(bool running)
{
    ChildFork::Detail::running = running;
    dictSetResizeAllowed(!running);
}

// Redis's zmalloc_get_private_dirty: the pages of this process no other shares any more.
// Plain system calls: it runs in the forked child.
qint64 privateDirtyBytes()
{
    const int fd = ::open("/proc/self/smaps_rollup", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char text[4096];
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    static const char field[] = "\nPrivate_Dirty:";
    const char *at = std::strstr(text, field);
    return at ? std::strtoll(at + sizeof field - 1, nullptr, 10) * 1024 : 0;
}

// In the child: the report, with the copy-on-write read again unless that was done recently
// (it walks every page table: at most 1% of the time, as Redis's CHILD_COW_DUTY_CYCLE).
void report(bool final)
{
    static qint64 cow = 0;
    static qint64 peak = 0;
    static qint64 sum = 0;
    static qint64 reads = 0;
    static qint64 readAtMs = 0;
    static qint64 readCostMs = 0;
    const qint64 now = steadyMs();
    if (final || reads == 0 || now - readAtMs > readCostMs * 100) {
        cow = privateDirtyBytes();
        readAtMs = steadyMs();
        readCostMs = readAtMs - now;
        peak = qMax(peak, cow);
        sum += cow;
        ++reads;
    }
    const Report r { g_keys, cow, readAtMs, peak, sum / reads, final };
    // Non-blocking: a report the parent has no room for yet is dropped, never waited for.
    [[maybe_unused]] const ssize_t written = ::write(g_pipe, &r, sizeof r);
}

// In the parent: takes in every report waiting in the pipe.
void drain()
{
    Report r;
    while (g_pipe >= 0 && ::read(g_pipe, &r, sizeof r) == ssize_t(sizeof r)) {
        g_progress.keysProcessed = r.keys;
        g_progress.cowBytes = r.cow;
        g_progress.cowPeakBytes = qMax(g_progress.cowPeakBytes, r.cow);
        g_cowReadMs = r.cowReadMs;
        if (r.final) {
            g_lastCow = r.cow;
            qCInfo(lcServer).noquote()
                    << QStringLiteral("Fork CoW for %1: current %2 MB, peak %3 MB, average %4 MB")
                               .arg(QLatin1String(g_name))
                               .arg(r.cow >> 20)
                               .arg(r.peak >> 20)
                               .arg(r.average >> 20);
        }
    }
}

} // namespace

namespace ChildFork {

pid_t start(qint64 keysTotal, const char *name)
{
    int fds[2] = { -1, -1 };
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
        fds[0] = fds[1] = -1; // the child runs without reporting
    const auto begin = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        if (fds[0] >= 0)
            ::close(fds[0]);
        g_pipe = fds[1];
        g_child = true;
        g_keys = 0;
        OomScore::enterBackgroundChild();
        return 0;
    }
    if (fds[1] >= 0)
        ::close(fds[1]);
    if (pid < 0) {
        if (fds[0] >= 0)
            ::close(fds[0]);
        return pid;
    }
    g_latestMicros = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - begin)
                             .count();
    ++g_total;
    g_pipe = fds[0];
    g_name = name;
    g_progress = Progress();
    g_progress.keysTotal = keysTotal;
    g_lastCow = -1;
    setRunning(true);
    return pid;
}

pid_t wait(pid_t pid, int *status, bool block)
{
    drain();
    pid_t done;
    while ((done = ::waitpid(pid, status, block ? 0 : WNOHANG)) < 0 && errno == EINTR && block) { }
    const int waitError = errno;
    if (done == pid || (done < 0 && waitError == ECHILD)) {
        drain(); // what it wrote before it ended
        if (g_pipe >= 0)
            ::close(g_pipe);
        g_pipe = -1;
        g_progress = Progress();
        g_cowReadMs = 0;
        setRunning(false);
    }
    errno = waitError;
    return done;
}

qint64 latestMicros()
{
    return g_latestMicros;
}

qint64 total()
{
    return g_total;
}

void keyWritten()
{
    // Redis's rdbSaveRio: the clock is read every 1024 keys, a report sent once a second.
    static qint64 sentAtMs = 0;
    if (g_child && g_pipe >= 0 && (g_keys++ & 1023) == 0) {
        const qint64 now = steadyMs();
        if (now - sentAtMs >= 1000) {
            report(false);
            sentAtMs = now;
        }
    }
}

void exit(int code)
{
    if (g_child && g_pipe >= 0)
        report(true);
    ::_exit(code);
}

Progress progress()
{
    Progress p = g_progress;
    if (g_cowReadMs > 0)
        p.cowAgeSeconds = (steadyMs() - g_cowReadMs) / 1000;
    return p;
}

qint64 lastCowBytes()
{
    return g_lastCow;
}

} // namespace ChildFork
