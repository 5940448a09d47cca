// The pieces of the dashboard that read what a server says: addresses (HOST:PORT and redis://
// URLs, the password never in text()), INFO text, the Server tab (fields, what changed since the
// previous refresh, CONFIG edits asked for and not shown until accepted, the persistence
// panel), the Latency tab (commandstats with and without latencystats) and the Memory tab
// (memory by key prefix, the biggest keys per type).
#include "barchart.h"
#include "clientsmodel.h"
#include "infotext.h"
#include "latencyview.h"
#include "mainwindow.h"
#include "memoryview.h"
#include "redisurl.h"
#include "serverview.h"
#include "shutdownguard.h"
#include "sparkchart.h"
#include "stattile.h"

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

namespace {

QByteArray info(const QByteArrayList &lines)
{
    return lines.join("\r\n") + "\r\n";
}

// The row of field in the Server tab's INFO model, or -1.
int infoRow(const ServerView &view, const QString &field)
{
    for (int row = 0; row < view.infoModel()->rowCount(); ++row) {
        if (view.infoModel()->item(row, ServerView::Field)->text() == field)
            return row;
    }
    return -1;
}

} // namespace

class TestDashboardViews : public QObject
{
    Q_OBJECT
private slots:
    void parsesAddresses_data();
    void parsesAddresses();
    void rejectsAddresses_data();
    void rejectsAddresses();
    void infoText();
    void serverViewHighlightsChanges();
    void serverViewConfigEdit();
    void serverViewPersistence();
    void latencyView();
    void latencyEvents();
    void memoryView();
    void clientsWithoutTotals();
    void limitsTiles();
    void tileSizeFollowsWidestText();
    void closingAsksWhenTheSaveFails();
    void clientBufferColumns();
};

void TestDashboardViews::parsesAddresses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<int>("db");
    QTest::addColumn<QString>("shown");
    QTest::newRow("host:port") << "example.com:7000"
                               << "example.com" << 7000 << QByteArray() << QByteArray() << 0
                               << "example.com:7000";
    QTest::newRow("host") << "localhost"
                          << "localhost" << 6379 << QByteArray() << QByteArray() << 0
                          << "localhost:6379";
    QTest::newRow("v6") << "[::1]:6380"
                        << "::1" << 6380 << QByteArray() << QByteArray() << 0 << "[::1]:6380";
    QTest::newRow("url") << "redis://10.0.0.5:6390/3"
                         << "10.0.0.5" << 6390 << QByteArray() << QByteArray() << 3
                         << "redis://10.0.0.5:6390/3";
    QTest::newRow("url user password")
            << "redis://ops:s3cret@db.local:6379/1"
            << "db.local" << 6379 << QByteArray("ops") << QByteArray("s3cret") << 1
            << "redis://ops@db.local:6379/1";
    QTest::newRow("url password only")
            << "redis://:s3cret@db.local"
            << "db.local" << 6379 << QByteArray() << QByteArray("s3cret") << 0 << "db.local:6379";
    QTest::newRow("url lone password")
            << "redis://s3cret@db.local"
            << "db.local" << 6379 << QByteArray() << QByteArray("s3cret") << 0 << "db.local:6379";
}

void TestDashboardViews::parsesAddresses()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, password);
    QFETCH(int, db);
    QFETCH(QString, shown);
    RedisUrl url;
    QString error;
    QVERIFY2(RedisUrl::parse(text, &url, &error), qPrintable(error));
    QCOMPARE(url.host, host);
    QCOMPARE(int(url.port), port);
    QCOMPARE(url.user, user);
    QCOMPARE(url.password, password);
    QCOMPARE(url.db, db);
    QCOMPARE(url.text(), shown);
}

void TestDashboardViews::rejectsAddresses_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("port 0") << "localhost:0";
    QTest::newRow("port text") << "localhost:http";
    QTest::newRow("scheme") << "http://localhost:6379";
    QTest::newRow("db") << "redis://localhost:6379/x";
}

