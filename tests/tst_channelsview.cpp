// The dashboard's Channels tab and latency charts. The channels model alone (rates from the
// published counts, rows that leave and come back) and the watch's sampling bounds; then the
// window on an in-process server and attached to a separately started qkv-server and
// redis-server, with subscribers to a channel, a pattern and a shard channel and a publisher:
// the rows, their subscriber counts and message rates, the selected channel's messages, the
// Publish box, the subscriptions in the Clients table, and the dashboard never counted as a
// receiver. The Latency tab's charts of LATENCY HISTORY; and the in-process dashboard's
// loopback connection reconnecting after CONFIG SET requirepass.
#include "channelsmodel.h"
#include "channelsview.h"
#include "clientsmodel.h"
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"
#include "inprocesssource.h"
#include "latencychart.h"
#include "latencyview.h"
#include "mainwindow.h"
#include "net/server.h"
#include "observe/channelwatch.h"
#include "observe/dashboardbridge.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QTcpSocket>
#include <QTest>

#include <memory>

namespace {

enum class Kind { InProcess, Qkv, Redis };

ServerConfig onFreePort(const QByteArray &password = {})
{
    ServerConfig config;
    config.port = 0;
    config.requirePass = password;
    return config;
}

// A client on the event loop (the in-process server runs on this thread): requests are
// written at once, replies and messages read as they come.
struct AsyncClient
{
    bool connect(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(5000);
    }
    void send(const QByteArrayList &args) { socket.write(RespFrame::request(args)); }
    QTcpSocket socket;
};

int rowOf(const ChannelsView &view, ChannelKind kind, const QByteArray &name)
{
    return view.model()->rowOf(kind, name);
}

QVariant cell(const ChannelsView &view, ChannelKind kind, const QByteArray &name, int column,
              int role = Qt::DisplayRole)
{
    const int row = rowOf(view, kind, name);
    return row < 0 ? QVariant() : view.model()->index(row, column).data(role);
}

QStringList column(const QAbstractItemModel *model, int column)
{
    QStringList out;
    for (int row = 0; row < model->rowCount(); ++row)
        out.append(model->index(row, column).data().toString());
    return out;
}

// The window watching a server of `kind`: in this process (on this thread), or a separate
// qkv-server or redis-server process attached over the network.
struct Watched
{
    bool start(Kind kind, QString *error, const QByteArray &password = {})
    {
        if (kind == Kind::InProcess) {
            server = std::make_unique<Server>(onFreePort(password));
            if (!server->listen(error))
                return false;
            bridge = std::make_unique<DashboardBridge>(server.get(), nullptr);
            RedisUrl url;
            url.port = server->port();
            url.password = password;
            port = server->port();
            source = std::make_unique<InProcessSource>(bridge.get(), url);
            window.setSource(source.get());
            source->start();
        } else {
            const bool started = kind == Kind::Redis
                    ? process.startRedis(error)
                    : process.startQkv(QStringLiteral(QKV_SERVER_PATH), error);
            if (!started)
                return false;
            port = process.port();
            RedisUrl url;
            url.port = port;
            window.connectTo(url);
        }
        window.show();
        return QTest::qWaitFor([this] { return window.source()->isConnected(); }, 5000);
    }
    // Sends from clients made on this thread: works for either kind (nothing blocks).
    AsyncClient *client()
    {
        clients.push_back(std::make_unique<AsyncClient>());
        return clients.back()->connect(port) ? clients.back().get() : nullptr;
    }

    ServerProcess process;
    std::unique_ptr<Server> server;
    std::unique_ptr<DashboardBridge> bridge;
    std::unique_ptr<InProcessSource> source;
    MainWindow window;
    std::vector<std::unique_ptr<AsyncClient>> clients;
    quint16 port = 0;
};

} // namespace

class TestChannelsView : public QObject
{
    Q_OBJECT
private slots:
    void modelRates();
    void watchIsBounded();
    void watchesChannels_data();
    void watchesChannels();
    void latencyChart();
    void latencyHistory_data();
    void latencyHistory();
    void reconnectsAfterPasswordChange();
};

