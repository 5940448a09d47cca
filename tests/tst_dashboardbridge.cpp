// The dashboard bridge on the server's side of the value viewer: the keys browser's type, size
// and preview of every type; value pages of every type and encoding, walked to the end; the
// bounds of a page (rows, element bytes, page bytes) and its cost on a million-element list.
// And the viewer's edits as the in-process dashboard sends them (Redis commands on a loopback
// connection, DashboardSource), read back through the bridge: creation, an emptied key
// deleted, WRONGTYPE, a list changed under the edit, WATCH told, a blocked client served.
#include "commands/info.h"
#include "common/respframe.h"
#include "inprocesssource.h"
#include "net/server.h"
#include "observe/dashboardbridge.h"
#include "store/evictionpolicy.h"
#include "store/hashvalue.h"
#include "store/keyspace.h"
#include "store/listvalue.h"
#include "store/setvalue.h"
#include "store/streamvalue.h"
#include "store/watchedkeys.h"
#include "store/zsetvalue.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>

namespace {

using Op = ValueEdit::Op;

ServerConfig onFreePort()
{
    ServerConfig config;
    config.port = 0;
    return config;
}

QByteArray numbered(const char *prefix, int i)
{
    return QByteArray(prefix) + QByteArray::number(i);
}

// Values made through the store, as the commands make them.
struct Fixture
{
    Fixture() { spyPages.reset(new QSignalSpy(&bridge, &DashboardBridge::valueReady)); }

    Keyspace &db() { return server.database(0); }

    void hash(const QByteArray &key, int fields)
    {
        auto hash = std::make_unique<HashValue>();
        for (int i = 0; i < fields; ++i)
            hash->set(numbered("field:", i), numbered("value:", i), {});
        db().setObject(key, ValueType::Hash, std::move(hash));
    }
    ListValue *list(const QByteArray &key, int elements)
    {
        auto list = std::make_unique<ListValue>();
        for (int i = 0; i < elements; ++i)
            list->push(ListValue::End::Tail, numbered("element-", i));
        ListValue *made = list.get();
        db().setObject(key, ValueType::List, std::move(list));
        return made;
    }
    void set(const QByteArray &key, int members, bool integers)
    {
        auto set = std::make_unique<SetValue>();
        for (int i = 0; i < members; ++i)
            set->add(integers ? QByteArray::number(i) : numbered("member:", i), 512);
        db().setObject(key, ValueType::Set, std::move(set));
    }
    void zset(const QByteArray &key, int members)
    {
        auto zset = ZSetValue::create(8, {});
        for (int i = 0; i < members; ++i)
            zset->add(numbered("player:", i), (members - i) * 1.5, 0, {});
        db().setObject(key, ValueType::ZSet, std::move(zset));
    }

    ValuePage page(const QByteArray &key, quint64 cursor = 0, int count = 200)
    {
        spyPages->clear();
        bridge.requestValue(0, key, cursor, count);
        return spyPages->isEmpty() ? ValuePage() : spyPages->takeFirst().at(0).value<ValuePage>();
    }
    // Every page of key's value from the first, in order.
    QList<ValuePage> allPages(const QByteArray &key, int count = 200)
    {
        QList<ValuePage> pages;
        quint64 cursor = 0;
        do {
            pages.append(page(key, cursor, count));
            cursor = pages.last().nextCursor;
        } while (cursor != 0 && pages.size() < 100000);
        return pages;
    }
    // Listens and connects the dashboard's source to the server (once).
    bool connectSource()
    {
        if (source)
            return source->isConnected();
        QString error;
        if (server.port() == 0 && !server.listen(&error))
            return false;
        RedisUrl url;
        url.port = server.port();
        source = std::make_unique<InProcessSource>(&bridge, url);
        source->start();
        return QTest::qWaitFor([this] { return source->isConnected(); }, 5000);
    }
    // The edit's error text, empty when it was carried out (and keyChanged said so).
    QString edit(Op op, const QByteArray &key, const QByteArray &element,
                 const QByteArray &value = {}, qint64 index = 0)
    {
        if (!connectSource())
            return QStringLiteral("not connected");
        QSignalSpy changed(source.get(), &DashboardSource::keyChanged);
        QSignalSpy failed(source.get(), &DashboardSource::editFailed);
        ValueEdit e;
        e.key = key;
        e.op = op;
        e.element = element;
        e.value = value;
        e.index = index;
        source->editValue(e);
        if (!QTest::qWaitFor([&] { return !changed.isEmpty() || !failed.isEmpty(); }, 5000))
            return QStringLiteral("no answer");
        if (!failed.isEmpty())
            return failed.first().at(2).toString();
        return changed.size() == 1 ? QString() : QStringLiteral("no keyChanged");
    }
    // The whole value as text lines: "element", "field=value", "member:score".
    QByteArrayList contents(const QByteArray &key)
    {
        QByteArrayList out;
        for (const ValuePage &p : allPages(key)) {
            for (const ValueRow &row : p.rows) {
                if (p.summary.type == "hash")
                    out.append(row.element + '=' + row.value);
                else if (p.summary.type == "zset")
                    out.append(row.element + ':' + QByteArray::number(row.score));
                else
                    out.append(row.element);
            }
        }
        return out;
    }

