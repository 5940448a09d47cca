// The dashboard's table models: rows follow snapshots, filters, pause, export, selection,
// sorting; the keys browser's sizes and in-place updates; the value viewer's model (columns
// per type, paging, stale pages, repeated members, printable and elided cells); and how
// durations are written.
#include "clientsmodel.h"
#include "commandlogfilter.h"
#include "commandlogmodel.h"
#include "formatting.h"
#include "keysmodel.h"
#include "slowlogmodel.h"
#include "valuemodel.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QDateTime>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

namespace {

ClientRow client(quint64 id, const char *name = "")
{
    ClientRow row;
    row.id = id;
    row.address = "127.0.0.1:" + QByteArray::number(40000 + id);
    row.name = name;
    return row;
}

CommandLogEntry entry(quint64 sequence, const char *command, const char *text,
                      const char *who = "127.0.0.1:1")
{
    CommandLogEntry e;
    e.sequence = sequence;
    e.timeMs = 1700000000000 + qint64(sequence);
    e.client = who;
    e.command = command;
    e.text = text;
    e.durationUs = 3;
    return e;
}

CommandLogBatch batchOf(std::initializer_list<CommandLogEntry> entries)
{
    CommandLogBatch batch;
    for (const CommandLogEntry &e : entries)
        batch.append(e);
    return batch;
}

SlowLogEntry slow(quint64 id, qint64 durationUs, QByteArrayList args = { "GET", "k" })
{
    SlowLogEntry e;
    e.id = id;
    e.time = 1700000000 + qint64(id);
    e.durationUs = durationUs;
    e.args = args;
    e.client = "127.0.0.1:" + QByteArray::number(50000 + id);
    return e;
}

// The server's slow log as a snapshot carries it: newest first.
QList<SlowLogEntry> slowLog(quint64 oldest, quint64 newest)
{
    QList<SlowLogEntry> entries;
    for (quint64 id = newest + 1; id-- > oldest;)
        entries.append(slow(id, qint64(id) * 1000));
    return entries;
}

QList<quint64> ids(const QAbstractItemModel &model)
{
    QList<quint64> out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.index(row, 0).data(SnapshotTableModel::IdRole).toULongLong());
    return out;
}

KeyPage page(int db, const QByteArray &pattern, quint64 cursor, quint64 next,
             QList<QByteArray> keys)
{
    KeyPage p;
    p.db = db;
    p.pattern = pattern;
    p.cursor = cursor;
    p.nextCursor = next;
    for (const QByteArray &key : keys)
        p.keys.append({ key, "string", -1, 3, "abc" });
    return p;
}

KeyRow keyRow(const QByteArray &key, const QByteArray &type, qint64 size,
              const QByteArray &preview = {})
{
    return { key, type, -1, size, preview };
}

ValueRow element(const QByteArray &bytes, qint64 index = -1, double score = 0,
                 const QByteArray &value = {})
{
    ValueRow row;
    row.element = bytes;
    row.elementSize = bytes.size();
    row.value = value;
    row.valueSize = value.size();
    row.index = index;
    row.score = score;
    return row;
}

ValuePage valuePage(const QByteArray &key, const QByteArray &type, qint64 size, quint64 cursor,
                    quint64 next, const QList<ValueRow> &rows)
{
    ValuePage p;
    p.key = key;
    p.cursor = cursor;
    p.nextCursor = next;
    p.summary = keyRow(key, type, size);
    p.rows = rows;
    return p;
}

// A list page: elements "e<i>" at indexes from..from+count-1.
ValuePage listPage(const QByteArray &key, qint64 size, quint64 from, int count, quint64 next)
{
    QList<ValueRow> rows;
    for (int i = 0; i < count; ++i)
        rows.append(element("e" + QByteArray::number(qint64(from) + i), qint64(from) + i));
    return valuePage(key, "list", size, from, next, rows);
}

QStringList latin(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *item : items)
        out.append(QString::fromLatin1(item));
    return out;
}

QStringList headers(const QAbstractItemModel &model)
{
    QStringList out;
    for (int c = 0; c < model.columnCount(); ++c)
        out.append(model.headerData(c, Qt::Horizontal).toString());
    return out;
}

