// StreamValue: nodes closed by entries and bytes as Redis closes them, ranges both ways across
// nodes and deleted entries, trimming, the radix tree's node count, group bookkeeping (clone,
// PEL moves, lag) and the checks on loaded nodes. Replies are tested against redis-server in
// tests/compat/streams*.txt; this is the value type on its own.
#include "store/streamvalue.h"

#include <QTest>

namespace {

// Appends id with the pairs (field, value, ...); true when added.
bool add(StreamValue &stream, StreamId id, const QByteArrayList &pairs,
         const StreamValue::Limits &limits = {})
{
    std::vector<QByteArrayView> views(pairs.begin(), pairs.end());
    StreamId added;
    return stream.append(views.data(), views.size() / 2, &id, true, 0, limits, &added)
            == StreamValue::AppendStatus::Added
            && added == id;
}

QByteArrayList ids(const StreamValue &stream, StreamId start, StreamId end, bool reverse,
                   qsizetype count = 0)
{
    QByteArrayList out;
    stream.range(start, end, reverse, count,
                 [&](const StreamValue::Entry &entry) { out << entry.id.toString(); });
    return out;
}

StreamValue numbered(int count, const StreamValue::Limits &limits = {})
{
    StreamValue stream;
    for (int i = 1; i <= count; ++i)
        add(stream, { quint64(i), 0 }, { "f", QByteArray::number(i) }, limits);
    return stream;
}

} // namespace

