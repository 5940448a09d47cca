// Unit tests of ListValue: the quicklist's ends, indexes, iteration both ways, LINSERT's
// splits and merges, range removal and erasing while walking, each checked against a plain
// model and against the node invariants the fill promises.
#include "store/listvalue.h"

#include <QRandomGenerator>
#include <QTest>

#include <deque>

namespace {

using End = ListValue::End;

QByteArray text(const Listpack::Element &element)
{
    char buffer[24];
    return element.text(buffer).toByteArray();
}

// The list head to tail, through the iterators.
QByteArrayList forwards(const ListValue &list)
{
    QByteArrayList out;
    for (ListValue::Iterator it = list.first(); it.isValid(); it.next())
        out.append(text(it.element()));
    return out;
}

QByteArrayList backwards(const ListValue &list)
{
    QByteArrayList out;
    for (ListValue::Iterator it = list.last(); it.isValid(); it.previous())
        out.prepend(text(it.element()));
    return out;
}

// The element counts of the nodes, head to tail ("4 4 2").
QByteArray nodeSizes(const ListValue &list)
{
    QByteArrayList sizes;
    for (const ListValue::Node *node = list.firstNode(); node; node = node->next)
        sizes.append(QByteArray::number(node->entries.size()));
    return sizes.join(' ');
}

QByteArrayList toList(const std::deque<QByteArray> &model)
{
    return QByteArrayList(model.begin(), model.end());
}

// How much of the fill a test may rely on. Pushes, merges and inserts into a node with room keep
// every node of more than one element within it (at most `fill` elements and 8 KB, or the byte
// size of a negative fill; merges estimate the merged size 4 bytes low, as quicklist's do,
// hence the slack). A split node's half takes the new element without a check, so only its
// element count is sure to stay within a count fill; LSET may leave a node past anything.
enum class Check { Structure, Count, Fill };

// Links both ways, no empty node, counts that add up, and the fill as `check` says. Returns
// an empty string when all hold, else what broke.
QByteArray brokenInvariant(const ListValue &list, Check check = Check::Fill)
{
    static constexpr size_t levels[] = { 4096, 8192, 16384, 32768, 65536 };
    qsizetype elements = 0;
    qsizetype nodes = 0;
    const ListValue::Node *prev = nullptr;
    for (const ListValue::Node *node = list.firstNode(); node; node = node->next) {
        if (node->prev != prev)
            return "broken prev link";
        const qsizetype count = node->entries.size();
        if (count == 0)
            return "empty node";
        const size_t limit = list.fill() < 0 ? levels[-list.fill() - 1] : 8192;
        const bool tooMany = list.fill() >= 0 && count > qMax(list.fill(), 1);
        const bool tooBig = count > 1 && node->entries.bytes() > limit + 4;
        if ((check != Check::Structure && tooMany) || (check == Check::Fill && tooBig))
            return "node over the fill: " + QByteArray::number(count) + " elements, "
                    + QByteArray::number(qulonglong(node->entries.bytes())) + " bytes";
        elements += count;
        ++nodes;
        prev = node;
    }
    if (prev != list.lastNode())
        return "wrong tail";
    if (elements != list.length())
        return "length " + QByteArray::number(list.length()) + " but nodes hold "
                + QByteArray::number(elements);
    if (nodes != list.nodeCount())
        return "node count";
    return {};
}

} // namespace

class TestListValue : public QObject
{
    Q_OBJECT

private slots:
    void empty();
    void pushPop_data();
    void pushPop();
    void integersAndStrings_data();
    void integersAndStrings();
    void fillLimitsNodes_data();
    void fillLimitsNodes();
    void fillIsClamped_data();
    void fillIsClamped();
    void bigElementGetsItsOwnNode();
    void iteratorAt();
    void insertEverywhere_data();
    void insertEverywhere();
    void insertSplitsAndMerges();
    void removeRange_data();
    void removeRange();
    void eraseWhileWalking_data();
    void eraseWhileWalking();
    void replace();
    void cloneIsIndependent();
    void appendListpack();
    void memoryUsage();
    void randomAgainstModel_data();
    void randomAgainstModel();
};

void TestListValue::empty()
{
    ListValue list;
    QCOMPARE(list.length(), 0);
    QCOMPARE(list.encodingName(), "quicklist");
    QVERIFY(!list.first().isValid());
    QVERIFY(!list.last().isValid());
    QVERIFY(!list.iteratorAt(0).isValid());
    QVERIFY(!list.iteratorAt(-1).isValid());
    QCOMPARE(list.nodeCount(), 0);
    QCOMPARE(list.removeRange(0, 10), 0);
}