QStringList column(const QAbstractItemModel &model, int c, int role = Qt::DisplayRole)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.index(row, c).data(role).toString());
    return out;
}

} // namespace

class TestGuiModels : public QObject
{
    Q_OBJECT

private slots:
    void clientsFollowConnectsAndDisconnects();
    void clientsUpdateKeepsSelection();
    void clientsRefreshOnlyChangedCells();
    void keysPageWithFilter();
    void keysSizeByType_data();
    void keysSizeByType();
    void keysUpdateInPlace();
    void valueColumnsFollowType_data();
    void valueColumnsFollowType();
    void valuePaging();
    void valueStalePagesDropped();
    void valueRepeatedMembersShownOnce();
    void valueCells();
    void valueFirstPageReplaces();
    void commandLogIsBoundedAndCountsDrops();
    void commandLogKeepsTheNewestAcrossBatches();
    void commandLogPause();
    void commandLogFilters();
    void commandLogExport();
    void slowLogRowsFollowEntries();
    void slowLogUnchangedKeepsRowsAndSelection();
    void slowLogCells();
    void slowLogSorting();
    void micros_data();
    void micros();
};

void TestGuiModels::clientsFollowConnectsAndDisconnects()
{
    ClientsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update({ client(1), client(2) });
    QCOMPARE(model.rowCount(), 2);
    model.update({ client(2), client(3, "worker") });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.idAt(0), quint64(2));
    QCOMPARE(model.idAt(1), quint64(3));
    QCOMPARE(model.index(1, ClientsModel::Name).data().toString(), QStringLiteral("worker"));
    model.update({});
    QCOMPARE(model.rowCount(), 0);
}

void TestGuiModels::clientsUpdateKeepsSelection()
{
    ClientsModel model;
    QItemSelectionModel selection(&model);
    model.update({ client(1), client(2), client(3) });
    selection.select(model.index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    ClientRow busier = client(3);
    busier.commands = 99;
    model.update({ client(2), busier, client(4) });
    const QModelIndexList rows = selection.selectedRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().data(ClientsModel::IdRole).toULongLong(), quint64(3));
    QCOMPARE(model.index(rows.first().row(), ClientsModel::Commands).data().toString(),
             QStringLiteral("99"));
}

// A view repaints what dataChanged names: a snapshot that changes one figure of one client must
// not name the whole table, and one that changes nothing must name nothing.
void TestGuiModels::clientsRefreshOnlyChangedCells()
{
    ClientsModel model;
    model.update({ client(1), client(2), client(3) });
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.update({ client(1), client(2), client(3) });
    QCOMPARE(changed.count(), 0);

    ClientRow busier = client(2);
    busier.commands = 7;
    busier.bytesIn = 1234;
    model.update({ client(1), busier, client(3) });
    QCOMPARE(changed.count(), 1);
    const QModelIndex first = changed.at(0).at(0).toModelIndex();
    const QModelIndex last = changed.at(0).at(1).toModelIndex();
    QCOMPARE(first.row(), 1);
    QCOMPARE(last.row(), 1);
    QCOMPARE(first.column(), int(qMin(ClientsModel::Commands, ClientsModel::BytesIn)));
    QCOMPARE(last.column(), int(qMax(ClientsModel::Commands, ClientsModel::BytesIn)));
    QCOMPARE(model.index(1, ClientsModel::Commands).data().toString(), QStringLiteral("7"));
}

void TestGuiModels::keysPageWithFilter()
{
    KeysModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.restart(0, "user:*");
    model.addPage(page(0, "user:*", 0, 12, { "user:1", "user:2" }));
    QVERIFY(model.hasMore());
    QCOMPARE(model.nextCursor(), quint64(12));
    model.addPage(page(0, "other:*", 0, 0, { "other:1" })); // an answer to an older request
    QCOMPARE(model.rowCount(), 2);
    model.addPage(page(0, "user:*", 12, 0, { "user:2", "user:3" })); // a repeat across pages
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(!model.hasMore());
    model.removeKey("user:2");
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.keyAt(1), QByteArray("user:3"));
    model.restart(1, "*");
    QCOMPARE(model.rowCount(), 0);
}