    Server server { onFreePort() };
    DashboardBridge bridge { &server, nullptr };
    std::unique_ptr<QSignalSpy> spyPages;
    std::unique_ptr<InProcessSource> source;
};

struct Watcher final : KeyWatcher
{
    void watchedKeyModified() override { ++modified; }
    int modified = 0;
};

// The median time of `runs` calls of f, in microseconds.
template<typename F> double medianMicros(int runs, F f)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        f();
        times.push_back(double(timer.nsecsElapsed()) / 1000.0);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

} // namespace

class TestDashboardBridge : public QObject
{
    Q_OBJECT

private slots:
    void keysShowTypeSizeAndPreview();
    void valuePagesWalkTheWholeValue_data();
    void valuePagesWalkTheWholeValue();
    void listAndSortedSetPagesArePositions();
    void pagesAreBounded();
    void stringAndMissingKey();
    void streamPagesAndGroups();
    void millionElementListPageIsBoundedWork();
    void edits_data();
    void edits();
    void editOfAnotherTypeFails();
    void listEditChecksTheElementShown();
    void emptiedKeyIsDeleted_data();
    void emptiedKeyIsDeleted();
    void editsTellWatchers();
    void createdListServesBlockedClient();
    void snapshotShowsLimits();
};

void TestDashboardBridge::keysShowTypeSizeAndPreview()
{
    Fixture f;
    f.db().setString("greeting", "hello");
    f.hash("user:1", 2);
    f.list("queue", 20);
    f.set("tags", 3, false);
    f.zset("board", 2);
    QSignalSpy keys(&f.bridge, &DashboardBridge::keysReady);
    f.bridge.requestKeys(0, "*", 0, 200);
    QCOMPARE(keys.size(), 1);
    QMap<QByteArray, KeyRow> rows;
    for (const KeyRow &row : keys.first().at(0).value<KeyPage>().keys)
        rows.insert(row.key, row);
    QCOMPARE(rows.size(), 5);
    QCOMPARE(rows["greeting"].type, QByteArray("string"));
    QCOMPARE(rows["greeting"].size, 5);
    QCOMPARE(rows["greeting"].preview, QByteArray("hello"));
    QCOMPARE(rows["user:1"].type, QByteArray("hash"));
    QCOMPARE(rows["user:1"].size, 2);
    QCOMPARE(rows["user:1"].preview, QByteArray("field:0: value:0, field:1: value:1"));
    QCOMPARE(rows["queue"].type, QByteArray("list"));
    QCOMPARE(rows["queue"].size, 20);
    // The first few, then a sign that there is more.
    QVERIFY2(rows["queue"].preview.startsWith("element-0, element-1, element-2, "),
             rows["queue"].preview.constData());
    QVERIFY(rows["queue"].preview.endsWith(", ..."));
    QVERIFY(rows["queue"].preview.size() <= 130);
    QCOMPARE(rows["tags"].type, QByteArray("set"));
    QCOMPARE(rows["tags"].size, 3);
    QCOMPARE(rows["tags"].preview.count("member:"), 3);
    QCOMPARE(rows["board"].type, QByteArray("zset"));
    QCOMPARE(rows["board"].preview, QByteArray("player:1 (1.5), player:0 (3)"));
}

