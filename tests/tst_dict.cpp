// Dict: insert/find/take across growth and shrinking, incremental rehashing, the SCAN guarantee
// while the table grows, shrinks and is mid-rehash between calls, randomNode, clear.
#include "store/dict.h"

#include <QHash>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <cstdlib>
#include <malloc.h>
#include <new>

namespace {

// A node as the keyspace makes them: one malloc'ed block, the key stored inline after it.
struct TestNode
{
    TestNode *next = nullptr;
    int value = 0;
    int length = 0;

    QByteArrayView key() const
    {
        return QByteArrayView(reinterpret_cast<const char *>(this + 1), length);
    }

    static TestNode *create(QByteArrayView key, int value)
    {
        void *block = std::malloc(sizeof(TestNode) + size_t(key.size()));
        if (!block)
            throw std::bad_alloc();
        auto *node = new (block) TestNode;
        node->value = value;
        node->length = int(key.size());
        if (!key.isEmpty())
            std::memcpy(node + 1, key.data(), size_t(key.size()));
        return node;
    }
    static void destroy(TestNode *node)
    {
        node->~TestNode();
        std::free(node);
    }
};

QByteArray key(int i)
{
    return "key:" + QByteArray::number(i);
}

// A dict and the nodes it holds (by key), which it frees at the end.
struct Fixture
{
    Dict<TestNode> dict;
    QHash<QByteArray, TestNode *> live;

    ~Fixture() { dict.clear(&TestNode::destroy); }

    TestNode *add(const QByteArray &k, int value = 0)
    {
        TestNode *node = TestNode::create(k, value);
        dict.insert(node);
        live.insert(k, node);
        return node;
    }
    void addRange(int from, int to)
    {
        for (int i = from; i < to; ++i)
            add(key(i), i);
    }
    // Takes the node of k out and frees it; false when the dict did not give the right node.
    bool remove(const QByteArray &k)
    {
        TestNode *node = dict.take(k);
        TestNode *expected = live.take(k);
        if (node)
            TestNode::destroy(node);
        return node == expected;
    }
    void finishRehash()
    {
        while (dict.rehashSteps(100)) { }
    }
    // count nodes, the last one added to a settled table (if count - 1 is a power of two, that
    // starts a growth); or, when remaining < count, all but `remaining` taken out again and
    // shrinkIfNeeded called. Then `steps` rehash steps (-1: to the end).
    void prepare(int count, int remaining, int steps)
    {
        if (remaining == count) {
            addRange(0, count - 1);
            finishRehash();
            if (count > 0)
                add(key(count - 1), count - 1);
        } else {
            addRange(0, count);
            finishRehash();
            for (int i = remaining; i < count; ++i)
                remove(key(i));
            dict.shrinkIfNeeded();
        }
        if (steps < 0)
            finishRehash();
        else if (steps > 0)
            dict.rehashSteps(steps);
    }
    // Every live node found without a rehash step, and nothing else counted.
    bool allFound() const
    {
        for (auto it = live.cbegin(); it != live.cend(); ++it) {
            if (dict.peek(it.key()) != it.value())
                return false;
        }
        return dict.size() == live.size();
    }
    QList<const TestNode *> visitAll() const
    {
        QList<const TestNode *> nodes;
        dict.forEach([&](const TestNode &n) { nodes.append(&n); });
        return nodes;
    }
};

using Counts = QHash<const TestNode *, int>;

// A whole scan of a dict nobody changes: how often each node was visited.
Counts scanCounts(const Dict<TestNode> &dict, int *calls = nullptr)
{
    Counts counts;
    quint64 cursor = 0;
    int n = 0;
    do {
        cursor = dict.scan(cursor, [&](const TestNode &node) { ++counts[&node]; });
        ++n;
    } while (cursor != 0 && n < 10000000);
    if (calls)
        *calls = n;
    return counts;
}

} // namespace