void TestGuiModels::keysSizeByType_data()
{
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<QString>("shown");
    QTest::newRow("string") << QByteArray("string") << qint64(1536) << QStringLiteral("1.5 kB");
    QTest::newRow("hash") << QByteArray("hash") << qint64(3) << QStringLiteral("3 fields");
    QTest::newRow("one field") << QByteArray("hash") << qint64(1) << QStringLiteral("1 field");
    QTest::newRow("list") << QByteArray("list") << qint64(1000000)
                          << QStringLiteral("1,000,000 elements");
    QTest::newRow("set") << QByteArray("set") << qint64(2) << QStringLiteral("2 members");
    QTest::newRow("zset") << QByteArray("zset") << qint64(1) << QStringLiteral("1 member");
}

void TestGuiModels::keysSizeByType()
{
    QFETCH(QByteArray, type);
    QFETCH(qint64, size);
    QFETCH(QString, shown);
    KeysModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.restart(0, "*");
    KeyPage p = page(0, "*", 0, 0, {});
    p.keys.append(keyRow("k", type, size, "a, b, ..."));
    model.addPage(p);
    QCOMPARE(model.index(0, KeysModel::Type).data().toString(), QString::fromLatin1(type));
    QCOMPARE(model.index(0, KeysModel::Size).data().toString(), shown);
    QCOMPARE(model.index(0, KeysModel::Size).data(KeysModel::SortRole).toLongLong(), size);
    QCOMPARE(model.index(0, KeysModel::Value).data().toString(), QStringLiteral("a, b, ..."));
}

void TestGuiModels::keysUpdateInPlace()
{
    KeysModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QItemSelectionModel selection(&model);
    model.restart(0, "*");
    model.addPage(page(0, "*", 0, 0, { "a", "b", "c" }));
    selection.select(model.index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.updateKey(0, keyRow("b", "hash", 4, "f: v"));
    QCOMPARE(resets.size(), 0);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(model.index(1, KeysModel::Type).data().toString(), QStringLiteral("hash"));
    QCOMPARE(model.index(1, KeysModel::Size).data().toString(), QStringLiteral("4 fields"));
    QCOMPARE(selection.selectedRows().first().row(), 1);
    model.updateKey(1, keyRow("a", "list", 9));   // another database: not this row
    model.updateKey(0, keyRow("zzz", "list", 9)); // not listed: not added
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, KeysModel::Type).data().toString(), QStringLiteral("string"));
    model.updateKey(0, keyRow("a", "none", 0)); // gone
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf("b"), 0);
}

void TestGuiModels::valueColumnsFollowType_data()
{
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QStringList>("columns");
    QTest::newRow("list") << QByteArray("list") << latin({ "Index", "Element" });
    QTest::newRow("hash") << QByteArray("hash") << latin({ "Field", "Value" });
    QTest::newRow("set") << QByteArray("set") << latin({ "Member" });
    QTest::newRow("zset") << QByteArray("zset") << latin({ "Rank", "Member", "Score" });
    QTest::newRow("string") << QByteArray("string") << latin({ "Value" });
    QTest::newRow("stream") << QByteArray("stream") << latin({ "Index", "ID", "Fields" });
    QTest::newRow("none") << QByteArray("none") << QStringList {};
}

void TestGuiModels::valueColumnsFollowType()
{
    QFETCH(QByteArray, type);
    QFETCH(QStringList, columns);
    ValueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.restart(0, "k");
    QCOMPARE(model.columnCount(), 0);
    QVERIFY(!model.isLoaded());
    QList<ValueRow> rows;
    if (type != "none")
        rows.append(element("x", type == "list" || type == "zset" || type == "stream" ? 0 : -1, 1,
                            "y"));
    QVERIFY(model.addPage(valuePage("k", type, rows.size(), 0, 0, rows)));
    QVERIFY(model.isLoaded());
    QCOMPARE(model.type(), type);
    QCOMPARE(headers(model), columns);
    QCOMPARE(model.rowCount(), int(rows.size()));
    if (type == "stream") { // the fields are the row's value, as a hash field's
        QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("x"));
        QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("y"));
    }
}