void TestDashboardBridge::valuePagesWalkTheWholeValue_data()
{
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<int>("elements");
    QTest::addColumn<bool>("integers");
    QTest::addColumn<QByteArray>("encoding");
    QTest::newRow("hash listpack") << QByteArray("hash") << 100 << false << QByteArray("listpack");
    QTest::newRow("hash hashtable")
            << QByteArray("hash") << 5000 << false << QByteArray("hashtable");
    QTest::newRow("list") << QByteArray("list") << 5000 << false << QByteArray("quicklist");
    QTest::newRow("set intset") << QByteArray("set") << 500 << true << QByteArray("intset");
    QTest::newRow("set hashtable") << QByteArray("set") << 5000 << false << QByteArray("hashtable");
    QTest::newRow("zset listpack") << QByteArray("zset") << 100 << false << QByteArray("listpack");
    QTest::newRow("zset skiplist") << QByteArray("zset") << 5000 << false << QByteArray("skiplist");
}

void TestDashboardBridge::valuePagesWalkTheWholeValue()
{
    QFETCH(QByteArray, type);
    QFETCH(int, elements);
    QFETCH(bool, integers);
    QFETCH(QByteArray, encoding);
    Fixture f;
    if (type == "hash")
        f.hash("k", elements);
    else if (type == "list")
        f.list("k", elements);
    else if (type == "set")
        f.set("k", elements, integers);
    else
        f.zset("k", elements);

    const QList<ValuePage> pages = f.allPages("k");
    QSet<QByteArray> seen;
    qsizetype rows = 0;
    for (const ValuePage &p : pages) {
        QCOMPARE(p.summary.type, type);
        QCOMPARE(p.summary.size, elements);
        QCOMPARE(p.encoding, encoding);
        // About a page each, never the whole value at once (but for the small encodings).
        QVERIFY2(p.rows.size() <= 200 + 16, qPrintable(QString::number(p.rows.size())));
        for (const ValueRow &row : p.rows) {
            seen.insert(row.element);
            if (type == "hash")
                QCOMPARE(row.value, QByteArray("value:" + row.element.mid(6)));
        }
        rows += p.rows.size();
    }
    QCOMPARE(seen.size(), elements); // every element, none missed
    if (type == "list")
        QCOMPARE(rows, elements); // positions: none twice either
    QVERIFY(pages.size() >= elements / 216);
}

void TestDashboardBridge::listAndSortedSetPagesArePositions()
{
    Fixture f;
    f.list("list", 450);
    f.zset("zset", 450);
    const QList<ValuePage> list = f.allPages("list");
    QCOMPARE(list.size(), 3);
    QCOMPARE(list[1].cursor, quint64(200));
    QCOMPARE(list[1].rows.first().index, 200);
    QCOMPARE(list[1].rows.first().element, QByteArray("element-200"));
    QCOMPARE(list[2].rows.size(), 50);
    QCOMPARE(list[2].rows.last().index, 449);
    QCOMPARE(list[2].nextCursor, quint64(0));

    // Ranks from the lowest score: player:449 has 1.5, player:0 has 675.
    const QList<ValuePage> zset = f.allPages("zset");
    QCOMPARE(zset.size(), 3);
    QCOMPARE(zset[0].rows.first().element, QByteArray("player:449"));
    QCOMPARE(zset[0].rows.first().score, 1.5);
    QCOMPARE(zset[0].rows.first().index, 0);
    QCOMPARE(zset[2].rows.last().element, QByteArray("player:0"));
    QCOMPARE(zset[2].rows.last().index, 449);
    double last = -1;
    for (const ValuePage &p : zset) {
        for (const ValueRow &row : p.rows) {
            QVERIFY(row.score > last);
            last = row.score;
        }
    }
    // A page from the middle, asked for directly.
    const ValuePage middle = f.page("zset", 300, 10);
    QCOMPARE(middle.rows.size(), 10);
    QCOMPARE(middle.rows.first().index, 300);
    QCOMPARE(middle.nextCursor, quint64(310));
    // Past the end (the value shrank between pages, or a cursor from nowhere): nothing, never
    // a position read from the end.
    for (const QByteArray &key : { QByteArray("list"), QByteArray("zset") }) {
        for (quint64 cursor : { quint64(450), quint64(1000), ~quint64(0) }) {
            const ValuePage past = f.page(key, cursor);
            QVERIFY(past.rows.isEmpty());
            QCOMPARE(past.nextCursor, quint64(0));
            QCOMPARE(past.summary.size, 450);
        }
    }
    f.hash("small", 3);
    f.set("ints", 3, true);
    QVERIFY(f.page("small", ~quint64(0)).rows.isEmpty());
    QVERIFY(f.page("ints", ~quint64(0)).rows.isEmpty());
}