void TestListValue::pushPop_data()
{
    QTest::addColumn<QByteArray>("ops"); // L/R push the next letter, l/r pop
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<QByteArray>("popped");
    QTest::newRow("right pushes") << QByteArray("RRR") << QByteArray("abc") << QByteArray();
    QTest::newRow("left pushes") << QByteArray("LLL") << QByteArray("cba") << QByteArray();
    QTest::newRow("mixed") << QByteArray("LRLR") << QByteArray("cabd") << QByteArray();
    QTest::newRow("queue") << QByteArray("RRRll") << QByteArray("c") << QByteArray("ab");
    QTest::newRow("stack") << QByteArray("RRRrr") << QByteArray("a") << QByteArray("cb");
    QTest::newRow("to empty and back") << QByteArray("RlRr") << QByteArray() << QByteArray("ab");
}

void TestListValue::pushPop()
{
    QFETCH(QByteArray, ops);
    QFETCH(QByteArray, expected);
    QFETCH(QByteArray, popped);
    ListValue list(1); // one element a node: every step crosses nodes
    char next = 'a';
    QByteArray out;
    for (char op : ops) {
        const End end = (op == 'L' || op == 'l') ? End::Head : End::Tail;
        if (op == 'L' || op == 'R') {
            list.push(end, QByteArray(1, next++));
        } else {
            out += text(list.at(end));
            list.pop(end);
        }
        QCOMPARE(brokenInvariant(list), QByteArray());
    }
    QCOMPARE(forwards(list).join(), expected);
    QCOMPARE(backwards(list).join(), expected);
    QCOMPARE(list.length(), expected.size());
    QCOMPARE(out, popped);
}

void TestListValue::integersAndStrings_data()
{
    QTest::addColumn<QByteArray>("value");
    for (const char *value : { "0", "-1", "127", "128", "-4096", "4095", "32768", "8388608",
                               "-2147483648", "9223372036854775807", "-9223372036854775808",
                               "9223372036854775808", "01", " 1", "1.5", "", "a\0b" })
        QTest::newRow(value) << QByteArray(value, value[0] == 'a' ? 3 : qstrlen(value));
}

void TestListValue::integersAndStrings()
{
    QFETCH(QByteArray, value);
    ListValue list;
    list.push(End::Tail, value);
    list.push(End::Head, value);
    QCOMPARE(text(list.at(End::Head)), value);
    QCOMPARE(text(list.at(End::Tail)), value);
    QVERIFY(list.first().element().equals(value));
}

void TestListValue::fillLimitsNodes_data()
{
    QTest::addColumn<int>("fill");
    QTest::addColumn<int>("elementSize");
    QTest::addColumn<int>("elements");
    QTest::addColumn<int>("nodes");
    // A count fill: 4 to a node.
    QTest::newRow("fill 4") << 4 << 1 << 10 << 3;
    // fill 0 holds one element a node, as quicklist's count check never passes.
    QTest::newRow("fill 0") << 0 << 1 << 5 << 5;
    // A count fill still keeps a node under 8 KB: 1000-byte elements, 8 to a node
    // (7 * 1003 + 7 + 1000 + 8 overhead > 8192).
    QTest::newRow("fill 100, big elements") << 100 << 1000 << 20 << 3;
    // -1: 4 KB. A 1000-byte element costs 1003 bytes, so 4 go in one node (7 + 4 * 1003 = 4019;
    // a fifth would pass 4096 with the overhead).
    QTest::newRow("fill -1") << -1 << 1000 << 9 << 3;
    // -2: 8 KB, 8 such elements a node.
    QTest::newRow("fill -2") << -2 << 1000 << 17 << 3;
}

void TestListValue::fillLimitsNodes()
{
    QFETCH(int, fill);
    QFETCH(int, elementSize);
    QFETCH(int, elements);
    QFETCH(int, nodes);
    for (End end : { End::Tail, End::Head }) {
        ListValue list(fill);
        for (int i = 0; i < elements; ++i)
            list.push(end, QByteArray(elementSize, char('a' + i % 26)));
        QCOMPARE(list.length(), elements);
        QCOMPARE(list.nodeCount(), nodes);
        QCOMPARE(brokenInvariant(list), QByteArray());
    }
}

void TestListValue::fillIsClamped_data()
{
    QTest::addColumn<long long>("fill");
    QTest::addColumn<int>("expected");
    QTest::newRow("-2") << -2LL << -2;
    QTest::newRow("-6") << -6LL << -5;
    QTest::newRow("int min") << -2147483648LL << -5;
    QTest::newRow("32767") << 32767LL << 32767;
    QTest::newRow("32768") << 32768LL << 32767;
    QTest::newRow("int max") << 2147483647LL << 32767;
}

