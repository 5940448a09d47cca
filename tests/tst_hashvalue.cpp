// HashValue: both encodings, the conversion and its thresholds, iteration order, removal,
// scan across resizes, random sampling, copies.
#include "store/hashvalue.h"

#include <QList>
#include <QMap>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <climits>
#include <utility>

namespace {

using Pairs = QList<std::pair<QByteArray, QByteArray>>;

const HashValue::Limits Default;
// Small enough that a handful of fields reaches a hash table.
const HashValue::Limits Tiny { 4, 8 };

QByteArray field(int i)
{
    return "field:" + QByteArray::number(i);
}

Pairs pairsOf(const HashValue &hash)
{
    Pairs pairs;
    hash.forEach([&](QByteArrayView f, QByteArrayView v) {
        pairs.append({ f.toByteArray(), v.toByteArray() });
    });
    return pairs;
}

QMap<QByteArray, QByteArray> mapOf(const HashValue &hash)
{
    QMap<QByteArray, QByteArray> map;
    for (const auto &[f, v] : pairsOf(hash))
        map.insert(f, v);
    return map;
}

// The value of f as text, or a null QByteArray when absent.
QByteArray valueOf(HashValue &hash, QByteArrayView f)
{
    HashValue::Value value;
    if (!hash.get(f, &value))
        return QByteArray();
    char buffer[24];
    const QByteArrayView text = value.text(buffer);
    return text.isEmpty() ? QByteArray("") : text.toByteArray();
}

// A hash table holding n fields, converted by the entry count.
HashValue bigHash(int n)
{
    HashValue hash;
    for (int i = 0; i < n; ++i)
        hash.set(field(i), QByteArray::number(i * 7), Tiny);
    return hash;
}

} // namespace

class TestHashValue : public QObject
{
    Q_OBJECT

private slots:
    void setGetRemove_data();
    void setGetRemove();
    void integersKeptByTheListpack();
    void listpackKeepsInsertionOrder();
    void conversion_data();
    void conversion();
    void prepareWriteMeasuresEveryArgument();
    void updateAppliesALoweredEntryLimit();
    void neverConvertsBack();
    void valuesGrowAndShrinkInTheTable();
    void scanListpackInOneStep();
    void scanReturnsEveryFieldPresentThroughout();
    void randomPairs_data();
    void randomPairs();
    void randomUniquePairs_data();
    void randomUniquePairs();
    void cloneIsDeep_data();
    void cloneIsDeep();
    void memoryUsage();
};

void TestHashValue::setGetRemove_data()
{
    QTest::addColumn<bool>("table");
    QTest::newRow("listpack") << false;
    QTest::newRow("hashtable") << true;
}

void TestHashValue::setGetRemove()
{
    QFETCH(bool, table);
    HashValue hash;
    const HashValue::Limits limits = table ? HashValue::Limits { 0, 64 } : Default;
    QVERIFY(hash.set("name", "alice", limits));
    QVERIFY(hash.set(QByteArrayView("b\0in", 4), QByteArrayView("\r\n\0", 3), limits));
    QVERIFY(hash.set("empty", "", limits));
    QVERIFY(hash.set("-12", "34", limits));
    QCOMPARE(hash.isListpack(), !table);
    QCOMPARE(hash.encodingName(), table ? "hashtable" : "listpack");
    QCOMPARE(hash.length(), 4);

    QCOMPARE(valueOf(hash, "name"), QByteArray("alice"));
    QCOMPARE(valueOf(hash, QByteArrayView("b\0in", 4)), QByteArray("\r\n\0", 3));
    QCOMPARE(valueOf(hash, "empty"), QByteArray(""));
    QCOMPARE(valueOf(hash, "-12"), QByteArray("34"));
    QVERIFY(valueOf(hash, "missing").isNull());
    QVERIFY(hash.contains("empty"));
    QVERIFY(!hash.contains("nam"));

    QVERIFY(!hash.set("name", "bob", limits)); // an overwrite adds nothing
    QCOMPARE(valueOf(hash, "name"), QByteArray("bob"));
    QCOMPARE(hash.length(), 4);

    QVERIFY(hash.remove("name"));
    QVERIFY(!hash.remove("name"));
    QVERIFY(!hash.contains("name"));
    QCOMPARE(hash.length(), 3);
    QVERIFY(hash.remove("-12"));
    QVERIFY(hash.remove("empty"));
    QVERIFY(hash.remove(QByteArrayView("b\0in", 4)));
    QCOMPARE(hash.length(), 0);
}