void TestDashboardBridge::pagesAreBounded()
{
    Fixture f;
    // Elements of 100 KB: each is cut, and the page ends near MaxPageBytes.
    auto list = std::make_unique<ListValue>();
    for (int i = 0; i < 100; ++i)
        list->push(ListValue::End::Tail, QByteArray(100 * 1024, char('a' + i % 26)));
    f.db().setObject("big", ValueType::List, std::move(list));
    const ValuePage first = f.page("big", 0, 200);
    QCOMPARE(first.rows.first().element.size(), DashboardBridge::MaxElementBytes);
    QCOMPARE(first.rows.first().elementSize, 100 * 1024);
    QVERIFY(!first.rows.first().isWhole());
    QCOMPARE(first.rows.size(), DashboardBridge::MaxPageBytes / DashboardBridge::MaxElementBytes);
    QCOMPARE(first.nextCursor, quint64(first.rows.size()));
    QCOMPARE(f.allPages("big").size(), 2);

    // However many rows are asked for.
    f.list("long", 20000);
    QCOMPARE(f.page("long", 0, 1000000).rows.size(), DashboardBridge::MaxValueRows);
    QCOMPARE(f.page("long", 0, 0).rows.size(), 1);
}

// A stream pages its entries by position (nodes skipped by their counts), each row the id and
// its fields, and every page lists its consumer groups with their pending counts.
void TestDashboardBridge::streamPagesAndGroups()
{
    Fixture f;
    auto stream = std::make_unique<StreamValue>();
    StreamId added;
    for (int i = 0; i < 450; ++i) {
        const QByteArray value = QByteArray::number(i);
        const QByteArrayView pairs[] = { "f", value, "g", "x" };
        const StreamId id { quint64(1000 + i), 0 };
        stream->append(pairs, 2, &id, true, 0, {}, &added);
    }
    StreamValue::Group *group = stream->createGroup("readers", { 1010, 0 }, 11);
    StreamValue::Consumer *alice = StreamValue::createConsumer(*group, "alice", 0);
    StreamValue::pend(*group, { 1005, 0 }, alice, 0);
    StreamValue::pend(*group, { 1009, 0 }, alice, 0);
    stream->createGroup("idle", {}, 0);
    f.db().setObject("s", ValueType::Stream, std::move(stream));

    const QList<ValuePage> pages = f.allPages("s");
    QCOMPARE(pages.size(), 3);
    QCOMPARE(pages[0].summary.type, QByteArray("stream"));
    QCOMPARE(pages[0].summary.size, 450);
    QCOMPARE(pages[0].encoding, QByteArray("stream"));
    QCOMPARE(pages[0].rows.first().element, QByteArray("1000-0"));
    QCOMPARE(pages[0].rows.first().value, QByteArray("f=0, g=x"));
    QCOMPARE(pages[1].rows.first().index, 200);
    QCOMPARE(pages[1].rows.first().element, QByteArray("1200-0"));
    QCOMPARE(pages[2].rows.last().element, QByteArray("1449-0"));
    QCOMPARE(pages[2].nextCursor, quint64(0));
    for (const ValuePage &p : pages) {
        QCOMPARE(p.groups.size(), 2);
        QCOMPARE(p.groups[0].name, QByteArray("idle")); // by name, as XINFO GROUPS
        QCOMPARE(p.groups[1].name, QByteArray("readers"));
        QCOMPARE(p.groups[1].pending, 2);
        QCOMPARE(p.groups[1].consumers, 1);
        QCOMPARE(p.groups[1].lastDeliveredId, QByteArray("1010-0"));
    }
    const ValuePage middle = f.page("s", 333, 5);
    QCOMPARE(middle.rows.size(), 5);
    QCOMPARE(middle.rows.first().element, QByteArray("1333-0"));
    QCOMPARE(middle.nextCursor, quint64(338));
    QVERIFY(f.page("s", 450).rows.isEmpty());
    QCOMPARE(f.page("s", 450).nextCursor, quint64(0));
}

