// Unit tests of ZSetValue (and the ZSkipList behind its big form): both encodings, the
// conversion, order, ranks, ranges, removal, scan, and the parsers of scores and ranges.
#include "store/zsetvalue.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <cmath>
#include <limits>
#include <map>

namespace {

using Limits = ZSetValue::Limits;
using AddResult = ZSetValue::AddResult;

// Limits that keep any test set a listpack.
const Limits Unlimited { 1 << 20, 1 << 20 };

// A set in the encoding a test row names, filled with members m0..m(n-1) scoring 0..n-1.
std::unique_ptr<ZSetValue> makeSet(bool skipList, int n = 0)
{
    auto zset = std::make_unique<ZSetValue>();
    if (skipList)
        zset->convertToSkipList();
    for (int i = 0; i < n; ++i)
        zset->add(QByteArray("m" + QByteArray::number(i)), i, 0, Unlimited);
    return zset;
}

// The whole set as "member:score" in order, from an iterator walk.
QByteArrayList contents(const ZSetValue &zset)
{
    QByteArrayList list;
    for (ZSetValue::Iterator it = zset.atRank(0); it.isValid(); it.next())
        list.append(it.member().toByteArray() + ':' + QByteArray::number(it.score()));
    return list;
}

// The same, walked backwards from the last element.
QByteArrayList reversed(const ZSetValue &zset)
{
    QByteArrayList list;
    for (ZSetValue::Iterator it = zset.atRank(zset.length() - 1); it.isValid(); it.prev())
        list.prepend(it.member().toByteArray() + ':' + QByteArray::number(it.score()));
    return list;
}

// ZSCAN's pairs, sorted by member (a skip list scans in hash order).
QByteArrayList scanned(const ZSetValue &zset)
{
    std::map<QByteArray, QByteArray> pairs;
    quint64 cursor = 0;
    do {
        cursor = zset.scan(cursor, [&](QByteArrayView member, QByteArrayView score) {
            QVERIFY(pairs.emplace(member.toByteArray(), score.toByteArray()).second);
        });
    } while (cursor);
    QByteArrayList list;
    for (const auto &[member, score] : pairs)
        list.append(member + ':' + score);
    return list;
}

} // namespace

class TestZSetValue : public QObject
{
    Q_OBJECT

private slots:
    void encodings_data();
    void addScoreRemove_data() { encodings_data(); }
    void addScoreRemove();
    void addOptions_data() { encodings_data(); }
    void addOptions();
    void orderAndRank_data() { encodings_data(); }
    void orderAndRank();
    void scoreRanges_data() { encodings_data(); }
    void scoreRanges();
    void lexRanges_data() { encodings_data(); }
    void lexRanges();
    void removeRanges_data() { encodings_data(); }
    void removeRanges();
    void scanAndClone_data() { encodings_data(); }
    void scanAndClone();
    void conversionByEntries();
    void conversionByValue();
    void creation();
    void fromSorted();
    void listpackScores_data();
    void listpackScores();
    void parseScore_data();
    void parseScore();
    void parseScoreRange_data();
    void parseScoreRange();
    void parseLexRange_data();
    void parseLexRange();
    void randomAgainstModel();
    void randomElements();
    void bigSkipList();
    void skipListScanSteps();
};

void TestZSetValue::encodings_data()
{
    QTest::addColumn<bool>("skipList");
    QTest::newRow("listpack") << false;
    QTest::newRow("skiplist") << true;
}

void TestZSetValue::addScoreRemove()
{
    QFETCH(bool, skipList);
    auto zset = makeSet(skipList);
    QCOMPARE(zset->add("a", 1.5, 0, Unlimited), AddResult::Added);
    QCOMPARE(zset->add("b", 2, 0, Unlimited), AddResult::Added);
    QCOMPARE(zset->add("a", 1.5, 0, Unlimited), AddResult::Unchanged);
    double newScore = 0;
    QCOMPARE(zset->add("a", 3, 0, Unlimited, &newScore), AddResult::Updated);
    QCOMPARE(newScore, 3.0);
    QCOMPARE(zset->length(), 2);
    double score = 0;
    QVERIFY(zset->score("a", &score));
    QCOMPARE(score, 3.0);
    QVERIFY(!zset->score("c", &score));
    QVERIFY(zset->remove("a"));
    QVERIFY(!zset->remove("a"));
    QCOMPARE(contents(*zset), QByteArrayList { "b:2" });
    QCOMPARE(zset->encodingName(), skipList ? "skiplist" : "listpack");
}

