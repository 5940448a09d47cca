// The window against a live in-process server: a real client connects, sets a key; the window
// shows the client, the key and the command; Disconnect closes that client's socket. The Slow
// log tab sets the server's threshold, shows what a client ran, and empties the log.
#include "clientsmodel.h"
#include "commandlogmodel.h"
#include "common/respframe.h"
#include "dashboard.h"
#include "keysmodel.h"
#include "mainwindow.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/dashboardbridge.h"
#include "slowlogmodel.h"

#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTcpSocket>
#include <QTest>

namespace {

ServerConfig onFreePort()
{
    ServerConfig config;
    config.port = 0;
    return config;
}

// The window wired to an in-process server on a free port. Same thread here: the queued
// connections still go through the event loop.
struct LiveDashboard
{
    bool start(QString *error)
    {
        if (!server.listen(error))
            return false;
        Dashboard::connectWindow(&window, &bridge);
        window.show();
        return true;
    }

    Server server { onFreePort() };
    DashboardBridge bridge { &server, nullptr };
    MainWindow window;
};

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void showsClientKeyAndCommand();
    void slowLogTab();
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

    // The client appears, with its name and last command.
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
             QStringLiteral("tester@")
                     + QString::fromLatin1(server.clients().begin()->second->peerAddress()));

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
             QString::fromLatin1(server.clients().begin()->second->peerAddress()));

    auto *reset = window.findChild<QPushButton *>(QStringLiteral("slowLogResetButton"));
    QVERIFY(reset);
    reset->click();
    QTRY_COMPARE(view->model()->rowCount(), 0);
    QCOMPARE(server.slowLog().size(), 0);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
