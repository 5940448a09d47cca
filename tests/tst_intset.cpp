// Intset: add/remove/contains, order, duplicates, width upgrades from either side, and the bytes,
// exactly as Redis 7.0 writes them.
//
// The expected bytes come from a redis-server 7.0.15 (rdbcompression off): SADD of the integers
// in order (then SREM), DUMP, and the intset blob taken out of the RDB payload (type 11,
// RDB_TYPE_SET_INTSET).
#include "store/intset.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>

#include <climits>
#include <set>

using Integers = QList<qint64>;

namespace {

QByteArray blob(const Intset &set)
{
    return QByteArray(reinterpret_cast<const char *>(set.data()), qsizetype(set.bytes()));
}

Integers elements(const Intset &set)
{
    Integers out;
    for (qsizetype i = 0; i < set.size(); ++i)
        out.append(set.at(i));
    return out;
}

int width(const Intset &set)
{
    return set.data()[0] | set.data()[1] << 8;
}

} // namespace

class TestIntset : public QObject
{
    Q_OBJECT

private slots:
    void empty();
    void redisBytes_data();
    void redisBytes();
    void redisDigest_data();
    void redisDigest();
    void addRemoveContains();
    void duplicates();
    void upgrade_data();
    void upgrade();
    void widthNeverShrinks();
    void containsOutsideTheWidth_data();
    void containsOutsideTheWidth();
    void removeToEmpty();
    void sortedLikeStdSet_data();
    void sortedLikeStdSet();
    void copyAndMove();
};

void TestIntset::empty()
{
    Intset set;
    QCOMPARE(blob(set).toHex(), QByteArray("0200000000000000"));
    QCOMPARE(set.size(), 0);
    QCOMPARE(set.bytes(), size_t(8));
    QVERIFY(!set.contains(0));
    QVERIFY(!set.remove(0));
    QVERIFY(set.allocatedBytes() >= set.bytes());
}

void TestIntset::redisBytes_data()
{
    QTest::addColumn<Integers>("added");
    QTest::addColumn<Integers>("removed");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("5 -1 0 32767 -32768 3")
            << Integers { 5, -1, 0, 32767, -32768, 3 } << Integers {}
            << QByteArray("02000000060000000080ffff000003000500ff7f");
    QTest::newRow("1 2 32768") << Integers { 1, 2, 32768 } << Integers {}
                               << QByteArray("0400000003000000010000000200000000800000");
    QTest::newRow("1 2 -32769") << Integers { 1, 2, -32769 } << Integers {}
                                << QByteArray("0400000003000000ff7fffff0100000002000000");
    QTest::newRow("int32 max, min, 0") << Integers { 2147483647, -2147483648LL, 0 } << Integers {}
                                       << QByteArray("04000000030000000000008000000000ffffff7f");
    QTest::newRow("1 2147483648") << Integers { 1, 2147483648LL } << Integers {}
                                  << QByteArray("080000000200000001000000000000000000008000000000");
    QTest::newRow("-1 -2147483649")
            << Integers { -1, -2147483649LL } << Integers {}
            << QByteArray("0800000002000000ffffff7fffffffffffffffffffffffff");
    QTest::newRow("int64 max, min, 0, 1, -1")
            << Integers { LLONG_MAX, LLONG_MIN, 0, 1, -1 } << Integers {}
            << QByteArray("08000000050000000000000000000080ffffffffffffffff00000000000000000100"
                          "000000000000ffffffffffffff7f");
    QTest::newRow("7 -7 int64 max") << Integers { 7, -7, LLONG_MAX } << Integers {}
                                    << QByteArray("0800000003000000f9ffffffffffffff0700000000000000"
                                                  "ffffffffffffff7f");
    QTest::newRow("1 70000, 70000 removed") << Integers { 1, 70000 } << Integers { 70000 }
                                            << QByteArray("040000000100000001000000");
    QTest::newRow("1 -5000000000 2, two removed")
            << Integers { 1, -5000000000LL, 2 } << Integers { -5000000000LL, 2 }
            << QByteArray("08000000010000000100000000000000");
    QTest::newRow("1 2, 1 removed")
            << Integers { 1, 2 } << Integers { 1 } << QByteArray("02000000010000000200");
}