class TestDict : public QObject
{
    Q_OBJECT

private slots:
    void empty();
    void insertFindTake_data();
    void insertFindTake();
    void binaryKeys();
    void sameBucketAndTag();
    void growthStartsAnIncrementalRehash();
    void operationsMoveTheRehashAlong();
    void peekDoesNotStep();
    void loadStaysBounded();
    void lookupsDuringRehash();
    void rehashStepsBoundsEmptyVisits();
    void shrink_data();
    void shrink();
    void resizeAvoidedWhileAChildRuns();
    void reserve_data();
    void reserve();
    void reserveWhileRehashing();
    void bigTablesLeftBehindGoToTheFreer();
    void matchesAModel_data();
    void matchesAModel();
    void scanOfAStillDictVisitsEachOnce_data();
    void scanOfAStillDictVisitsEachOnce();
    void scanReturnsEveryNodePresentThroughout_data();
    void scanReturnsEveryNodePresentThroughout();
    void scanGuaranteeUnderRandomChanges_data();
    void scanGuaranteeUnderRandomChanges();
    void randomNode_data();
    void randomNode();
    void clearCallsTheDeleterOncePerNode_data();
    void clearCallsTheDeleterOncePerNode();
    void reverseBits_data();
    void reverseBits();
};

void TestDict::empty()
{
    Fixture f;
    QCOMPARE(f.dict.size(), 0);
    QVERIFY(!f.dict.isRehashing());
    QVERIFY(!f.dict.find("a"));
    QVERIFY(!f.dict.peek("a"));
    QVERIFY(!f.dict.take("a"));
    QVERIFY(!f.dict.rehashSteps(10));
    QCOMPARE(f.dict.bucketCount(), size_t(0));
    QCOMPARE(f.dict.bucketBytes(), size_t(0));
    int visits = 0;
    QCOMPARE(f.dict.scan(0, [&](const TestNode &) { ++visits; }), quint64(0));
    QCOMPARE(visits, 0);
    QVERIFY(!f.dict.randomNode([](size_t) { return size_t(0); }));
    f.dict.shrinkIfNeeded();
    QCOMPARE(f.dict.bucketCount(), size_t(0));
    int deleted = 0;
    f.dict.clear([&](TestNode *) { ++deleted; });
    QCOMPARE(deleted, 0);
}

void TestDict::sameBucketAndTag()
{
    // Keys whose hashes agree in the 15 bits a link keeps (bits 48 to 62) and in the bucket of
    // a 4-bucket table: only the keys themselves tell them apart, in one chain.
    QHash<quint64, QList<QByteArray>> bySignature;
    const quint64 signatureBits = (quint64(0x7fff) << 48) | 3;
    QList<QByteArray> same;
    for (int i = 0; same.size() < 5; ++i) {
        const QByteArray k = key(i);
        QList<QByteArray> &group
                = bySignature[qHash(QByteArrayView(k), dictHashSeed()) & signatureBits];
        group.append(k);
        if (group.size() == 5)
            same = group;
    }
    Fixture f;
    for (int i = 0; i < 3; ++i)
        f.add(same[i], i);
    QCOMPARE(f.dict.bucketCount(), size_t(4));
    QVERIFY(f.allFound());
    QVERIFY(!f.dict.find(same[3]));
    // The tail (added first), the head, then the last one left; a key added after each.
    QVERIFY(f.remove(same[0]));
    QVERIFY(f.allFound());
    QVERIFY(!f.dict.find(same[0]));
    f.add(same[3], 3);
    QVERIFY(f.remove(same[3]));
    QVERIFY(f.allFound());
    QVERIFY(!f.dict.take(same[4]));
    QVERIFY(f.remove(same[1]));
    f.add(same[4], 4);
    QVERIFY(f.allFound());
    QCOMPARE(f.visitAll().size(), 2);
    QVERIFY(f.remove(same[2]));
    QVERIFY(f.remove(same[4]));
    QVERIFY(f.allFound());
    QCOMPARE(f.dict.size(), 0);
}

void TestDict::insertFindTake_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("1") << 1;
    QTest::newRow("4") << 4;
    QTest::newRow("5") << 5;
    QTest::newRow("100") << 100;
    QTest::newRow("10000") << 10000;
}

void TestDict::insertFindTake()
{
    QFETCH(int, count);
    Fixture f;
    f.addRange(0, count);
    QCOMPARE(f.dict.size(), count);
    for (int i = 0; i < count; ++i) {
        TestNode *node = f.dict.find(key(i));
        QVERIFY(node);
        QCOMPARE(node->value, i);
        QVERIFY(node->key() == QByteArrayView(key(i)));
    }
    QVERIFY(!f.dict.find(key(count)));
    QVERIFY(!f.dict.find(key(-1)));
    QVERIFY(!f.dict.find("key:"));
    QVERIFY(!f.dict.take(key(count)));
    QCOMPARE(f.dict.size(), count);
    // Take the even ones, then the odd ones; each once.
    for (int i = 0; i < count; i += 2)
        QVERIFY(f.remove(key(i)));
    QCOMPARE(f.dict.size(), count / 2);
    QVERIFY(f.allFound());
    for (int i = 0; i < count; i += 2)
        QVERIFY(!f.dict.take(key(i)));
    for (int i = 1; i < count; i += 2) {
        QVERIFY(f.remove(key(i)));
        f.dict.shrinkIfNeeded();
    }
    QCOMPARE(f.dict.size(), 0);
    for (int i = 0; i < count; ++i)
        QVERIFY(!f.dict.find(key(i)));
    // And usable again.
    f.addRange(0, 10);
    QVERIFY(f.allFound());
}

