// The allocator glue: used_memory follows malloc and free from any thread, and jemalloc's own
// controls (MALLOC-STATS, PURGE, jemalloc-bg-thread) reach jemalloc. Sanitized builds run on
// the sanitizer's allocator, which has none of these controls.
#include "observe/allocationcounter.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <cstdlib>
#include <malloc.h>
#include <thread>
#include <vector>

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

} // namespace

class TestAllocationCounter : public QObject
{
    Q_OBJECT

private slots:
    void countsWhatIsAllocatedAndFreed();
    void countsFreesOnOtherThreads();
    void countsEachBlockAtItsUsableSize();
    void statisticsAreJemallocs();
    void backgroundThreadFollowsTheSetting();
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

QTEST_GUILESS_MAIN(TestAllocationCounter)
#include "tst_allocationcounter.moc"