void TestZSetValue::addOptions()
{
    QFETCH(bool, skipList);
    auto zset = makeSet(skipList);
    zset->add("a", 5, 0, Unlimited);
    double s = 0;
    QCOMPARE(zset->add("a", 9, ZSetValue::AddNx, Unlimited), AddResult::Skipped);
    QCOMPARE(zset->add("b", 1, ZSetValue::AddXx, Unlimited), AddResult::Skipped);
    QCOMPARE(zset->add("a", 4, ZSetValue::AddGt, Unlimited), AddResult::Skipped);
    QCOMPARE(zset->add("a", 6, ZSetValue::AddGt, Unlimited), AddResult::Updated);
    QCOMPARE(zset->add("a", 7, ZSetValue::AddLt, Unlimited), AddResult::Skipped);
    QCOMPARE(zset->add("a", 2, ZSetValue::AddLt | ZSetValue::AddXx, Unlimited), AddResult::Updated);
    QCOMPARE(zset->add("a", 0.5, ZSetValue::AddIncr, Unlimited, &s), AddResult::Updated);
    QCOMPARE(s, 2.5);
    QCOMPARE(zset->add("a", 0, ZSetValue::AddIncr, Unlimited, &s), AddResult::Unchanged);
    QCOMPARE(s, 2.5);
    QCOMPARE(zset->add("c", 1, ZSetValue::AddIncr | ZSetValue::AddGt, Unlimited, &s),
             AddResult::Added);
    const double inf = std::numeric_limits<double>::infinity();
    zset->add("i", inf, 0, Unlimited);
    QCOMPARE(zset->add("i", -inf, ZSetValue::AddIncr, Unlimited), AddResult::NotANumber);
    QVERIFY(zset->score("i", &s));
    QCOMPARE(s, inf);
}

void TestZSetValue::orderAndRank()
{
    QFETCH(bool, skipList);
    auto zset = makeSet(skipList);
    // Ties sort by member bytes (unsigned), a prefix first; integers compare as their text.
    for (const char *member : { "b", "a", "ab", "\xff", "10", "9", "" })
        zset->add(member, 1, 0, Unlimited);
    zset->add("low", -1, 0, Unlimited);
    zset->add("high", 7, 0, Unlimited);
    const QByteArrayList expected { "low:-1", ":1",  "10:1",   "9:1",   "a:1",
                                    "ab:1",   "b:1", "\xff:1", "high:7" };
    QCOMPARE(contents(*zset), expected);
    QCOMPARE(reversed(*zset), expected);
    QCOMPARE(zset->rank("low"), 0);
    QCOMPARE(zset->rank("10"), 2);
    QCOMPARE(zset->rank("high"), 8);
    QCOMPARE(zset->rank("high", true), 0);
    QCOMPARE(zset->rank("low", true), 8);
    QCOMPARE(zset->rank("nope"), -1);
    QCOMPARE(zset->atRank(3).member(), QByteArrayView("9"));
    QVERIFY(!zset->atRank(9).isValid());
    QVERIFY(!zset->atRank(-1).isValid());
}

void TestZSetValue::scoreRanges()
{
    QFETCH(bool, skipList);
    auto zset = makeSet(skipList, 10); // m0..m9 scoring 0..9
    ZScoreRange range { 2, 5, false, true };
    QCOMPARE(zset->firstInRange(range).member(), QByteArrayView("m2"));
    QCOMPARE(zset->lastInRange(range).member(), QByteArrayView("m4"));
    QCOMPARE(zset->count(range), 3);
    range = { 2, 2, true, false };
    QVERIFY(!zset->firstInRange(range).isValid());
    QCOMPARE(zset->count(range), 0);
    range = { 20, 30, false, false };
    QVERIFY(!zset->lastInRange(range).isValid());
    range = { -std::numeric_limits<double>::infinity(), 0.5, false, false };
    QCOMPARE(zset->count(range), 1);
    QCOMPARE(zset->lastInRange(range).member(), QByteArrayView("m0"));
}