void TestDict::binaryKeys()
{
    Fixture f;
    const QByteArrayList keys { "",
                                QByteArray("\0", 1),
                                QByteArray("\0\0", 2),
                                QByteArray("a\0b", 3),
                                QByteArray("a\0c", 3),
                                "a",
                                "\xff" };
    for (qsizetype i = 0; i < keys.size(); ++i)
        f.add(keys.at(i), int(i));
    for (qsizetype i = 0; i < keys.size(); ++i) {
        TestNode *node = f.dict.find(keys.at(i));
        QVERIFY(node);
        QCOMPARE(node->value, int(i));
    }
    QVERIFY(!f.dict.find(QByteArray("a\0", 2)));
    QVERIFY(f.remove(QByteArray("\0", 1)));
    QVERIFY(f.dict.find(""));
    QVERIFY(f.dict.find(QByteArray("\0\0", 2)));
    QVERIFY(f.allFound());
}

void TestDict::growthStartsAnIncrementalRehash()
{
    Fixture f;
    f.addRange(0, 4);
    QVERIFY(!f.dict.isRehashing());
    QCOMPARE(f.dict.bucketCount(), size_t(4));
    // The fifth node finds the table full: a table of 8 is added and filled bit by bit.
    f.add(key(4), 4);
    QVERIFY(f.dict.isRehashing());
    QCOMPARE(f.dict.bucketCount(), size_t(4 + 8));
    QCOMPARE(f.dict.bucketBytes(), (4 + 8) * sizeof(TestNode *));
    QVERIFY(f.allFound());
    int steps = 0;
    while (f.dict.rehashSteps(1)) {
        QVERIFY(f.allFound());
        QVERIFY(++steps < 4);
    }
    QVERIFY(!f.dict.isRehashing());
    QCOMPARE(f.dict.bucketCount(), size_t(8));
    QVERIFY(f.allFound());
    QCOMPARE(f.visitAll().size(), 5);
}

void TestDict::bigTablesLeftBehindGoToTheFreer()
{
    Fixture f;
    QList<size_t> handed; // the usable size of each array given to the freer
    f.dict.setTableFreer([&handed](void *buckets) {
        handed.append(malloc_usable_size(buckets));
        std::free(buckets);
    });
    // Growth to 2^18 + 1 nodes empties tables of 4 ... 2^18 buckets; of those, the arrays of
    // 2^17 (1 MB) and 2^18 buckets go to the freer, the smaller ones to free().
    f.prepare((1 << 18) + 1, (1 << 18) + 1, -1);
    QCOMPARE(f.dict.bucketCount(), size_t(1) << 19);
    QCOMPARE(handed.size(), 2);
    QVERIFY(handed[0] >= (size_t(1) << 17) * sizeof(TestNode *));
    QVERIFY(handed[1] >= (size_t(1) << 18) * sizeof(TestNode *));
    QVERIFY(f.allFound());
    // Shrinking leaves the 4 MB array behind.
    for (int i = 100; i < (1 << 18) + 1; ++i)
        QVERIFY(f.remove(key(i)));
    f.dict.shrinkIfNeeded();
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(128));
    QCOMPARE(handed.size(), 3);
    QVERIFY(handed[2] >= (size_t(1) << 19) * sizeof(TestNode *));
    QVERIFY(f.allFound());
}

void TestDict::operationsMoveTheRehashAlong()
{
    // Each find, insert and take moves a bucket: a table of n buckets is done within n of them.
    Fixture f;
    f.addRange(0, 512);
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(512));
    f.add(key(512), 512);
    QVERIFY(f.dict.isRehashing());
    int operations = 0;
    while (f.dict.isRehashing()) {
        QVERIFY(f.dict.find(key(operations % 513)));
        QVERIFY(++operations <= 512);
    }
    QCOMPARE(f.dict.bucketCount(), size_t(1024));
    QVERIFY(f.allFound());

    // The same with inserts: they land in the new table while the old one empties.
    f.addRange(513, 1025);
    QVERIFY(f.dict.isRehashing());
    for (int i = 1025; f.dict.isRehashing(); ++i) {
        f.add(key(i), i);
        QVERIFY(i < 1025 + 1024);
    }
    QCOMPARE(f.dict.bucketCount(), size_t(2048));
    QVERIFY(f.allFound());
}