void TestHashValue::integersKeptByTheListpack()
{
    HashValue hash;
    hash.set("n", "-9223372036854775808", Default);
    hash.set("s", "007", Default);
    HashValue::Value value;
    QVERIFY(hash.get("n", &value));
    QVERIFY(value.isInteger);
    long long number = 0;
    QVERIFY(value.toLongLong(&number));
    QCOMPARE(number, LLONG_MIN);
    // Leading zeros are not an integer Redis would store as one.
    QVERIFY(hash.get("s", &value));
    QVERIFY(!value.isInteger);
    QCOMPARE(value.string, QByteArrayView("007"));
    QCOMPARE(pairsOf(hash), Pairs({ { "n", "-9223372036854775808" }, { "s", "007" } }));
}

void TestHashValue::listpackKeepsInsertionOrder()
{
    HashValue hash;
    for (const char *f : { "c", "a", "b", "10" })
        hash.set(f, QByteArray(QByteArray(f) + "!"), Default);
    hash.set("a", "again", Default); // an overwrite keeps its place
    hash.remove("c");
    hash.set("c", "back", Default); // a removed field comes back at the end
    QCOMPARE(pairsOf(hash),
             Pairs({ { "a", "again" }, { "b", "b!" }, { "10", "10!" }, { "c", "back" } }));
    QVERIFY(hash.listpack());
    QVERIFY(!hash.dict());
    QCOMPARE(hash.listpack()->size(), 8);
}

void TestHashValue::conversion_data()
{
    QTest::addColumn<int>("fields");
    QTest::addColumn<QByteArray>("lastField");
    QTest::addColumn<QByteArray>("lastValue");
    QTest::addColumn<bool>("listpack");
    // Tiny: 4 entries, 8 bytes.
    QTest::newRow("at the entry limit") << 3 << QByteArray("f") << QByteArray("v") << true;
    QTest::newRow("one past the entry limit") << 4 << QByteArray("f") << QByteArray("v") << false;
    QTest::newRow("field at the length limit")
            << 0 << QByteArray("12345678") << QByteArray("v") << true;
    QTest::newRow("field past the length limit")
            << 0 << QByteArray("123456789") << QByteArray("v") << false;
    QTest::newRow("value at the length limit")
            << 0 << QByteArray("f") << QByteArray("abcdefgh") << true;
    QTest::newRow("value past the length limit")
            << 0 << QByteArray("f") << QByteArray("abcdefghi") << false;
    // A long integer is measured as text, as Redis measures the sds it formats.
    QTest::newRow("integer value past the length limit")
            << 0 << QByteArray("f") << QByteArray("123456789") << false;
}

void TestHashValue::conversion()
{
    QFETCH(int, fields);
    QFETCH(QByteArray, lastField);
    QFETCH(QByteArray, lastValue);
    QFETCH(bool, listpack);
    HashValue hash;
    QMap<QByteArray, QByteArray> expected;
    for (int i = 0; i < fields; ++i) {
        hash.set(QByteArray::number(i), QByteArray("v" + QByteArray::number(i)), Tiny);
        expected.insert(QByteArray::number(i), "v" + QByteArray::number(i));
    }
    QVERIFY(hash.isListpack());
    hash.set(lastField, lastValue, Tiny);
    expected.insert(lastField, lastValue);
    QCOMPARE(hash.isListpack(), listpack);
    QCOMPARE(hash.dict() != nullptr, !listpack);
    QCOMPARE(hash.length(), fields + 1);
    QCOMPARE(mapOf(hash), expected);
    for (auto it = expected.cbegin(); it != expected.cend(); ++it)
        QCOMPARE(valueOf(hash, it.key()), it.value());
}

void TestHashValue::prepareWriteMeasuresEveryArgument()
{
    HashValue hash;
    hash.set("a", "1", Tiny);
    const QByteArrayView shortArgs[] = { "b", "2", "c", "3" };
    hash.prepareWrite(std::begin(shortArgs), std::end(shortArgs), Tiny);
    QVERIFY(hash.isListpack());
    const QByteArrayView longArgs[] = { "b", "2", "c", "123456789" };
    hash.prepareWrite(std::begin(longArgs), std::end(longArgs), Tiny);
    QVERIFY(!hash.isListpack());
    QCOMPARE(valueOf(hash, "a"), QByteArray("1"));
    QCOMPARE(hash.length(), 1);
}

