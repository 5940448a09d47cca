// Client-side caching where tests/compat/tracking.txt cannot go: invalidations caused by time
// (lazy and active expiry), the tracking-table-max-keys eviction (which keys go depends on
// hash order, how many does not), and CLIENT LIST / INFO figures. Each case runs against
// redis-server and qkv-server and checks the same facts of both.
#include "common/respclient.h"
#include "common/serverprocess.h"

#include <QRegularExpression>
#include <QThread>
#include <QtTest>

namespace {

// A RESP3 connection with tracking on, and another one to write with.
struct Pair
{
    RespClient tracker;
    RespClient writer;
};

bool open(Pair *pair, quint16 port, const QByteArrayList &trackingOptions)
{
    if (!pair->tracker.connectTo(port) || !pair->writer.connectTo(port))
        return false;
    pair->writer.call({ "FLUSHALL" });
    pair->tracker.drain(); // the null invalidation of a flush by an earlier case, if any
    pair->tracker.call({ "HELLO", "3" });
    return pair->tracker.call(QByteArrayList { "CLIENT", "TRACKING", "ON" } + trackingOptions)
            == "+OK\r\n";
}

QByteArray invalidation(const QByteArray &key)
{
    return ">2\r\n$10\r\ninvalidate\r\n*1\r\n$" + QByteArray::number(key.size()) + "\r\n" + key
            + "\r\n";
}

// Everything the client receives within timeoutMs, polling with PING sentinels.
QByteArray collect(RespClient &client, const QByteArray &expected, int timeoutMs = 3000)
{
    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    while (!received.contains(expected) && timer.elapsed() < timeoutMs) {
        received += client.drain();
        if (!received.contains(expected))
            QThread::msleep(20);
    }
    return received;
}

QByteArray infoField(RespClient &client, const QByteArray &field)
{
    const QByteArray info = client.call({ "INFO", "everything" });
    const QRegularExpression line(QStringLiteral("\r\n%1:([^\r]*)").arg(QLatin1String(field)));
    return line.match(QString::fromLatin1(info)).captured(1).toLatin1();
}

QByteArray clientListField(RespClient &client, quint64 id, const QByteArray &field)
{
    const QByteArray list = client.call({ "CLIENT", "LIST", "ID", QByteArray::number(id) });
    const QRegularExpression value(QStringLiteral(" %1=([^ ]*)").arg(QLatin1String(field)));
    return value.match(QString::fromLatin1(list)).captured(1).toLatin1();
}

quint64 clientId(RespClient &client)
{
    const QByteArray reply = client.call({ "CLIENT", "ID" });
    return reply.mid(1, reply.size() - 3).toULongLong();
}

} // namespace

class TestTracking : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void servers_data();
    void lazyExpiryInvalidates_data() { servers_data(); }
    void lazyExpiryInvalidates();
    void activeExpiryInvalidates_data() { servers_data(); }
    void activeExpiryInvalidates();
    void tableLimitEvictsTrackedKeys_data() { servers_data(); }
    void tableLimitEvictsTrackedKeys();
    void clientListAndInfo_data() { servers_data(); }
    void clientListAndInfo();

private:
    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestTracking::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

void TestTracking::servers_data()
{
    QTest::addColumn<bool>("qkv");
    QTest::newRow("redis") << false;
    QTest::newRow("qkv") << true;
}

// A tracked key that has expired is invalidated when a command finds it expired.
void TestTracking::lazyExpiryInvalidates()
{
    QFETCH(bool, qkv);
    Pair pair;
    QVERIFY(open(&pair, qkv ? m_qkv.port() : m_redis.port(), {}));
    // Long enough for the tracker's GET to find the key on a loaded machine.
    QCOMPARE(pair.writer.call({ "SET", "e", "v", "PX", "300" }), QByteArray("+OK\r\n"));
    QCOMPARE(pair.tracker.call({ "GET", "e" }), QByteArray("$1\r\nv\r\n"));
    QThread::msleep(350);
    QCOMPARE(pair.writer.call({ "GET", "e" }), QByteArray("$-1\r\n"));
    QVERIFY(collect(pair.tracker, invalidation("e")).contains(invalidation("e")));
}

