// Unit tests of SetValue: both encodings, the conversion, iteration order, removal, random
// members and scan.
#include "store/setvalue.h"

#include <QTest>

#include <algorithm>
#include <malloc.h>
#include <set>
#include <string>
#include <vector>

namespace {

constexpr qint64 DefaultMax = 512;

// Every member as text, in iteration order.
QByteArrayList members(const SetValue &set)
{
    QByteArrayList list;
    char buffer[24];
    set.forEach([&](const SetValue::Element &member) {
        list.append(member.text(buffer).toByteArray());
        return true;
    });
    return list;
}

QByteArrayList sorted(QByteArrayList list)
{
    std::sort(list.begin(), list.end());
    return list;
}

std::unique_ptr<SetValue> setOf(const QByteArrayList &list, qint64 max = DefaultMax)
{
    auto set = SetValue::createFor(list.value(0));
    for (const QByteArray &member : list)
        set->add(member, max);
    return set;
}

QByteArrayList numbered(const char *prefix, int count)
{
    QByteArrayList list;
    for (int i = 0; i < count; ++i)
        list.append(QByteArray(prefix + QByteArray::number(i)));
    return list;
}

} // namespace

class TestSetValue : public QObject
{
    Q_OBJECT

private slots:
    void createFor_data();
    void createFor();
    void intsetSortedAcrossWidths();
    void addRemoveContains_data();
    void addRemoveContains();
    void convertsOnString();
    void convertsPastMaxEntries();
    void neverConvertsBack();
    void integerElementsInHashTable();
    void removeShrinksTable();
    void forEachStops();
    void scanVisitsEveryMember();
    void randomMembers_data();
    void randomMembers();
    void cloneKeepsEncoding();
    void swapExchangesEncodings();
    void memoryUsage();
};

void TestSetValue::createFor_data()
{
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<QByteArray>("encoding");
    QTest::newRow("integer") << QByteArray("12") << QByteArray("intset");
    QTest::newRow("negative") << QByteArray("-12") << QByteArray("intset");
    QTest::newRow("long long max") << QByteArray("9223372036854775807") << QByteArray("intset");
    QTest::newRow("long long min") << QByteArray("-9223372036854775808") << QByteArray("intset");
    QTest::newRow("beyond long long")
            << QByteArray("9223372036854775808") << QByteArray("hashtable");
    QTest::newRow("string") << QByteArray("a") << QByteArray("hashtable");
    QTest::newRow("minus zero") << QByteArray("-0") << QByteArray("hashtable");
    QTest::newRow("leading zero") << QByteArray("01") << QByteArray("hashtable");
    QTest::newRow("plus sign") << QByteArray("+1") << QByteArray("hashtable");
    QTest::newRow("space") << QByteArray(" 1") << QByteArray("hashtable");
    QTest::newRow("float") << QByteArray("1.5") << QByteArray("hashtable");
    QTest::newRow("empty") << QByteArray("") << QByteArray("hashtable");
}

void TestSetValue::createFor()
{
    QFETCH(QByteArray, first);
    QFETCH(QByteArray, encoding);
    auto set = SetValue::createFor(first);
    QVERIFY(set->add(first, DefaultMax));
    QCOMPARE(QByteArray(set->encodingName()), encoding);
    QCOMPARE(set->length(), 1);
    QVERIFY(set->contains(first));
    QCOMPARE(members(*set), QByteArrayList { first });
}

void TestSetValue::intsetSortedAcrossWidths()
{
    const QByteArrayList input {
        "70000", "-5", "3000000000", "0", "-9223372036854775808", "32767"
    };
    auto set = setOf(input);
    QVERIFY(set->isIntset());
    QCOMPARE(members(*set),
             QByteArrayList({ "-9223372036854775808", "-5", "0", "32767", "70000", "3000000000" }));
    QVERIFY(set->intset());
    QCOMPARE(set->intset()->size(), 6);
    QVERIFY(!set->dict());
}

void TestSetValue::addRemoveContains_data()
{
    QTest::addColumn<QByteArrayList>("input");
    QTest::addColumn<bool>("intset");
    QTest::newRow("intset") << QByteArrayList { "5", "-1", "7", "100000" } << true;
    QTest::newRow("hashtable") << QByteArrayList { "a", "", QByteArray("x\0y", 3), "7" } << false;
}

