// The allocator glue: used_memory follows malloc and free from any thread, and jemalloc's own
// controls (MALLOC-STATS, PURGE, jemalloc-bg-thread) reach jemalloc. Sanitized builds run on
// the sanitizer's allocator, which has none of these controls.
#include "observe/allocationcounter.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <cstdlib>
#include <malloc.h>
#include <new>
#include <thread>
#include <unistd.h>
#include <vector>

#ifndef QKV_SANITIZER_ALLOCATOR
#include <jemalloc/jemalloc.h>
#endif

namespace {

// The names of this process's threads, from /proc.
QByteArrayList threadNames()
{
    QByteArrayList names;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly))
            names.append(comm.readAll().trimmed());
    }
    return names;
}

// A store the compiler must keep, so that it cannot drop a malloc and free pair as unused.
void touch(void *block)
{
    *static_cast<volatile char *>(block) = 1;
}

bool onJemalloc()
{
    return AllocationCounter::allocatorName().startsWith("jemalloc-");
}

#ifndef QKV_SANITIZER_ALLOCATOR

// The calling thread's arena, as a mallctl name's prefix.
QByteArray thisArena()
{
    unsigned arena = 0;
    size_t length = sizeof arena;
    mallctl("thread.arena", &arena, &length, nullptr, 0);
    return QByteArray::number(arena);
}

// Pages the calling thread's arena has given back to the system so far.
quint64 purgedPages()
{
    uint64_t epoch = 1;
    mallctl("epoch", nullptr, nullptr, &epoch, sizeof epoch); // refreshes the statistics
    uint64_t purged = 0;
    size_t length = sizeof purged;
    const QByteArray name = QByteArrayLiteral("stats.arenas.") + thisArena() + ".dirty_purged";
    mallctl(name.constData(), &purged, &length, nullptr, 0);
    return purged;
}

// Allocates 64 MB in 4 MB blocks (under the 8 MB from which jemalloc would take them from a
// separate arena), side by side in the calling thread's arena, frees them all (neighbouring
// runs coalesce) and returns the pages given back to the system meanwhile.
quint64 pagesPurgedWhileFreeing64MB()
{
    std::vector<void *> blocks;
    for (int i = 0; i < 16; ++i) {
        blocks.push_back(std::malloc(4 << 20));
        touch(blocks.back());
    }
    const quint64 before = purgedPages();
    for (void *block : blocks)
        std::free(block);
    return purgedPages() - before;
}

quint64 pagesIn64MB()
{
    return (quint64(64) << 20) / quint64(sysconf(_SC_PAGESIZE));
}

#endif

} // namespace

class TestAllocationCounter : public QObject
{
    Q_OBJECT

private slots:
    void countsWhatIsAllocatedAndFreed();
    void countsFreesOnOtherThreads();
    void countsNewAndDelete();
    void countsEachBlockAtItsUsableSize();
    void statisticsAreJemallocs();
    void backgroundThreadFollowsTheSetting();
    void bigFreedRunsWaitForTheDecay();
};