// Nobody touches the key: the active expire cycle invalidates it.
void TestTracking::activeExpiryInvalidates()
{
    QFETCH(bool, qkv);
    Pair pair;
    QVERIFY(open(&pair, qkv ? m_qkv.port() : m_redis.port(), {}));
    pair.writer.call({ "SET", "a", "v", "PX", "300" });
    QCOMPARE(pair.tracker.call({ "GET", "a" }), QByteArray("$1\r\nv\r\n"));
    const QByteArray received = collect(pair.tracker, invalidation("a"));
    QCOMPARE(received, invalidation("a"));
    QCOMPARE(infoField(pair.writer, "tracking_total_keys"), QByteArray("0"));
}

// Over tracking-table-max-keys, the next command invalidates tracked keys until the table fits.
void TestTracking::tableLimitEvictsTrackedKeys()
{
    QFETCH(bool, qkv);
    Pair pair;
    QVERIFY(open(&pair, qkv ? m_qkv.port() : m_redis.port(), {}));
    QCOMPARE(pair.writer.call({ "CONFIG", "SET", "tracking-table-max-keys", "2" }),
             QByteArray("+OK\r\n"));
    // Pipelined, so that pushes and replies are read together in the order they come.
    for (const char *key : { "k1", "k2", "k3", "k4", "k5" })
        pair.tracker.send({ "GET", key });
    QByteArray received = pair.tracker.drain();
    // Each GET from the fourth on found the table over the limit before it ran; so does this.
    QCOMPARE(infoField(pair.writer, "tracking_total_keys"), QByteArray("2"));
    received += pair.tracker.drain();
    pair.writer.call({ "CONFIG", "SET", "tracking-table-max-keys", "1000000" });
    static const QRegularExpression push(
            QStringLiteral(">2\r\n\\$10\r\ninvalidate\r\n\\*1\r\n\\$2\r\nk[1-5]\r\n"));
    QCOMPARE(QString::fromLatin1(received).count(push), 3);
    QCOMPARE(QString::fromLatin1(received).count(QStringLiteral("_\r\n")), 5);
    QCOMPARE(received.size(), 3 * invalidation("k1").size() + 5 * 3);
}

void TestTracking::clientListAndInfo()
{
    QFETCH(bool, qkv);
    const quint16 port = qkv ? m_qkv.port() : m_redis.port();
    Pair pair;
    QVERIFY(open(&pair, port, { "BCAST", "PREFIX", "a", "PREFIX", "b" }));
    const quint64 bcastId = clientId(pair.tracker);
    QCOMPARE(clientListField(pair.writer, bcastId, "flags"), QByteArray("tB"));
    QCOMPARE(clientListField(pair.writer, bcastId, "redir"), QByteArray("0"));
    QCOMPARE(clientListField(pair.writer, clientId(pair.writer), "redir"), QByteArray("-1"));

    RespClient redirected;
    RespClient target;
    QVERIFY(redirected.connectTo(port) && target.connectTo(port));
    const quint64 targetId = clientId(target);
    redirected.call({ "HELLO", "3" });
    redirected.call({ "CLIENT", "TRACKING", "ON", "REDIRECT", QByteArray::number(targetId) });
    redirected.call({ "GET", "x" });
    const quint64 redirectedId = clientId(redirected);
    QCOMPARE(clientListField(pair.writer, redirectedId, "flags"), QByteArray("t"));
    QCOMPARE(clientListField(pair.writer, redirectedId, "redir"), QByteArray::number(targetId));
    QCOMPARE(infoField(pair.writer, "tracking_clients"), QByteArray("2"));
    QCOMPARE(infoField(pair.writer, "tracking_total_prefixes"), QByteArray("2"));
    QCOMPARE(infoField(pair.writer, "tracking_total_keys"), QByteArray("1"));
    QCOMPARE(infoField(pair.writer, "tracking_total_items"), QByteArray("1"));

    target.call({ "QUIT" });
    QTRY_VERIFY(clientListField(pair.writer, targetId, "id").isEmpty());
    pair.writer.call({ "SET", "x", "1" });
    const QByteArray broken = "tracking-redir-broken\r\n:" + QByteArray::number(targetId);
    QVERIFY(collect(redirected, broken).contains(broken));
    QCOMPARE(clientListField(pair.writer, redirectedId, "flags"), QByteArray("tR"));

    redirected.disconnect();
    pair.tracker.call({ "CLIENT", "TRACKING", "OFF" });
    QTRY_COMPARE(infoField(pair.writer, "tracking_clients"), QByteArray("0"));
    QCOMPARE(infoField(pair.writer, "tracking_total_prefixes"), QByteArray("0"));
    QCOMPARE(clientListField(pair.writer, bcastId, "flags"), QByteArray("N"));
}

QTEST_GUILESS_MAIN(TestTracking)
#include "tst_tracking.moc"