void TestDict::peekDoesNotStep()
{
    Fixture f;
    f.prepare(33, 33, 0); // the 33rd node starts a rehash from 32 to 64 buckets
    QVERIFY(f.dict.isRehashing());
    for (int round = 0; round < 100; ++round) {
        for (int i = 0; i < 33; ++i)
            QVERIFY(f.dict.peek(key(i)));
    }
    QVERIFY(f.dict.isRehashing());
    QCOMPARE(f.dict.bucketCount(), size_t(32 + 64));
}

void TestDict::loadStaysBounded()
{
    // Whenever a rehash is over, the nodes fit the buckets (load factor at most 1).
    // The table is checked between rehashes only; with the hash's random seed one rehash can
    // end and the next begin within a single insert, so not every size is seen here.
    Fixture f;
    QList<size_t> sizesSeen;
    for (int i = 0; i < 5000; ++i) {
        f.add(key(i), i);
        if (!f.dict.isRehashing()) {
            const size_t buckets = f.dict.bucketCount();
            QVERIFY2(size_t(f.dict.size()) <= buckets, QByteArray::number(i).constData());
            QVERIFY((buckets & (buckets - 1)) == 0);
            if (sizesSeen.isEmpty() || sizesSeen.last() != buckets)
                sizesSeen.append(buckets);
        }
    }
    // It starts at 4 buckets and only grows, to 8192 for 5000 nodes once the last move ends.
    QCOMPARE(sizesSeen.first(), size_t(4));
    for (qsizetype j = 1; j < sizesSeen.size(); ++j)
        QVERIFY(sizesSeen[j] > sizesSeen[j - 1]);
    QVERIFY(sizesSeen.size() >= 8);
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(8192));
    QVERIFY(f.allFound());
}

void TestDict::lookupsDuringRehash()
{
    // While a rehash runs, nodes live in either table: takes and inserts must find the right one.
    Fixture f;
    f.addRange(0, 1024);
    f.finishRehash();
    f.add(key(1024), 1024);
    QVERIFY(f.dict.isRehashing());
    int operations = 0;
    for (int i = 0; f.dict.isRehashing(); ++i) {
        QVERIFY(f.remove(key(i * 3)));
        QVERIFY(!f.dict.find(key(i * 3)));
        f.add("new:" + QByteArray::number(i), i);
        operations += 3;
        if (i % 16 == 0)
            QVERIFY(f.allFound());
    }
    QVERIFY(operations > 10);
    QVERIFY(f.allFound());
    QCOMPARE(f.dict.bucketCount(), size_t(2048));
}

void TestDict::rehashStepsBoundsEmptyVisits()
{
    // A long run of empty buckets: one step gives up after 10 empty ones and says there is more.
    Fixture f;
    f.addRange(0, 4096);
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(4096));
    for (int i = 0; i < 4096 - 20; ++i)
        QVERIFY(f.remove(key(i)));
    f.dict.shrinkIfNeeded();
    QVERIFY(f.dict.isRehashing());
    QCOMPARE(f.dict.bucketCount(), size_t(4096 + 32));
    int calls = 0;
    while (f.dict.rehashSteps(1)) {
        QVERIFY(f.allFound());
        ++calls;
    }
    // 20 nodes in at most 20 buckets among 4096: many calls ran out of empty visits.
    QVERIFY(calls > 100);
    QCOMPARE(f.dict.bucketCount(), size_t(32));
    QVERIFY(f.allFound());
}

void TestDict::shrink_data()
{
    // 1000 nodes in 1024 buckets; after removals, shrinkIfNeeded when under 10% full
    // (htNeedsResize: used * 100 / size < 10) to the power of two that holds them.
    QTest::addColumn<int>("remaining");
    QTest::addColumn<int>("buckets");
    QTest::newRow("103") << 103 << 1024;
    QTest::newRow("102") << 102 << 128;
    QTest::newRow("64") << 64 << 64;
    QTest::newRow("50") << 50 << 64;
    QTest::newRow("5") << 5 << 8;
    QTest::newRow("4") << 4 << 4;
    QTest::newRow("1") << 1 << 4;
    QTest::newRow("0") << 0 << 4;
}