void TestDashboardViews::rejectsAddresses()
{
    QFETCH(QString, text);
    RedisUrl url;
    QString error;
    QVERIFY(!RedisUrl::parse(text, &url, &error));
    QVERIFY(!error.isEmpty());
}

void TestDashboardViews::infoText()
{
    const QList<InfoField> fields
            = InfoText::parse(info({ "# Server", "redis_version:7.0.15", "", "# Keyspace",
                                     "db0:keys=10,expires=2,avg_ttl=0" }));
    QCOMPARE(fields.size(), 2);
    QCOMPARE(fields.at(0).section, QByteArray("Server"));
    QCOMPARE(fields.at(1).section, QByteArray("Keyspace"));
    QCOMPARE(fields.at(1).name, QByteArray("db0"));
    QCOMPARE(InfoText::part(fields.at(1).value, "expires"), QByteArray("2"));
    QCOMPARE(InfoText::part(fields.at(1).value, "missing"), QByteArray());
}

void TestDashboardViews::serverViewHighlightsChanges()
{
    ServerView view;
    QAbstractItemModelTester tester(view.infoModel());
    view.setInfo(info({ "# Server", "uptime_in_seconds:8", "tcp_port:6379" }));
    QCOMPARE(view.infoModel()->rowCount(), 2);
    view.setInfo(info({ "# Server", "uptime_in_seconds:9", "tcp_port:6379", "# Stats",
                        "total_commands_processed:5" }));
    QCOMPARE(view.infoModel()->rowCount(), 3);
    const int uptime = infoRow(view, QStringLiteral("uptime_in_seconds"));
    const int port = infoRow(view, QStringLiteral("tcp_port"));
    QCOMPARE(view.infoModel()->item(uptime, ServerView::Value)->text(), QStringLiteral("9"));
    QCOMPARE(view.infoModel()->item(uptime, ServerView::Previous)->text(), QStringLiteral("8"));
    QVERIFY(view.infoModel()->item(uptime, ServerView::Value)->background().style() != Qt::NoBrush);
    QCOMPARE(view.infoModel()->item(port, ServerView::Value)->background().style(), Qt::NoBrush);
    // Unchanged at the next refresh: no longer highlighted.
    view.setInfo(info({ "# Server", "uptime_in_seconds:9", "tcp_port:6379" }));
    QCOMPARE(view.infoModel()->item(uptime, ServerView::Value)->background().style(), Qt::NoBrush);
    QCOMPARE(view.infoModel()->item(uptime, ServerView::Previous)->text(), QString());
}

void TestDashboardViews::serverViewConfigEdit()
{
    ServerView view;
    QSignalSpy asked(&view, &ServerView::configSetRequested);
    view.setConfig({ { "maxmemory", "0" }, { "slowlog-max-len", "128" } });
    QStandardItemModel *config = view.configModel();
    QCOMPARE(config->rowCount(), 2);
    config->item(1, 1)->setText(QStringLiteral("256"));
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.at(0).at(0).toByteArray(), QByteArray("slowlog-max-len"));
    QCOMPARE(asked.at(0).at(1).toByteArray(), QByteArray("256"));
    // The server's value stays until it accepts the change.
    QCOMPARE(config->item(1, 1)->text(), QStringLiteral("128"));
    view.configChanged("slowlog-max-len", "256");
    QCOMPARE(config->item(1, 1)->text(), QStringLiteral("256"));
    QCOMPARE(asked.size(), 1);
}