void TestGuiModels::valuePaging()
{
    ValueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.restart(2, "queue");
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    ValuePage first = listPage("queue", 450, 0, 200, 200);
    first.db = 2;
    QVERIFY(model.addPage(first));
    QCOMPARE(model.rowCount(), 200);
    QVERIFY(model.hasMore());
    QCOMPARE(model.nextCursor(), quint64(200));
    ValuePage second = listPage("queue", 450, 200, 200, 400);
    second.db = 2;
    QVERIFY(model.addPage(second));
    QCOMPARE(inserts.size(), 1); // appended, not reset
    ValuePage last = listPage("queue", 450, 400, 50, 0);
    last.db = 2;
    QVERIFY(model.addPage(last));
    QCOMPARE(model.rowCount(), 450);
    QVERIFY(!model.hasMore());
    QCOMPARE(model.index(449, 0).data().toString(), QStringLiteral("449"));
    QCOMPARE(model.index(449, 1).data().toString(), QStringLiteral("e449"));
    QCOMPARE(model.index(449, 0).data(ValueModel::IndexRole).toLongLong(), 449);
    QCOMPARE(model.index(449, 1).data(ValueModel::ElementRole).toByteArray(), QByteArray("e449"));
    model.restart(2, "other");
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.key(), QByteArray("other"));
}

void TestGuiModels::valueStalePagesDropped()
{
    ValueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.restart(0, "queue");
    // Before the first page: a later one has nothing to continue.
    QVERIFY(!model.addPage(listPage("queue", 1000, 200, 200, 400)));
    QVERIFY(model.addPage(listPage("queue", 1000, 0, 200, 200)));
    QVERIFY(!model.addPage(listPage("other", 1000, 200, 200, 400))); // another key
    ValuePage otherDb = listPage("queue", 1000, 200, 200, 400);
    otherDb.db = 3;
    QVERIFY(!model.addPage(otherDb));
    QVERIFY(model.addPage(listPage("queue", 1000, 200, 200, 400)));
    QVERIFY(!model.addPage(listPage("queue", 1000, 200, 200, 400))); // "Load more" twice
    QCOMPARE(model.rowCount(), 400);
    // The key became a hash meanwhile: its next page is not this walk's.
    QVERIFY(!model.addPage(valuePage("queue", "hash", 3, 400, 0, { element("f", -1, 0, "v") })));
    QCOMPARE(model.rowCount(), 400);
    model.restart(0, QByteArray());
    QVERIFY(!model.addPage(listPage("queue", 1000, 0, 200, 200))); // showing nothing
}

void TestGuiModels::valueRepeatedMembersShownOnce()
{
    ValueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.restart(0, "h");
    model.addPage(valuePage("h", "hash", 4, 0, 77,
                            { element("a", -1, 0, "1"), element("b", -1, 0, "2") }));
    // A SCAN across a resize may return a field again.
    model.addPage(valuePage(
            "h", "hash", 4, 77, 0,
            { element("b", -1, 0, "2"), element("c", -1, 0, "3"), element("d", -1, 0, "4") }));
    QCOMPARE(column(model, 0), latin({ "a", "b", "c", "d" }));
    QCOMPARE(column(model, 1), latin({ "1", "2", "3", "4" }));
    QCOMPARE(model.rowOfElement("c"), 2);
    // A list shows positions: equal elements are different rows.
    model.restart(0, "l");
    model.addPage(valuePage("l", "list", 2, 0, 0, { element("x", 0), element("x", 1) }));
    QCOMPARE(model.rowCount(), 2);
}