void TestIntset::redisBytes()
{
    QFETCH(Integers, added);
    QFETCH(Integers, removed);
    QFETCH(QByteArray, expected);
    Intset set;
    for (qint64 v : added)
        set.add(v);
    for (qint64 v : removed)
        QVERIFY(set.remove(v));
    QCOMPARE(blob(set).toHex(), expected);
}

void TestIntset::redisDigest_data()
{
    // Too big to spell out: size, first and last 16 bytes and SHA-256 of Redis's block.
    QTest::addColumn<Integers>("added");
    QTest::addColumn<Integers>("removed");
    QTest::addColumn<QByteArray>("expected");
    Integers wide; // (i - 300) * 1000003 * (i % 7 + 1): 547 distinct, 32-bit
    for (qint64 i = 0; i < 600; ++i)
        wide.append((i - 300) * 1000003 * (i % 7 + 1));
    QTest::newRow("600 products") << wide << Integers {}
                                  << QByteArray("2196 04000000230200006251558535004188 "
                                                "25a2e771f850d374cbffbe779eaeaa7a "
                                                "25d5c3d72cf1df17c095158c61239a1816f44026fbe79ff7"
                                                "df78c003e4a8fac6");
    Integers narrow; // (i * 7919) % 65536 - 32768, every third one removed again
    Integers removed;
    for (qint64 i = 0; i < 600; ++i) {
        narrow.append((i * 7919) % 65536 - 32768);
        if (i % 3 == 0)
            removed.append(narrow.last());
    }
    QTest::newRow("600 16-bit, 200 removed")
            << narrow << removed
            << QByteArray("808 02000000900100001b812b8126823682 c97ac47bd47bea7dfa7df57e057f157f "
                          "ffa31dd6742968811df8c8c605c0d5640826bc0edaf791b2dedf1aa8aec2b8cb");
}

void TestIntset::redisDigest()
{
    QFETCH(Integers, added);
    QFETCH(Integers, removed);
    QFETCH(QByteArray, expected);
    Intset set;
    for (qint64 v : added)
        set.add(v);
    for (qint64 v : removed)
        QVERIFY(set.remove(v));
    const QByteArray b = blob(set);
    QCOMPARE(QByteArray::number(b.size()) + ' ' + b.left(16).toHex() + ' ' + b.right(16).toHex()
                     + ' ' + QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex(),
             expected);
}

void TestIntset::addRemoveContains()
{
    Intset set;
    QVERIFY(set.add(10));
    QVERIFY(set.add(-10));
    QVERIFY(set.add(0));
    QCOMPARE(elements(set), Integers({ -10, 0, 10 }));
    QVERIFY(set.contains(10));
    QVERIFY(set.contains(-10));
    QVERIFY(set.contains(0));
    QVERIFY(!set.contains(5));
    QVERIFY(!set.contains(11));
    QVERIFY(!set.contains(-11));
    QVERIFY(set.remove(0));
    QVERIFY(!set.remove(0));
    QVERIFY(!set.contains(0));
    QCOMPARE(elements(set), Integers({ -10, 10 }));
    QVERIFY(set.remove(-10));
    QCOMPARE(elements(set), Integers({ 10 }));
    QVERIFY(set.add(5));
    QVERIFY(set.add(20));
    QCOMPARE(elements(set), Integers({ 5, 10, 20 }));
    QCOMPARE(set.bytes(), size_t(8 + 3 * 2));
    QVERIFY(set.allocatedBytes() >= set.bytes());
}