void TestHashValue::updateAppliesALoweredEntryLimit()
{
    // hash-max-listpack-entries lowered under a hash's size: its next write converts it, even
    // one that only updates a field (Redis's hashTypeSet checks after every write).
    HashValue hash;
    hash.set("a", "1", Default);
    hash.set("b", "2", Default);
    QVERIFY(!hash.set("a", "3", HashValue::Limits { 1, 64 }));
    QVERIFY(!hash.isListpack());
    QCOMPARE(mapOf(hash), (QMap<QByteArray, QByteArray> { { "a", "3" }, { "b", "2" } }));
}

void TestHashValue::neverConvertsBack()
{
    HashValue hash = bigHash(10);
    QVERIFY(!hash.isListpack());
    for (int i = 0; i < 9; ++i)
        QVERIFY(hash.remove(field(i)));
    QCOMPARE(hash.length(), 1);
    QCOMPARE(hash.encodingName(), "hashtable");
    hash.set("x", "y", Default);
    QCOMPARE(hash.encodingName(), "hashtable");
    QCOMPARE(mapOf(hash), (QMap<QByteArray, QByteArray> { { field(9), "63" }, { "x", "y" } }));
}

void TestHashValue::valuesGrowAndShrinkInTheTable()
{
    HashValue hash = bigHash(100);
    for (int size : { 1, 5000, 3, 0, 200, 17 }) {
        for (int i = 0; i < 100; i += 3)
            QVERIFY(!hash.set(field(i), QByteArray(size, char('a' + i % 26)), Tiny));
        for (int i = 0; i < 100; ++i) {
            const QByteArray expected
                    = i % 3 == 0 ? QByteArray(size, char('a' + i % 26)) : QByteArray::number(i * 7);
            QCOMPARE(valueOf(hash, field(i)), expected.isEmpty() ? QByteArray("") : expected);
        }
        QCOMPARE(hash.length(), 100);
    }
}

void TestHashValue::scanListpackInOneStep()
{
    HashValue hash;
    hash.set("a", "1", Default);
    hash.set("b", "2", Default);
    for (quint64 cursor : { 0ULL, 5ULL }) {
        Pairs seen;
        const quint64 next = hash.scan(cursor, [&](QByteArrayView f, QByteArrayView v) {
            seen.append({ f.toByteArray(), v.toByteArray() });
        });
        QCOMPARE(next, 0ULL);
        QCOMPARE(seen, Pairs({ { "a", "1" }, { "b", "2" } }));
    }
}

void TestHashValue::scanReturnsEveryFieldPresentThroughout()
{
    // Fields 0..999 stay for the whole scan, while others come and go and the table grows
    // and shrinks under it: each of them must be returned (duplicates are allowed).
    HashValue hash = bigHash(1000);
    QSet<QByteArray> seen;
    quint64 cursor = 0;
    int step = 0;
    do {
        cursor = hash.scan(cursor, [&](QByteArrayView f, QByteArrayView v) {
            seen.insert(f.toByteArray());
            QVERIFY(!v.isNull());
        });
        if (step < 40) {
            for (int i = 0; i < 200; ++i)
                hash.set(QByteArray("extra:" + QByteArray::number(step * 200 + i)), "x", Tiny);
        } else if (step < 80) {
            for (int i = 0; i < 200; ++i)
                hash.remove(QByteArray("extra:" + QByteArray::number((step - 40) * 200 + i)));
        }
        ++step;
    } while (cursor != 0);
    for (int i = 0; i < 1000; ++i)
        QVERIFY2(seen.contains(field(i)), field(i).constData());
}

void TestHashValue::randomPairs_data()
{
    QTest::addColumn<int>("fields");
    QTest::addColumn<bool>("table");
    QTest::newRow("listpack of 1") << 1 << false;
    QTest::newRow("listpack of 3") << 3 << false;
    QTest::newRow("hashtable of 50") << 50 << true;
}

