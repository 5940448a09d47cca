// qkv-dashboard's window attached over the network to a separately started headless
// qkv-server and to redis-server: a client's command reaches the command log within a second,
// the client is in the clients table (the dashboard's own connections are in neither),
// Disconnect closes it, the Keys tab shows its first page as soon as it opens, and a
// restarted server is watched again without anyone asking.
#include "barchart.h"
#include "clientsmodel.h"
#include "commandlogmodel.h"
#include "common/respclient.h"
#include "common/serverprocess.h"
#include "keysmodel.h"
#include "latencyview.h"
#include "mainwindow.h"
#include "memoryview.h"
#include "redisurl.h"
#include "serverview.h"
#include "sparkchart.h"
#include "stattile.h"
#include "valuemodel.h"
#include "valueviewer.h"

#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QTableView>
#include <QTcpSocket>
#include <QTest>

namespace {

constexpr int KeyCount = 10000;

enum class Kind { Qkv, Redis };

bool startServer(ServerProcess *server, Kind kind, quint16 port, QString *error)
{
    if (kind == Kind::Redis)
        return server->startRedis(error, {}, port);
    QStringList args;
    if (port != 0)
        args = QStringList { QStringLiteral("--port"), QString::number(port) };
    return server->startQkv(QStringLiteral(QKV_SERVER_PATH), error, args);
}

// The row of the client named name in the window's clients table, or -1.
int clientRow(const MainWindow &window, const QString &name)
{
    const ClientsModel *clients = window.clientsModel();
    for (int row = 0; row < clients->rowCount(); ++row) {
        if (clients->index(row, ClientsModel::Name).data().toString() == name)
            return row;
    }
    return -1;
}

QStringList column(const QAbstractItemModel *model, int column)
{
    QStringList out;
    for (int row = 0; row < model->rowCount(); ++row)
        out.append(model->index(row, column).data().toString());
    return out;
}

QString statusText(const MainWindow &window)
{
    QString text;
    for (const QLabel *label : window.statusBar()->findChildren<QLabel *>())
        text += label->text();
    return text;
}

} // namespace

class TestRemoteDashboard : public QObject
{
    Q_OBJECT
private slots:
    void watchesServer_data();
    void watchesServer();
    void authenticates_data();
    void authenticates();
    void showsLimits_data();
    void showsLimits();
};

void TestRemoteDashboard::watchesServer_data()
{
    QTest::addColumn<Kind>("kind");
    QTest::newRow("qkv-server") << Kind::Qkv;
    QTest::newRow("redis-server") << Kind::Redis;
}

