// The window against a live in-process server: a real client connects, sets a key; the window
// shows the client, the key and the command; Disconnect closes that client's socket. The Slow
// log tab sets the server's threshold, shows what a client ran, and empties the log. The Keys
// tab's value viewer shows a hash a client wrote and edits it through its forms until the key
// is gone; pages a million-element list; changes a score; creates a key; shows an edit's error.
#include "clientsmodel.h"
#include "commandlogmodel.h"
#include "common/respframe.h"
#include "inprocesssource.h"
#include "keysmodel.h"
#include "mainwindow.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/dashboardbridge.h"
#include "slowlogmodel.h"
#include "store/keyspace.h"
#include "store/listvalue.h"
#include "valuemodel.h"
#include "valueviewer.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QElapsedTimer>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

namespace {

ServerConfig onFreePort()
{
    ServerConfig config;
    config.port = 0;
    return config;
}

// The window wired to an in-process server on a free port. Same thread here: the bridge's
// snapshots and the loopback connection still go through the event loop.
struct LiveDashboard
{
    bool start(QString *error)
    {
        if (!server.listen(error))
            return false;
        RedisUrl url;
        url.port = server.port();
        source = std::make_unique<InProcessSource>(&bridge, url);
        window.setSource(source.get());
        source->start();
        window.show();
        return QTest::qWaitFor([this] { return source->isConnected(); }, 5000);
    }

    Server server { onFreePort() };
    DashboardBridge bridge { &server, nullptr };
    MainWindow window;
    std::unique_ptr<InProcessSource> source;
};

// A client that sends one command and waits for its whole reply (in the event loop: the
// server runs on this thread).
struct Client
{
    bool connect(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(5000);
    }
    QByteArray run(const QList<QByteArray> &args)
    {
        socket.write(RespFrame::request(args));
        QByteArray reply;
        QElapsedTimer timer;
        timer.start();
        while (RespFrame::replyEnd(reply, 0) < 0 && timer.elapsed() < 5000) {
            if (socket.bytesAvailable() == 0)
                QTest::qWait(5);
            reply += socket.readAll();
        }
        return reply;
    }
    QTcpSocket socket;
};

// Answers the next modal dialog (a form of the value viewer): fills the inputs named in
// `inputs` (line, box or combo box) and accepts it. It looks for the dialog until one opens.
void answerNextDialog(const QList<QPair<QString, QString>> &inputs)
{
    auto *poll = new QTimer;
    auto *tries = new int(0);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, tries, inputs] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        if (!dialog) {
            if (++*tries > 500) {
                poll->deleteLater();
                delete tries;
            }
            return;
        }
        poll->stop();
        for (const auto &[name, text] : inputs) {
            if (auto *line = dialog->findChild<QLineEdit *>(name))
                line->setText(text);
            else if (auto *box = dialog->findChild<QPlainTextEdit *>(name))
                box->setPlainText(text);
            else if (auto *combo = dialog->findChild<QComboBox *>(name))
                combo->setCurrentText(text);
            else
                qWarning() << "no input" << name << "in" << dialog->windowTitle();
        }
        dialog->accept();
        poll->deleteLater();
        delete tries;
    });
    poll->start(10);
}

QStringList columnTexts(const QAbstractItemModel *model, int column)
{
    QStringList out;
    for (int row = 0; row < model->rowCount(); ++row)
        out.append(model->index(row, column).data().toString());
    return out;
}

QPushButton *buttonOf(const QWidget &parent, const char *name)
{
    return parent.findChild<QPushButton *>(QString::fromLatin1(name));
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void showsClientKeyAndCommand();
    void slowLogTab();
    void valueViewerShowsAndEditsHash();
    void valueViewerPagesMillionElementList();
    void valueViewerChangesScore();
    void newKeyCreatesAndShowsIt();
    void valueViewerShowsEditError();
};