void TestZSetValue::lexRanges()
{
    QFETCH(bool, skipList);
    auto zset = makeSet(skipList);
    for (const char *member : { "a", "b", "c", "d", "e" })
        zset->add(member, 0, 0, Unlimited);
    ZLexRange range;
    QVERIFY(ZSetValue::parseLexRange("[b", "(d", &range));
    QCOMPARE(zset->countLex(range), 2);
    QCOMPARE(zset->firstInLexRange(range).member(), QByteArrayView("b"));
    QCOMPARE(zset->lastInLexRange(range).member(), QByteArrayView("c"));
    QVERIFY(ZSetValue::parseLexRange("-", "+", &range));
    QCOMPARE(zset->countLex(range), 5);
    QVERIFY(ZSetValue::parseLexRange("+", "-", &range));
    QCOMPARE(zset->countLex(range), 0);
    QVERIFY(ZSetValue::parseLexRange("(e", "+", &range));
    QVERIFY(!zset->firstInLexRange(range).isValid());
    QVERIFY(ZSetValue::parseLexRange("[c", "[c", &range));
    QCOMPARE(zset->countLex(range), 1);
}

void TestZSetValue::removeRanges()
{
    QFETCH(bool, skipList);
    auto zset = makeSet(skipList, 10);
    QCOMPARE(zset->removeRangeByRank(0, 1), 2);                   // m0 m1
    QCOMPARE(zset->removeRangeByScore({ 4, 6, true, false }), 2); // m5 m6
    QCOMPARE(zset->removeRangeByRank(5, 5), 1);                   // m9
    QCOMPARE(contents(*zset), (QByteArrayList { "m2:2", "m3:3", "m4:4", "m7:7", "m8:8" }));
    ZLexRange lex;
    QVERIFY(ZSetValue::parseLexRange("[m3", "(m8", &lex));
    QCOMPARE(zset->removeRangeByLex(lex), 3);
    QCOMPARE(contents(*zset), (QByteArrayList { "m2:2", "m8:8" }));
    QCOMPARE(zset->rank("m8"), 1);
    QCOMPARE(zset->removeRangeByScore({ 100, 200, false, false }), 0);
}

void TestZSetValue::scanAndClone()
{
    QFETCH(bool, skipList);
    auto zset = makeSet(skipList, 300);
    zset->add("x", 0.5, 0, Unlimited);
    QCOMPARE(scanned(*zset).size(), 301);
    QVERIFY(scanned(*zset).contains("x:0.5"));
    const std::unique_ptr<Aggregate> copy = zset->clone();
    const auto *other = static_cast<const ZSetValue *>(copy.get());
    QCOMPARE(other->encodingName(), zset->encodingName());
    QCOMPARE(contents(*other), contents(*zset));
    zset->remove("x");
    QCOMPARE(other->length(), 301); // a deep copy
    QVERIFY(zset->memoryUsage(0) > 0);
}

void TestZSetValue::conversionByEntries()
{
    const Limits limits { 4, 64 };
    ZSetValue zset;
    for (int i = 0; i < 4; ++i)
        zset.add(QByteArray::number(i), i, 0, limits);
    QVERIFY(zset.isListpack());
    // Updating an existing member never converts; a fifth member does, before it goes in.
    zset.add("0", 10, 0, limits);
    QVERIFY(zset.isListpack());
    zset.add("x", 1, ZSetValue::AddXx, limits);
    QVERIFY(zset.isListpack());
    zset.add("4", 4, 0, limits);
    QVERIFY(!zset.isListpack());
    QCOMPARE(zset.encodingName(), "skiplist");
    QCOMPARE(contents(zset), (QByteArrayList { "1:1", "2:2", "3:3", "4:4", "0:10" }));
    // Never back, even when it shrinks.
    zset.removeRangeByRank(0, 3);
    QVERIFY(!zset.isListpack());
}

void TestZSetValue::conversionByValue()
{
    const Limits limits { 128, 3 };
    ZSetValue zset;
    zset.add("abc", 1, 0, limits);
    QVERIFY(zset.isListpack());
    zset.add("abcd", 2, 0, limits);
    QVERIFY(!zset.isListpack());
    QCOMPARE(contents(zset), (QByteArrayList { "abc:1", "abcd:2" }));
}

