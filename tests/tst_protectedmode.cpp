// Protected mode, compared byte for byte with redis-server: without a password, a client from
// anywhere but 127.0.0.1 or ::1 gets Redis's -DENIED text and is closed. 127.0.0.2 stands in
// for another host (Redis 7.0 treats it as one), so no traffic leaves the loopback interface.
#include "respclient.h"
#include "serverprocess.h"

#include <QTest>

namespace {

const QHostAddress Outside(QStringLiteral("127.0.0.2"));

// What a client from outside receives for a PING, until the server answers or closes.
QByteArray fromOutside(quint16 port)
{
    RespClient client;
    if (!client.connectTo(port, Outside))
        return QByteArrayLiteral("<no connection>");
    client.send({ "PING" });
    return client.drain();
}

// The named INFO stats field.
qint64 statsField(RespClient &client, const QByteArray &name)
{
    const QByteArray info = client.call({ "INFO", "stats" });
    const qsizetype at = info.indexOf("\r\n" + name + ':');
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
    compare([](quint16 port) {
        RespClient local;
        if (!local.connectTo(port))
            return QByteArrayLiteral("<no local connection>");
        const qint64 rejected = statsField(local, "rejected_connections");
        const qint64 total = statsField(local, "total_connections_received");
        const QByteArray denied = fromOutside(port);
        // The local client carries on; the refused one counts as received and as rejected.
        return denied + local.call({ "CONFIG", "GET", "protected-mode" }) + " rejected +"
                + QByteArray::number(statsField(local, "rejected_connections") - rejected)
                + " received +"
                + QByteArray::number(statsField(local, "total_connections_received") - total);
    });
    QVERIFY(fromOutside(m_qkv.port()).startsWith("-DENIED Redis is running in protected mode"));
    QVERIFY(fromOutside(m_qkv.port()).endsWith("\r\n<closed>"));
}

void TestProtectedMode::turnedOffLetsThemIn()
{
    configSet("protected-mode", "no");
    compare(fromOutside);
    QCOMPARE(fromOutside(m_qkv.port()), QByteArray("+PONG\r\n"));
    configSet("protected-mode", "yes");
}

void TestProtectedMode::aPasswordLetsThemIn()
{
    configSet("requirepass", "secret");
    compare(fromOutside);
    QVERIFY(fromOutside(m_qkv.port()).startsWith("-NOAUTH"));
    configSet("requirepass", "", "secret");
    QVERIFY(fromOutside(m_qkv.port()).startsWith("-DENIED"));
}

QTEST_GUILESS_MAIN(TestProtectedMode)
#include "tst_protectedmode.moc"