void TestMainWindow::showsClientKeyAndCommand()
{
    LiveDashboard dashboard;
    QString error;
    QVERIFY2(dashboard.start(&error), qPrintable(error));
    Server &server = dashboard.server;
    MainWindow &window = dashboard.window;

    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(client.waitForConnected(5000));
    client.write(RespFrame::request({ "CLIENT", "SETNAME", "tester" })
                 + RespFrame::request({ "SET", "greeting", "hello" }));
    QTRY_VERIFY(client.bytesAvailable() >= 10);
    QCOMPARE(client.readAll(), QByteArray("+OK\r\n+OK\r\n"));

    // The client appears, with its name and last command; the dashboard's own connection
    // does not.
    ClientsModel *clients = window.clientsModel();
    QTRY_COMPARE(clients->rowCount(), 1);
    QTRY_COMPARE(clients->index(0, ClientsModel::Name).data().toString(), QStringLiteral("tester"));
    QTRY_COMPARE(clients->index(0, ClientsModel::LastCommand).data().toString(),
                 QStringLiteral("set"));

    // The command is in the log.
    CommandLogModel *log = window.commandLogModel();
    QTRY_VERIFY(log->rowCount() >= 2);
    QCOMPARE(log->index(log->rowCount() - 1, CommandLogModel::Arguments).data().toString(),
             QStringLiteral("SET greeting hello"));
    QCOMPARE(log->index(log->rowCount() - 1, CommandLogModel::Client).data().toString(),
             QStringLiteral("tester@127.0.0.1:%1").arg(client.localPort()));

    // The key is in the keys browser after a refresh.
    window.refreshKeys();
    QTRY_COMPARE(window.keysModel()->rowCount(), 1);
    QCOMPARE(window.keysModel()->index(0, KeysModel::Key).data().toString(),
             QStringLiteral("greeting"));
    QCOMPARE(window.keysModel()->index(0, KeysModel::Value).data().toString(),
             QStringLiteral("hello"));

    // Disconnect the selected client: its socket closes.
    auto *view = window.findChild<QTableView *>(QStringLiteral("clientsView"));
    QVERIFY(view);
    view->selectionModel()->select(view->model()->index(0, 0),
                                   QItemSelectionModel::Select | QItemSelectionModel::Rows);
    auto *disconnect = window.findChild<QPushButton *>(QStringLiteral("disconnectButton"));
    QVERIFY(disconnect);
    disconnect->click();
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    QTRY_COMPARE(clients->rowCount(), 0);
    QVERIFY(window.snapshotsReceived() > 0);
}

void TestMainWindow::slowLogTab()
{
    LiveDashboard dashboard;
    QString error;
    QVERIFY2(dashboard.start(&error), qPrintable(error));
    Server &server = dashboard.server;
    MainWindow &window = dashboard.window;
    auto *tabs = window.findChild<QTabWidget *>();
    QVERIFY(tabs);
    auto *view = window.findChild<QTableView *>(QStringLiteral("slowLogView"));
    QVERIFY(view);
    tabs->setCurrentIndex(tabs->indexOf(view->parentWidget()));
    QCOMPARE(tabs->tabText(tabs->currentIndex()), QStringLiteral("Slow log"));
    auto *summary = window.findChild<QLabel *>(QStringLiteral("slowLogSummary"));
    QVERIFY(summary);
    QTRY_VERIFY(summary->text().startsWith(QStringLiteral("Commands slower than 10 ms, last 128")));

    // Threshold 0 from the tab: the server logs every command from then on.
    auto *threshold = window.findChild<QSpinBox *>(QStringLiteral("slowLogThreshold"));
    QVERIFY(threshold);
    QCOMPARE(threshold->value(), 10000);
    threshold->setValue(0);
    QTRY_COMPARE(server.config().slowlogLogSlowerThan, 0LL);
    QTRY_VERIFY(summary->text().startsWith(QStringLiteral("Every command logged")));
    QCOMPARE(threshold->value(), 0);

    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(client.waitForConnected(5000));
    client.write(RespFrame::request({ "SET", "slow key", "value" }));
    QTRY_VERIFY(client.bytesAvailable() >= 5);
    QCOMPARE(client.readAll(), QByteArray("+OK\r\n"));

    SlowLogModel *slowLog = window.slowLogModel();
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QCOMPARE(slowLog->index(0, SlowLogModel::CommandLine).data().toString(),
             QStringLiteral("SET \"slow key\" value"));
    QCOMPARE(slowLog->index(0, SlowLogModel::Client).data().toString(),
             QStringLiteral("127.0.0.1:%1").arg(client.localPort()));

    auto *reset = window.findChild<QPushButton *>(QStringLiteral("slowLogResetButton"));
    QVERIFY(reset);
    reset->click();
    QTRY_COMPARE(view->model()->rowCount(), 0);
    // Emptied: what it holds since is the dashboard's own polling, which the tab leaves out.
    for (const SlowLogEntry &entry : server.slowLog().entries())
        QCOMPARE(entry.name, QByteArray("qkv-dashboard"));
}