void TestSetValue::addRemoveContains()
{
    QFETCH(QByteArrayList, input);
    QFETCH(bool, intset);
    auto set = setOf(input);
    QCOMPARE(set->isIntset(), intset);
    QCOMPARE(set->length(), input.size());
    for (const QByteArray &member : input) {
        QVERIFY(set->contains(member));
        QVERIFY(!set->add(member, DefaultMax));
    }
    QVERIFY(!set->contains("absent"));
    QVERIFY(!set->contains("07"));
    QVERIFY(!set->remove("absent"));
    QVERIFY(!set->remove("+7"));
    QCOMPARE(sorted(members(*set)), sorted(input));
    for (const QByteArray &member : input) {
        QVERIFY(set->remove(member));
        QVERIFY(!set->contains(member));
        QVERIFY(!set->remove(member));
    }
    QCOMPARE(set->length(), 0);
    QCOMPARE(set->isIntset(), intset);
}

void TestSetValue::convertsOnString()
{
    auto set = setOf({ "3", "1", "2" });
    QVERIFY(set->isIntset());
    QVERIFY(set->add("x", DefaultMax));
    QVERIFY(!set->isIntset());
    QCOMPARE(QByteArray(set->encodingName()), QByteArray("hashtable"));
    QCOMPARE(sorted(members(*set)), QByteArrayList({ "1", "2", "3", "x" }));
    // The integers became their decimal text.
    QVERIFY(set->contains("1"));
    QVERIFY(!set->contains("01"));
    QVERIFY(set->dict());
    QVERIFY(!set->intset());
}

void TestSetValue::convertsPastMaxEntries()
{
    SetValue set;
    for (int i = 1; i <= 4; ++i)
        QVERIFY(set.add(QByteArray::number(i), 4));
    QVERIFY(set.isIntset());
    QVERIFY(!set.add("4", 4)); // a member already there does not count
    QVERIFY(set.isIntset());
    QVERIFY(set.add("5", 4));
    QVERIFY(!set.isIntset());
    QCOMPARE(sorted(members(set)), QByteArrayList({ "1", "2", "3", "4", "5" }));
}

void TestSetValue::neverConvertsBack()
{
    auto set = setOf({ "1", "a" });
    QVERIFY(set->remove("a"));
    QVERIFY(!set->isIntset());
    QVERIFY(set->add("2", DefaultMax));
    QVERIFY(!set->isIntset());
    QCOMPARE(sorted(members(*set)), QByteArrayList({ "1", "2" }));
}

void TestSetValue::integerElementsInHashTable()
{
    // Elements coming from an intset (SINTER, SUNION) are integers; a hash table holds text.
    auto set = setOf({ "a", "12", "-3" });
    SetValue::Element twelve;
    twelve.isInteger = true;
    twelve.integer = 12;
    QVERIFY(set->contains(twelve));
    QVERIFY(!set->add(twelve, DefaultMax));
    SetValue::Element seven = twelve;
    seven.integer = 7;
    QVERIFY(!set->contains(seven));
    QVERIFY(set->add(seven, DefaultMax));
    QVERIFY(set->contains("7"));
    QVERIFY(set->remove(twelve));
    QVERIFY(!set->contains("12"));
    QCOMPARE(sorted(members(*set)), QByteArrayList({ "-3", "7", "a" }));
}

void TestSetValue::removeShrinksTable()
{
    const QByteArrayList input = numbered("member:", 1000);
    auto set = setOf(input);
    const size_t grown = set->dict()->bucketCount();
    QVERIFY(grown >= 1000);
    for (int i = 1; i < input.size(); ++i)
        QVERIFY(set->remove(input[i]));
    // Shrinking is incremental: later writes move it on.
    for (int i = 0; i < 200; ++i) {
        set->add("x", DefaultMax);
        set->remove("x");
    }
    QCOMPARE(set->length(), 1);
    QVERIFY(set->dict()->bucketCount() < grown / 10);
    QCOMPARE(members(*set), QByteArrayList { input[0] });
}

void TestSetValue::forEachStops()
{
    for (const QByteArrayList &input : { numbered("", 20), numbered("m", 20) }) {
        auto set = setOf(input);
        int visited = 0;
        const bool completed
                = set->forEach([&](const SetValue::Element &) { return ++visited < 5; });
        QVERIFY(!completed);
        QCOMPARE(visited, 5);
        visited = 0;
        QVERIFY(set->forEach([&](const SetValue::Element &) {
            ++visited;
            return true;
        }));
        QCOMPARE(visited, 20);
    }
}