class TestStreamValue : public QObject
{
    Q_OBJECT

private slots:
    void idsParseAsRedisDoes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("strict");
        QTest::addColumn<QByteArray>("parsed"); // empty: refused
        QTest::newRow("ms-seq") << QByteArray("5-3") << true << QByteArray("5-3");
        QTest::newRow("ms alone") << QByteArray("7") << true << QByteArray("7-9");
        QTest::newRow("minus") << QByteArray("-") << false << QByteArray("0-0");
        QTest::newRow("plus") << QByteArray("+") << false
                              << QByteArray("18446744073709551615-18446744073709551615");
        QTest::newRow("minus strict") << QByteArray("-") << true << QByteArray();
        QTest::newRow("negative") << QByteArray("-1") << true << QByteArray();
        QTest::newRow("negative zero")
                << QByteArray("-0") << true << QByteArray(); // splits at its dash: no ms
        QTest::newRow("too big") << QByteArray("18446744073709551616") << true << QByteArray();
        QTest::newRow("letters") << QByteArray("1-x") << true << QByteArray();
        QTest::newRow("empty seq") << QByteArray("1-") << true << QByteArray();
        QTest::newRow("star without seqGiven") << QByteArray("1-*") << true << QByteArray();
        QTest::newRow("too long") << QByteArray(200, '1') << true << QByteArray();
    }
    void idsParseAsRedisDoes()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, strict);
        QFETCH(QByteArray, parsed);
        StreamId id;
        const bool ok = StreamId::parse(text, &id, 9, strict);
        QCOMPARE(ok ? id.toString() : QByteArray(), parsed);
    }

    void starSequence()
    {
        StreamId id;
        bool seqGiven = true;
        QVERIFY(StreamId::parse("12-*", &id, 0, true, &seqGiven));
        QVERIFY(!seqGiven);
        QCOMPARE(id, (StreamId { 12, 0 }));
        StreamValue stream;
        QVERIFY(add(stream, { 12, 4 }, { "a", "1" }));
        const QByteArrayView pairs[] = { "a", "2" };
        StreamId added;
        QCOMPARE(stream.append(pairs, 1, &id, false, 0, {}, &added),
                 StreamValue::AppendStatus::Added);
        QCOMPARE(added, (StreamId { 12, 5 }));
        // Generated ids: the clock, or the next sequence when the clock is behind.
        QCOMPARE(stream.append(pairs, 1, nullptr, true, 11, {}, &added),
                 StreamValue::AppendStatus::Added);
        QCOMPARE(added, (StreamId { 12, 6 }));
        QCOMPARE(stream.append(pairs, 1, nullptr, true, 20, {}, &added),
                 StreamValue::AppendStatus::Added);
        QCOMPARE(added, (StreamId { 20, 0 }));
        QVERIFY(!add(stream, { 20, 0 }, { "a", "3" }));
        QCOMPARE(stream.entriesAdded(), quint64(4));
    }

    void nodesCloseAtEntriesAndBytes()
    {
        QCOMPARE(numbered(250).nodes().size(), size_t(3)); // 100 entries a node by default
        QCOMPARE(numbered(250, { 4096, 0 }).nodes().size(), size_t(1));
        const StreamValue small = numbered(10, { 40, 100 });
        QVERIFY(small.nodes().size() > 1);
        for (const auto &[id, node] : small.nodes())
            QVERIFY(node.bytes() < 40 + 8);
        // The same fields as the master entry cost only the values.
        StreamValue same;
        StreamValue different;
        for (int i = 1; i <= 50; ++i) {
            add(same, { quint64(i), 0 }, { "field", "v" });
            add(different, { quint64(i), 0 },
                { i == 1 ? QByteArray("field") : "other" + QByteArray::number(i), "v" });
        }
        QVERIFY(same.nodes().begin()->second.bytes() + 50 * 7
                < different.nodes().begin()->second.bytes());
    }

    void rangesAcrossNodesAndDeletions()
    {
        StreamValue stream = numbered(250);
        QVERIFY(stream.remove({ 100, 0 }));
        QVERIFY(stream.remove({ 101, 0 }));
        QVERIFY(!stream.remove({ 101, 0 }));
        QVERIFY(!stream.remove({ 999, 0 }));
        QCOMPARE(stream.length(), 248);
        QCOMPARE(ids(stream, { 99, 0 }, { 103, 0 }, false),
                 QByteArrayList({ "99-0", "102-0", "103-0" }));
        QCOMPARE(ids(stream, { 99, 0 }, { 103, 0 }, true),
                 QByteArrayList({ "103-0", "102-0", "99-0" }));
        QCOMPARE(ids(stream, {}, StreamId::max(), true, 2), QByteArrayList({ "250-0", "249-0" }));
        QCOMPARE(ids(stream, { 5, 1 }, { 5, 9 }, false), QByteArrayList());
        QByteArrayList fromPosition;
        stream.visitFrom(98, 3, [&](const StreamValue::Entry &entry) {
            fromPosition << entry.id.toString() + ' ' + entry.field(0).toByteArray() + '='
                            + entry.value(0).toByteArray();
        });
        QCOMPARE(fromPosition, QByteArrayList({ "99-0 f=99", "102-0 f=102", "103-0 f=103" }));
        QCOMPARE(stream.maxDeletedId(), (StreamId { 101, 0 }));
        // The first entry goes: the recorded first id follows.
        QVERIFY(stream.remove({ 1, 0 }));
        QCOMPARE(stream.firstId(), (StreamId { 2, 0 }));
        // A node whose last live entry goes is dropped.
        StreamValue two = numbered(101);
        QCOMPARE(two.nodes().size(), size_t(2));
        QVERIFY(two.remove({ 101, 0 }));
        QCOMPARE(two.nodes().size(), size_t(1));
        QCOMPARE(two.lastValidId(), (StreamId { 100, 0 }));
        QCOMPARE(two.lastId(), (StreamId { 101, 0 }));
    }

    void trimming()
    {
        using Strategy = StreamValue::Trim::Strategy;
        StreamValue stream = numbered(250);
        StreamValue::Trim approximate { Strategy::MaxLen, 120, {}, true, 0 };
        QCOMPARE(stream.trim(approximate), 100); // whole nodes only
        QCOMPARE(stream.length(), 150);
        StreamValue::Trim exact { Strategy::MaxLen, 120, {}, false, 0 };
        QCOMPARE(stream.trim(exact), 30);
        QCOMPARE(ids(stream, {}, StreamId::max(), false, 1), QByteArrayList({ "131-0" }));
        QCOMPARE(stream.firstId(), (StreamId { 131, 0 }));
        StreamValue::Trim limited { Strategy::MaxLen, 0, {}, true, 50 };
        QCOMPARE(stream.trim(limited), 0); // the first node has more than the limit
        StreamValue::Trim minId { Strategy::MinId, 0, { 240, 0 }, false, 0 };
        QCOMPARE(stream.trim(minId), 109);
        QCOMPARE(stream.length(), 11);
        StreamValue::Trim all { Strategy::MaxLen, 0, {}, false, 0 };
        QCOMPARE(stream.trim(all), 11);
        QCOMPARE(stream.length(), 0);
        QVERIFY(stream.nodes().empty());
        QCOMPARE(stream.firstId(), StreamId());
        QCOMPARE(stream.lastId(), (StreamId { 250, 0 })); // kept, as Redis keeps it
    }

    // Node counts of Redis's radix tree, read from redis-server 7.0's XINFO STREAM.
    void radixTreeNodesAsRedis()
    {
        QCOMPARE(StreamValue().radixTreeNodes(), 1);
        QCOMPARE(numbered(1).radixTreeNodes(), 2);
        StreamValue stream;
        for (const char *text : { "1-1", "1-2", "1-3", "256-1", "257-1", "65536-0", "65536-1",
                                  "65536-2", "4294967296-0" }) {
            StreamId id;
            QVERIFY(StreamId::parse(text, &id, 0, true));
            QVERIFY(add(stream, id, { "a", "1" }, { 4096, 2 }));
        }
        QCOMPARE(stream.nodes().size(), size_t(5));
        QCOMPARE(stream.radixTreeNodes(), 15);
    }

    void groupsCloneAndPending()
    {
        StreamValue stream = numbered(5);
        StreamValue::Group *group = stream.createGroup("g", { 2, 0 }, 2);
        QVERIFY(group);
        QVERIFY(!stream.createGroup("g", {}, 0));
        StreamValue::Consumer *alice = StreamValue::createConsumer(*group, "alice", 10);
        StreamValue::Consumer *bob = StreamValue::createConsumer(*group, "bob", 20);
        QVERIFY(!StreamValue::createConsumer(*group, "bob", 30));
        StreamValue::pend(*group, { 1, 0 }, alice, 100);
        StreamValue::pend(*group, { 2, 0 }, alice, 100);
        bool created = true;
        StreamValue::Nack &moved = StreamValue::pend(*group, { 2, 0 }, bob, 200, &created);
        QVERIFY(!created);
        QCOMPARE(moved.consumer, bob);
        QCOMPARE(alice->pending.size(), size_t(1));
        QCOMPARE(bob->pending.size(), size_t(1));

        const auto copy = stream.clone();
        auto *cloned = static_cast<StreamValue *>(copy.get());
        StreamValue::Group *clonedGroup = cloned->group("g");
        QVERIFY(clonedGroup && clonedGroup != group);
        StreamValue::Consumer *clonedBob = StreamValue::consumer(*clonedGroup, "bob");
        QCOMPARE(clonedGroup->pending.at({ 2, 0 }).consumer, clonedBob);
        QCOMPARE(clonedBob->pending.at({ 2, 0 }), &clonedGroup->pending.at({ 2, 0 }));

        QVERIFY(StreamValue::acknowledge(*group, { 1, 0 }));
        QVERIFY(!StreamValue::acknowledge(*group, { 1, 0 }));
        QCOMPARE(StreamValue::deleteConsumer(*group, "bob"), 1);
        QCOMPARE(StreamValue::deleteConsumer(*group, "bob"), -1);
        QVERIFY(group->pending.empty());
        QCOMPARE(clonedGroup->pending.size(), size_t(2)); // the copy is its own
    }

    void lagAndEntriesRead()
    {
        StreamValue stream = numbered(4);
        StreamValue::Group *group = stream.createGroup("g", {}, 0);
        QCOMPARE(stream.lag(*group), std::optional<long long>(4));
        stream.advanceGroup(*group, { 1, 0 });
        stream.advanceGroup(*group, { 2, 0 });
        QCOMPARE(group->entriesRead, 2);
        QCOMPARE(stream.lag(*group), std::optional<long long>(2));
        QVERIFY(stream.remove({ 3, 0 })); // a tombstone ahead: the counter cannot be trusted
        QCOMPARE(stream.lag(*group), std::optional<long long>());
        // Redis 7.0 looks for tombstones from the delivered id on, so it counts on from 2 past
        // the deleted entry (compared with redis-server in tests/compat/streamgroups.txt).
        stream.advanceGroup(*group, { 4, 0 });
        QCOMPARE(group->entriesRead, 3);
        QCOMPARE(stream.lag(*group), std::optional<long long>(1));
        StreamValue::Group *unknown = stream.createGroup("u", { 1, 5 }, -1);
        QCOMPARE(stream.lag(*unknown), std::optional<long long>());
    }

    void loadedNodesAreChecked()
    {
        const StreamValue source = numbered(3);
        const auto &[master, node] = *source.nodes().begin();
        StreamValue loaded;
        QVERIFY(loaded.loadNode(master, Listpack(node)));
        QCOMPARE(loaded.length(), 3);
        QVERIFY(!loaded.loadNode(master, Listpack(node))); // the same master twice
        StreamValue other;
        QVERIFY(!other.loadNode(master, Listpack())); // empty
        Listpack lying(node);
        lying.replaceInteger(lying.first(), 7); // counts 7 live entries, holds 3
        QVERIFY(!other.loadNode(master, std::move(lying)));
        Listpack cut(node);
        cut.erase(cut.last());
        QVERIFY(!other.loadNode(master, std::move(cut)));
    }
};

QTEST_GUILESS_MAIN(TestStreamValue)
#include "tst_streamvalue.moc"