void TestMainWindow::valueViewerShowsAndEditsHash()
{
    LiveDashboard dashboard;
    QString error;
    QVERIFY2(dashboard.start(&error), qPrintable(error));
    MainWindow &window = dashboard.window;
    Client client;
    QVERIFY(client.connect(dashboard.server.port()));
    QCOMPARE(client.run({ "HSET", "user:1", "name", "Alice", "plan", "pro" }),
             QByteArray(":2\r\n"));

    // The keys browser: the type, the fields as its size, the first fields as its preview.
    KeysModel *keys = window.keysModel();
    window.refreshKeys();
    QTRY_COMPARE(keys->rowCount(), 1);
    QCOMPARE(keys->index(0, KeysModel::Type).data().toString(), QStringLiteral("hash"));
    QCOMPARE(keys->index(0, KeysModel::Size).data().toString(), QStringLiteral("2 fields"));
    QCOMPARE(keys->index(0, KeysModel::Value).data().toString(),
             QStringLiteral("name: Alice, plan: pro"));

    // Selecting it shows its fields and values.
    auto *keysView = window.findChild<QTableView *>(QStringLiteral("keysView"));
    QVERIFY(keysView);
    keysView->selectRow(0);
    ValueViewer *viewer = window.valueViewer();
    ValueModel *values = viewer->model();
    QTRY_COMPARE(values->rowCount(), 2);
    QCOMPARE(values->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Field"));
    QCOMPARE(columnTexts(values, 0),
             QStringList({ QStringLiteral("name"), QStringLiteral("plan") }));
    QCOMPARE(columnTexts(values, 1),
             QStringList({ QStringLiteral("Alice"), QStringLiteral("pro") }));
    auto *detail = viewer->findChild<QLabel *>(QStringLiteral("valueDetail"));
    QVERIFY(detail->text().startsWith(QStringLiteral("hash  ·  2 fields  ·  listpack")));
    QVERIFY(buttonOf(*viewer, "valueAddButton")->isVisibleTo(viewer));
    QVERIFY(!buttonOf(*viewer, "valuePushHeadButton")->isVisibleTo(viewer));

    // Add field: the form, then HSET on the server; the viewer and the key's row follow.
    answerNextDialog({ { QStringLiteral("input0"), QStringLiteral("email") },
                       { QStringLiteral("input1"), QStringLiteral("alice@example.com") } });
    buttonOf(*viewer, "valueAddButton")->click();
    QTRY_COMPARE(values->rowCount(), 3);
    QCOMPARE(client.run({ "HGET", "user:1", "email" }), QByteArray("$17\r\nalice@example.com\r\n"));
    QTRY_COMPARE(keys->index(0, KeysModel::Size).data().toString(), QStringLiteral("3 fields"));
    QCOMPARE(keysView->selectionModel()->selectedRows().size(), 1); // kept: updated in place

    // Edit the value of the selected field; the selection stays on it.
    viewer->view()->selectRow(values->rowOfElement("plan"));
    answerNextDialog({ { QStringLiteral("input1"), QStringLiteral("enterprise") } });
    buttonOf(*viewer, "valueEditButton")->click();
    QTRY_COMPARE(values->index(values->rowOfElement("plan"), 1).data().toString(),
                 QStringLiteral("enterprise"));
    QCOMPARE(client.run({ "HGET", "user:1", "plan" }), QByteArray("$10\r\nenterprise\r\n"));
    const QModelIndexList selected = viewer->view()->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(ValueModel::ElementRole).toByteArray(), QByteArray("plan"));

    // Remove every field: the last one takes the key with it, as HDEL does.
    for (int left = 3; left > 0; --left) {
        QTRY_COMPARE(values->rowCount(), left);
        viewer->view()->selectRow(0);
        buttonOf(*viewer, "valueRemoveButton")->click();
    }
    QTRY_COMPARE(values->type(), QByteArray("none"));
    QCOMPARE(client.run({ "EXISTS", "user:1" }), QByteArray(":0\r\n"));
    QTRY_COMPARE(keys->rowCount(), 0);
}