void TestDict::shrink()
{
    QFETCH(int, remaining);
    QFETCH(int, buckets);
    Fixture f;
    f.addRange(0, 1000);
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(1024));
    for (int i = remaining; i < 1000; ++i)
        QVERIFY(f.remove(key(i)));
    f.dict.shrinkIfNeeded();
    QCOMPARE(f.dict.isRehashing(), buckets != 1024);
    // A second call while the rehash runs changes nothing.
    const size_t during = f.dict.bucketCount();
    f.dict.shrinkIfNeeded();
    QCOMPARE(f.dict.bucketCount(), during);
    QVERIFY(f.allFound());
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(buckets));
    QVERIFY(f.allFound());
    QCOMPARE(f.visitAll().size(), remaining);
    // The smallest table never shrinks further.
    if (buckets == 4) {
        f.dict.shrinkIfNeeded();
        QVERIFY(!f.dict.isRehashing());
        QCOMPARE(f.dict.bucketCount(), size_t(4));
    }
}

// While resizing is not allowed (a forked child shares the pages), a table grows only once it
// holds more than five nodes per bucket and does not shrink; allowed again, the next insert
// grows it and shrinkIfNeeded shrinks it.
void TestDict::resizeAvoidedWhileAChildRuns()
{
    Fixture f;
    f.addRange(0, 64);
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(64));
    dictSetResizeAllowed(false);
    f.addRange(64, 6 * 64);
    QVERIFY(!f.dict.isRehashing());
    QCOMPARE(f.dict.bucketCount(), size_t(64));
    f.add(key(6 * 64), 6 * 64);
    QVERIFY(f.dict.isRehashing()); // 6 nodes per bucket: over the ratio of 5
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(512));
    for (int i = 10; i <= 6 * 64; ++i)
        QVERIFY(f.remove(key(i)));
    f.dict.shrinkIfNeeded();
    QVERIFY(!f.dict.isRehashing());
    QCOMPARE(f.dict.bucketCount(), size_t(512));
    dictSetResizeAllowed(true);
    f.dict.shrinkIfNeeded();
    QVERIFY(f.dict.isRehashing());
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(16));
    QVERIFY(f.allFound());
    QCOMPARE(f.visitAll().size(), 10);
}

void TestDict::reserve_data()
{
    // reserve(n) on a dict of `count` nodes (settled): the buckets after it, and whether that
    // started a rehash (Redis's dictExpand: the power of two that holds n, never smaller).
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("buckets");
    QTest::addColumn<bool>("rehashing");
    QTest::newRow("empty, 0") << 0 << 0 << 0 << false;
    QTest::newRow("empty, 1") << 0 << 1 << 4 << false;
    QTest::newRow("empty, 5") << 0 << 5 << 8 << false;
    QTest::newRow("empty, 100") << 0 << 100 << 128 << false;
    QTest::newRow("empty, 128") << 0 << 128 << 128 << false;
    QTest::newRow("empty, 129") << 0 << 129 << 256 << false;
    QTest::newRow("10 nodes, 1000") << 10 << 1000 << 16 + 1024 << true;
    QTest::newRow("10 nodes, 16") << 10 << 16 << 16 << false;
    QTest::newRow("10 nodes, 17") << 10 << 17 << 16 + 32 << true;
    QTest::newRow("10 nodes, 5") << 10 << 5 << 16 << false;
}

void TestDict::reserve()
{
    QFETCH(int, count);
    QFETCH(int, n);
    QFETCH(int, buckets);
    QFETCH(bool, rehashing);
    Fixture f;
    f.addRange(0, count);
    f.finishRehash();
    f.dict.reserve(size_t(n));
    QCOMPARE(f.dict.bucketCount(), size_t(buckets));
    QCOMPARE(f.dict.isRehashing(), rehashing);
    QVERIFY(f.allFound());
    f.finishRehash();
    const size_t reserved = f.dict.bucketCount();
    QVERIFY(reserved >= size_t(n));
    // Filling up to the reserved size needs no further growth.
    for (int i = count; i < int(reserved); ++i) {
        f.add(key(i), i);
        QVERIFY2(!f.dict.isRehashing(), key(i).constData());
    }
    QCOMPARE(f.dict.bucketCount(), reserved);
    QVERIFY(f.allFound());
}