void TestDashboardBridge::stringAndMissingKey()
{
    Fixture f;
    f.db().setString("text", "hello world", QDateTime::currentMSecsSinceEpoch() + 60000);
    const ValuePage text = f.page("text");
    QCOMPARE(text.summary.type, QByteArray("string"));
    QCOMPARE(text.encoding, QByteArray("embstr"));
    QCOMPARE(text.rows.size(), 1);
    QCOMPARE(text.rows.first().element, QByteArray("hello world"));
    QVERIFY(text.summary.ttlMs > 50000 && text.summary.ttlMs <= 60000);
    QCOMPARE(text.nextCursor, quint64(0));

    const ValuePage missing = f.page("nothing");
    QCOMPARE(missing.summary.type, QByteArray("none"));
    QCOMPARE(missing.summary.key, QByteArray("nothing"));
    QVERIFY(missing.rows.isEmpty());
}

void TestDashboardBridge::millionElementListPageIsBoundedWork()
{
    Fixture f;
    QElapsedTimer build;
    build.start();
    ListValue *list = f.list("big", 1000000);
    QCOMPARE(list->length(), 1000000);
    const qint64 buildMs = build.elapsed();

    // A walk over every element, for scale: what a page must not cost.
    const double walkUs = medianMicros(3, [&] {
        qsizetype n = 0;
        for (auto it = list->first(); it.isValid(); it.next())
            ++n;
        QCOMPARE(n, 1000000);
    });
    struct Probe
    {
        const char *where;
        quint64 cursor;
    };
    for (const Probe &probe :
         { Probe { "head", 0 }, Probe { "middle", 500000 }, Probe { "tail", 999800 } }) {
        ValuePage page;
        const double us = medianMicros(9, [&] { page = f.page("big", probe.cursor); });
        QCOMPARE(page.rows.size(), 200);
        QCOMPARE(page.rows.first().index, qint64(probe.cursor));
        QCOMPARE(page.rows.first().element, numbered("element-", int(probe.cursor)));
        qInfo("1M-element list: a 200-element page at the %s takes %.0f µs (a walk over the "
              "whole list %.0f µs; building it %lld ms)",
              probe.where, us, walkUs, buildMs);
        // O(page), not O(list): far below the walk, and well within a frame.
        QVERIFY2(us < 20000, qPrintable(QString::number(us)));
        QVERIFY2(us * 10 < walkUs, qPrintable(QStringLiteral("%1 vs %2").arg(us).arg(walkUs)));
    }
    // A sorted set pages by rank: a skip-list lookup, then the page.
    f.zset("board", 200000);
    ValuePage ranks;
    const double rankUs = medianMicros(9, [&] { ranks = f.page("board", 150000); });
    QCOMPARE(ranks.rows.first().index, 150000);
    QCOMPARE(ranks.rows.size(), 200);
    qInfo("200k-member sorted set: a 200-member page from rank 150,000 takes %.0f µs", rankUs);
    QVERIFY2(rankUs < 20000, qPrintable(QString::number(rankUs)));

    // The keys browser's row for it is cheap too (size and preview only).
    QSignalSpy keys(&f.bridge, &DashboardBridge::keysReady);
    const double keysUs = medianMicros(5, [&] { f.bridge.requestKeys(0, "*", 0, 200); });
    QCOMPARE(keys.last().at(0).value<KeyPage>().keys.size(), 2);
    QVERIFY2(keysUs < 20000, qPrintable(QString::number(keysUs)));
}