void TestMainWindow::valueViewerPagesMillionElementList()
{
    LiveDashboard dashboard;
    QString error;
    QVERIFY2(dashboard.start(&error), qPrintable(error));
    MainWindow &window = dashboard.window;
    auto list = std::make_unique<ListValue>();
    for (int i = 0; i < 1000000; ++i)
        list->push(ListValue::End::Tail, QByteArray("item-" + QByteArray::number(i)));
    dashboard.server.database(0).setObject("big", ValueType::List, std::move(list));

    window.refreshKeys();
    QTRY_COMPARE(window.keysModel()->rowCount(), 1);
    QCOMPARE(window.keysModel()->index(0, KeysModel::Size).data().toString(),
             QStringLiteral("1,000,000 elements"));
    ValueViewer *viewer = window.valueViewer();
    ValueModel *values = viewer->model();
    // From the request to the rows in the model: the round trip through the event loop.
    QElapsedTimer timer;
    qint64 arrivedUs = -1;
    const auto arrived = [&] { arrivedUs = timer.nsecsElapsed() / 1000; };
    connect(values, &QAbstractItemModel::modelReset, this, arrived);
    connect(values, &QAbstractItemModel::rowsInserted, this, arrived);
    timer.start();
    window.viewKey("big");
    QTRY_COMPARE(values->rowCount(), ValueViewer::PageSize);
    const qint64 firstUs = arrivedUs;
    QCOMPARE(values->headerData(1, Qt::Horizontal).toString(), QStringLiteral("Element"));
    QCOMPARE(values->index(199, 0).data().toString(), QStringLiteral("199"));
    QCOMPARE(values->index(199, 1).data().toString(), QStringLiteral("item-199"));
    auto *summary = viewer->findChild<QLabel *>(QStringLiteral("valueSummary"));
    QCOMPARE(summary->text(), QStringLiteral("200 of 1,000,000 elements shown"));
    // The key's row was selected for it once listed.
    auto *keysView = window.findChild<QTableView *>(QStringLiteral("keysView"));
    QTRY_COMPARE(keysView->selectionModel()->selectedRows().size(), 1);

    QPushButton *more = buttonOf(*viewer, "valueMoreButton");
    QVERIFY(more->isVisible());
    timer.restart();
    more->click();
    more->click(); // twice before the answer: the repeat is dropped
    QTRY_COMPARE(values->rowCount(), 2 * ValueViewer::PageSize);
    const qint64 moreUs = arrivedUs;
    QTest::qWait(50);
    QCOMPARE(values->rowCount(), 2 * ValueViewer::PageSize);
    QCOMPARE(values->index(399, 1).data().toString(), QStringLiteral("item-399"));
    qInfo("1M-element list in the window: first page shown %lld µs after the request, the "
          "next %lld µs after Load more",
          firstUs, moreUs);
    // A page is a round trip through the event loop, not a walk of the list.
    QVERIFY(firstUs >= 0 && firstUs < 500000);
    QVERIFY(moreUs >= 0 && moreUs < 500000);
}