void TestZSetValue::creation()
{
    QVERIFY(ZSetValue::create(64, Limits { 128, 64 })->isListpack());
    QVERIFY(!ZSetValue::create(65, Limits { 128, 64 })->isListpack());
    QVERIFY(!ZSetValue::create(1, Limits { 0, 64 })->isListpack());
}

void TestZSetValue::fromSorted()
{
    const std::vector<ZSetValue::Entry> entries { { "a", 1 }, { "b", 2 }, { "c", 2 } };
    auto small = ZSetValue::fromSorted(entries, Limits { 3, 64 });
    QVERIFY(small->isListpack());
    QCOMPARE(contents(*small), (QByteArrayList { "a:1", "b:2", "c:2" }));
    QVERIFY(!ZSetValue::fromSorted(entries, Limits { 2, 64 })->isListpack());
    QVERIFY(!ZSetValue::fromSorted({ { "long", 1 } }, Limits { 3, 3 })->isListpack());
    auto big = ZSetValue::fromSorted(entries, Limits { 2, 64 });
    QCOMPARE(contents(*big), contents(*small));
}

void TestZSetValue::listpackScores_data()
{
    QTest::addColumn<double>("score");
    QTest::addColumn<QByteArray>("stored");
    QTest::addColumn<bool>("isInteger");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("integer") << 16.0 << QByteArray("16") << true;
    QTest::newRow("negative zero") << -0.0 << QByteArray("0") << true;
    QTest::newRow("fraction") << 0.1 << QByteArray("0.10000000000000001") << false;
    QTest::newRow("1e17") << 1e17 << QByteArray("100000000000000000") << true;
    QTest::newRow("beyond 2^62") << 5e18 << QByteArray("5e+18") << false;
    QTest::newRow("inf") << inf << QByteArray("inf") << false;
    QTest::newRow("-inf") << -inf << QByteArray("-inf") << false;
}

void TestZSetValue::listpackScores()
{
    QFETCH(double, score);
    QFETCH(QByteArray, stored);
    QFETCH(bool, isInteger);
    ZSetValue zset;
    zset.add("m", score, 0, Unlimited);
    const Listpack *listpack = zset.listpack();
    QVERIFY(listpack);
    const Listpack::Element element = listpack->at(listpack->next(listpack->first()));
    QCOMPARE(element.isInteger, isInteger);
    char buffer[24];
    QCOMPARE(element.text(buffer).toByteArray(), stored);
    QCOMPARE(scanned(zset), QByteArrayList { "m:" + stored });
    double back = 0;
    QVERIFY(zset.score("m", &back));
    QCOMPARE(back, score);
}

void TestZSetValue::parseScore_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<double>("value");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("integer") << QByteArray("12") << true << 12.0;
    QTest::newRow("fraction") << QByteArray("-1.5") << true << -1.5;
    QTest::newRow("exponent") << QByteArray("1e3") << true << 1000.0;
    QTest::newRow("hex") << QByteArray("0x10") << true << 16.0;
    QTest::newRow("inf") << QByteArray("inf") << true << inf;
    QTest::newRow("+inf") << QByteArray("+inf") << true << inf;
    QTest::newRow("-inf") << QByteArray("-inf") << true << -inf;
    QTest::newRow("nan") << QByteArray("nan") << false << 0.0;
    QTest::newRow("empty") << QByteArray("") << false << 0.0;
    QTest::newRow("leading space") << QByteArray(" 1") << false << 0.0;
    QTest::newRow("trailing space") << QByteArray("1 ") << false << 0.0;
    QTest::newRow("garbage") << QByteArray("1x") << false << 0.0;
    QTest::newRow("nul inside") << QByteArray("1\0002", 3) << false << 0.0;
    QTest::newRow("overflow") << QByteArray("1e400") << false << 0.0;
    QTest::newRow("underflow") << QByteArray("1e-400") << false << 0.0;
}

void TestZSetValue::parseScore()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(double, value);
    double parsed = 0;
    QCOMPARE(ZSetValue::parseScore(text, &parsed), ok);
    if (ok)
        QCOMPARE(parsed, value);
}