void TestIntset::duplicates()
{
    Intset set;
    for (qint64 v : { 3, 1, 2, 3, 1, 70000, 70000, 2 }) {
        const bool fresh = !set.contains(v);
        QCOMPARE(set.add(v), fresh);
    }
    QCOMPARE(elements(set), Integers({ 1, 2, 3, 70000 }));
    const QByteArray before = blob(set);
    QVERIFY(!set.add(2));
    QVERIFY(!set.add(70000));
    QCOMPARE(blob(set), before);
    QVERIFY(!set.remove(4));
    QVERIFY(!set.remove(-70000));
    QCOMPARE(blob(set), before);
}

void TestIntset::upgrade_data()
{
    // Existing elements, then one that needs a wider width: where it goes and the new width.
    QTest::addColumn<Integers>("initial");
    QTest::addColumn<qint64>("value");
    QTest::addColumn<int>("width");
    QTest::addColumn<Integers>("expected");
    const Integers small { -32768, -2, 0, 7, 32767 };
    QTest::newRow("2 to 4, positive")
            << small << qint64(32768) << 4 << Integers { -32768, -2, 0, 7, 32767, 32768 };
    QTest::newRow("2 to 4, negative")
            << small << qint64(-32769) << 4 << Integers { -32769, -32768, -2, 0, 7, 32767 };
    QTest::newRow("2 to 8, positive")
            << small << qint64(LLONG_MAX) << 8 << Integers { -32768, -2, 0, 7, 32767, LLONG_MAX };
    QTest::newRow("2 to 8, negative")
            << small << qint64(LLONG_MIN) << 8 << Integers { LLONG_MIN, -32768, -2, 0, 7, 32767 };
    const Integers medium { -2147483648LL, -40000, 1, 40000, 2147483647 };
    QTest::newRow("4 to 8, positive")
            << medium << qint64(2147483648LL) << 8
            << Integers { -2147483648LL, -40000, 1, 40000, 2147483647, 2147483648LL };
    QTest::newRow("4 to 8, negative")
            << medium << qint64(-2147483649LL) << 8
            << Integers { -2147483649LL, -2147483648LL, -40000, 1, 40000, 2147483647 };
    QTest::newRow("empty to 8") << Integers {} << qint64(-5000000000LL) << 8
                                << Integers { -5000000000LL };
    QTest::newRow("one to 4") << Integers { -1 } << qint64(100000) << 4 << Integers { -1, 100000 };
    QTest::newRow("no upgrade at the edge")
            << Integers { 1 } << qint64(-32768) << 2 << Integers { -32768, 1 };
}

void TestIntset::upgrade()
{
    QFETCH(Integers, initial);
    QFETCH(qint64, value);
    QFETCH(int, width);
    QFETCH(Integers, expected);
    Intset set;
    for (qint64 v : initial)
        set.add(v);
    QVERIFY(set.add(value));
    QCOMPARE(::width(set), width);
    QCOMPARE(elements(set), expected);
    QCOMPARE(set.bytes(), size_t(8 + width * expected.size()));
    for (qint64 v : expected)
        QVERIFY(set.contains(v));
    QVERIFY(!set.add(value));
}

void TestIntset::widthNeverShrinks()
{
    Intset set;
    set.add(1);
    set.add(5000000000LL);
    QCOMPARE(width(set), 8);
    QVERIFY(set.remove(5000000000LL));
    QCOMPARE(width(set), 8);
    QCOMPARE(elements(set), Integers({ 1 }));
    QCOMPARE(set.bytes(), size_t(16));
    // Narrow values still go in at the wide width, in order.
    set.add(-3);
    set.add(3);
    QCOMPARE(elements(set), Integers({ -3, 1, 3 }));
    QCOMPARE(blob(set).toHex(),
             QByteArray("0800000003000000fdffffffffffffff0100000000000000"
                        "0300000000000000"));
}

void TestIntset::containsOutsideTheWidth_data()
{
    // A 16-bit set holding -1 and 0: values whose low bits match but which are wider.
    QTest::addColumn<qint64>("value");
    QTest::newRow("65535") << qint64(65535);
    QTest::newRow("65536") << qint64(65536);
    QTest::newRow("-65536") << qint64(-65536);
    QTest::newRow("4294967295") << qint64(4294967295LL);
    QTest::newRow("4294967296") << qint64(4294967296LL);
    QTest::newRow("int64 min") << qint64(LLONG_MIN);
    QTest::newRow("int64 max") << qint64(LLONG_MAX);
}