void TestMainWindow::valueViewerChangesScore()
{
    LiveDashboard dashboard;
    QString error;
    QVERIFY2(dashboard.start(&error), qPrintable(error));
    MainWindow &window = dashboard.window;
    Client client;
    QVERIFY(client.connect(dashboard.server.port()));
    client.run({ "ZADD", "board", "10", "alice", "20", "bob", "15.5", "carol" });
    window.viewKey("board");
    ValueModel *values = window.valueViewer()->model();
    QTRY_COMPARE(values->rowCount(), 3);
    QCOMPARE(values->columnCount(), 3);
    QCOMPARE(columnTexts(values, 1),
             QStringList(
                     { QStringLiteral("alice"), QStringLiteral("carol"), QStringLiteral("bob") }));
    QCOMPARE(columnTexts(values, 2),
             QStringList({ QStringLiteral("10"), QStringLiteral("15.5"), QStringLiteral("20") }));

    window.valueViewer()->view()->selectRow(0);
    answerNextDialog({ { QStringLiteral("input1"), QStringLiteral("30") } });
    buttonOf(*window.valueViewer(), "valueEditButton")->click(); // "Change score…"
    QTRY_COMPARE(columnTexts(values, 1),
                 QStringList({ QStringLiteral("carol"), QStringLiteral("bob"),
                               QStringLiteral("alice") }));
    QCOMPARE(client.run({ "ZSCORE", "board", "alice" }), QByteArray("$2\r\n30\r\n"));
}

void TestMainWindow::newKeyCreatesAndShowsIt()
{
    LiveDashboard dashboard;
    QString error;
    QVERIFY2(dashboard.start(&error), qPrintable(error));
    MainWindow &window = dashboard.window;
    answerNextDialog({ { QStringLiteral("newKeyName"), QStringLiteral("queue:new") },
                       { QStringLiteral("newKeyType"), QStringLiteral("list") },
                       { QStringLiteral("newKeySecond"), QStringLiteral("first job") } });
    QPushButton *create = buttonOf(window, "newKeyButton");
    QVERIFY(create);
    create->click();
    ValueModel *values = window.valueViewer()->model();
    QTRY_COMPARE(values->rowCount(), 1);
    QCOMPARE(values->type(), QByteArray("list"));
    QCOMPARE(values->index(0, 1).data().toString(), QStringLiteral("first job"));
    QTRY_COMPARE(window.keysModel()->rowCount(), 1);
    QCOMPARE(window.keysModel()->keyAt(0), QByteArray("queue:new"));

    // A push from the viewer, at the head.
    answerNextDialog({ { QStringLiteral("input0"), QStringLiteral("urgent job") } });
    buttonOf(*window.valueViewer(), "valuePushHeadButton")->click();
    QTRY_COMPARE(values->rowCount(), 2);
    QCOMPARE(values->index(0, 1).data().toString(), QStringLiteral("urgent job"));
}

void TestMainWindow::valueViewerShowsEditError()
{
    LiveDashboard dashboard;
    QString error;
    QVERIFY2(dashboard.start(&error), qPrintable(error));
    MainWindow &window = dashboard.window;
    Client client;
    QVERIFY(client.connect(dashboard.server.port()));
    client.run({ "RPUSH", "jobs", "a", "b" });
    window.viewKey("jobs");
    ValueViewer *viewer = window.valueViewer();
    QTRY_COMPARE(viewer->model()->rowCount(), 2);
    // The list changed since it was shown: removing "a" at index 0 must not remove "z".
    client.run({ "LPUSH", "jobs", "z" });
    viewer->view()->selectRow(0);
    buttonOf(*viewer, "valueRemoveButton")->click();
    auto *message = viewer->findChild<QLabel *>(QStringLiteral("valueMessage"));
    QTRY_VERIFY(message->isVisible());
    QVERIFY2(message->text().startsWith(QStringLiteral("ERR the list changed")),
             qPrintable(message->text()));
    QCOMPARE(client.run({ "LLEN", "jobs" }), QByteArray(":3\r\n"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