void TestRemoteDashboard::watchesServer()
{
    QFETCH(Kind, kind);
    if (kind == Kind::Redis && ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    ServerProcess server;
    QString error;
    QVERIFY2(startServer(&server, kind, 0, &error), qPrintable(error));
    const quint16 port = server.port();

    RespClient client;
    QVERIFY(client.connectTo(port));
    QByteArrayList mset { "MSET" };
    for (int i = 0; i < KeyCount; ++i)
        mset << "key:" + QByteArray::number(i) << QByteArray::number(i);
    QCOMPARE(client.call(mset), QByteArray("+OK\r\n"));
    QCOMPARE(client.call({ "CLIENT", "SETNAME", "watched" }), QByteArray("+OK\r\n"));

    MainWindow window;
    RedisUrl url;
    url.port = port;
    window.connectTo(url);
    window.show();
    QTRY_VERIFY(statusText(window).contains(QStringLiteral("connected")));

    // The client is in the table; the dashboard's own two connections are not.
    QTRY_VERIFY(clientRow(window, QStringLiteral("watched")) >= 0);
    QVERIFY2(window.clientsModel()->rowCount() == 1,
             qPrintable(column(window.clientsModel(), ClientsModel::Address).join(QLatin1Char(','))
                        + QLatin1Char(' ')
                        + column(window.clientsModel(), ClientsModel::LastCommand)
                                  .join(QLatin1Char(','))));

    // Its next command is in the command log within a second; the dashboard's polling is not.
    QElapsedTimer sent;
    sent.start();
    QCOMPARE(client.call({ "SET", "probe", "1" }), QByteArray("+OK\r\n"));
    CommandLogModel *log = window.commandLogModel();
    QTRY_VERIFY_WITH_TIMEOUT(
            column(log, CommandLogModel::Arguments).contains(QStringLiteral("SET probe 1")), 1000);
    QVERIFY(sent.elapsed() < 1000);
    const QStringList logged = column(log, CommandLogModel::Client);
    QVERIFY2(std::none_of(logged.cbegin(), logged.cend(),
                          [](const QString &c) {
                              return c.startsWith(QStringLiteral("qkv-dashboard"));
                          }),
             qPrintable(logged.join(QLatin1Char(','))));
    QVERIFY(logged.contains(QStringLiteral("watched@127.0.0.1"), Qt::CaseSensitive)
            || std::any_of(logged.cbegin(), logged.cend(), [](const QString &c) {
                   return c.startsWith(QStringLiteral("watched@"));
               }));

    // The Keys tab shows a first page of the 10,000 keys as soon as it opens, in SCAN's order
    // (no sort arrow on Key).
    window.showTab(QStringLiteral("Keys"));
    QTRY_VERIFY(window.keysModel()->rowCount() >= 100);
    QVERIFY(window.keysModel()->rowCount() < KeyCount);
    QVERIFY(window.keysModel()->hasMore());
    QCOMPARE(window.keysModel()->index(0, KeysModel::Type).data().toString(),
             QStringLiteral("string"));
    auto *keysView = window.findChild<QTableView *>(QStringLiteral("keysView"));
    QVERIFY(keysView);
    QCOMPARE(keysView->horizontalHeader()->sortIndicatorSection(), -1);

    // The value viewer reads values with Redis commands: a hash whole, a list page by page,
    // and an element changed only while it is the one shown.
    QByteArrayList rpush { "RPUSH", "jobs" };
    for (int i = 0; i < 450; ++i)
        rpush << "job-" + QByteArray::number(i);
    QCOMPARE(client.call(rpush), QByteArray(":450\r\n"));
    QCOMPARE(client.call({ "HSET", "profile", "name", "Ada", "plan", "pro" }),
             QByteArray(":2\r\n"));
    ValueViewer *viewer = window.valueViewer();
    window.viewKey("profile");
    QTRY_COMPARE(viewer->model()->rowCount(), 2);
    QCOMPARE(viewer->model()->type(), QByteArray("hash"));
    window.viewKey("jobs");
    QTRY_COMPARE(viewer->model()->rowCount(), ValueViewer::PageSize);
    QVERIFY(viewer->model()->hasMore());
    viewer->loadMore();
    QTRY_COMPARE(viewer->model()->rowCount(), 2 * ValueViewer::PageSize);
    viewer->loadMore();
    QTRY_COMPARE(viewer->model()->rowCount(), 450);
    QVERIFY(!viewer->model()->hasMore());
    QCOMPARE(viewer->model()->rowAt(449).element, QByteArray("job-449"));
    ValueEdit change;
    change.key = "jobs";
    change.op = ValueEdit::Op::ListSet;
    change.index = 1;
    change.element = "job-1";
    change.value = "changed";
    window.source()->editValue(change);
    QTRY_COMPARE(client.call({ "LINDEX", "jobs", "1" }), QByteArray("$7\r\nchanged\r\n"));
    window.source()->editValue(change); // element 1 is no longer job-1
    QTRY_VERIFY(viewer->findChild<QLabel *>(QStringLiteral("valueMessage"))->isVisible());

    // Actions are Redis commands: the key shown first is deleted, another given a TTL.
    const QByteArray first = window.keysModel()->keyAt(0);
    const QByteArray second = window.keysModel()->keyAt(1);
    window.source()->deleteKey(0, first);
    window.source()->setTtl(0, second, 100);
    QTRY_COMPARE(client.call({ "EXISTS", first }), QByteArray(":0\r\n"));
    QTRY_COMPARE(client.call({ "TTL", second }), QByteArray(":100\r\n"));

    // Server tab: every INFO field; CONFIG parameters, changed in place with CONFIG SET.
    window.showTab(QStringLiteral("Server"));
    ServerView *serverView = window.serverView();
    QTRY_VERIFY(serverView->infoModel()->rowCount() > 50);
    QStandardItemModel *config = serverView->configModel();
    QTRY_VERIFY(config->rowCount() > 20);
    const QList<QStandardItem *> found = config->findItems(QStringLiteral("slowlog-max-len"));
    QCOMPARE(found.size(), 1);
    config->item(found.first()->row(), 1)->setText(QStringLiteral("77"));
    QTRY_COMPARE(config->item(found.first()->row(), 1)->text(), QStringLiteral("77"));
    QCOMPARE(client.call({ "CONFIG", "GET", "slowlog-max-len" }),
             QByteArray("*2\r\n$15\r\nslowlog-max-len\r\n$2\r\n77\r\n"));
    QVERIFY(serverView->persistenceLabel()->text().contains(QStringLiteral("changes since")));

    // Latency tab: the client's SETs are counted.
    QTRY_VERIFY(!window.latencyView()->model()->findItems(QStringLiteral("set")).isEmpty());
    // Its latency monitor's events where the server has LATENCY LATEST (Redis 7.0 does).
    auto *events
            = window.latencyView()->findChild<QLabel *>(QStringLiteral("latencyEventsSummary"));
    QTRY_VERIFY(!events->text().isEmpty());
    if (kind == Kind::Redis)
        QVERIFY2(events->text().startsWith(QStringLiteral("Latency events (LATENCY LATEST)")),
                 qPrintable(events->text()));

    // Memory tab: a sample of db0 by prefix ("key:*" holds nearly everything).
    window.showTab(QStringLiteral("Memory"));
    const BarChart *prefixes = window.memoryView()->prefixChart();
    QTRY_VERIFY(!prefixes->bars().isEmpty());
    QCOMPARE(prefixes->bars().first().first, QStringLiteral("key:*"));
    QVERIFY(prefixes->bars().first().second > 0);

    // Disconnect: the client's connection closes and it leaves the table.
    window.showTab(QStringLiteral("Clients"));
    auto *clientsView = window.findChild<QTableView *>(QStringLiteral("clientsView"));
    QVERIFY(clientsView);
    clientsView->selectRow(0);
    window.findChild<QPushButton *>(QStringLiteral("disconnectButton"))->click();
    QTRY_VERIFY(client.readReply(100).isNull() && !client.isConnected());
    QTRY_COMPARE(window.clientsModel()->rowCount(), 0);

    // The server restarts on its port: the window says it is reconnecting, then watches again.
    QVERIFY(server.stop());
    QTRY_VERIFY(statusText(window).contains(QStringLiteral("reconnecting")));
    QVERIFY2(startServer(&server, kind, port, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(
            statusText(window).contains(QStringLiteral("connected"))
                    && !statusText(window).contains(QStringLiteral("reconnecting")),
            5000);
    RespClient again;
    QVERIFY(again.connectTo(port));
    QCOMPARE(again.call({ "CLIENT", "SETNAME", "back" }), QByteArray("+OK\r\n"));
    QTRY_VERIFY(clientRow(window, QStringLiteral("back")) >= 0);
    QCOMPARE(again.call({ "SET", "after", "restart" }), QByteArray("+OK\r\n"));
    QTRY_VERIFY(
            column(log, CommandLogModel::Arguments).contains(QStringLiteral("SET after restart")));
}

void TestRemoteDashboard::authenticates_data()
{
    watchesServer_data();
}

void TestRemoteDashboard::authenticates()
{
    QFETCH(Kind, kind);
    if (kind == Kind::Redis && ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    ServerProcess server;
    QString error;
    QVERIFY2(startServer(&server, kind, 0, &error), qPrintable(error));
    RespClient client;
    QVERIFY(client.connectTo(server.port()));
    QCOMPARE(client.call({ "CONFIG", "SET", "requirepass", "s3cret" }), QByteArray("+OK\r\n"));
    // A wrong password: the window says why it keeps trying.
    MainWindow window;
    RedisUrl url;
    QVERIFY2(RedisUrl::parse(QStringLiteral("redis://:wrong@127.0.0.1:%1/2").arg(server.port()),
                             &url, &error),
             qPrintable(error));
    window.connectTo(url);
    QTRY_VERIFY(statusText(window).contains(QStringLiteral("WRONGPASS")));
    // The right one, and database 2 from the URL.
    url.password = "s3cret";
    window.connectTo(url);
    QTRY_VERIFY(window.source()->isConnected());
    QCOMPARE(client.call({ "SELECT", "2" }), QByteArray("+OK\r\n"));
    QCOMPARE(client.call({ "SET", "in-two", "x" }), QByteArray("+OK\r\n"));
    window.showTab(QStringLiteral("Keys"));
    QTRY_COMPARE(window.keysModel()->rowCount(), 1);
    QCOMPARE(window.keysModel()->db(), 2);
    QCOMPARE(window.keysModel()->keyAt(0), QByteArray("in-two"));
    // Its own connections are named and hidden; the client is shown.
    QTRY_VERIFY(window.clientsModel()->rowCount() == 1);
}

void TestRemoteDashboard::showsLimits_data()
{
    watchesServer_data();
}

// From INFO and CLIENT LIST alone: memory against a maxmemory a few megabytes above what the
// idle server uses, keys evicted under allkeys-lru, and a client's pending query buffer. Clients
// closed by limits have no INFO field in Redis 7.0: "n/a".
void TestRemoteDashboard::showsLimits()
{
    QFETCH(Kind, kind);
    if (kind == Kind::Redis && ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    ServerProcess server;
    QString error;
    QVERIFY2(startServer(&server, kind, 0, &error), qPrintable(error));
    RespClient client;
    QVERIFY(client.connectTo(server.port()));
    const QByteArray info = client.call({ "INFO", "memory" });
    const qsizetype at = info.indexOf("used_memory:") + 12;
    const qint64 limit = info.mid(at, info.indexOf('\r', at) - at).toLongLong() + 4 * 1024 * 1024;
    QCOMPARE(client.call({ "CONFIG", "SET", "maxmemory", QByteArray::number(limit) }),
             QByteArray("+OK\r\n"));
    QCOMPARE(client.call({ "CONFIG", "SET", "maxmemory-policy", "allkeys-lru" }),
             QByteArray("+OK\r\n"));
    const QByteArray value(10000, 'v');
    for (int i = 0; i < 800; ++i)
        client.send({ "SET", "key:" + QByteArray::number(i), value });
    for (int i = 0; i < 800; ++i)
        QCOMPARE(client.readReply(), QByteArray("+OK\r\n"));
    QTcpSocket sender;
    sender.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(sender.waitForConnected(5000));
    sender.write("*2\r\n$4\r\nECHO\r\n$200000\r\n" + QByteArray(50000, 'x'));
    QVERIFY(sender.waitForBytesWritten(5000));

    MainWindow window;
    RedisUrl url;
    url.port = server.port();
    window.connectTo(url);
    window.show();
    const QString ceiling
            = QLocale::c().formattedDataSize(limit, 1, QLocale::DataSizeTraditionalFormat);
    QTRY_COMPARE(window.memoryTile()->detail(), QStringLiteral("of %1 · allkeys-lru").arg(ceiling));
    QCOMPARE(window.memoryChart()->ceiling(), double(limit));
    const qint64 evicted = window.evictionsTile()
                                   ->detail()
                                   .section(QLatin1Char(' '), 0, 0)
                                   .remove(QLatin1Char(','))
                                   .toLongLong();
    QVERIFY2(evicted > 0, qPrintable(window.evictionsTile()->detail()));
    QCOMPARE(window.limitsTile()->value(), QStringLiteral("0 / n/a"));
    // The pending half-argument is in its client's qbuf.
    const ClientsModel *clients = window.clientsModel();
    const auto mostPending = [clients] {
        qint64 most = 0;
        for (int row = 0; row < clients->rowCount(); ++row)
            most = qMax(most,
                        clients->index(row, ClientsModel::QueryBuffer)
                                .data(ClientsModel::SortRole)
                                .toLongLong());
        return most;
    };
    QTRY_VERIFY(mostPending() >= 50000);
}

QTEST_MAIN(TestRemoteDashboard)
#include "tst_remotedashboard.moc"