void TestDashboardViews::serverViewPersistence()
{
    ServerView view;
    view.setInfo(
            info({ "# Persistence", "rdb_changes_since_last_save:1200", "rdb_bgsave_in_progress:1",
                   "rdb_last_save_time:1700000000", "rdb_last_bgsave_status:ok",
                   "rdb_current_bgsave_time_sec:3", "aof_enabled:1", "aof_rewrite_in_progress:0",
                   "aof_last_bgrewrite_status:ok", "aof_current_size:2048",
                   "current_save_keys_total:3000", "current_save_keys_processed:1025",
                   "current_fork_perc:34.17", "current_cow_size:450560" }));
    QString text = view.persistenceLabel()->text();
    QVERIFY2(text.contains(QStringLiteral("1,200 changes since")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("BGSAVE running for 3s, 34.17% of 3,000 keys, "
                                          "copy-on-write 440.0 kB")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("AOF on, 2.0 kB")), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("AOF rewrite running")), qPrintable(text));
    // Before the child's first report: no progress.
    view.setInfo(info({ "# Persistence", "rdb_bgsave_in_progress:0",
                        "rdb_last_save_time:1700000000", "aof_rewrite_in_progress:1",
                        "aof_current_rewrite_time_sec:0", "current_save_keys_total:0" }));
    text = view.persistenceLabel()->text();
    QVERIFY2(text.endsWith(QStringLiteral("AOF rewrite running for 0s")), qPrintable(text));
}

void TestDashboardViews::latencyView()
{
    LatencyView view;
    QAbstractItemModelTester tester(view.model());
    view.setInfo(info(
            { "# Commandstats",
              "cmdstat_get:calls=10,usec=25,usec_per_call=2.50,rejected_calls=0,failed_calls=1",
              "cmdstat_client|list:calls=2,usec=8,usec_per_call=4.00,rejected_calls=0,failed_calls="
              "0",
              "# Latencystats", "latency_percentiles_usec_get:p50=2.003,p99=5.023,p99.9=7.007" }));
    QStandardItemModel *model = view.model();
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->item(0, LatencyView::Command)->text(), QStringLiteral("get"));
    QCOMPARE(model->item(0, LatencyView::Calls)->text(), QStringLiteral("10"));
    QCOMPARE(model->item(0, LatencyView::Average)->text(), QStringLiteral("2.50"));
    QCOMPARE(model->item(0, LatencyView::P99)->text(), QStringLiteral("5.023"));
    QCOMPARE(model->item(0, LatencyView::Failed)->text(), QStringLiteral("1"));
    QCOMPARE(model->item(1, LatencyView::Command)->text(), QStringLiteral("client list"));
    // No latencystats for it (or from an older server): no percentiles, not zeros.
    QCOMPARE(model->item(1, LatencyView::P50)->text(), QStringLiteral("-"));
    // Updated in place.
    view.setInfo(info(
            { "cmdstat_get:calls=11,usec=27,usec_per_call=2.45,rejected_calls=0,failed_calls=1" }));
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->item(0, LatencyView::Calls)->text(), QStringLiteral("11"));
}

void TestDashboardViews::latencyEvents()
{
    LatencyView view;
    auto *summary = view.findChild<QLabel *>(QStringLiteral("latencyEventsSummary"));
    QVERIFY(summary);
    view.setEvents(
            { { "command", 1700000000, 12, 250, {} }, { "expire-cycle", 1700000001, 3, 3, {} } },
            true);
    QCOMPARE(view.eventsModel()->rowCount(), 2);
    QCOMPARE(view.eventsModel()->item(0, 0)->text(), QStringLiteral("command"));
    QCOMPARE(view.eventsModel()->item(0, 3)->text(), QStringLiteral("250"));
    QVERIFY(summary->text().contains(QStringLiteral("latest and worst")));
    view.setEvents({}, true);
    QCOMPARE(view.eventsModel()->rowCount(), 0);
    QVERIFY(summary->text().contains(QStringLiteral("none above")));
    view.setEvents({}, false);
    QVERIFY(summary->text().contains(QStringLiteral("does not answer")));
}

