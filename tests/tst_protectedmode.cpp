// Protected mode, compared byte for byte with redis-server: without a password, a client from
// anywhere but 127.0.0.1 or ::1 gets Redis's -DENIED text and is closed. 127.0.0.2 stands in
// for another host (Redis 7.0 treats it as one), so no traffic leaves the loopback interface.
#include "common/respclient.h"
#include "common/serverprocess.h"

#include <QDeadlineTimer>
#include <QTest>

namespace {

const QHostAddress Outside(QStringLiteral("127.0.0.2"));

// The reply a client from outside gets to PING (null when the server closes instead).
QByteArray pingFromOutside(quint16 port)
{
    RespClient client;
    if (!client.connectTo(port, Outside))
        return QByteArrayLiteral("<no connection>");
    return client.call({ "PING" });
}

// What a client from outside that sends nothing receives before the server closes it (a
// request sent to a closing server would be answered with a reset, losing the reply).
QByteArray deniedToOutside(quint16 port)
{
    QTcpSocket socket;
    socket.bind(Outside);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return QByteArrayLiteral("<no connection>");
    QByteArray received;
    QDeadlineTimer deadline(5000);
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        socket.waitForReadyRead(100);
        received += socket.readAll();
    }
    received += socket.readAll();
    return received + (socket.state() == QAbstractSocket::ConnectedState ? "<open>" : "<closed>");
}

// The named INFO stats field.
qint64 statsField(RespClient &client, const QByteArray &name)
{
    const QByteArray info = client.call({ "INFO", "stats" });
    const qsizetype at = info.indexOf(QByteArray("\r\n" + name + ':'));
    if (at < 0)
        return -1;
    const qsizetype start = at + name.size() + 3;
    return info.mid(start, info.indexOf('\r', start) - start).toLongLong();
}

} // namespace

class TestProtectedMode : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void outsideClientsAreDenied();
    void turnedOffLetsThemIn();
    void aPasswordLetsThemIn();

private:
    // Runs check against both servers and compares what it returns.
    template<typename Check> void compare(Check check)
    {
        const QByteArray redis = check(m_redis.port());
        const QByteArray qkv = check(m_qkv.port());
        QCOMPARE(qkv, redis);
    }
    // CONFIG SET on both servers, from 127.0.0.1 (after AUTH when a password is given).
    void configSet(const QByteArray &name, const QByteArray &value, const QByteArray &password = {})
    {
        for (quint16 port : { m_redis.port(), m_qkv.port() }) {
            RespClient admin;
            QVERIFY(admin.connectTo(port));
            if (!password.isEmpty())
                QCOMPARE(admin.call({ "AUTH", password }), QByteArray("+OK\r\n"));
            QCOMPARE(admin.call({ "CONFIG", "SET", name, value }), QByteArray("+OK\r\n"));
        }
    }

    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestProtectedMode::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

void TestProtectedMode::outsideClientsAreDenied()
{
    compare([](quint16 port) -> QByteArray {
        RespClient local;
        if (!local.connectTo(port))
            return QByteArrayLiteral("<no local connection>");
        const qint64 rejected = statsField(local, "rejected_connections");
        const qint64 total = statsField(local, "total_connections_received");
        const QByteArray denied = deniedToOutside(port);
        // The local client carries on; the refused one counts as rejected, not as received.
        return denied + local.call({ "CONFIG", "GET", "protected-mode" }) + " rejected +"
                + QByteArray::number(statsField(local, "rejected_connections") - rejected)
                + " received +"
                + QByteArray::number(statsField(local, "total_connections_received") - total);
    });
    const QByteArray denied = deniedToOutside(m_qkv.port());
    QVERIFY2(denied.startsWith("-DENIED Redis is running in protected mode"), denied.constData());
    QVERIFY(denied.endsWith("\r\n<closed>"));
}

void TestProtectedMode::turnedOffLetsThemIn()
{
    configSet("protected-mode", "no");
    compare(pingFromOutside);
    QCOMPARE(pingFromOutside(m_qkv.port()), QByteArray("+PONG\r\n"));
    configSet("protected-mode", "yes");
}

void TestProtectedMode::aPasswordLetsThemIn()
{
    configSet("requirepass", "secret");
    compare(pingFromOutside);
    QVERIFY(pingFromOutside(m_qkv.port()).startsWith("-NOAUTH"));
    configSet("requirepass", "", "secret");
    QVERIFY(deniedToOutside(m_qkv.port()).startsWith("-DENIED"));
}

QTEST_GUILESS_MAIN(TestProtectedMode)
#include "tst_protectedmode.moc"