void TestGuiModels::valueCells()
{
    ValueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.restart(0, "h");
    const QByteArray longValue(5000, 'v');
    ValueRow cut = element(QByteArray(100, 'f'), -1, 0, QByteArray(300, 'w'));
    cut.valueSize = 1024 * 1024; // the bridge sent the first 300 bytes of a megabyte
    model.addPage(valuePage("h", "hash", 3, 0, 0,
                            { element("bin\x01\xff", -1, 0, QByteArray("a\nb", 3)),
                              element("long", -1, 0, longValue), cut }));
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("bin\\x01\\xff"));
    QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("a\\x0ab"));
    QCOMPARE(model.index(0, 1).data(ValueModel::ValueRole).toByteArray(), QByteArray("a\nb"));
    QVERIFY(model.index(0, 0).data(ValueModel::WholeRole).toBool());
    // Long: elided in the cell, more of it in the tooltip with its size.
    const QString shown = model.index(1, 1).data().toString();
    QCOMPARE(shown.size(), ValueModel::DisplayChars + 1);
    QVERIFY(shown.endsWith(QStringLiteral("…")));
    const QString tip = model.index(1, 1).data(Qt::ToolTipRole).toString();
    QVERIFY(tip.startsWith(QString(ValueModel::TooltipChars, QLatin1Char('v'))
                           + QStringLiteral("…")));
    QVERIFY2(tip.endsWith(QStringLiteral("(4.9 kB in all)")), qPrintable(tip.right(40)));
    // Cut by the bridge: marked in the cell, whole size in the tooltip, not whole.
    QVERIFY(model.index(2, 1).data().toString().endsWith(QStringLiteral("…")));
    QVERIFY(model.index(2, 1)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .endsWith(QStringLiteral("(1.0 MB in all)")));
    QVERIFY(!model.index(2, 1).data(ValueModel::WholeRole).toBool());
    QCOMPARE(model.index(2, 0).data().toString(), QString(100, QLatin1Char('f')));

    model.restart(0, "z");
    model.addPage(valuePage("z", "zset", 2, 0, 0,
                            { element("low", 1233, 0.1), element("high", 1234, HUGE_VAL) }));
    QCOMPARE(column(model, 0), latin({ "1,233", "1,234" }));
    QCOMPARE(column(model, 2), latin({ "0.1", "inf" }));
    QCOMPARE(model.index(0, 2).data(ValueModel::ScoreRole).toDouble(), 0.1);
    QCOMPARE(model.index(0, 2).data(Qt::TextAlignmentRole).value<Qt::Alignment>(),
             Qt::AlignRight | Qt::AlignVCenter);
    QVERIFY(!model.index(0, 1).data(Qt::TextAlignmentRole).isValid());
}

void TestGuiModels::valueFirstPageReplaces()
{
    ValueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.restart(0, "k");
    model.addPage(listPage("k", 400, 0, 200, 200));
    model.addPage(listPage("k", 400, 200, 200, 0));
    QCOMPARE(model.rowCount(), 400);
    // Reloaded after an edit: the first page again replaces every row.
    QVERIFY(model.addPage(listPage("k", 399, 0, 399, 0)));
    QCOMPARE(model.rowCount(), 399);
    QCOMPARE(model.summary().size, 399);
    // Replaced by another type: the columns follow.
    QVERIFY(model.addPage(valuePage("k", "set", 1, 0, 0, { element("m") })));
    QCOMPARE(headers(model), latin({ "Member" }));
    QCOMPARE(model.rowCount(), 1);
    // Deleted.
    QVERIFY(model.addPage(valuePage("k", "none", 0, 0, 0, {})));
    QCOMPARE(model.columnCount(), 0);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.type(), QByteArray("none"));
}

void TestGuiModels::commandLogIsBoundedAndCountsDrops()
{
    CommandLogModel model(5);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    CommandLogBatch batch;
    for (quint64 i = 1; i <= 4; ++i)
        batch.append(entry(i, "SET", "SET k v"));
    model.append(batch, 0);
    QCOMPARE(model.rowCount(), 4);
    batch = {};
    for (quint64 i = 5; i <= 12; ++i)
        batch.append(entry(i, "GET", "GET k"));
    model.append(batch, 7);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.dropped(), quint64(7 + 3)); // 7 lost in the server's ring, 3 past capacity
    QCOMPARE(model.index(4, CommandLogModel::Arguments).data().toString(), QStringLiteral("GET k"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.dropped(), quint64(0));
}