void TestIntset::containsOutsideTheWidth()
{
    QFETCH(qint64, value);
    Intset set;
    set.add(-1);
    set.add(0);
    const QByteArray before = blob(set);
    QVERIFY(!set.contains(value));
    QVERIFY(!set.remove(value));
    QCOMPARE(blob(set), before);
}

void TestIntset::removeToEmpty()
{
    Intset set;
    const Integers values { 40000, -3, 9, 0 };
    for (qint64 v : values)
        set.add(v);
    for (qint64 v : values)
        QVERIFY(set.remove(v));
    QCOMPARE(set.size(), 0);
    QCOMPARE(blob(set).toHex(), QByteArray("0400000000000000"));
    QVERIFY(!set.contains(40000));
    QVERIFY(!set.remove(9));
    QVERIFY(set.add(9));
    QCOMPARE(elements(set), Integers({ 9 }));
}

void TestIntset::sortedLikeStdSet_data()
{
    // Random values within a range, added and removed at random; the set must agree with
    // std::set after every step.
    QTest::addColumn<qint64>("range");
    QTest::addColumn<bool>("negative"); // also below zero
    QTest::newRow("16-bit, dense") << qint64(200) << true;
    QTest::newRow("32-bit") << qint64(3000000000LL) << true;
    QTest::newRow("64-bit") << qint64(LLONG_MAX) << true;
    QTest::newRow("positive, up to 64-bit") << qint64(LLONG_MAX) << false;
}

void TestIntset::sortedLikeStdSet()
{
    QFETCH(qint64, range);
    QFETCH(bool, negative);
    QRandomGenerator random(12345);
    Intset set;
    std::set<qint64> model;
    for (int step = 0; step < 3000; ++step) {
        // Mostly small values, growing wider: upgrades happen in the middle of the run.
        const qint64 limit = step < 1000 ? qMin<qint64>(range, 1000) : range;
        qint64 v = qint64(random.generate64() % quint64(limit));
        if (negative && random.bounded(2))
            v = -v - 1;
        if (random.bounded(3) == 0) {
            QCOMPARE(set.remove(v), model.erase(v) == 1);
        } else {
            QCOMPARE(set.add(v), model.insert(v).second);
        }
        QCOMPARE(set.size(), qsizetype(model.size()));
    }
    QCOMPARE(elements(set), Integers(model.begin(), model.end()));
    for (qint64 v : model)
        QVERIFY(set.contains(v));
}

void TestIntset::copyAndMove()
{
    Intset original;
    for (qint64 v : { 1, -70000, 3 })
        original.add(v);
    const QByteArray bytes = blob(original);

    Intset copy(original);
    QCOMPARE(blob(copy), bytes);
    QVERIFY(copy.data() != original.data());
    copy.add(5000000000LL);
    original.remove(1);
    QCOMPARE(elements(copy), Integers({ -70000, 1, 3, 5000000000LL }));
    QCOMPARE(elements(original), Integers({ -70000, 3 }));

    Intset assigned;
    assigned.add(42);
    assigned = copy;
    QCOMPARE(blob(assigned), blob(copy));
    Intset &self = assigned;
    assigned = self;
    QCOMPARE(blob(assigned), blob(copy));

    const unsigned char *block = assigned.data();
    Intset moved(std::move(assigned));
    QCOMPARE(moved.data(), block);
    Intset target;
    target.add(7);
    target = std::move(moved);
    QCOMPARE(target.data(), block);
    QCOMPARE(elements(target), Integers({ -70000, 1, 3, 5000000000LL }));

    // A moved-from intset can be assigned again and used.
    assigned = original;
    QCOMPARE(elements(assigned), Integers({ -70000, 3 }));
}

QTEST_GUILESS_MAIN(TestIntset)
#include "tst_intset.moc"
