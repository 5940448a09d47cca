// Keyspace: set/find/remove, lazy and active expiry, the SCAN guarantee across resizes.
#include "store/keyspace.h"
#include "store/listvalue.h"
#include "store/setvalue.h"

#include <QSet>
#include <QTest>

#include <chrono>

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
    void expiryStopsAtItsDeadline();
    void keepTtlAndPersist();
    void scanReturnsEveryKeyPresentThroughout_data();
    void scanReturnsEveryKeyPresentThroughout();
    void randomEntryAndClear();
    void encodingOf_data();
    void encodingOf();
    void encodingFollowsTheWrite();
    void idleTimeFollowsTheClock();
    void smallAggregatesLiveInTheEntry();
};

void TestKeyspace::setFindRemove()
{
    Keyspace ks;
    QVERIFY(!ks.find("a", 0));
    ks.setString("a", "1");
    ks.setString(QByteArrayView("\0b", 2), "2");
    QCOMPARE(ks.size(), 2);
    QCOMPARE(ks.find("a", 0)->string(), QByteArrayView("1"));
    QCOMPARE(ks.find(QByteArrayView("\0b", 2), 0)->key(), QByteArrayView("\0b", 2));
    ks.setString("a", "one");
    QCOMPARE(ks.size(), 2);
    QCOMPARE(ks.find("a", 0)->string(), QByteArrayView("one"));
    QVERIFY(ks.remove("a"));
    QVERIFY(!ks.remove("a"));
    QCOMPARE(ks.size(), 1);
    for (int i = 0; i < 10000; ++i)
        ks.setString(key(i), QByteArray::number(i));
    for (int i = 0; i < 10000; ++i)
        QCOMPARE(ks.find(key(i), 0)->string(), QByteArray::number(i));
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
    // Redis's keyIsExpired: a key lives through its expiry millisecond, gone after it.
    QVERIFY(ks.find("k", 1000));
    QVERIFY(!ks.find("k", 1001));
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
    bool timedOut = false;
    for (int round = 0; round < 100 && ks.size() > 100; ++round)
        ks.expireCycle(200, std::chrono::steady_clock::now() + std::chrono::seconds(1), &timedOut);
    QCOMPARE(ks.size(), 100);
    QCOMPARE(ks.volatileCount(), 100);
    QVERIFY(ks.find(key(950), 200));
}