void TestDashboardViews::memoryView()
{
    MemoryView view;
    view.setSample(2,
                   { { "user:1", "hash", 300 },
                     { "user:2", "hash", 500 },
                     { "session:9", "string", 100 },
                     { "lonely", "string", 1000 },
                     { "s:1", "set", -1 } });
    const auto &bars = view.prefixChart()->bars();
    QCOMPARE(bars.size(), 3);
    QCOMPARE(bars.at(0).first, QStringLiteral("(no prefix)"));
    QCOMPARE(bars.at(0).second, 1000.0);
    QCOMPARE(bars.at(1).first, QStringLiteral("user:*"));
    QCOMPARE(bars.at(1).second, 800.0);
    QCOMPARE(bars.at(2).first, QStringLiteral("session:*"));
    // Biggest keys by type (types in name order), largest first.
    QStandardItemModel *biggest = view.biggestKeys();
    QCOMPARE(biggest->rowCount(), 4);
    QCOMPARE(biggest->item(0, 0)->text(), QStringLiteral("hash"));
    QCOMPARE(biggest->item(0, 1)->text(), QStringLiteral("user:2"));
    QCOMPARE(biggest->item(1, 1)->text(), QStringLiteral("user:1"));
    QCOMPARE(biggest->item(2, 1)->text(), QStringLiteral("lonely"));
    QSignalSpy opened(&view, &MemoryView::keyActivated);
    auto *table = view.findChild<QAbstractItemView *>(QStringLiteral("biggestKeysView"));
    QVERIFY(table);
    emit table->doubleClicked(table->model()->index(1, 1));
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.at(0).at(0).toInt(), 2);
    QCOMPARE(opened.at(0).at(1).toByteArray(), QByteArray("user:1"));
}

void TestDashboardViews::clientsWithoutTotals()
{
    ClientsModel model;
    ClientRow counted, uncounted;
    counted.id = 1;
    counted.commands = 5;
    uncounted.id = 2;
    uncounted.hasTotals = false;
    model.update({ counted, uncounted });
    QCOMPARE(model.index(0, ClientsModel::Commands).data().toString(), QStringLiteral("5"));
    QCOMPARE(model.index(1, ClientsModel::Commands).data().toString(), QStringLiteral("-"));
    QCOMPARE(model.index(1, ClientsModel::BytesIn).data().toString(), QStringLiteral("-"));
}

// Memory against maxmemory (plain without one), evictions per second from the counter's
// difference over a second, rejected connections and clients closed by limits ("n/a" when
// the server does not count them).
// A tile asks for a new layout only when a text is wider than any before: figures that change
// on every snapshot must not lay the window out again each time.
void TestDashboardViews::tileSizeFollowsWidestText()
{
    StatTile tile(QStringLiteral("Commands"));
    const QSize empty = tile.sizeHint();
    tile.setValue(QStringLiteral("1,234,567,890"), QStringLiteral("of 2,000,000,000"));
    const QSize wide = tile.sizeHint();
    QVERIFY(wide.width() > empty.width());
    QCOMPARE(wide.height(), empty.height());
    QCOMPARE(tile.minimumSizeHint(), wide);

    tile.setValue(QStringLiteral("7"));
    QCOMPARE(tile.value(), QStringLiteral("7"));
    QCOMPARE(tile.detail(), QString());
    QCOMPARE(tile.sizeHint(), wide);

    tile.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tile));
    const QImage picture = tile.grab().toImage();
    QVERIFY(!picture.isNull());
    // Something was painted besides the background: the caption and the value.
    const QRgb background = picture.pixel(picture.width() - 3, picture.height() / 2);
    int painted = 0;
    for (int x = 0; x < picture.width(); ++x)
        for (int y = 0; y < picture.height(); ++y)
            painted += picture.pixel(x, y) != background;
    QVERIFY(painted > 50);
}

// Closing the in-process window stops the server: a failed save keeps the window open unless
// the user says to stop without saving.
void TestDashboardViews::closingAsksWhenTheSaveFails()
{
    QWidget window;
    bool saves = false;
    int prepared = 0, abandoned = 0, asked = 0;
    bool answer = false;
    new ShutdownGuard(
            &window,
            [&] {
                ++prepared;
                return saves;
            },
            [&] { ++abandoned; },
            [&](QWidget *) {
                ++asked;
                return answer;
            });
    window.show();
    QVERIFY(!window.close()); // the save failed and the user kept the server
    QVERIFY(window.isVisible());
    QCOMPARE(prepared, 1);
    QCOMPARE(asked, 1);
    QCOMPARE(abandoned, 0);

    answer = true; // stop without saving
    QVERIFY(window.close());
    QCOMPARE(asked, 2);
    QCOMPARE(abandoned, 1);

    window.show();
    saves = true; // a save that works closes without asking
    QVERIFY(window.close());
    QCOMPARE(prepared, 3);
    QCOMPARE(asked, 2);
}