void TestDashboardBridge::edits_data()
{
    QTest::addColumn<QByteArray>("type"); // of the key before the edit; "" for none
    QTest::addColumn<int>("op");
    QTest::addColumn<QByteArray>("element");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("index");
    QTest::addColumn<QByteArrayList>("after");

    const auto row = [](const char *name, const char *type, Op op, const char *element,
                        const char *value, qint64 index, QByteArrayList after) {
        QTest::newRow(name) << QByteArray(type) << int(op) << QByteArray(element)
                            << QByteArray(value) << index << after;
    };
    // Fixtures: hash field:0=value:0 field:1=value:1; list element-0..2; set member:0..1;
    // zset player:0 (3) player:1 (1.5).
    row("hset new field", "hash", Op::HashSet, "email", "a@b", 0,
        { "field:0=value:0", "field:1=value:1", "email=a@b" });
    row("hset existing field", "hash", Op::HashSet, "field:0", "changed", 0,
        { "field:0=changed", "field:1=value:1" });
    row("hset creates the key", "", Op::HashSet, "f", "v", 0, { "f=v" });
    row("hdel", "hash", Op::HashDelete, "field:0", "", 0, { "field:1=value:1" });
    row("lpush", "list", Op::ListPushHead, "", "first", 0,
        { "first", "element-0", "element-1", "element-2" });
    row("rpush", "list", Op::ListPushTail, "", "last", 0,
        { "element-0", "element-1", "element-2", "last" });
    row("rpush creates the key", "", Op::ListPushTail, "", "only", 0, { "only" });
    row("lset", "list", Op::ListSet, "element-1", "one", 1, { "element-0", "one", "element-2" });
    row("lset from the end", "list", Op::ListSet, "element-2", "two", -1,
        { "element-0", "element-1", "two" });
    row("remove by index", "list", Op::ListRemove, "element-1", "", 1,
        { "element-0", "element-2" });
    row("sadd", "set", Op::SetAdd, "member:9", "", 0, { "member:0", "member:1", "member:9" });
    row("sadd creates an intset", "", Op::SetAdd, "42", "", 0, { "42" });
    row("srem", "set", Op::SetRemove, "member:0", "", 0, { "member:1" });
    row("zadd new member", "zset", Op::ZSetAdd, "newcomer", "2", 0,
        { "player:1:1.5", "newcomer:2", "player:0:3" });
    row("zadd existing member", "zset", Op::ZSetAdd, "player:1", "10", 0,
        { "player:0:3", "player:1:10" });
    row("zadd creates the key", "", Op::ZSetAdd, "m", "-inf", 0, { "m:-inf" });
    row("change score", "zset", Op::ZSetScore, "player:0", "0.25", 0,
        { "player:0:0.25", "player:1:1.5" });
    row("zrem", "zset", Op::ZSetRemove, "player:1", "", 0, { "player:0:3" });
    row("set string", "string", Op::SetString, "", "new text", 0, { "new text" });
}

void TestDashboardBridge::edits()
{
    QFETCH(QByteArray, type);
    QFETCH(int, op);
    QFETCH(QByteArray, element);
    QFETCH(QByteArray, value);
    QFETCH(qint64, index);
    QFETCH(QByteArrayList, after);
    Fixture f;
    if (type == "hash")
        f.hash("k", 2);
    else if (type == "list")
        f.list("k", 3);
    else if (type == "set")
        f.set("k", 2, false);
    else if (type == "zset")
        f.zset("k", 2);
    else if (type == "string")
        f.db().setString("k", "old", QDateTime::currentMSecsSinceEpoch() + 60000);

    QCOMPARE(f.edit(Op(op), "k", element, value, index), QString());
    QByteArrayList contents = f.contents("k");
    if (type == "set" || (type.isEmpty() && Op(op) == Op::SetAdd))
        std::sort(contents.begin(), contents.end());
    QCOMPARE(contents, after);
    if (type == "string") // SET from the viewer keeps the TTL
        QVERIFY(f.page("k").summary.ttlMs > 0);
}

