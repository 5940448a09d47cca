// Integration: an in-process server on port 0, real client sockets.
#include "common/respframe.h"
#include "common/serverthread.h"
#include "net/connection.h"
#include "net/server.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

namespace {

std::unique_ptr<QTcpSocket> connectTo(quint16 port)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, port);
    if (!socket->waitForConnected(5000))
        return nullptr;
    return socket;
}

// Reads until `count` complete replies have arrived (or the server closed / 10 s passed).
QByteArray readReplies(QTcpSocket &socket, int count, bool *closed = nullptr)
{
    QByteArray buffer;
    QElapsedTimer timer;
    timer.start();
    auto complete = [&] {
        qsizetype pos = 0;
        for (int i = 0; i < count; ++i) {
            pos = pos < buffer.size() ? RespFrame::replyEnd(buffer, pos) : -1;
            if (pos < 0)
                return false;
        }
        return true;
    };
    while (!complete() && timer.elapsed() < 10000) {
        if (!socket.waitForReadyRead(500) && socket.state() != QAbstractSocket::ConnectedState)
            break;
        buffer += socket.readAll();
    }
    if (closed) {
        socket.waitForDisconnected(2000);
        *closed = socket.state() != QAbstractSocket::ConnectedState;
    }
    return buffer;
}

QByteArray call(QTcpSocket &socket, const QList<QByteArray> &args)
{
    socket.write(RespFrame::request(args));
    return readReplies(socket, 1);
}

} // namespace

class TestIntegration : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void pipelineInOneWrite();
    void requestSplitAcrossWrites();
    void inlineAndMultibulkOnOneConnection();
    void manyConcurrentClients();
    void protocolErrorClosesOnlyThatClient();
    void quitClosesAfterReply();
    void largeValueRoundTrip();
    void clientThatDoesNotReadDoesNotStallOthers();
    void clientKillClosesSocket();
    void serverCloseDisconnectsEveryone();
    void maxClients();

private:
    std::unique_ptr<ServerThread> m_server;
};

void TestIntegration::init()
{
    m_server = std::make_unique<ServerThread>();
    QVERIFY(m_server->port() != 0);
}

void TestIntegration::cleanup()
{
    m_server.reset();
}

void TestIntegration::pipelineInOneWrite()
{
    auto socket = connectTo(m_server->port());
    QVERIFY(socket);
    QByteArray batch;
    QByteArray expected;
    for (int i = 0; i < 1000; ++i) {
        batch += RespFrame::request({ "SET", "k" + QByteArray::number(i), QByteArray::number(i) });
        batch += RespFrame::request({ "GET", "k" + QByteArray::number(i) });
        expected += "+OK\r\n$" + QByteArray::number(QByteArray::number(i).size()) + "\r\n"
                + QByteArray::number(i) + "\r\n";
    }
    socket->write(batch);
    QCOMPARE(readReplies(*socket, 2000), expected);
}

void TestIntegration::requestSplitAcrossWrites()
{
    auto socket = connectTo(m_server->port());
    QVERIFY(socket);
    const QByteArray request = RespFrame::request({ "SET", "split", QByteArray(5000, 'x') });
    for (qsizetype i = 0; i < request.size(); i += 777) {
        socket->write(request.mid(i, 777));
        socket->waitForBytesWritten(1000);
        QTest::qWait(1);
    }
    QCOMPARE(readReplies(*socket, 1), QByteArray("+OK\r\n"));
    QCOMPARE(call(*socket, { "STRLEN_IS_NOT_HERE" }).left(4), QByteArray("-ERR"));
    QCOMPARE(call(*socket, { "EXISTS", "split" }), QByteArray(":1\r\n"));
}

void TestIntegration::inlineAndMultibulkOnOneConnection()
{
    auto socket = connectTo(m_server->port());
    QVERIFY(socket);
    socket->write("SET a \"x y\"\r\n" + RespFrame::request({ "GET", "a" }) + "GET a\n");
    QCOMPARE(readReplies(*socket, 3), QByteArray("+OK\r\n$3\r\nx y\r\n$3\r\nx y\r\n"));
}

void TestIntegration::manyConcurrentClients()
{
    constexpr int Clients = 250;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < Clients; ++i) {
        sockets.push_back(connectTo(m_server->port()));
        QVERIFY(sockets.back());
    }
    int connected = 0;
    QElapsedTimer timer;
    timer.start();
    while (connected < Clients && timer.elapsed() < 10000) {
        m_server->run([&](Server &server) { connected = int(server.clients().size()); });
        QTest::qWait(10);
    }
    QCOMPARE(connected, Clients);
    // Every client writes before anyone reads, so the server holds all of them at once.
    for (int i = 0; i < Clients; ++i) {
        const QByteArray key = "client:" + QByteArray::number(i);
        sockets[size_t(i)]->write(
                RespFrame::request({ "SET", key, "value-" + QByteArray::number(i) })
                + RespFrame::request({ "GET", key }));
    }
    for (int i = 0; i < Clients; ++i) {
        const QByteArray value = "value-" + QByteArray::number(i);
        QCOMPARE(readReplies(*sockets[size_t(i)], 2),
                 "+OK\r\n$" + QByteArray::number(value.size()) + "\r\n" + value + "\r\n");
    }
    QCOMPARE(call(*sockets[0], { "DBSIZE" }), QByteArray(":250\r\n"));
}