void TestZSetValue::parseScoreRange_data()
{
    QTest::addColumn<QByteArray>("min");
    QTest::addColumn<QByteArray>("max");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<double>("minValue");
    QTest::addColumn<bool>("minExclusive");
    QTest::newRow("plain") << QByteArray("1") << QByteArray("2") << true << 1.0 << false;
    QTest::newRow("exclusive") << QByteArray("(1.5") << QByteArray("2") << true << 1.5 << true;
    QTest::newRow("lone paren") << QByteArray("(") << QByteArray("2") << true << 0.0 << true;
    QTest::newRow("empty") << QByteArray("") << QByteArray("2") << true << 0.0 << false;
    QTest::newRow("leading space") << QByteArray(" 3") << QByteArray("4") << true << 3.0 << false;
    QTest::newRow("nul ends it") << QByteArray("5\0x", 3) << QByteArray("6") << true << 5.0
                                 << false;
    QTest::newRow("-inf") << QByteArray("-inf") << QByteArray("+inf") << true
                          << -std::numeric_limits<double>::infinity() << false;
    QTest::newRow("trailing space") << QByteArray("1 ") << QByteArray("2") << false << 0.0 << false;
    QTest::newRow("nan") << QByteArray("1") << QByteArray("(nan") << false << 0.0 << false;
    QTest::newRow("word") << QByteArray("a") << QByteArray("2") << false << 0.0 << false;
}

void TestZSetValue::parseScoreRange()
{
    QFETCH(QByteArray, min);
    QFETCH(QByteArray, max);
    QFETCH(bool, ok);
    QFETCH(double, minValue);
    QFETCH(bool, minExclusive);
    ZScoreRange range;
    QCOMPARE(ZSetValue::parseScoreRange(min, max, &range), ok);
    if (ok) {
        QCOMPARE(range.min, minValue);
        QCOMPARE(range.minExclusive, minExclusive);
    }
}

void TestZSetValue::parseLexRange_data()
{
    QTest::addColumn<QByteArray>("min");
    QTest::addColumn<QByteArray>("max");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("empty");
    QTest::newRow("inclusive") << QByteArray("[a") << QByteArray("[b") << true << false;
    QTest::newRow("exclusive same") << QByteArray("(a") << QByteArray("[a") << true << true;
    QTest::newRow("inclusive same") << QByteArray("[a") << QByteArray("[a") << true << false;
    QTest::newRow("infinities") << QByteArray("-") << QByteArray("+") << true << false;
    QTest::newRow("minus minus") << QByteArray("-") << QByteArray("-") << true << true;
    QTest::newRow("plus minus") << QByteArray("+") << QByteArray("-") << true << true;
    QTest::newRow("plus nul") << QByteArray("+\0z", 3) << QByteArray("+") << true << true;
    QTest::newRow("reversed") << QByteArray("[b") << QByteArray("[a") << true << true;
    QTest::newRow("no prefix") << QByteArray("a") << QByteArray("[b") << false << false;
    QTest::newRow("empty") << QByteArray("") << QByteArray("[b") << false << false;
    QTest::newRow("plus more") << QByteArray("[a") << QByteArray("+a") << false << false;
}

void TestZSetValue::parseLexRange()
{
    QFETCH(QByteArray, min);
    QFETCH(QByteArray, max);
    QFETCH(bool, ok);
    QFETCH(bool, empty);
    ZLexRange range;
    QCOMPARE(ZSetValue::parseLexRange(min, max, &range), ok);
    if (ok)
        QCOMPARE(range.isEmpty(), empty);
}