void TestChannelsView::modelRates()
{
    ChannelsModel model;
    QAbstractItemModelTester tester(&model);
    const qint64 t0 = 1700000000000;
    model.update({ { ChannelKind::Channel, "news", 2, 100 }, { ChannelKind::Pattern, "n*", 1, 7 } },
                 1000, t0);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, ChannelsModel::Subscribers).data().toInt(), 2);
    // Less than a second later: no rate yet.
    model.update({ { ChannelKind::Channel, "news", 2, 150 }, { ChannelKind::Pattern, "n*", 1, 7 } },
                 1050, t0 + 500);
    QCOMPARE(model.index(0, ChannelsModel::Rate).data(ChannelsModel::SortRole).toDouble(), 0.0);
    // Two seconds after the first: 100 messages in 2 s.
    model.update({ { ChannelKind::Channel, "news", 3, 300 }, { ChannelKind::Pattern, "n*", 1, 7 } },
                 1400, t0 + 2000);
    QCOMPARE(model.index(0, ChannelsModel::Rate).data(ChannelsModel::SortRole).toDouble(), 100.0);
    QCOMPARE(model.index(0, ChannelsModel::Subscribers).data().toInt(), 3);
    QCOMPARE(model.index(0, ChannelsModel::Activity)
                     .data(ChannelsModel::SeriesRole)
                     .value<QList<double>>(),
             QList<double>({ 100.0 }));
    QCOMPARE(model.index(1, ChannelsModel::Rate).data(ChannelsModel::SortRole).toDouble(), 0.0);
    QCOMPARE(model.totalRate(), 200.0);
    QCOMPARE(model.index(0, ChannelsModel::Kind).data().toString(), QStringLiteral("channel"));
    QCOMPARE(model.index(1, ChannelsModel::Kind).data().toString(), QStringLiteral("pattern"));
    // The channel empties and leaves; a shard channel arrives; the channel comes back with a
    // count that started again.
    model.update({ { ChannelKind::Pattern, "n*", 1, 9 }, { ChannelKind::ShardChannel, "o", 1, 0 } },
                 1500, t0 + 3000);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf(ChannelKind::Channel, "news"), -1);
    QCOMPARE(model.rowOf(ChannelKind::ShardChannel, "o"), 1);
    model.update({ { ChannelKind::Pattern, "n*", 1, 9 },
                   { ChannelKind::ShardChannel, "o", 1, 0 },
                   { ChannelKind::Channel, "news", 1, 5 } },
                 1500, t0 + 4000);
    model.update({ { ChannelKind::Pattern, "n*", 1, 9 },
                   { ChannelKind::ShardChannel, "o", 1, 0 },
                   { ChannelKind::Channel, "news", 1, 2 } },
                 1500, t0 + 5000);
    QCOMPARE(model.index(model.rowOf(ChannelKind::Channel, "news"), ChannelsModel::Rate)
                     .data(ChannelsModel::SortRole)
                     .toDouble(),
             2.0);
    // The sparkline keeps HistorySeconds samples.
    for (int i = 0; i < ChannelsModel::HistorySeconds + 10; ++i)
        model.update({ { ChannelKind::Pattern, "n*", 1, quint64(10 + i) } }, 1500,
                     t0 + 6000 + i * 1000);
    QCOMPARE(model.index(0, ChannelsModel::Activity)
                     .data(ChannelsModel::SeriesRole)
                     .value<QList<double>>()
                     .size(),
             ChannelsModel::HistorySeconds);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestChannelsView::watchIsBounded()
{
    ChannelWatch watch;
    watch.offer(0, "news", "ignored", false);
    quint64 dropped = 0;
    QVERIFY(watch.take(&dropped).isEmpty());
    watch.watch(ChannelKind::Pattern, "news.*");
    QVERIFY(watch.matches("news.sport", false));
    QVERIFY(!watch.matches("news.sport", true)); // shard messages never reach patterns
    QVERIFY(!watch.matches("weather", false));
    // Within one window only MaxPerWindow are kept, the rest counted.
    const qint64 t = 1700000000000;
    for (int i = 0; i < ChannelWatch::MaxPerWindow + 5; ++i)
        watch.offer(t, "news.sport", QByteArray::number(i), false);
    watch.offer(t, "weather", "other channel", false);
    QList<ChannelMessage> messages = watch.take(&dropped);
    QCOMPARE(messages.size(), ChannelWatch::MaxPerWindow);
    QCOMPARE(dropped, quint64(5));
    QCOMPARE(messages.first().message, QByteArray("0"));
    // A long message is cut, its size kept; waiting messages are bounded whatever the time.
    watch.watch(ChannelKind::ShardChannel, "orders");
    watch.offer(t, "orders", QByteArray(5000, 'x'), true);
    messages = watch.take(&dropped);
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first().message.size(), ChannelWatch::MaxMessageBytes);
    QCOMPARE(messages.first().size, 5000);
    for (int i = 0; i < ChannelWatch::MaxPending * 2; ++i)
        watch.offer(t + i * ChannelWatch::WindowMs, "orders", "m", true);
    QCOMPARE(watch.take(&dropped).size(), ChannelWatch::MaxPending);
    QCOMPARE(dropped, quint64(ChannelWatch::MaxPending));
}