// Batches of every size, some bigger than the log, through a small log: after each, its rows
// are the newest `capacity` commands in order, and a clear starts afresh.
void TestGuiModels::commandLogKeepsTheNewestAcrossBatches()
{
    const int capacity = 7;
    CommandLogModel model(capacity);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QStringList sent;
    quint64 next = 1;
    for (int round = 0; round < 2; ++round) {
        for (int size : { 1, 3, 0, 2, 7, 1, 9, 4, 4, 1, 12, 5 }) {
            CommandLogBatch batch;
            for (int i = 0; i < size; ++i, ++next) {
                const QByteArray text = "SET k" + QByteArray::number(next);
                batch.append(entry(next, "SET", text.constData()));
                sent.append(QString::fromLatin1(text));
            }
            model.append(batch, 0);
            QStringList shown;
            for (int row = 0; row < model.rowCount(); ++row)
                shown.append(model.index(row, CommandLogModel::Arguments).data().toString());
            QCOMPARE(shown, sent.mid(qMax(0, int(sent.size()) - capacity)));
            // The export writes the same rows: header, one line each, the empty tail.
            QBuffer buffer;
            buffer.open(QIODevice::WriteOnly);
            QVERIFY(model.exportTo(&buffer));
            QStringList exported;
            for (const QByteArray &line : buffer.data().split('\n').mid(1)) {
                if (!line.isEmpty())
                    exported.append(QString::fromLatin1(line.split('\t').value(3)));
            }
            QCOMPARE(exported, shown);
        }
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        sent.clear();
    }
}

void TestGuiModels::commandLogPause()
{
    CommandLogModel model;
    model.setPaused(true);
    model.append(batchOf({ entry(1, "PING", "PING") }), 0);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.dropped(), quint64(1));
    model.setPaused(false);
    model.append(batchOf({ entry(2, "PING", "PING") }), 0);
    QCOMPARE(model.rowCount(), 1);
}

void TestGuiModels::commandLogFilters()
{
    CommandLogModel model;
    CommandLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(batchOf({ entry(1, "SET", "SET user:1 alice", "web@127.0.0.1:1"),
                           entry(2, "GET", "GET user:1", "worker@127.0.0.1:2"),
                           entry(3, "SET", "SET cart:9 x", "worker@127.0.0.1:2") }),
                 0);
    filter.setCommand(QStringLiteral("set"));
    QCOMPARE(filter.rowCount(), 2);
    filter.setClient(QStringLiteral("worker"));
    QCOMPARE(filter.rowCount(), 1);
    filter.setCommand(QString());
    filter.setClient(QString());
    filter.setText(QStringLiteral("user:1"));
    QCOMPARE(filter.rowCount(), 2);
}

void TestGuiModels::commandLogExport()
{
    CommandLogModel model;
    model.append(batchOf({ entry(1, "SET", "SET k v"), entry(2, "GET", "GET k") }), 0);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(model.exportTo(&buffer));
    const QList<QByteArray> lines = buffer.data().split('\n');
    QCOMPARE(lines.size(), 4); // header, two rows, the empty tail
    QVERIFY(lines[1].endsWith("\tSET\tSET k v\t3"));
}

void TestGuiModels::slowLogRowsFollowEntries()
{
    SlowLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.update(slowLog(0, 2));
    QCOMPARE(ids(model), QList<quint64>({ 2, 1, 0 }));
    // Two new commands were slow and slowlog-max-len is 4: the oldest leaves.
    model.update(slowLog(1, 4));
    QCOMPARE(ids(model), QList<quint64>({ 4, 3, 2, 1 }));
    // SLOWLOG RESET, then one more slow command: ids go on counting.
    model.update({});
    QCOMPARE(model.rowCount(), 0);
    model.update(slowLog(5, 5));
    QCOMPARE(ids(model), QList<quint64>({ 5 }));
}

void TestGuiModels::slowLogUnchangedKeepsRowsAndSelection()
{
    SlowLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QItemSelectionModel selection(&model);
    model.update(slowLog(0, 3));
    selection.select(model.index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.update(slowLog(0, 3));
    QCOMPARE(resets.size() + inserts.size() + removals.size() + changes.size(), 0);

    model.update(slowLog(1, 5)); // new ones on top, the oldest gone: the selection follows
    QCOMPARE(resets.size(), 0);
    QCOMPARE(inserts.size(), 1);
    QCOMPARE(removals.size(), 1);
    const QModelIndexList rows = selection.selectedRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().data(SlowLogModel::IdRole).toULongLong(), quint64(2));
    QCOMPARE(rows.first().row(), 3);
}