void TestListValue::fillIsClamped()
{
    QFETCH(long long, fill);
    QFETCH(int, expected);
    QCOMPARE(ListValue(fill).fill(), expected);
}

void TestListValue::bigElementGetsItsOwnNode()
{
    ListValue list; // -2: 8 KB
    list.push(End::Tail, "a");
    list.push(End::Tail, QByteArray(10000, 'x'));
    list.push(End::Tail, "b");
    QCOMPARE(list.nodeCount(), 3);
    QCOMPARE(text(list.iteratorAt(1).element()).size(), 10000);
    QCOMPARE(brokenInvariant(list), QByteArray());
}

void TestListValue::iteratorAt()
{
    ListValue list(3);
    std::deque<QByteArray> model;
    for (int i = 0; i < 50; ++i) {
        const QByteArray value
                = i % 3 ? QByteArray::number(i) : QByteArray("s" + QByteArray::number(i));
        list.push(End::Tail, value);
        model.push_back(value);
    }
    for (qsizetype i = -52; i < 52; ++i) {
        const ListValue::Iterator it = list.iteratorAt(i);
        const qsizetype index = i < 0 ? i + 50 : i;
        if (index < 0 || index >= 50) {
            QVERIFY2(!it.isValid(), qPrintable(QString::number(i)));
            continue;
        }
        QVERIFY(it.isValid());
        QCOMPARE(text(it.element()), model[size_t(index)]);
        // Walking on from an index reaches the ends.
        ListValue::Iterator walker = it;
        qsizetype steps = 0;
        for (; walker.isValid(); walker.next())
            ++steps;
        QCOMPARE(steps, 50 - index);
    }
}

void TestListValue::insertEverywhere_data()
{
    QTest::addColumn<int>("fill");
    QTest::newRow("fill 1") << 1;
    QTest::newRow("fill 3") << 3;
    QTest::newRow("fill 4") << 4;
    QTest::newRow("fill -1") << -1;
    QTest::newRow("fill -2") << -2;
}

void TestListValue::insertEverywhere()
{
    QFETCH(int, fill);
    // Before and after every element of a list of full nodes: the node's edges (into a
    // neighbour or a new node) and its inside (a split, then merges).
    for (const bool after : { false, true }) {
        for (int at = 0; at < 12; ++at) {
            ListValue list(fill);
            std::deque<QByteArray> model;
            for (int i = 0; i < 12; ++i) {
                const QByteArray value(fill < 0 ? 1000 : 1, char('a' + i));
                list.push(End::Tail, value);
                model.push_back(value);
            }
            list.insert(list.iteratorAt(at), "new", after);
            model.insert(model.begin() + at + (after ? 1 : 0), "new");
            QCOMPARE(forwards(list), toList(model));
            QCOMPARE(backwards(list), toList(model));
            QCOMPARE(brokenInvariant(list), QByteArray());
        }
    }
}

void TestListValue::insertSplitsAndMerges()
{
    // Full 4-element nodes [a b c d] [e f g h]: inserting after b splits the first node; the
    // new element heads the split-off half, [new c d], which cannot merge on either side.
    ListValue list(4);
    for (char ch = 'a'; ch <= 'h'; ++ch)
        list.push(End::Tail, QByteArray(1, ch));
    QCOMPARE(nodeSizes(list), QByteArray("4 4"));
    list.insert(list.iteratorAt(1), "new", true);
    QCOMPARE(forwards(list).join(' '), QByteArray("a b new c d e f g h"));
    QCOMPARE(nodeSizes(list), QByteArray("2 3 4"));
    // Removals never merge: [a] [new d] [e f g h].
    list.removeRange(1, 1);
    list.removeRange(2, 1);
    QCOMPARE(nodeSizes(list), QByteArray("1 2 4"));
    // Before f: [e x] splits off [f g h]; the two nodes before [f g h] then merge.
    list.insert(list.iteratorAt(4), "x", false);
    QCOMPARE(forwards(list).join(' '), QByteArray("a new d e x f g h"));
    QCOMPARE(nodeSizes(list), QByteArray("1 4 3"));
    QCOMPARE(brokenInvariant(list), QByteArray());
    // At a full node's edge the element goes to a neighbour with room: [a] takes it.
    list.insert(list.iteratorAt(1), "y", false);
    QCOMPARE(nodeSizes(list), QByteArray("2 4 3"));
    list.insert(list.iteratorAt(5), "z", true);
    QCOMPARE(nodeSizes(list), QByteArray("2 4 4"));
    // Or into a new node of its own when that neighbour is full too.
    list.insert(list.iteratorAt(5), "w", true);
    QCOMPARE(forwards(list).join(' '), QByteArray("a y new d e x w z f g h"));
    QCOMPARE(nodeSizes(list), QByteArray("2 4 1 4"));
}