void TestDashboardViews::limitsTiles()
{
    MainWindow window;
    ServerSnapshot s;
    s.timeMs = 1000000;
    s.usedMemory = 74 * 1024 * 1024;
    s.evictedKeys = 1000;
    window.applySnapshot(s);
    QCOMPARE(window.memoryTile()->value(), QStringLiteral("74.0 MB"));
    QCOMPARE(window.memoryTile()->detail(), QString());
    QCOMPARE(window.memoryChart()->ceiling(), 0.0);
    QCOMPARE(window.limitsTile()->value(), QStringLiteral("0 / n/a"));

    s.maxMemory = 100 * 1024 * 1024;
    s.maxMemoryPolicy = "allkeys-lru";
    s.rejectedConnections = 3;
    s.clientsClosedByLimits = 12;
    window.applySnapshot(s);
    QCOMPARE(window.memoryTile()->value(), QStringLiteral("74.0 MB"));
    QCOMPARE(window.memoryTile()->detail(), QStringLiteral("of 100.0 MB · allkeys-lru"));
    QCOMPARE(window.memoryChart()->ceiling(), 100.0 * 1024 * 1024);
    QCOMPARE(window.limitsTile()->value(), QStringLiteral("3 / 12"));
    // The first figure of the counter gives no rate; 500 more in two seconds are 250/s, and a
    // snapshot half a second later leaves the rate as it was.
    QCOMPARE(window.evictionsTile()->value(), QStringLiteral("0"));
    s.timeMs += 2000;
    s.evictedKeys = 1500;
    window.applySnapshot(s);
    QCOMPARE(window.evictionsTile()->value(), QStringLiteral("250"));
    QCOMPARE(window.evictionsTile()->detail(), QStringLiteral("1,500 evicted"));
    s.timeMs += 500;
    s.evictedKeys = 1600;
    window.applySnapshot(s);
    QCOMPARE(window.evictionsTile()->value(), QStringLiteral("250"));
    // A reset counter starts over.
    s.timeMs += 1000;
    s.evictedKeys = 0;
    window.applySnapshot(s);
    QCOMPARE(window.evictionsTile()->value(), QStringLiteral("0"));

    s.maxMemory = 0;
    window.applySnapshot(s);
    QCOMPARE(window.memoryTile()->detail(), QString());
    QCOMPARE(window.memoryChart()->ceiling(), 0.0);
}

void TestDashboardViews::clientBufferColumns()
{
    ClientsModel model;
    ClientRow idle, busy;
    idle.id = 1;
    busy.id = 2;
    busy.queryBuffer = 40 * 1024;
    busy.outputMemory = 3 * 1024 * 1024 / 2;
    model.update({ idle, busy });
    QCOMPARE(model.headerData(ClientsModel::QueryBuffer, Qt::Horizontal).toString(),
             QStringLiteral("Qbuf"));
    QCOMPARE(model.headerData(ClientsModel::OutputMemory, Qt::Horizontal).toString(),
             QStringLiteral("Omem"));
    QCOMPARE(model.index(0, ClientsModel::QueryBuffer).data().toString(),
             QStringLiteral("0 bytes"));
    QCOMPARE(model.index(1, ClientsModel::QueryBuffer).data().toString(),
             QStringLiteral("40.0 kB"));
    QCOMPARE(model.index(1, ClientsModel::OutputMemory).data().toString(),
             QStringLiteral("1.5 MB"));
    QCOMPARE(model.index(1, ClientsModel::OutputMemory).data(ClientsModel::SortRole).toLongLong(),
             busy.outputMemory);
}

QTEST_MAIN(TestDashboardViews)
#include "tst_dashboardviews.moc"