void TestDict::reserveWhileRehashing()
{
    Fixture f;
    f.prepare(33, 33, 0);
    QVERIFY(f.dict.isRehashing());
    f.dict.reserve(10000);
    QCOMPARE(f.dict.bucketCount(), size_t(32 + 64));
    QVERIFY(f.allFound());
    f.finishRehash();
    QCOMPARE(f.dict.bucketCount(), size_t(64));
}

void TestDict::matchesAModel_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 4; ++seed)
        QTest::newRow(QByteArray::number(seed).constData()) << seed;
}

void TestDict::matchesAModel()
{
    // Random inserts, takes, finds, shrinks and rehash steps, checked against QHash.
    QFETCH(quint32, seed);
    QRandomGenerator random(seed);
    Fixture f;
    for (int step = 0; step < 20000; ++step) {
        // Phases that grow and phases that shrink.
        const bool growing = (step / 2500) % 2 == 0;
        const QByteArray k = key(int(random.bounded(3000)));
        switch (random.bounded(10)) {
        case 0:
        case 1:
        case 2:
        case 3:
            if (growing && !f.live.contains(k))
                f.add(k, step);
            else if (!growing)
                QVERIFY(f.remove(k));
            break;
        case 4:
        case 5:
            QVERIFY(f.remove(k));
            f.dict.shrinkIfNeeded();
            break;
        case 6: f.dict.rehashSteps(int(random.bounded(5)) + 1); break;
        default: {
            TestNode *node = f.dict.find(k);
            QCOMPARE(node, f.live.value(k));
            if (node)
                QVERIFY(node->key() == QByteArrayView(k));
        }
        }
        QCOMPARE(f.dict.size(), f.live.size());
        if (step % 1000 == 0) {
            QVERIFY(f.allFound());
            QCOMPARE(f.visitAll().size(), f.live.size());
        }
    }
    QVERIFY(f.allFound());
}

void TestDict::scanOfAStillDictVisitsEachOnce_data()
{
    // A dict nobody changes during the scan: every node exactly once, rehashing or not.
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("remaining"); // after removals and shrinkIfNeeded
    QTest::addColumn<int>("steps");     // rehash steps before the scan; -1: to the end
    QTest::addColumn<bool>("rehashing");
    QTest::newRow("1 node") << 1 << 1 << -1 << false;
    QTest::newRow("1000 nodes") << 1000 << 1000 << -1 << false;
    QTest::newRow("growth just started") << 513 << 513 << 0 << true;
    QTest::newRow("growth half done") << 513 << 513 << 200 << true;
    QTest::newRow("growth mostly done") << 513 << 513 << 250 << true;
    QTest::newRow("shrink just started") << 1000 << 50 << 0 << true;
    QTest::newRow("shrink half done") << 1000 << 50 << 20 << true;
    QTest::newRow("shrunk") << 1000 << 50 << -1 << false;
}

void TestDict::scanOfAStillDictVisitsEachOnce()
{
    QFETCH(int, count);
    QFETCH(int, remaining);
    QFETCH(int, steps);
    QFETCH(bool, rehashing);
    Fixture f;
    f.prepare(count, remaining, steps);
    QCOMPARE(f.dict.isRehashing(), rehashing);
    int calls = 0;
    const Counts counts = scanCounts(f.dict, &calls);
    QCOMPARE(counts.size(), remaining);
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        QVERIFY2(it.value() == 1, it.key()->key().toByteArray().constData());
        QCOMPARE(f.live.value(it.key()->key().toByteArray()), it.key());
    }
    // One call per bucket of the smaller table.
    QVERIFY(calls <= 1024);
}

void TestDict::scanReturnsEveryNodePresentThroughout_data()
{
    QTest::addColumn<int>("initial");
    QTest::addColumn<int>("added");
    QTest::addColumn<int>("removed");
    QTest::addColumn<int>("perStep"); // inserts and removals between two scan calls
    QTest::addColumn<bool>("shrink");
    QTest::newRow("stable") << 1000 << 0 << 0 << 0 << false;
    QTest::newRow("growing") << 100 << 5000 << 0 << 50 << false;
    QTest::newRow("growing slowly") << 10 << 3000 << 0 << 3 << false;
    QTest::newRow("shrinking") << 5000 << 0 << 4900 << 50 << true;
    QTest::newRow("shrinking slowly") << 2000 << 0 << 1990 << 3 << true;
    QTest::newRow("both") << 2000 << 3000 << 1500 << 50 << true;
    QTest::newRow("both, no shrink") << 2000 << 3000 << 1500 << 50 << false;
    QTest::newRow("both slowly") << 300 << 2000 << 280 << 2 << true;
}