// Random operations on a listpack, a skip list and a std::map model: the three always agree
// on contents, order, ranks and counts.
void TestZSetValue::randomAgainstModel()
{
    QRandomGenerator random(12345);
    ZSetValue listpack;
    ZSetValue skipList;
    skipList.convertToSkipList();
    std::map<QByteArray, double> model;
    for (int step = 0; step < 4000; ++step) {
        const QByteArray member = "k" + QByteArray::number(random.bounded(60));
        const double score = random.bounded(20) / 2.0;
        switch (random.bounded(5)) {
        case 0:
        case 1:
        case 2: {
            const AddResult a = listpack.add(member, score, 0, Unlimited);
            QCOMPARE(skipList.add(member, score, 0, Unlimited), a);
            model[member] = score;
            break;
        }
        case 3: {
            const bool removed = model.erase(member) > 0;
            QCOMPARE(listpack.remove(member), removed);
            QCOMPARE(skipList.remove(member), removed);
            break;
        }
        default: {
            const ZScoreRange range { score, score + 2, false, true };
            const qsizetype n = listpack.count(range);
            QCOMPARE(skipList.count(range), n);
            qsizetype expected = 0;
            for (const auto &[m, s] : model)
                expected += s >= range.min && s < range.max;
            QCOMPARE(n, expected);
            break;
        }
        }
        QCOMPARE(listpack.length(), qsizetype(model.size()));
        QCOMPARE(skipList.length(), qsizetype(model.size()));
        QCOMPARE(listpack.rank(member), skipList.rank(member));
        QCOMPARE(listpack.rank(member, true), skipList.rank(member, true));
    }
    QCOMPARE(contents(skipList), contents(listpack));
    QCOMPARE(reversed(skipList), contents(listpack));
    for (qsizetype r = 0; r < listpack.length(); ++r)
        QCOMPARE(skipList.atRank(r).member(), listpack.atRank(r).member());
}

void TestZSetValue::randomElements()
{
    for (bool skipList : { false, true }) {
        auto zset = makeSet(skipList, 20);
        QSet<QByteArray> seen;
        for (int i = 0; i < 2000; ++i)
            seen.insert(zset->randomElement().member().toByteArray());
        QCOMPARE(seen.size(), 20);
    }
    QVERIFY(!ZSetValue().randomElement().isValid());
}

// Ranks and spans stay right across many inserts, in-place and moving score updates, and
// removals by rank, score and member.
void TestZSetValue::bigSkipList()
{
    ZSkipList list;
    const int n = 20000;
    for (int i = 0; i < n; ++i)
        list.insert((i * 7919) % n, QByteArray::number(i));
    QCOMPARE(list.length(), n);
    for (qsizetype rank = 1; rank <= n; rank += 97) {
        const ZSkipList::Node *node = list.byRank(rank);
        QVERIFY(node);
        QCOMPARE(node->score, double(rank - 1));
        QCOMPARE(list.rank(node), rank);
    }
    QVERIFY(!list.byRank(0));
    QVERIFY(!list.byRank(n + 1));
    // 0.5 stays between its neighbours 0 and 1 (in place); -1 moves to the front.
    ZSkipList::Node *zero = list.byRank(1);
    QCOMPARE(list.updateScore(zero, 0.5), zero);
    QCOMPARE(list.rank(zero), 1);
    ZSkipList::Node *last = list.last();
    list.updateScore(last, -1);
    QCOMPARE(list.first(), last);
    QCOMPARE(list.rank(list.last()), n);
    QCOMPARE(list.removeRangeByRank(100, 199), 100);
    QCOMPARE(list.removeRangeByScore({ 1000, 2000, false, true }), 1000);
    QVERIFY(list.remove(list.byRank(5)->member().toByteArray()));
    QCOMPARE(list.length(), n - 1101);
    qsizetype rank = 0;
    double previous = -2;
    for (const ZSkipList::Node *node = list.first(); node; node = node->forward()) {
        QVERIFY(node->score >= previous);
        previous = node->score;
        QCOMPARE(list.rank(node), ++rank);
        QCOMPARE(list.peek(node->member()), node);
    }
    QCOMPARE(rank, list.length());
    // Walking backwards meets every node too.
    for (const ZSkipList::Node *node = list.last(); node; node = node->backward)
        --rank;
    QCOMPARE(rank, 0);
}

// A scan one step at a time returns every member of a skip list exactly once.
void TestZSetValue::skipListScanSteps()
{
    auto zset = makeSet(true, 1000);
    QSet<QByteArray> seen;
    quint64 cursor = 0;
    int steps = 0;
    do {
        cursor = zset->scan(cursor, [&](QByteArrayView member, QByteArrayView) {
            QVERIFY(!seen.contains(member.toByteArray()));
            seen.insert(member.toByteArray());
        });
        ++steps;
    } while (cursor);
    QCOMPARE(seen.size(), 1000);
    QVERIFY(steps > 1);
}

QTEST_GUILESS_MAIN(TestZSetValue)
#include "tst_zsetvalue.moc"