void TestKeyspace::expiryStopsAtItsDeadline()
{
    Keyspace ks;
    for (int i = 0; i < 100000; ++i)
        ks.setString(key(i), "v", 100);
    // A deadline already past: the cycle still samples (the clock is read every 16 rounds of
    // 20 keys), then stops with work left instead of deleting all 100,000 keys at once.
    bool timedOut = false;
    const qsizetype removed = ks.expireCycle(200, std::chrono::steady_clock::now(), &timedOut);
    QVERIFY(timedOut);
    QVERIFY(removed > 0 && removed <= 16 * 20);
    QCOMPARE(ks.size(), 100000 - removed);
    // With time enough it goes on while more than 10% of a sample had expired: here, until
    // every key is gone.
    const auto later = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (ks.size() > 0 && ks.expireCycle(200, later, &timedOut) > 0) { }
    QCOMPARE(ks.size(), 0);
    QVERIFY(!timedOut);
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
    int stepsWhileRehashing = 0;
    do {
        stepsWhileRehashing += ks.isRehashing() ? 1 : 0;
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
    // The tables grow and shrink by incremental rehashing: scan steps did run mid-rehash.
    if (added > 0 || removed > 0)
        QVERIFY(stepsWhileRehashing > 0);
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

void TestKeyspace::encodingOf_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<StringEncoding>("encoding");
    QTest::newRow("0") << QByteArray("0") << StringEncoding::SharedInt;
    QTest::newRow("9999") << QByteArray("9999") << StringEncoding::SharedInt;
    QTest::newRow("10000") << QByteArray("10000") << StringEncoding::Int;
    QTest::newRow("-1") << QByteArray("-1") << StringEncoding::Int;
    QTest::newRow("int64 min") << QByteArray("-9223372036854775808") << StringEncoding::Int;
    QTest::newRow("int64 max + 1") << QByteArray("9223372036854775808") << StringEncoding::Embstr;
    QTest::newRow("+1") << QByteArray("+1") << StringEncoding::Embstr;
    QTest::newRow("01") << QByteArray("01") << StringEncoding::Embstr;
    QTest::newRow("-0") << QByteArray("-0") << StringEncoding::Embstr;
    QTest::newRow("empty") << QByteArray("") << StringEncoding::Embstr;
    QTest::newRow("44 bytes") << QByteArray(44, 'a') << StringEncoding::Embstr;
    QTest::newRow("45 bytes") << QByteArray(45, 'a') << StringEncoding::Raw;
}

void TestKeyspace::encodingOf()
{
    QFETCH(QByteArray, value);
    QFETCH(StringEncoding, encoding);
    QCOMPARE(Keyspace::encodingOf(value), encoding);
}

void TestKeyspace::encodingFollowsTheWrite()
{
    Keyspace ks;
    Keyspace other;
    KeyEntry *entry = ks.setString("k", "5");
    QCOMPARE(entry->encoding, StringEncoding::SharedInt);
    ks.rename("k", "r");
    QCOMPARE(ks.find("r", 0)->encoding, StringEncoding::SharedInt);
    // A copy is a new object: the same encoding, but never a shared integer.
    ks.copyTo("r", other, "c");
    QCOMPARE(other.find("c", 0)->encoding, StringEncoding::Int);
    ks.unshareString(ks.find("r", 0));
    QCOMPARE(ks.find("r", 0)->encoding, StringEncoding::Raw);
    ks.moveTo("r", other);
    QCOMPARE(other.find("r", 0)->encoding, StringEncoding::Raw);
}

void TestKeyspace::idleTimeFollowsTheClock()
{
    // Times far from the real clock, which the shared integers' access times start at.
    constexpr qint64 t0 = 4'000'000'000'000;
    Keyspace ks;
    ks.find("none", t0);
    KeyEntry *entry = ks.setString("k", "hello");
    QCOMPARE(ks.idleSeconds(entry), 0);
    ks.find("k", t0 + 5'000); // a lookup alone is not an access
    QCOMPARE(ks.idleSeconds(entry), 5);
    ks.touch(entry);
    QCOMPARE(ks.idleSeconds(entry), 0);
    ks.find("k", t0 + 7'999);
    QCOMPARE(ks.idleSeconds(entry), 2);
    // RENAME moves the object and its access time; rewriting the value makes a new one.
    ks.rename("k", "r");
    entry = ks.find("r", t0 + 8'000);
    QCOMPARE(ks.idleSeconds(entry), 3);
    ks.unshareString(entry);
    QCOMPARE(ks.idleSeconds(entry), 0);

    // Keys holding the same shared integer share its access time, as in Redis.
    KeyEntry *a = ks.setString("a", "42");
    KeyEntry *b = ks.setString("b", "42");
    ks.touch(a);
    ks.find("a", t0 + 12'000);
    QCOMPARE(ks.idleSeconds(b), 4);
    ks.touch(b);
    QCOMPARE(ks.idleSeconds(a), 0);
}

void TestKeyspace::smallAggregatesLiveInTheEntry()
{
    Keyspace ks;
    const auto setOf = [](std::initializer_list<QByteArrayView> members) {
        auto set = std::make_unique<SetValue>();
        for (QByteArrayView member : members)
            set->add(member, 512);
        return set;
    };
    // A set fits beside the key (no heap block of its own); a list does not.
    KeyEntry *entry = ks.setObject("s", ValueType::Set, setOf({ "1", "2", "3" }));
    QVERIFY(entry->isInlineObject);
    QVERIFY(!ks.setObject("l", ValueType::List, std::make_unique<ListValue>())->isInlineObject);

    // It moves with RENAME, is copied by COPY, and keeps its members and encoding through both.
    QVERIFY(ks.rename("s", "t"));
    entry = ks.find("t", 0);
    QVERIFY(entry->isInlineObject);
    QCOMPARE(entry->as<SetValue>()->length(), 3);
    QVERIFY(entry->as<SetValue>()->contains(QByteArrayView("2")));
    QVERIFY(ks.copyTo("t", ks, "u"));
    QCOMPARE(ks.find("u", 0)->object()->encodingName(), "intset");

    // Taken out of its entry (lazy freeing does), it moves to a heap block with its members.
    std::unique_ptr<Aggregate> taken = entry->takeObject();
    QVERIFY(!entry->isInlineObject);
    QCOMPARE(entry->type, ValueType::String);
    QCOMPARE(taken->length(), 3);

    // A big set stays inline too: only its table lives elsewhere.
    auto big = setOf({ "not-an-integer" });
    for (int i = 0; i < 1000; ++i)
        big->add(key(i), 512);
    entry = ks.setObject("big", ValueType::Set, std::move(big));
    QVERIFY(entry->isInlineObject);
    QCOMPARE(entry->object()->encodingName(), "hashtable");
    QCOMPARE(entry->object()->length(), 1001);
    QVERIFY(ks.remove("big"));
}

QTEST_GUILESS_MAIN(TestKeyspace)
#include "tst_keyspace.moc"