void TestListValue::removeRange_data()
{
    QTest::addColumn<qsizetype>("start");
    QTest::addColumn<qsizetype>("count");
    for (qsizetype start : { 0, 1, 5, 18, 19, 20, -1, -5, -20, -21 })
        for (qsizetype count : { 0, 1, 3, 4, 7, 20, 100 })
            QTest::addRow("start %lld count %lld", qint64(start), qint64(count)) << start << count;
}

void TestListValue::removeRange()
{
    QFETCH(qsizetype, start);
    QFETCH(qsizetype, count);
    ListValue list(4);
    std::deque<QByteArray> model;
    for (int i = 0; i < 20; ++i) {
        list.push(End::Tail, QByteArray::number(i));
        model.push_back(QByteArray::number(i));
    }
    const qsizetype from = start < 0 ? start + 20 : start;
    qsizetype expected = 0;
    if (from >= 0 && from < 20 && count > 0) {
        expected = qMin(count, 20 - from);
        model.erase(model.begin() + from, model.begin() + from + expected);
    }
    QCOMPARE(list.removeRange(start, count), expected);
    QCOMPARE(forwards(list), toList(model));
    QCOMPARE(backwards(list), toList(model));
    QCOMPARE(brokenInvariant(list), QByteArray());
}

void TestListValue::eraseWhileWalking_data()
{
    QTest::addColumn<bool>("towardsTail");
    QTest::addColumn<int>("fill");
    QTest::newRow("forwards fill 2") << true << 2;
    QTest::newRow("backwards fill 2") << false << 2;
    QTest::newRow("forwards fill -2") << true << -2;
    QTest::newRow("backwards fill -2") << false << -2;
}

void TestListValue::eraseWhileWalking()
{
    QFETCH(bool, towardsTail);
    QFETCH(int, fill);
    // LREM's walk: erase every "x" of x x a x b x x c x x, one direction.
    const QByteArrayList values = QByteArray("x x a x b x x c x x").split(' ');
    ListValue list(fill);
    for (const QByteArray &value : values)
        list.push(End::Tail, value);
    const End towards = towardsTail ? End::Tail : End::Head;
    ListValue::Iterator it = towardsTail ? list.first() : list.last();
    QByteArrayList visited;
    while (it.isValid()) {
        visited.append(text(it.element()));
        if (it.element().equals("x"))
            it = list.erase(it, towards);
        else if (towardsTail)
            it.next();
        else
            it.previous();
    }
    QCOMPARE(visited.size(), values.size()); // every element seen once
    QCOMPARE(forwards(list).join(' '), QByteArray("a b c"));
    QCOMPARE(brokenInvariant(list), QByteArray());
}

void TestListValue::replace()
{
    ListValue list(2);
    for (const char *value : { "a", "b", "c" })
        list.push(End::Tail, value);
    list.replace(list.iteratorAt(1), "12345");
    list.replace(list.iteratorAt(-1), QByteArray(20000, 'z')); // its node may pass the fill
    QCOMPARE(text(list.iteratorAt(1).element()), QByteArray("12345"));
    QVERIFY(list.iteratorAt(1).element().isInteger);
    QCOMPARE(text(list.iteratorAt(2).element()).size(), 20000);
    QCOMPARE(list.length(), 3);
}

void TestListValue::cloneIsIndependent()
{
    ListValue list(2);
    for (const char *value : { "a", "b", "c", "d", "e" })
        list.push(End::Tail, value);
    const std::unique_ptr<Aggregate> copy = list.clone();
    auto *other = static_cast<ListValue *>(copy.get());
    list.pop(End::Head);
    other->push(End::Tail, "f");
    QCOMPARE(forwards(list).join(), QByteArray("bcde"));
    QCOMPARE(forwards(*other).join(), QByteArray("abcdef"));
    QCOMPARE(other->fill(), 2);
    QCOMPARE(other->nodeCount(), 3);
    QCOMPARE(brokenInvariant(*other), QByteArray());
}