void TestDict::scanReturnsEveryNodePresentThroughout()
{
    QFETCH(int, initial);
    QFETCH(int, added);
    QFETCH(int, removed);
    QFETCH(int, perStep);
    QFETCH(bool, shrink);
    Fixture f;
    f.addRange(0, initial);
    f.finishRehash();
    // Nodes that stay for the whole scan: the ones never removed.
    QSet<QByteArray> stable;
    for (int i = removed; i < initial; ++i)
        stable.insert(key(i));

    QSet<QByteArray> seen;
    quint64 cursor = 0;
    int step = 0;
    int nextAdd = initial;
    int nextRemove = 0;
    int callsWhileRehashing = 0;
    bool onlyLiveVisited = true;
    do {
        if (f.dict.isRehashing())
            ++callsWhileRehashing;
        cursor = f.dict.scan(cursor, [&](const TestNode &n) {
            const QByteArray k = n.key().toByteArray();
            onlyLiveVisited = onlyLiveVisited && f.live.value(k) == &n;
            seen.insert(k);
        });
        // Between calls the table grows and shrinks, and is left in the middle of rehashes.
        for (int i = 0; i < perStep && nextAdd < initial + added; ++i)
            f.add(key(nextAdd++), 0);
        for (int i = 0; i < perStep && nextRemove < removed; ++i) {
            QVERIFY(f.remove(key(nextRemove++)));
            if (shrink)
                f.dict.shrinkIfNeeded();
        }
        QVERIFY(++step < 1000000);
    } while (cursor != 0);
    QVERIFY(onlyLiveVisited);
    for (const QByteArray &k : std::as_const(stable))
        QVERIFY2(seen.contains(k), k.constData());
    if (perStep > 0)
        QVERIFY(callsWhileRehashing > 0);
}

void TestDict::scanGuaranteeUnderRandomChanges_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 40; ++seed)
        QTest::newRow(QByteArray::number(seed).constData()) << seed;
}

void TestDict::scanGuaranteeUnderRandomChanges()
{
    // Random growth, shrinking and partial rehashing between scan calls; nodes never touched
    // during the scan must all be returned.
    QFETCH(quint32, seed);
    QRandomGenerator random(seed);
    Fixture f;
    const int initial = int(random.bounded(1, 3000));
    const int stableCount = int(random.bounded(1, initial + 1));
    for (int i = 0; i < initial; ++i)
        f.add(key(i), i);
    if (random.bounded(2))
        f.finishRehash();
    // key(0) .. key(stableCount - 1) stay; the others come and go.
    QSet<QByteArray> seen;
    quint64 cursor = 0;
    int steps = 0;
    int next = initial;
    const bool growing = random.bounded(2);
    do {
        cursor = f.dict.scan(cursor,
                             [&](const TestNode &n) { seen.insert(n.key().toByteArray()); });
        const int changes = int(random.bounded(40));
        for (int i = 0; i < changes; ++i) {
            const quint32 op = random.bounded(growing ? 3 : 6);
            if (op == 0) {
                f.dict.rehashSteps(int(random.bounded(1, 4)));
            } else if (op == 1 || op == 2) {
                if (next < initial + 4000) {
                    f.add(key(next), next);
                    ++next;
                }
            } else {
                // A volatile node, if any is left.
                const int victim = int(random.bounded(quint32(stableCount), quint32(next)));
                if (victim < next && f.live.contains(key(victim))) {
                    QVERIFY(f.remove(key(victim)));
                    f.dict.shrinkIfNeeded();
                }
            }
        }
        QVERIFY(++steps < 1000000);
    } while (cursor != 0);
    for (int i = 0; i < stableCount; ++i)
        QVERIFY2(seen.contains(key(i)), key(i).constData());
}

void TestDict::randomNode_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("remaining");
    QTest::addColumn<int>("steps"); // rehash steps before drawing; -1: to the end
    QTest::addColumn<bool>("rehashing");
    QTest::newRow("1 node") << 1 << 1 << -1 << false;
    QTest::newRow("50 nodes") << 50 << 50 << -1 << false;
    QTest::newRow("growth just started") << 33 << 33 << 0 << true;
    QTest::newRow("growth half done") << 33 << 33 << 12 << true;
    QTest::newRow("shrink just started") << 1000 << 40 << 0 << true;
    QTest::newRow("shrink half done") << 1000 << 40 << 10 << true;
    QTest::newRow("sparse") << 1000 << 101 << -1 << false;
}