void TestDashboardBridge::editOfAnotherTypeFails()
{
    Fixture f;
    f.list("queue", 2);
    const QString wrongType
            = QStringLiteral("WRONGTYPE Operation against a key holding the wrong kind of value");
    QCOMPARE(f.edit(Op::HashSet, "queue", "f", "v"), wrongType);
    QCOMPARE(f.edit(Op::SetAdd, "queue", "m"), wrongType);
    QCOMPARE(f.edit(Op::ZSetAdd, "queue", "m", "1"), wrongType);
    QCOMPARE(f.contents("queue"), QByteArrayList({ "element-0", "element-1" }));
    f.zset("board", 1);
    QCOMPARE(f.edit(Op::ZSetAdd, "board", "m", "not a number"),
             QStringLiteral("ERR value is not a valid float"));
    QCOMPARE(f.edit(Op::ZSetScore, "board", "gone", "1"), QStringLiteral("ERR no such member"));
    QCOMPARE(f.edit(Op::HashDelete, "missing", "f"), QStringLiteral("ERR no such field"));
    QCOMPARE(f.contents("board"), QByteArrayList({ "player:0:1.5" }));
    QCOMPARE(f.page("missing").summary.type, QByteArray("none")); // nothing created
}

void TestDashboardBridge::listEditChecksTheElementShown()
{
    Fixture f;
    f.list("queue", 3);
    // Someone pushed at the head since the page was shown: index 1 holds element-0 now.
    f.edit(Op::ListPushHead, "queue", {}, "pushed");
    const QString changed = f.edit(Op::ListRemove, "queue", "element-1", {}, 1);
    QVERIFY2(changed.startsWith(QStringLiteral("ERR the list changed")), qPrintable(changed));
    QVERIFY(f.edit(Op::ListSet, "queue", "element-1", "x", 1)
                    .startsWith(QStringLiteral("ERR the list changed")));
    QVERIFY(f.edit(Op::ListRemove, "queue", "element-1", {}, 99)
                    .startsWith(QStringLiteral("ERR the list changed")));
    QCOMPARE(f.contents("queue"),
             QByteArrayList({ "pushed", "element-0", "element-1", "element-2" }));
    // Two equal elements: the one at the index goes, not the first.
    f.edit(Op::ListPushTail, "queue", {}, "pushed");
    QCOMPARE(f.edit(Op::ListRemove, "queue", "pushed", {}, 4), QString());
    QCOMPARE(f.contents("queue"),
             QByteArrayList({ "pushed", "element-0", "element-1", "element-2" }));
}

void TestDashboardBridge::emptiedKeyIsDeleted_data()
{
    QTest::addColumn<int>("op");
    QTest::addColumn<QByteArray>("element");
    QTest::newRow("hdel") << int(Op::HashDelete) << QByteArray("field:0");
    QTest::newRow("remove from list") << int(Op::ListRemove) << QByteArray("element-0");
    QTest::newRow("srem") << int(Op::SetRemove) << QByteArray("member:0");
    QTest::newRow("zrem") << int(Op::ZSetRemove) << QByteArray("player:0");
}

void TestDashboardBridge::emptiedKeyIsDeleted()
{
    QFETCH(int, op);
    QFETCH(QByteArray, element);
    Fixture f;
    f.hash("k:hash", 1);
    f.list("k:list", 1);
    f.set("k:set", 1, false);
    f.zset("k:zset", 1);
    const QByteArray key = Op(op) == Op::HashDelete ? "k:hash"
            : Op(op) == Op::ListRemove              ? "k:list"
            : Op(op) == Op::SetRemove               ? "k:set"
                                                    : "k:zset";
    Watcher watcher;
    f.db().watch(key, &watcher);
    QCOMPARE(f.edit(Op(op), key, element, {}, 0), QString());
    QVERIFY(!f.db().find(key, QDateTime::currentMSecsSinceEpoch()));
    QCOMPARE(f.db().size(), 3);
    QCOMPARE(f.page(key).summary.type, QByteArray("none"));
    QVERIFY(watcher.modified > 0);
    f.db().unwatch(key, &watcher);
}

void TestDashboardBridge::editsTellWatchers()
{
    Fixture f;
    f.set("tags", 2, false);
    f.zset("board", 2);
    Watcher tags;
    Watcher board;
    f.db().watch("tags", &tags);
    f.db().watch("board", &board);
    // As SADD and ZADD: a change tells, no change does not.
    f.edit(Op::SetAdd, "tags", "member:0");
    QCOMPARE(tags.modified, 0);
    f.edit(Op::SetAdd, "tags", "new");
    QCOMPARE(tags.modified, 1);
    f.edit(Op::ZSetAdd, "board", "player:0", "3");
    QCOMPARE(board.modified, 0);
    f.edit(Op::ZSetScore, "board", "player:0", "4");
    QCOMPARE(board.modified, 1);
    f.db().unwatch("tags", &tags);
    f.db().unwatch("board", &board);
}