void TestAllocationCounter::countsWhatIsAllocatedAndFreed()
{
    const qint64 before = AllocationCounter::usedBytes();
    void *block = std::malloc(100'000);
    QVERIFY(block);
    touch(block);
    QVERIFY(AllocationCounter::usedBytes() - before >= 100'000);
    block = std::realloc(block, 300'000);
    QVERIFY(block);
    touch(block);
    QVERIFY(AllocationCounter::usedBytes() - before >= 300'000);
    std::free(block);
    QVERIFY(AllocationCounter::usedBytes() - before < 100'000);
}

void TestAllocationCounter::countsFreesOnOtherThreads()
{
    const qint64 before = AllocationCounter::usedBytes();
    void *block = std::calloc(1000, 1000);
    QVERIFY(block);
    QCOMPARE(static_cast<const char *>(block)[999'999], '\0');
    QVERIFY(AllocationCounter::usedBytes() - before >= 1'000'000);
    std::thread([block] { std::free(block); }).join(); // as the lazy-free thread frees
    QVERIFY(AllocationCounter::usedBytes() - before < 100'000);
}

// C++ allocations count as malloc's do, whichever form of new and delete: libjemalloc exports
// operators of its own, which would otherwise take them around the count.
void TestAllocationCounter::countsNewAndDelete()
{
    struct alignas(256) Aligned
    {
        char bytes[256];
    };
    const qint64 before = AllocationCounter::usedBytes();
    char *array = new char[200'000];
    touch(array);
    auto *vector = new std::vector<int>(100'000);
    auto *aligned = new Aligned[1000];
    QCOMPARE(quintptr(aligned) % 256, quintptr(0));
    char *quiet = new (std::nothrow) char[300'000];
    QVERIFY(quiet);
    touch(quiet);
    QVERIFY(AllocationCounter::usedBytes() - before >= 200'000 + 400'000 + 256'000 + 300'000);
    delete[] array;
    delete vector;
    delete[] aligned;
    delete[] quiet;
    QVERIFY(AllocationCounter::usedBytes() - before < 100'000);
}

// The count adds the size class computed before allocating and subtracts the size read from the
// block when freeing: the two must agree for every size, alignment and reallocation, or
// used_memory drifts.
void TestAllocationCounter::countsEachBlockAtItsUsableSize()
{
    if (!onJemalloc()) // the sanitizer counts requested bytes, and its own way
        QSKIP("the sanitizer's allocator");
    std::vector<size_t> sizes;
    for (size_t size = 0; size <= 4096; ++size)
        sizes.push_back(size);
    for (size_t size = 4096; size <= (size_t(8) << 20); size += size / 3 + 1)
        sizes.push_back(size);
    const size_t alignments[] = { 0, 16, 64, 4096, 65536 };
    for (size_t size : sizes) {
        for (size_t alignment : alignments) {
            const qint64 before = AllocationCounter::usedBytes();
            void *block = alignment ? std::aligned_alloc(alignment, size) : std::malloc(size);
            QVERIFY(block);
            const qint64 counted = AllocationCounter::usedBytes() - before;
            QCOMPARE(counted, qint64(malloc_usable_size(block)));
            void *moved = std::realloc(block, size * 2 + 1);
            QVERIFY(moved);
            QCOMPARE(AllocationCounter::usedBytes() - before, qint64(malloc_usable_size(moved)));
            std::free(moved);
            QCOMPARE(AllocationCounter::usedBytes(), before);
        }
    }
}

void TestAllocationCounter::statisticsAreJemallocs()
{
    if (!onJemalloc())
        QSKIP("the sanitizer's allocator");
    QVERIFY(AllocationCounter::statistics().startsWith("___ Begin jemalloc statistics ___"));
    AllocationCounter::purge(); // MEMORY PURGE: must not disturb what is allocated
    QVERIFY(AllocationCounter::usedBytes() > 0);
}

void TestAllocationCounter::backgroundThreadFollowsTheSetting()
{
    if (!onJemalloc())
        QSKIP("the sanitizer's allocator");
    // The thread names itself once it runs, and ends on its own after being told to: both are
    // seen some time after mallctl returns.
    AllocationCounter::setBackgroundThread(true);
    QTRY_VERIFY(threadNames().contains("jemalloc_bg_thd"));
    AllocationCounter::setBackgroundThread(false);
    QTRY_VERIFY(!threadNames().contains("jemalloc_bg_thd"));
}

void TestAllocationCounter::bigFreedRunsWaitForTheDecay()
{
#ifdef QKV_SANITIZER_ALLOCATOR
    QSKIP("the sanitizer's allocator");
#else
    // The check can see a purge: with jemalloc's default threshold put back on this arena, the
    // runs that coalesce past 8 MB go back to the system as the blocks are freed.
    size_t jemallocDefault = size_t(8) << 20;
    const QByteArray threshold = QByteArrayLiteral("arena.") + thisArena() + ".oversize_threshold";
    QCOMPARE(mallctl(threshold.constData(), nullptr, nullptr, &jemallocDefault,
                     sizeof jemallocDefault),
             0);
    QVERIFY(pagesPurgedWhileFreeing64MB() >= pagesIn64MB() / 4);

    // As the server sets it up: this thread's arena...
    AllocationCounter::purgeByDecayOnly();
    QVERIFY(pagesPurgedWhileFreeing64MB() < pagesIn64MB() / 8);
    // ...and the one a thread started later is given.
    quint64 onNewThread = 0;
    std::thread([&onNewThread] { onNewThread = pagesPurgedWhileFreeing64MB(); }).join();
    QVERIFY(onNewThread < pagesIn64MB() / 8);
#endif
}

QTEST_GUILESS_MAIN(TestAllocationCounter)
#include "tst_allocationcounter.moc"