void TestDict::randomNode()
{
    QFETCH(int, count);
    QFETCH(int, remaining);
    QFETCH(int, steps);
    QFETCH(bool, rehashing);
    Fixture f;
    f.prepare(count, remaining, steps);
    QCOMPARE(f.dict.isRehashing(), rehashing);
    QRandomGenerator random(7);
    bool outOfRange = false;
    auto draw = [&](size_t n) {
        if (n == 0) {
            outOfRange = true;
            return size_t(0);
        }
        return size_t(random.bounded(quint64(n)));
    };
    // Only present nodes, and every one of them sooner or later.
    QHash<const TestNode *, int> picks;
    bool onlyLive = true;
    for (int i = 0; i < remaining * 400; ++i) {
        const TestNode *node = f.dict.randomNode(draw);
        QVERIFY(node);
        onlyLive = onlyLive && f.live.value(node->key().toByteArray()) == node;
        ++picks[node];
    }
    QVERIFY(onlyLive);
    QVERIFY(!outOfRange);
    QCOMPARE(picks.size(), remaining);
    QCOMPARE(f.dict.isRehashing(), rehashing);
}

void TestDict::clearCallsTheDeleterOncePerNode_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("remaining");
    QTest::addColumn<bool>("rehashing");
    QTest::newRow("empty") << 0 << 0 << false;
    QTest::newRow("1") << 1 << 1 << false;
    QTest::newRow("100") << 100 << 100 << false;
    QTest::newRow("mid-growth") << 513 << 513 << true;
    QTest::newRow("mid-shrink") << 1000 << 30 << true;
}

void TestDict::clearCallsTheDeleterOncePerNode()
{
    QFETCH(int, count);
    QFETCH(int, remaining);
    QFETCH(bool, rehashing);
    Fixture f;
    f.prepare(count, remaining, rehashing ? 3 : -1);
    QCOMPARE(f.dict.isRehashing(), rehashing);

    QSet<TestNode *> expected;
    for (TestNode *n : std::as_const(f.live))
        expected.insert(n);
    QHash<TestNode *, int> calls;
    f.dict.clear([&](TestNode *n) {
        ++calls[n];
        TestNode::destroy(n);
    });
    f.live.clear();
    QCOMPARE(calls.size(), remaining);
    for (auto it = calls.cbegin(); it != calls.cend(); ++it) {
        QCOMPARE(it.value(), 1);
        QVERIFY(expected.contains(it.key()));
    }
    QCOMPARE(f.dict.size(), 0);
    QVERIFY(!f.dict.isRehashing());
    QCOMPARE(f.dict.bucketCount(), size_t(0));
    QVERIFY(!f.dict.find(key(0)));
    QCOMPARE(f.dict.scan(0, [](const TestNode &) {}), quint64(0));
    // Usable again, and a second clear has nothing to delete.
    f.addRange(0, 20);
    QVERIFY(f.allFound());
    f.dict.clear(&TestNode::destroy);
    f.live.clear();
    int again = 0;
    f.dict.clear([&](TestNode *) { ++again; });
    QCOMPARE(again, 0);
}

void TestDict::reverseBits_data()
{
    QTest::addColumn<quint64>("value");
    QTest::addColumn<quint64>("reversed");
    QTest::newRow("0") << quint64(0) << quint64(0);
    QTest::newRow("1") << quint64(1) << quint64(0x8000000000000000ULL);
    QTest::newRow("2") << quint64(2) << quint64(0x4000000000000000ULL);
    QTest::newRow("3") << quint64(3) << quint64(0xC000000000000000ULL);
    QTest::newRow("0xF0") << quint64(0xF0) << quint64(0x0F00000000000000ULL);
    QTest::newRow("all") << ~quint64(0) << ~quint64(0);
    QTest::newRow("0x0123456789ABCDEF")
            << quint64(0x0123456789ABCDEFULL) << quint64(0xF7B3D591E6A2C480ULL);
}

void TestDict::reverseBits()
{
    QFETCH(quint64, value);
    QFETCH(quint64, reversed);
    QCOMPARE(dictReverseBits(value), reversed);
    QCOMPARE(dictReverseBits(reversed), value);
}

QTEST_GUILESS_MAIN(TestDict)
#include "tst_dict.moc"