void TestHashValue::randomPairs()
{
    QFETCH(int, fields);
    QFETCH(bool, table);
    HashValue hash;
    const HashValue::Limits limits = table ? Tiny : Default;
    for (int i = 0; i < fields; ++i)
        hash.set(field(i), QByteArray("v" + QByteArray::number(i)), limits);
    QCOMPARE(hash.isListpack(), !table);
    // More than one batch of listpack picks (Redis draws 1000 at a time).
    QSet<QByteArray> drawn;
    int count = 0;
    hash.visitRandomPairs(2500, [&](QByteArrayView f, QByteArrayView v) {
        ++count;
        drawn.insert(f.toByteArray());
        QCOMPARE(v.toByteArray(), QByteArray("v" + f.sliced(6).toByteArray()));
    });
    QCOMPARE(count, 2500);
    // 2500 draws miss one of at most 50 fields with a probability far below 1e-15.
    QCOMPARE(drawn.size(), fields);
}

void TestHashValue::randomUniquePairs_data()
{
    QTest::addColumn<int>("fields");
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("table");
    QTest::newRow("listpack 2 of 5") << 5 << 2 << false;
    QTest::newRow("listpack 4 of 5") << 5 << 4 << false;
    QTest::newRow("hashtable 90 of 100 (copy and drop)") << 100 << 90 << true;
    QTest::newRow("hashtable 5 of 100 (draw until distinct)") << 100 << 5 << true;
}

void TestHashValue::randomUniquePairs()
{
    QFETCH(int, fields);
    QFETCH(int, count);
    QFETCH(bool, table);
    HashValue hash;
    for (int i = 0; i < fields; ++i)
        hash.set(field(i), QByteArray::number(i), table ? Tiny : Default);
    for (int round = 0; round < 20; ++round) {
        QList<int> picked;
        hash.visitRandomUniquePairs(count, [&](QByteArrayView f, QByteArrayView v) {
            QCOMPARE(f.sliced(6), v);
            picked.append(v.toInt());
        });
        QCOMPARE(picked.size(), count);
        QCOMPARE(QSet<int>(picked.begin(), picked.end()).size(), count);
        // A listpack hands them out in its own order.
        if (!table)
            QVERIFY(std::is_sorted(picked.begin(), picked.end()));
    }
}

void TestHashValue::cloneIsDeep_data()
{
    QTest::addColumn<int>("fields");
    QTest::newRow("listpack") << 3;
    QTest::newRow("hashtable") << 40;
}

void TestHashValue::cloneIsDeep()
{
    QFETCH(int, fields);
    HashValue hash;
    for (int i = 0; i < fields; ++i)
        hash.set(field(i), QByteArray::number(i), fields > 3 ? Tiny : Default);
    const auto before = pairsOf(hash);
    std::unique_ptr<Aggregate> copy = hash.clone();
    auto *other = static_cast<HashValue *>(copy.get());
    QCOMPARE(other->encodingName(), hash.encodingName());
    QCOMPARE(mapOf(*other), mapOf(hash));
    if (hash.isListpack())
        QCOMPARE(pairsOf(*other), before);
    other->set(field(0), "changed", Default);
    other->remove(field(1));
    QCOMPARE(pairsOf(hash), before);
    QCOMPARE(valueOf(*other, field(0)), QByteArray("changed"));
}

void TestHashValue::memoryUsage()
{
    HashValue small;
    for (int i = 0; i < 100; ++i)
        small.set(field(i), QByteArray("value:" + QByteArray::number(i)), Default);
    QVERIFY(small.isListpack());
    QCOMPARE(small.memoryUsage(0), sizeof(HashValue) + small.listpack()->allocatedBytes());
    // About 100 * ~20 bytes of listpack: the whole value stays near Redis's single block.
    QVERIFY(small.memoryUsage(0) < 100 * 24);

    HashValue table;
    for (int i = 0; i < 1000; ++i)
        table.set(QByteArray::number(i).rightJustified(4, '0'), "value", Tiny);
    const size_t all = table.memoryUsage(0);
    const size_t sampled = table.memoryUsage(5);
    QVERIFY(all > 1000 * sizeof(HashValue::Node));
    // Nodes of nearly equal size: an estimate from 5 of them is close to the full count.
    QVERIFY(sampled > all * 9 / 10 && sampled < all * 11 / 10);
}

QTEST_GUILESS_MAIN(TestHashValue)
#include "tst_hashvalue.moc"