void TestChannelsView::watchesChannels_data()
{
    QTest::addColumn<Kind>("kind");
    QTest::newRow("in-process") << Kind::InProcess;
    QTest::newRow("qkv-server") << Kind::Qkv;
    QTest::newRow("redis-server") << Kind::Redis;
}

void TestChannelsView::watchesChannels()
{
    QFETCH(Kind, kind);
    if (kind == Kind::Redis && ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    Watched w;
    QString error;
    QVERIFY2(w.start(kind, &error), qPrintable(error));
    ChannelsView *view = w.window.channelsView();
    w.window.showTab(QStringLiteral("Channels"));

    // Two subscribers of news, one of the pattern n*, one of the shard channel orders.
    for (const QByteArrayList &args :
         { QByteArrayList { "SUBSCRIBE", "news" },
           QByteArrayList { "SUBSCRIBE", "news", "weather" }, QByteArrayList { "PSUBSCRIBE", "n*" },
           QByteArrayList { "SSUBSCRIBE", "orders" } }) {
        AsyncClient *subscriber = w.client();
        QVERIFY(subscriber);
        subscriber->send(args);
    }
    AsyncClient *publisher = w.client();
    QVERIFY(publisher);
    QTRY_COMPARE_WITH_TIMEOUT(
            cell(*view, ChannelKind::Channel, "news", ChannelsModel::Subscribers).toInt(), 2, 5000);
    QTRY_COMPARE(
            cell(*view, ChannelKind::ShardChannel, "orders", ChannelsModel::Subscribers).toInt(),
            1);
    QCOMPARE(cell(*view, ChannelKind::Channel, "weather", ChannelsModel::Subscribers).toInt(), 1);
    if (kind == Kind::Redis || kind == Kind::Qkv) {
        // Redis lists no patterns: they are counted.
        QTRY_VERIFY(view->summary()->text().contains(QStringLiteral("1 pattern(s)")));
        QVERIFY(view->summary()->text().contains(QStringLiteral("does not list")));
    } else {
        QTRY_COMPARE(cell(*view, ChannelKind::Pattern, "n*", ChannelsModel::Subscribers).toInt(),
                     1);
    }
    // The subscribers in the Clients table.
    QTRY_VERIFY(column(w.window.clientsModel(), ClientsModel::Subscriptions)
                        .contains(QStringLiteral("2 ch")));
    const QStringList subscriptions = column(w.window.clientsModel(), ClientsModel::Subscriptions);
    QVERIFY(subscriptions.contains(QStringLiteral("1 pat")));
    QVERIFY(subscriptions.contains(QStringLiteral("1 shard")));
    QVERIFY(column(w.window.clientsModel(), ClientsModel::Flags).contains(QStringLiteral("P")));

    // Watch news, then publish for a while: a rate, a sparkline and the messages.
    QVERIFY(view->select(ChannelKind::Channel, "news"));
    QTest::qWait(300); // the watch reaches the source
    for (int i = 0; i < 30; ++i) {
        publisher->send({ "PUBLISH", "news", "headline " + QByteArray::number(i) });
        publisher->send({ "SPUBLISH", "orders", "order " + QByteArray::number(i) });
        QTest::qWait(50);
    }
    QTRY_VERIFY_WITH_TIMEOUT(
            cell(*view, ChannelKind::Channel, "news", ChannelsModel::Rate, ChannelsModel::SortRole)
                            .toDouble()
                    > 0,
            3000);
    QTRY_VERIFY(cell(*view, ChannelKind::ShardChannel, "orders", ChannelsModel::Rate,
                     ChannelsModel::SortRole)
                        .toDouble()
                > 0);
    QVERIFY(!cell(*view, ChannelKind::Channel, "news", ChannelsModel::Activity,
                  ChannelsModel::SeriesRole)
                     .value<QList<double>>()
                     .isEmpty());
    QTRY_VERIFY(view->model()->totalPublished() >= 60);
    QTRY_VERIFY(column(view->messagesModel(), ChannelsView::MessageText)
                        .contains(QStringLiteral("headline 29")));
    const QStringList messages = column(view->messagesModel(), ChannelsView::MessageText);
    QVERIFY(!messages.contains(QStringLiteral("order 29")));
    // Every PUBLISH reached the two subscribers and the pattern: the dashboard is no receiver.
    QByteArray replies;
    QTRY_VERIFY((replies += publisher->socket.readAll(), replies.count(":3\r\n") == 30));

    // The Publish box sends to the selected channel.
    view->messageEdit()->setText(QStringLiteral("from the dashboard"));
    QTest::mouseClick(view->publishButton(), Qt::LeftButton);
    QTRY_VERIFY(view->findChild<QLabel *>(QStringLiteral("publishResult"))
                        ->text()
                        .contains(QStringLiteral("3 receiver(s)")));
    QTRY_VERIFY(column(view->messagesModel(), ChannelsView::MessageText)
                        .contains(QStringLiteral("from the dashboard")));
    // Every message counted exactly, the dashboard's own included.
    QTRY_COMPARE(cell(*view, ChannelKind::Channel, "news", ChannelsModel::Published,
                      ChannelsModel::SortRole)
                         .toULongLong(),
                 31ULL);
    QCOMPARE(cell(*view, ChannelKind::ShardChannel, "orders", ChannelsModel::Published,
                  ChannelsModel::SortRole)
                     .toULongLong(),
             30ULL);
    // A pattern cannot be published to.
    if (kind == Kind::InProcess) {
        QVERIFY(view->select(ChannelKind::Pattern, "n*"));
        QVERIFY(!view->publishButton()->isEnabled());
    }
}

void TestChannelsView::latencyChart()
{
    const qint64 now = 1700000000;
    LatencyChart chart;
    chart.setEvent({ "command", now - 10, 40, 40, { { now - 30, 10 }, { now - 10, 40 } } }, now);
    QCOMPARE(chart.startTime(), now - LatencyChart::MinSpanSeconds);
    const QList<QPointF> points = chart.points(QRectF(0, 0, 600, 100));
    QCOMPARE(points.size(), 2);
    QCOMPARE(points.at(0), QPointF(300, 75)); // 30 s before now on a 60 s axis, 10 of 40 ms
    QCOMPARE(points.at(1), QPointF(500, 0));  // the worst at the top
    // An older history widens the axis to its first spike.
    chart.setEvent({ "command", now, 5, 40, { { now - 600, 5 }, { now, 5 } } }, now);
    QCOMPARE(chart.startTime(), now - 600);
    QCOMPARE(chart.points(QRectF(0, 0, 600, 100)).last(), QPointF(600, 0));

    LatencyView view;
    view.setEvents({ { "command", now, 40, 40, { { now, 40 } } },
                     { "expire-cycle", now, 3, 3, { { now, 3 } } } },
                   true);
    QCOMPARE(view.chartCount(), 2);
    QCOMPARE(view.chart("expire-cycle")->event().maxMs, 3);
    LatencyChart *kept = view.chart("command");
    view.setEvents({ { "command", now, 41, 41, { { now, 40 }, { now + 1, 41 } } } }, true);
    QCOMPARE(view.chartCount(), 1);
    QCOMPARE(view.chart("command"), kept);
    QCOMPARE(kept->event().history.size(), 2);
    view.setEvents({}, true);
    QCOMPARE(view.chartCount(), 0);
}

void TestChannelsView::latencyHistory_data()
{
    watchesChannels_data();
}

void TestChannelsView::latencyHistory()
{
    QFETCH(Kind, kind);
    if (kind == Kind::Redis && ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    Watched w;
    QString error;
    QVERIFY2(w.start(kind, &error), qPrintable(error));
    AsyncClient *client = w.client();
    QVERIFY(client);
    // A script that keeps the server busy for some milliseconds: a "command" spike.
    client->send({ "CONFIG", "SET", "latency-monitor-threshold", "1" });
    client->send({ "EVAL", "local i = 0 while i < 3000000 do i = i + 1 end return i", "0" });
    w.window.showTab(QStringLiteral("Latency"));
    QTRY_VERIFY_WITH_TIMEOUT(w.window.latencyView()->chart("command"), 5000);
    const LatencyEvent &event = w.window.latencyView()->chart("command")->event();
    QVERIFY(!event.history.isEmpty());
    qint64 worst = 0;
    for (const LatencySample &sample : event.history)
        worst = qMax(worst, sample.ms);
    QVERIFY(worst >= 1);
    QCOMPARE(worst, event.maxMs);
}

void TestChannelsView::reconnectsAfterPasswordChange()
{
    Watched w;
    QString error;
    QVERIFY2(w.start(Kind::InProcess, &error, "first"), qPrintable(error));
    AsyncClient *admin = w.client();
    QVERIFY(admin);
    admin->send({ "AUTH", "first" });
    admin->send({ "CONFIG", "SET", "requirepass", "second" });
    // The dashboard's connection is closed: it must come back with the new password.
    admin->send({ "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes" });
    QTRY_VERIFY(!w.source->isConnected());
    QTRY_VERIFY_WITH_TIMEOUT(w.source->isConnected(), 5000);
    const int before = w.window.snapshotsReceived();
    QTRY_VERIFY(w.window.snapshotsReceived() > before);
}

QTEST_MAIN(TestChannelsView)
#include "tst_channelsview.moc"
