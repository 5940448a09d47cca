// Keyspace: set/find/remove, lazy and active expiry, the SCAN guarantee across resizes.
#include "store/keyspace.h"

#include <QSet>
#include <QTest>

namespace {

QByteArray key(int i)
{
    return "key:" + QByteArray::number(i);
}

} // namespace

class TestKeyspace : public QObject
{
    Q_OBJECT

private slots:
    void setFindRemove();
    void lazyExpiry();
    void activeExpiry();
    void keepTtlAndPersist();
    void scanReturnsEveryKeyPresentThroughout_data();
    void scanReturnsEveryKeyPresentThroughout();
    void randomEntryAndClear();
};

void TestKeyspace::setFindRemove()
{
    Keyspace ks;
    QVERIFY(!ks.find("a", 0));
    ks.setString("a", "1");
    ks.setString(QByteArrayView("\0b", 2), "2");
    QCOMPARE(ks.size(), 2);
    QCOMPARE(ks.find("a", 0)->value, QByteArray("1"));
    QCOMPARE(ks.find(QByteArrayView("\0b", 2), 0)->key(), QByteArrayView("\0b", 2));
    ks.setString("a", "one");
    QCOMPARE(ks.size(), 2);
    QCOMPARE(ks.find("a", 0)->value, QByteArray("one"));
    QVERIFY(ks.remove("a"));
    QVERIFY(!ks.remove("a"));
    QCOMPARE(ks.size(), 1);
    for (int i = 0; i < 10000; ++i)
        ks.setString(key(i), QByteArray::number(i));
    for (int i = 0; i < 10000; ++i)
        QCOMPARE(ks.find(key(i), 0)->value, QByteArray::number(i));
    for (int i = 0; i < 10000; ++i)
        QVERIFY(ks.remove(key(i)));
    QCOMPARE(ks.size(), 1);
}

void TestKeyspace::lazyExpiry()
{
    Keyspace ks;
    ks.setString("k", "v", 1000);
    QCOMPARE(ks.volatileCount(), 1);
    QVERIFY(ks.find("k", 999));
    QVERIFY(!ks.find("k", 1000));
    QCOMPARE(ks.size(), 0);
    QCOMPARE(ks.volatileCount(), 0);
    QCOMPARE(ks.expiredCount(), quint64(1));
}

void TestKeyspace::activeExpiry()
{
    Keyspace ks;
    for (int i = 0; i < 1000; ++i)
        ks.setString(key(i), "v", i < 900 ? 100 : 1000000);
    // Keys nobody touches again are reclaimed by sampling.
    for (int round = 0; round < 100 && ks.size() > 100; ++round)
        ks.expireCycle(200, 1000);
    QCOMPARE(ks.size(), 100);
    QCOMPARE(ks.volatileCount(), 100);
    QVERIFY(ks.find(key(950), 200));
}

void TestKeyspace::keepTtlAndPersist()
{
    Keyspace ks;
    ks.setString("k", "v", 5000);
    ks.setString("k", "w", -1, true);
    QCOMPARE(ks.find("k", 0)->expireAt, qint64(5000));
    ks.setExpire(ks.find("k", 0), -1);
    QCOMPARE(ks.volatileCount(), 0);
    ks.setString("k", "x", 7000);
    ks.setString("k", "y");
    QVERIFY(!ks.find("k", 0)->hasExpire());
}

void TestKeyspace::scanReturnsEveryKeyPresentThroughout_data()
{
    QTest::addColumn<int>("initial");
    QTest::addColumn<int>("added");
    QTest::addColumn<int>("removed");
    QTest::newRow("stable") << 1000 << 0 << 0;
    QTest::newRow("growing") << 100 << 5000 << 0;
    QTest::newRow("shrinking") << 5000 << 0 << 4500;
    QTest::newRow("both") << 2000 << 3000 << 1500;
}

void TestKeyspace::scanReturnsEveryKeyPresentThroughout()
{
    QFETCH(int, initial);
    QFETCH(int, added);
    QFETCH(int, removed);
    Keyspace ks;
    for (int i = 0; i < initial; ++i)
        ks.setString(key(i), "v");
    // Keys that stay for the whole scan: the ones never removed.
    QSet<QByteArray> stable;
    for (int i = removed; i < initial; ++i)
        stable.insert(key(i));

    QSet<QByteArray> seen;
    quint64 cursor = 0;
    int step = 0;
    int nextAdd = initial;
    int nextRemove = 0;
    do {
        cursor = ks.scan(cursor, [&](const KeyEntry &e) { seen.insert(e.key().toByteArray()); });
        // Between steps the table grows and shrinks.
        for (int i = 0; i < 50 && nextAdd < initial + added; ++i)
            ks.setString(key(nextAdd++), "v");
        for (int i = 0; i < 50 && nextRemove < removed; ++i)
            ks.remove(key(nextRemove++));
        QVERIFY(++step < 1000000);
    } while (cursor != 0);
    for (const QByteArray &k : std::as_const(stable))
        QVERIFY2(seen.contains(k), k.constData());
}

void TestKeyspace::randomEntryAndClear()
{
    Keyspace ks;
    QVERIFY(!ks.randomEntry());
    for (int i = 0; i < 100; ++i)
        ks.setString(key(i), "v", i % 2 ? 1000 : -1);
    QSet<QByteArray> picked;
    for (int i = 0; i < 2000; ++i)
        picked.insert(ks.randomEntry()->key().toByteArray());
    QVERIFY(picked.size() > 50);
    ks.clear();
    QCOMPARE(ks.size(), 0);
    QCOMPARE(ks.volatileCount(), 0);
    QVERIFY(!ks.randomEntry());
}

QTEST_GUILESS_MAIN(TestKeyspace)
#include "tst_keyspace.moc"