void TestIntegration::protocolErrorClosesOnlyThatClient()
{
    auto good = connectTo(m_server->port());
    auto bad = connectTo(m_server->port());
    QVERIFY(good && bad);
    bad->write("PING\r\nSET a 1\r\n*x\r\nPING\r\n");
    bool closed = false;
    const QByteArray replies = readReplies(*bad, 3, &closed);
    QCOMPARE(replies,
             QByteArray("+PONG\r\n+OK\r\n-ERR Protocol error: invalid multibulk length\r\n"));
    QVERIFY(closed);
    QCOMPARE(call(*good, { "GET", "a" }), QByteArray("$1\r\n1\r\n"));
}

void TestIntegration::quitClosesAfterReply()
{
    auto socket = connectTo(m_server->port());
    QVERIFY(socket);
    socket->write("SET before 1\r\nQUIT\r\nSET after 1\r\n");
    bool closed = false;
    QCOMPARE(readReplies(*socket, 3, &closed), QByteArray("+OK\r\n+OK\r\n"));
    QVERIFY(closed);
    auto other = connectTo(m_server->port());
    QCOMPARE(call(*other, { "EXISTS", "before", "after" }), QByteArray(":1\r\n"));
}

void TestIntegration::largeValueRoundTrip()
{
    auto socket = connectTo(m_server->port());
    QVERIFY(socket);
    QByteArray value(1024 * 1024, '\0');
    for (qsizetype i = 0; i < value.size(); ++i)
        value[i] = char(i * 31 + 7);
    QCOMPARE(call(*socket, { "SET", "big", value }), QByteArray("+OK\r\n"));
    QCOMPARE(call(*socket, { "GET", "big" }), "$1048576\r\n" + value + "\r\n");
}

void TestIntegration::clientThatDoesNotReadDoesNotStallOthers()
{
    auto greedy = connectTo(m_server->port());
    auto polite = connectTo(m_server->port());
    QVERIFY(greedy && polite);
    QCOMPARE(call(*polite, { "SET", "v", QByteArray(64 * 1024, 'v') }), QByteArray("+OK\r\n"));
    // 2000 GETs of 64 KB (128 MB of replies) that the greedy client never reads.
    QByteArray batch;
    for (int i = 0; i < 2000; ++i)
        batch += RespFrame::request({ "GET", "v" });
    greedy->write(batch);
    greedy->waitForBytesWritten(1000);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(call(*polite, { "PING" }), QByteArray("+PONG\r\n"));
}

void TestIntegration::clientKillClosesSocket()
{
    auto victim = connectTo(m_server->port());
    auto killer = connectTo(m_server->port());
    QVERIFY(victim && killer);
    QCOMPARE(call(*victim, { "CLIENT", "SETNAME", "victim" }), QByteArray("+OK\r\n"));
    const QByteArray list = call(*killer, { "CLIENT", "LIST" });
    const qsizetype at = list.indexOf("name=victim");
    QVERIFY(at > 0);
    const qsizetype lineStart = list.lastIndexOf('\n', at) + 1;
    const QByteArray addr = list.mid(lineStart).split(' ').at(1).mid(5);
    QCOMPARE(call(*killer, { "CLIENT", "KILL", addr }), QByteArray("+OK\r\n"));
    QVERIFY(victim->waitForDisconnected(5000)
            || victim->state() == QAbstractSocket::UnconnectedState);
    QCOMPARE(call(*killer, { "PING" }), QByteArray("+PONG\r\n"));
}

void TestIntegration::serverCloseDisconnectsEveryone()
{
    auto a = connectTo(m_server->port());
    auto b = connectTo(m_server->port());
    QVERIFY(a && b);
    QCOMPARE(call(*a, { "PING" }), QByteArray("+PONG\r\n"));
    m_server->run([](Server &server) { server.close(); });
    QVERIFY(a->waitForDisconnected(5000) || a->state() == QAbstractSocket::UnconnectedState);
    QVERIFY(b->waitForDisconnected(5000) || b->state() == QAbstractSocket::UnconnectedState);
}

void TestIntegration::maxClients()
{
    m_server->run([](Server &server) { server.config().maxClients = 2; });
    auto a = connectTo(m_server->port());
    auto b = connectTo(m_server->port());
    auto c = connectTo(m_server->port());
    QVERIFY(a && b && c);
    bool closed = false;
    QCOMPARE(readReplies(*c, 1, &closed), QByteArray("-ERR max number of clients reached\r\n"));
    QVERIFY(closed);
    QCOMPARE(call(*a, { "PING" }), QByteArray("+PONG\r\n"));
}

QTEST_GUILESS_MAIN(TestIntegration)
#include "tst_integration.moc"