void TestDashboardBridge::createdListServesBlockedClient()
{
    Fixture f;
    QString error;
    QVERIFY2(f.server.listen(&error), qPrintable(error));
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, f.server.port());
    QVERIFY(client.waitForConnected(5000));
    client.write(RespFrame::request({ "BLPOP", "jobs", "0" }));
    QTRY_COMPARE(f.server.blockedClients().count(), 1);
    QCOMPARE(f.edit(Op::ListPushTail, "jobs", {}, "job-1"), QString());
    const QByteArray served("*2\r\n$4\r\njobs\r\n$5\r\njob-1\r\n");
    QTRY_VERIFY(client.bytesAvailable() >= served.size());
    QCOMPARE(client.readAll(), served);
    // Served as BLPOP serves: the element went to the client and the emptied key with it.
    QCOMPARE(f.page("jobs").summary.type, QByteArray("none"));
}

// The figures of the dashboard's limits: maxmemory and its policy, keys evicted under it, a
// client's pending query buffer in its row, and a client closed for going over
// client-query-buffer-limit counted.
void TestDashboardBridge::snapshotShowsLimits()
{
    Fixture f;
    QString error;
    QVERIFY2(f.server.listen(&error), qPrintable(error));
    ServerConfig &config = f.server.config();
    // A few megabytes above what this process uses already: the limit is of the whole process.
    config.maxmemory = Info::usedMemory() + 4 * 1024 * 1024;
    config.maxmemoryPolicy = EvictionPolicy::AllkeysLru;
    config.queryBufferLimit = 1024 * 1024;
    ServerSnapshot s = f.bridge.buildSnapshot();
    QCOMPARE(s.maxMemory, config.maxmemory);
    QCOMPARE(s.maxMemoryPolicy, QByteArray("allkeys-lru"));
    QCOMPARE(s.evictedKeys, quint64(0));
    QCOMPARE(s.clientsClosedByLimits, 0);

    // 8 MB of values, twice what the limit leaves: keys are evicted.
    QTcpSocket writer;
    writer.connectToHost(QHostAddress::LocalHost, f.server.port());
    QVERIFY(writer.waitForConnected(5000));
    const QByteArray value(10000, 'v');
    for (int i = 0; i < 800; ++i) {
        writer.write("*3\r\n$3\r\nSET\r\n$" + QByteArray::number(numbered("key:", i).size())
                     + "\r\n" + numbered("key:", i) + "\r\n$10000\r\n" + value + "\r\n");
    }
    QTRY_VERIFY_WITH_TIMEOUT(f.bridge.buildSnapshot().evictedKeys > 0, 20000);
    s = f.bridge.buildSnapshot();
    QVERIFY(s.totalKeys < 800);
    QVERIFY(s.usedMemory > 0);

    // Half a 2 MB argument: its client's row shows the bytes waiting in its query buffer.
    QTcpSocket sender;
    sender.connectToHost(QHostAddress::LocalHost, f.server.port());
    QVERIFY(sender.waitForConnected(5000));
    sender.write("*2\r\n$4\r\nECHO\r\n$2000000\r\n" + QByteArray(512 * 1024, 'x'));
    const auto pending = [&f] {
        qint64 most = 0;
        for (const ClientRow &row : f.bridge.buildSnapshot().clients)
            most = qMax(most, row.queryBuffer);
        return most;
    };
    QTRY_VERIFY_WITH_TIMEOUT(pending() >= 512 * 1024, 10000);
    // The rest of it goes over the 1 MB limit: the client is closed, and counted.
    sender.write(QByteArray(1024 * 1024, 'x'));
    QTRY_COMPARE_WITH_TIMEOUT(f.bridge.buildSnapshot().clientsClosedByLimits, 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(sender.state() != QAbstractSocket::ConnectedState, 10000);
}

QTEST_GUILESS_MAIN(TestDashboardBridge)
#include "tst_dashboardbridge.moc"