void TestGuiModels::slowLogCells()
{
    SlowLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    SlowLogEntry named = slow(7, 12500, { "SET", "greeting", "hello world" });
    named.name = "worker";
    QByteArrayList many;
    for (int i = 0; i < 40; ++i)
        many.append(QByteArray(10, char('a' + i % 26)));
    const SlowLogEntry anonymous = slow(6, 250, many);
    model.update({ named, anonymous });

    QCOMPARE(model.index(0, SlowLogModel::Id).data().toULongLong(), quint64(7));
    QCOMPARE(model.index(0, SlowLogModel::Time).data().toString(),
             QDateTime::fromSecsSinceEpoch(named.time).toString(u"yyyy-MM-dd HH:mm:ss"));
    QCOMPARE(model.index(0, SlowLogModel::Duration).data().toString(), QStringLiteral("12.5 ms"));
    QCOMPARE(model.index(1, SlowLogModel::Duration).data().toString(), QStringLiteral("250 µs"));
    QCOMPARE(model.index(0, SlowLogModel::Client).data().toString(),
             QStringLiteral("worker@127.0.0.1:50007"));
    QCOMPARE(model.index(1, SlowLogModel::Client).data().toString(),
             QStringLiteral("127.0.0.1:50006"));
    // Arguments as the entry holds them; one with a space is quoted so it stays one.
    QCOMPARE(model.index(0, SlowLogModel::CommandLine).data().toString(),
             QStringLiteral("SET greeting \"hello world\""));

    // A long command line is shortened in the cell and whole in the tooltip.
    const QString full = QString::fromLatin1(many.join(' '));
    const QString shown = model.index(1, SlowLogModel::CommandLine).data().toString();
    QCOMPARE(shown.size(), SlowLogModel::DisplayLength + 1);
    QVERIFY(shown.endsWith(QStringLiteral("…")));
    QVERIFY(full.startsWith(shown.chopped(1)));
    QVERIFY(model.index(1, SlowLogModel::CommandLine)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(full));
}

void TestGuiModels::slowLogSorting()
{
    SlowLogModel model;
    QSortFilterProxyModel sorted;
    sorted.setSourceModel(&model);
    sorted.setSortRole(SlowLogModel::SortRole);
    sorted.setDynamicSortFilter(true);
    QAbstractItemModelTester tester(&sorted,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Durations that sort differently as numbers and as text (9 ms > 10 ms as text).
    model.update({ slow(3, 9000), slow(2, 120), slow(1, 10000), slow(0, 2000000) });
    sorted.sort(SlowLogModel::Duration, Qt::DescendingOrder);
    QCOMPARE(ids(sorted), QList<quint64>({ 0, 1, 3, 2 }));
    // A new entry lands in its sorted place.
    model.update({ slow(4, 9500), slow(3, 9000), slow(2, 120), slow(1, 10000), slow(0, 2000000) });
    QCOMPARE(ids(sorted), QList<quint64>({ 0, 1, 4, 3, 2 }));
    sorted.sort(SlowLogModel::Id, Qt::AscendingOrder);
    QCOMPARE(ids(sorted), QList<quint64>({ 0, 1, 2, 3, 4 }));
}

void TestGuiModels::micros_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QString>("text");
    QTest::newRow("0") << qint64(0) << QStringLiteral("0 µs");
    QTest::newRow("999") << qint64(999) << QStringLiteral("999 µs");
    QTest::newRow("1000") << qint64(1000) << QStringLiteral("1 ms");
    QTest::newRow("2346") << qint64(2346) << QStringLiteral("2.35 ms");
    QTest::newRow("10000") << qint64(10000) << QStringLiteral("10 ms");
    QTest::newRow("12500") << qint64(12500) << QStringLiteral("12.5 ms");
    QTest::newRow("250000") << qint64(250000) << QStringLiteral("250 ms");
    QTest::newRow("1500000") << qint64(1500000) << QStringLiteral("1.5 s");
    QTest::newRow("90000000") << qint64(90000000) << QStringLiteral("1m 30s");
}

void TestGuiModels::micros()
{
    QFETCH(qint64, micros);
    QFETCH(QString, text);
    QCOMPARE(Formatting::micros(micros), text);
}

QTEST_GUILESS_MAIN(TestGuiModels)
#include "tst_guimodels.moc"