void TestListValue::appendListpack()
{
    // RDB loading hands whole listpacks over; the nodes come back the same for writing.
    ListValue list;
    Listpack first;
    first.append("a");
    first.append("1");
    Listpack second;
    second.append("b");
    list.appendListpack(first);
    list.appendListpack(Listpack());
    list.appendListpack(second);
    QCOMPARE(list.length(), 3);
    QCOMPARE(list.nodeCount(), 2);
    QCOMPARE(forwards(list).join(), QByteArray("a1b"));
    QCOMPARE(list.firstNode()->entries.bytes(), first.bytes());
    QCOMPARE(brokenInvariant(list), QByteArray());
}

void TestListValue::memoryUsage()
{
    ListValue list;
    const size_t empty = list.memoryUsage(0);
    for (int i = 0; i < 10000; ++i)
        list.push(End::Tail, QByteArray("element" + QByteArray::number(i)));
    const size_t full = list.memoryUsage(0);
    // About 14 bytes an element in listpacks of 8 KB, plus a node each.
    QVERIFY(full > empty + 10000 * 12);
    QVERIFY(full < empty + 10000 * 16);
    // Sampling a few nodes estimates the same order.
    QVERIFY(list.memoryUsage(5) > full / 2);
    QVERIFY(list.memoryUsage(5) < full * 2);
}

void TestListValue::randomAgainstModel_data()
{
    QTest::addColumn<int>("fill");
    QTest::addColumn<bool>("withReplace");
    for (int fill : { 1, 2, 5, 128, -1, -2, -5 }) {
        QTest::addRow("fill %d", fill) << fill << false;
        QTest::addRow("fill %d with replace", fill) << fill << true;
    }
}

void TestListValue::randomAgainstModel()
{
    QFETCH(int, fill);
    QFETCH(bool, withReplace);
    QRandomGenerator random(quint32(1234 + fill));
    ListValue list(fill);
    std::deque<QByteArray> model;
    auto randomValue = [&] {
        switch (random.bounded(4)) {
        case 0: return QByteArray::number(random.bounded(-100000, 100000));
        case 1: return QByteArray(random.bounded(1, 300), char('a' + random.bounded(26)));
        case 2: return QByteArray(random.bounded(1000, 5000), 'y');
        default: return QByteArray(1, char('a' + random.bounded(3)));
        }
    };
    for (int step = 0; step < 3000; ++step) {
        const int op = random.bounded(7);
        const qsizetype size = qsizetype(model.size());
        if (op <= 1 || size == 0) {
            const QByteArray value = randomValue();
            if (random.bounded(2)) {
                list.push(End::Head, value);
                model.push_front(value);
            } else {
                list.push(End::Tail, value);
                model.push_back(value);
            }
        } else if (op == 2) {
            if (random.bounded(2)) {
                QCOMPARE(text(list.at(End::Head)), model.front());
                list.pop(End::Head);
                model.pop_front();
            } else {
                QCOMPARE(text(list.at(End::Tail)), model.back());
                list.pop(End::Tail);
                model.pop_back();
            }
        } else if (op == 3) {
            const qsizetype at = random.bounded(size);
            const bool after = random.bounded(2);
            const QByteArray value = randomValue();
            list.insert(list.iteratorAt(at), value, after);
            model.insert(model.begin() + at + (after ? 1 : 0), value);
        } else if (op == 4 && withReplace) {
            const qsizetype at = random.bounded(size);
            const QByteArray value = randomValue();
            list.replace(list.iteratorAt(at - size), value);
            model[size_t(at)] = value;
        } else if (op == 5) {
            const qsizetype start = random.bounded(size);
            const qsizetype count = random.bounded(qMin<qsizetype>(size, 8)) + 1;
            const qsizetype removed = list.removeRange(start, count);
            QCOMPARE(removed, qMin(count, size - start));
            model.erase(model.begin() + start, model.begin() + start + removed);
        } else if (op == 4) {
            const qsizetype at = random.bounded(size);
            QCOMPARE(text(list.iteratorAt(at).element()), model[size_t(at)]);
        } else {
            const qsizetype at = random.bounded(size);
            const ListValue::Iterator it = list.iteratorAt(at);
            QCOMPARE(text(it.element()), model[size_t(at)]);
            list.erase(it, random.bounded(2) ? End::Head : End::Tail);
            model.erase(model.begin() + at);
        }
        QCOMPARE(list.length(), qsizetype(model.size()));
        QCOMPARE(brokenInvariant(list, withReplace ? Check::Structure : Check::Count),
                 QByteArray());
    }
    QCOMPARE(forwards(list), toList(model));
    QCOMPARE(backwards(list), toList(model));
}

QTEST_GUILESS_MAIN(TestListValue)
#include "tst_listvalue.moc"