void TestSetValue::scanVisitsEveryMember()
{
    // An intset is one step with cursor 0, whatever the cursor given.
    auto small = setOf({ "3", "1", "2" });
    QByteArrayList seen;
    char buffer[24];
    QCOMPARE(small->scan(77,
                         [&](const SetValue::Element &m) {
                             seen.append(m.text(buffer).toByteArray());
                         }),
             quint64(0));
    QCOMPARE(seen, QByteArrayList({ "1", "2", "3" }));

    // A hash table: every member present for the whole scan comes back, while others are
    // added (so the table grows and rehashes) and removed between steps.
    const QByteArrayList stay = numbered("stay:", 300);
    auto set = setOf(stay);
    std::set<QByteArray> found;
    quint64 cursor = 0;
    int step = 0;
    do {
        cursor = set->scan(cursor, [&](const SetValue::Element &m) {
            found.insert(m.text(buffer).toByteArray());
        });
        set->add(QByteArray("extra:" + QByteArray::number(step)), DefaultMax);
        if (step % 3 == 0)
            set->remove(QByteArray("extra:" + QByteArray::number(step / 2)));
        ++step;
    } while (cursor != 0);
    for (const QByteArray &member : stay)
        QVERIFY2(found.count(member), member.constData());
}

void TestSetValue::randomMembers_data()
{
    QTest::addColumn<QByteArrayList>("input");
    QTest::newRow("intset") << numbered("", 50);
    QTest::newRow("hashtable") << numbered("m", 50);
}

void TestSetValue::randomMembers()
{
    QFETCH(QByteArrayList, input);
    auto set = setOf(input);
    const std::set<QByteArray> all(input.begin(), input.end());
    char buffer[24];
    for (int i = 0; i < 100; ++i)
        QVERIFY(all.count(set->randomMember().text(buffer).toByteArray()));

    int drawn = 0;
    set->visitRandomMembers(200, [&](const SetValue::Element &m) {
        QVERIFY(all.count(m.text(buffer).toByteArray()));
        ++drawn;
    });
    QCOMPARE(drawn, 200);

    // Both strategies: near the size (copy and choose) and a small part (draw until distinct).
    for (qsizetype count : { qsizetype(2), qsizetype(16), qsizetype(17), qsizetype(49) }) {
        std::set<QByteArray> distinct;
        set->visitRandomUniqueMembers(count, [&](const SetValue::Element &m) {
            const QByteArray text = m.text(buffer).toByteArray();
            QVERIFY(all.count(text));
            QVERIFY2(distinct.insert(text).second, text.constData());
        });
        QCOMPARE(qsizetype(distinct.size()), count);
    }
    QCOMPARE(set->length(), input.size());
}

void TestSetValue::cloneKeepsEncoding()
{
    for (const QByteArrayList &input : { numbered("", 10), numbered("m", 10) }) {
        auto set = setOf(input);
        std::unique_ptr<Aggregate> copy = set->clone();
        auto *clone = static_cast<SetValue *>(copy.get());
        QCOMPARE(QByteArray(clone->encodingName()), QByteArray(set->encodingName()));
        QCOMPARE(sorted(members(*clone)), sorted(input));
        QVERIFY(clone->remove(input[0]));
        QVERIFY(set->contains(input[0]));
    }
    // A hash table of integers stays a hash table (Redis's setTypeDup).
    auto set = setOf({ "1", "x" });
    set->remove("x");
    QCOMPARE(QByteArray(set->clone()->encodingName()), QByteArray("hashtable"));
}

void TestSetValue::swapExchangesEncodings()
{
    auto integers = setOf({ "2", "1" });
    auto strings = setOf({ "a", "b", "c" });
    integers->swap(*strings);
    QVERIFY(!integers->isIntset());
    QCOMPARE(sorted(members(*integers)), QByteArrayList({ "a", "b", "c" }));
    QVERIFY(strings->isIntset());
    QCOMPARE(members(*strings), QByteArrayList({ "1", "2" }));
}

void TestSetValue::memoryUsage()
{
    // An intset: the value object and Redis's block, nothing per member beyond the block.
    auto integers = setOf(numbered("", 100));
    QVERIFY(integers->isIntset());
    QCOMPARE(integers->intset()->bytes(), size_t(8 + 100 * 2));
    QCOMPARE(integers->memoryUsage(0), sizeof(SetValue) + integers->intset()->allocatedBytes());
    QVERIFY(sizeof(SetValue) <= 24);

    // A hash table: one allocation per member, its bytes from offset 12.
    auto strings = setOf({ "abcdefghijkl" });
    const SetValue::Member *member = nullptr;
    strings->dict()->forEach([&](const SetValue::Member &m) { member = &m; });
    QVERIFY(member);
    QCOMPARE(reinterpret_cast<const char *>(member->key().data())
                     - reinterpret_cast<const char *>(member),
             qptrdiff(12));
    // 24 bytes asked for: jemalloc's 32-byte class (the sanitizer's allocator gives 24).
    QVERIFY(malloc_usable_size(const_cast<SetValue::Member *>(member)) <= 32);
    QVERIFY(strings->memoryUsage(0) > sizeof(SetValue));
}

QTEST_GUILESS_MAIN(TestSetValue)
#include "tst_setvalue.moc"
