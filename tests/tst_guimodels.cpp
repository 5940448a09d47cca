// The dashboard's table models: rows follow snapshots, filters, pause, export, selection.
#include "clientsmodel.h"
#include "commandlogfilter.h"
#include "commandlogmodel.h"
#include "keysmodel.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QItemSelectionModel>
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

} // namespace

class TestGuiModels : public QObject
{
    Q_OBJECT

private slots:
    void clientsFollowConnectsAndDisconnects();
    void clientsUpdateKeepsSelection();
    void keysPageWithFilter();
    void commandLogIsBoundedAndCountsDrops();
    void commandLogPause();
    void commandLogFilters();
    void commandLogExport();
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

void TestGuiModels::commandLogIsBoundedAndCountsDrops()
{
    CommandLogModel model(5);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<CommandLogEntry> batch;
    for (quint64 i = 1; i <= 4; ++i)
        batch.push_back(entry(i, "SET", "SET k v"));
    model.append(batch, 0);
    QCOMPARE(model.rowCount(), 4);
    batch.clear();
    for (quint64 i = 5; i <= 12; ++i)
        batch.push_back(entry(i, "GET", "GET k"));
    model.append(batch, 7);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.dropped(), quint64(7 + 3)); // 7 lost in the server's ring, 3 past capacity
    QCOMPARE(model.index(4, CommandLogModel::Arguments).data().toString(), QStringLiteral("GET k"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.dropped(), quint64(0));
}

void TestGuiModels::commandLogPause()
{
    CommandLogModel model;
    model.setPaused(true);
    model.append({ entry(1, "PING", "PING") }, 0);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.dropped(), quint64(1));
    model.setPaused(false);
    model.append({ entry(2, "PING", "PING") }, 0);
    QCOMPARE(model.rowCount(), 1);
}

void TestGuiModels::commandLogFilters()
{
    CommandLogModel model;
    CommandLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append({ entry(1, "SET", "SET user:1 alice", "web@127.0.0.1:1"),
                   entry(2, "GET", "GET user:1", "worker@127.0.0.1:2"),
                   entry(3, "SET", "SET cart:9 x", "worker@127.0.0.1:2") },
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
    model.append({ entry(1, "SET", "SET k v"), entry(2, "GET", "GET k") }, 0);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(model.exportTo(&buffer));
    const QList<QByteArray> lines = buffer.data().split('\n');
    QCOMPARE(lines.size(), 4); // header, two rows, the empty tail
    QVERIFY(lines[1].endsWith("\tSET\tSET k v\t3"));
}

QTEST_GUILESS_MAIN(TestGuiModels)
#include "tst_guimodels.moc"
