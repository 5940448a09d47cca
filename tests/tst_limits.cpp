// Connection limits, checked on redis-server and qkv side by side: a client over its
// client-output-buffer-limit, over client-query-buffer-limit, idle past `timeout`, and the
// maxclients-th client, are closed by both; subscribers and blocked clients outlive `timeout`.
// Client eviction (maxmemory-clients): the clients holding the most memory are closed first,
// counted in evicted_clients, and CLIENT NO-EVICT keeps one.
#include "common/respclient.h"
#include "common/serverprocess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <sys/resource.h>

namespace {

const QByteArray Ok = QByteArrayLiteral("+OK\r\n");

// Whether the client named `name` (CLIENT SETNAME) is still connected, as CLIENT LIST says.
bool isListed(RespClient &admin, const QByteArray &name)
{
    return admin.call({ "CLIENT", "LIST" }).contains(QByteArray(" name=" + name + ' '));
}

// Polls until the named client is gone from CLIENT LIST or the time is up.
bool waitUntilGone(RespClient &admin, const QByteArray &name, int ms)
{
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired()) {
        if (!isListed(admin, name))
            return true;
        QThread::msleep(100);
    }
    return false;
}

// A raw socket that names itself, then writes what it is given and reads nothing more.
struct SilentClient
{
    QTcpSocket socket;

    bool open(quint16 port, const QByteArray &name)
    {
        socket.setReadBufferSize(64 * 1024);
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(5000))
            return false;
        socket.write("CLIENT SETNAME " + name + "\r\n");
        return socket.waitForReadyRead(5000) && socket.readAll() == Ok;
    }
    void write(const QByteArray &bytes)
    {
        socket.write(bytes);
        while (socket.bytesToWrite() > 0 && socket.waitForBytesWritten(1000)) { }
    }
};

// The field of the client named `name` in CLIENT LIST ("flags", "qbuf"...); empty when it is not
// connected.
QByteArray clientField(RespClient &admin, const QByteArray &name, const QByteArray &field)
{
    for (const QByteArray &line : admin.call({ "CLIENT", "LIST" }).split('\n')) {
        if (!line.contains(QByteArray(" name=" + name + ' ')))
            continue;
        const qsizetype at = line.indexOf(QByteArray(' ' + field + '=')) + field.size() + 2;
        return line.mid(at, line.indexOf(' ', at) - at);
    }
    return {};
}

qint64 evictedClients(RespClient &admin)
{
    const QByteArray info = admin.call({ "INFO", "stats" });
    const qsizetype at = info.indexOf("evicted_clients:") + 16;
    return info.mid(at, info.indexOf('\r', at) - at).toLongLong();
}

// A request whose last argument is still arriving: `bytes` of it are sent, a few more promised,
// so that they stay in the query buffer. Redis makes room for a big argument as soon as its
// length is known: sending nearly all of it makes both servers hold the same.
QByteArray unfinishedRequest(int bytes)
{
    return "*1\r\n$" + QByteArray::number(bytes + 10) + "\r\n" + QByteArray(bytes, 'v');
}

// Polls until the named client's query buffer holds at least `bytes`.
bool waitForQueryBuffer(RespClient &admin, const QByteArray &name, int bytes)
{
    QDeadlineTimer deadline(5000);
    while (!deadline.hasExpired()) {
        if (clientField(admin, name, "qbuf").toLongLong() >= bytes)
            return true;
        QThread::msleep(20);
    }
    return false;
}

// The process's peak resident set (VmHWM) in KB, 0 if unknown.
qint64 peakResidentKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

QByteArray pipelinedGets(int count)
{
    QByteArray requests;
    for (int i = 0; i < count; ++i)
        requests += "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n";
    return requests;
}

} // namespace

class TestLimits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void hardOutputLimitClosesANormalClient();
    void hardOutputLimitStopsOneBigReply();
    void monitorIsANormalClient();
    void softOutputLimitClosesAfterItsSeconds();
    void clientListShowsTheOutputList();
    void queryBufferLimitCloses();
    void idleClientsTimeOut();
    void maxclientsSetAtRuntime();
    void maxclientsOverTheFileLimit();
    void tcpKeepAliveOnNewSockets();
    void clientEvictionClosesABigQueryBuffer();
    void clientEvictionClosesABigOutputBuffer();
    void clientEvictionTakesTheBiggestFirst();
    void noEvictClientIsKept();
    void lowerMaxmemoryClientsEvicts();
    void transactionQueueCountsForEviction();
    void subscriberIsEvicted();
    void subscriptionsCountForEviction();

private:
    // Runs check on both servers; both must give what qkv gives.
    template<typename Check> void compare(Check check)
    {
        const QByteArray redis = check(m_redis.port());
        const QByteArray qkv = check(m_qkv.port());
        QCOMPARE(qkv, redis);
    }
    // The same, and both must give expected.
    template<typename Check> void compare(Check check, const QByteArray &expected)
    {
        const QByteArray redis = check(m_redis.port());
        const QByteArray qkv = check(m_qkv.port());
        QCOMPARE(redis, expected);
        QCOMPARE(qkv, expected);
    }
    void configSet(const QByteArray &name, const QByteArray &value)
    {
        for (quint16 port : { m_redis.port(), m_qkv.port() }) {
            RespClient admin;
            QVERIFY(admin.connectTo(port));
            QCOMPARE(admin.call({ "CONFIG", "SET", name, value }), Ok);
        }
    }

    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestLimits::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
    for (quint16 port : { m_redis.port(), m_qkv.port() }) {
        RespClient admin;
        QVERIFY(admin.connectTo(port));
        QCOMPARE(admin.call({ "SET", "big", QByteArray(1024 * 1024, 'v') }), Ok);
    }
}

// 200 GETs of a 1 MB value never read: 200 MB of replies, far over a 4 MB hard limit.
void TestLimits::hardOutputLimitClosesANormalClient()
{
    configSet("client-output-buffer-limit", "normal 4mb 0 0");
    compare([](quint16 port) -> QByteArray {
        RespClient admin;
        SilentClient reader;
        if (!admin.connectTo(port) || !reader.open(port, "reader"))
            return "<no connection>";
        reader.write(pipelinedGets(200));
        const bool gone = waitUntilGone(admin, "reader", 10000);
        // The server carries on serving.
        return QByteArray(gone ? "closed " : "still connected ") + admin.call({ "STRLEN", "big" });
    });
    configSet("client-output-buffer-limit", "normal 0 0 0");
}

// Found while bounding fuzz/fuzz_dispatch's memory: one command whose reply has no size bound
// (SRANDMEMBER with a negative count: 20 million elements, 140 MB, from 30 bytes of request)
// grew the output of a client already over its hard limit to its full size, and only then
// closed it. Redis stops
// buffering for the client as soon as it is over (CLIENT_CLOSE_ASAP): its peak memory (the
// process's VmHWM) grows by little, and so must qkv's.
void TestLimits::hardOutputLimitStopsOneBigReply()
{
    configSet("client-output-buffer-limit", "normal 1mb 0 0");
    const auto check = [](quint16 port, qint64 pid) -> QByteArray {
        RespClient admin;
        SilentClient reader;
        if (!admin.connectTo(port) || !reader.open(port, "bigreply"))
            return "<no connection>";
        admin.call({ "SADD", "members", "1" });
        const qint64 before = peakResidentKb(pid);
        reader.write("SRANDMEMBER members -20000000\r\n");
        const bool gone = waitUntilGone(admin, "bigreply", 20000);
        const qint64 grown = peakResidentKb(pid) - before;
        admin.call({ "DEL", "members" });
        QByteArray result = gone ? "closed, " : "still connected, ";
        if (before > 0 && grown < 32 * 1024)
            return result + "peak under 32 MB more";
        return result + "peak grew by " + QByteArray::number(grown) + " KB";
    };
    const QByteArray redis = check(m_redis.port(), m_redis.processId());
    QCOMPARE(check(m_qkv.port(), m_qkv.processId()), redis);
    configSet("client-output-buffer-limit", "normal 0 0 0");
}

// A MONITOR client is a normal client for the limits, not a replica (Redis's getClientType):
// the replica class's limit does not close it.
void TestLimits::monitorIsANormalClient()
{
    configSet("client-output-buffer-limit", "slave 1mb 0 0");
    compare(
            [](quint16 port) -> QByteArray {
                RespClient admin;
                SilentClient monitor;
                if (!admin.connectTo(port) || !monitor.open(port, "monitor"))
                    return "<no connection>";
                monitor.write("MONITOR\r\n");
                const QByteArray value(10000, 'x');
                for (int i = 0; i < 1000; ++i)
                    admin.call({ "SET", "k", value });
                const bool gone = waitUntilGone(admin, "monitor", 1000);
                return gone ? "closed" : "still connected";
            },
            "still connected");
    configSet("client-output-buffer-limit", "slave 256mb 64mb 60");
}

// Over the 1 MB soft limit without growing: closed once more than 1 s has passed.
void TestLimits::softOutputLimitClosesAfterItsSeconds()
{
    configSet("client-output-buffer-limit", "normal 0 1mb 1");
    compare([](quint16 port) -> QByteArray {
        RespClient admin;
        SilentClient reader;
        if (!admin.connectTo(port) || !reader.open(port, "soft"))
            return "<no connection>";
        reader.write(pipelinedGets(20));
        QThread::msleep(300);
        const bool stillThere = isListed(admin, "soft");
        const bool gone = waitUntilGone(admin, "soft", 8000);
        return QByteArray(stillThere ? "kept at first" : "closed at once")
                + (gone ? " then closed" : " never closed");
    });
    configSet("client-output-buffer-limit", "normal 0 0 0");
}

// What a client has not read shows in CLIENT LIST: the first 16 KB as obl, the rest as omem.
void TestLimits::clientListShowsTheOutputList()
{
    RespClient admin;
    SilentClient reader;
    QVERIFY(admin.connectTo(m_qkv.port()));
    QVERIFY(reader.open(m_qkv.port(), "lister"));
    reader.write(pipelinedGets(20));
    QDeadlineTimer deadline(5000);
    QByteArray line;
    while (!deadline.hasExpired()) {
        const QByteArrayList lines = admin.call({ "CLIENT", "LIST" }).split('\n');
        for (const QByteArray &l : lines) {
            if (l.contains(" name=lister "))
                line = l;
        }
        if (line.contains(" obl=16384 "))
            break;
        QThread::msleep(50);
    }
    QVERIFY2(line.contains(" obl=16384 "), line.constData());
    const qsizetype at = line.indexOf(" omem=") + 6;
    const qint64 omem = line.mid(at, line.indexOf(' ', at) - at).toLongLong();
    QVERIFY2(omem > 1024 * 1024, line.constData());
    const QByteArray info = admin.call({ "INFO", "clients" });
    QVERIFY(info.contains("client_recent_max_output_buffer:"));
}

// 2 MB of a bulk argument over a 1 MB query buffer limit: closed with no reply.
void TestLimits::queryBufferLimitCloses()
{
    configSet("client-query-buffer-limit", "1mb");
    compare([](quint16 port) -> QByteArray {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(5000))
            return "<no connection>";
        socket.write("*2\r\n$4\r\nECHO\r\n$4000000\r\n");
        socket.write(QByteArray(2 * 1024 * 1024, 'x'));
        QByteArray received;
        QDeadlineTimer deadline(10000);
        while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
            socket.waitForBytesWritten(100);
            socket.waitForReadyRead(100);
            received += socket.readAll();
        }
        return received
                + (socket.state() == QAbstractSocket::ConnectedState ? "<open>" : "<closed>");
    });
    configSet("client-query-buffer-limit", "1gb");
}

// timeout 1: a plain client idle for 2 s is closed; a subscriber and a blocked BLPOP are not.
void TestLimits::idleClientsTimeOut()
{
    configSet("timeout", "1");
    compare([](quint16 port) -> QByteArray {
        RespClient plain;
        RespClient subscriber;
        RespClient blocked;
        if (!plain.connectTo(port) || !subscriber.connectTo(port) || !blocked.connectTo(port))
            return "<no connection>";
        QByteArray states = plain.call({ "PING" }) + subscriber.call({ "SUBSCRIBE", "ch" });
        blocked.send({ "BLPOP", "nothing", "0" });
        QThread::msleep(3500);
        states += plain.call({ "PING" }, 1000).isNull() ? "plain closed " : "plain open ";
        states += subscriber.call({ "PING" }, 1000);
        RespClient pusher;
        if (pusher.connectTo(port))
            pusher.call({ "RPUSH", "nothing", "x" });
        return states + blocked.readReply(2000);
    });
    configSet("timeout", "0");
}

// maxclients lowered while running: the next client over it gets Redis's error and is closed.
void TestLimits::maxclientsSetAtRuntime()
{
    RespClient admin;
    QVERIFY(admin.connectTo(m_qkv.port()));
    const QByteArray list = admin.call({ "CLIENT", "LIST" });
    const int connected = int(list.count("id="));
    QCOMPARE(admin.call({ "CONFIG", "SET", "maxclients", QByteArray::number(connected + 1) }), Ok);
    RespClient last;
    QVERIFY(last.connectTo(m_qkv.port()));
    QCOMPARE(last.call({ "PING" }), QByteArray("+PONG\r\n"));
    QTcpSocket refused;
    refused.connectToHost(QHostAddress::LocalHost, m_qkv.port());
    QVERIFY(refused.waitForConnected(5000));
    QByteArray received;
    QDeadlineTimer deadline(5000);
    while (refused.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        refused.waitForReadyRead(100);
        received += refused.readAll();
    }
    QCOMPARE(received, QByteArray("-ERR max number of clients reached\r\n"));
    QCOMPARE(admin.call({ "CONFIG", "SET", "maxclients", "10000" }), Ok);
}

// More clients than the hard open files limit allows: Redis's error names the most it can take.
void TestLimits::maxclientsOverTheFileLimit()
{
    rlimit limit {};
    QVERIFY(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
    if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max > 1000000000)
        QSKIP("no hard limit on open files to go over");
    const QByteArray over = QByteArray::number(quint64(limit.rlim_max) + 1000);
    compare([&](quint16 port) -> QByteArray {
        RespClient admin;
        if (!admin.connectTo(port))
            return "<no connection>";
        return admin.call({ "CONFIG", "SET", "maxclients", over })
                + admin.call({ "CONFIG", "GET", "maxclients" });
    });
    RespClient admin;
    QVERIFY(admin.connectTo(m_qkv.port()));
    QVERIFY(admin.call({ "CONFIG", "SET", "maxclients", over })
                    .startsWith(
                            "-ERR CONFIG SET failed (possibly related to argument 'maxclients') "
                            "- The operating system is not able to handle the specified "
                            "number of clients, try with "));
}

// The server's end of a loopback connection from clientPort, as /proc/net/tcp shows it: its
// timer ("02" is the keepalive timer) and seconds until the timer fires, as "none" or "keepalive
// <seconds>" rounded to tens.
QByteArray serverSocketTimer(quint16 serverPort, quint16 clientPort)
{
    QFile file(QStringLiteral("/proc/net/tcp"));
    if (!file.open(QIODevice::ReadOnly))
        return "<no /proc/net/tcp>";
    const QByteArray local
            = "0100007F:" + QByteArray::number(serverPort, 16).toUpper().rightJustified(4, '0');
    const QByteArray remote
            = "0100007F:" + QByteArray::number(clientPort, 16).toUpper().rightJustified(4, '0');
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 6 || fields[1] != local || fields[2] != remote)
            continue;
        const QList<QByteArray> timer = fields[5].split(':');
        if (timer[0] != "02")
            return "none";
        // Clock ticks of 1/100 s.
        return "keepalive "
                + QByteArray::number(qRound(timer[1].toLongLong(nullptr, 16) / 1000.0) * 10);
    }
    return "<not found>";
}

// tcp-keepalive applies to sockets accepted after it is set: keepalive probes start after that
// many seconds idle, or not at all for 0.
void TestLimits::tcpKeepAliveOnNewSockets()
{
    const auto timers = [](quint16 port) -> QByteArray {
        QByteArray timers;
        for (const char *seconds : { "120", "0", "300" }) {
            RespClient admin;
            if (!admin.connectTo(port))
                return "<no connection>";
            admin.call({ "CONFIG", "SET", "tcp-keepalive", seconds });
            QTcpSocket client;
            client.connectToHost(QHostAddress::LocalHost, port);
            if (!client.waitForConnected(5000))
                return "<no connection>";
            client.write("PING\r\n");
            client.waitForReadyRead(5000);
            timers += serverSocketTimer(port, client.localPort()) + "; ";
        }
        return timers;
    };
    compare(timers);
    QCOMPARE(timers(m_qkv.port()), QByteArray("keepalive 120; none; keepalive 300; "));
}

// maxmemory-clients 1mb: an unfinished 1.5 MB argument gets its client evicted, and counted.
void TestLimits::clientEvictionClosesABigQueryBuffer()
{
    configSet("maxmemory-clients", "1mb");
    compare(
            [](quint16 port) -> QByteArray {
                RespClient admin;
                SilentClient hog;
                if (!admin.connectTo(port) || !hog.open(port, "qhog"))
                    return "<no connection>";
                admin.call({ "CLIENT", "NO-EVICT", "on" });
                const qint64 before = evictedClients(admin);
                hog.write(unfinishedRequest(1500 * 1000));
                const bool gone = waitUntilGone(admin, "qhog", 5000);
                return QByteArray(gone ? "evicted " : "kept ")
                        + QByteArray::number(evictedClients(admin) - before);
            },
            "evicted 1");
    configSet("maxmemory-clients", "0");
}

// 20 pipelined GETs of a 1 MB value never read: evicted once its replies pass 3 MB, with no
// output buffer limit set.
void TestLimits::clientEvictionClosesABigOutputBuffer()
{
    configSet("maxmemory-clients", "3mb");
    compare(
            [](quint16 port) -> QByteArray {
                RespClient admin;
                SilentClient reader;
                if (!admin.connectTo(port) || !reader.open(port, "ohog"))
                    return "<no connection>";
                admin.call({ "CLIENT", "NO-EVICT", "on" });
                const qint64 before = evictedClients(admin);
                reader.write(pipelinedGets(20));
                const bool gone = waitUntilGone(admin, "ohog", 5000);
                return QByteArray(gone ? "evicted " : "kept ")
                        + QByteArray::number(evictedClients(admin) - before);
            },
            "evicted 1");
    configSet("maxmemory-clients", "0");
}

// Over 1 MB with 300 KB in one client and 900 KB in another: the bigger one goes, the smaller
// stays, whichever came first.
void TestLimits::clientEvictionTakesTheBiggestFirst()
{
    configSet("maxmemory-clients", "1mb");
    compare(
            [](quint16 port) -> QByteArray {
                RespClient admin;
                SilentClient small;
                SilentClient large;
                if (!admin.connectTo(port) || !small.open(port, "small")
                    || !large.open(port, "large"))
                    return "<no connection>";
                admin.call({ "CLIENT", "NO-EVICT", "on" });
                small.write(unfinishedRequest(300 * 1000));
                if (!waitForQueryBuffer(admin, "small", 300 * 1000))
                    return "<small not filled>";
                large.write(unfinishedRequest(900 * 1000));
                const bool gone = waitUntilGone(admin, "large", 5000);
                return QByteArray(gone ? "large evicted, " : "large kept, ")
                        + (isListed(admin, "small") ? "small kept" : "small evicted");
            },
            "large evicted, small kept");
    configSet("maxmemory-clients", "0");
}

// CLIENT NO-EVICT on: over the limit by itself and kept (flag e), while a client doing nothing
// is evicted in its place, and the server says so.
void TestLimits::noEvictClientIsKept()
{
    configSet("maxmemory-clients", "1mb");
    compare(
            [](quint16 port) -> QByteArray {
                RespClient admin;
                SilentClient kept;
                SilentClient bystander;
                if (!admin.connectTo(port) || !kept.open(port, "kept")
                    || !bystander.open(port, "bystander"))
                    return "<no connection>";
                admin.call({ "CLIENT", "NO-EVICT", "on" });
                kept.write("CLIENT NO-EVICT on\r\n");
                if (!kept.socket.waitForReadyRead(5000) || kept.socket.readAll() != Ok)
                    return "<no-evict refused>";
                kept.write(unfinishedRequest(1500 * 1000));
                const bool bystanderGone = waitUntilGone(admin, "bystander", 5000);
                return QByteArray(bystanderGone ? "bystander evicted, " : "bystander kept, ")
                        + "kept flags=" + clientField(admin, "kept", "flags");
            },
            "bystander evicted, kept flags=e");
    configSet("maxmemory-clients", "0");
}

// Two clients of 400 KB each under a 4 MB limit; lowered to 600 KB, one of them is evicted: the
// one that reached its size first.
void TestLimits::lowerMaxmemoryClientsEvicts()
{
    configSet("maxmemory-clients", "4mb");
    compare(
            [](quint16 port) -> QByteArray {
                RespClient admin;
                SilentClient first;
                SilentClient second;
                if (!admin.connectTo(port) || !first.open(port, "first")
                    || !second.open(port, "second"))
                    return "<no connection>";
                admin.call({ "CLIENT", "NO-EVICT", "on" });
                first.write(unfinishedRequest(400 * 1000));
                if (!waitForQueryBuffer(admin, "first", 400 * 1000))
                    return "<first not filled>";
                second.write(unfinishedRequest(400 * 1000));
                if (!waitForQueryBuffer(admin, "second", 400 * 1000))
                    return "<second not filled>";
                const QByteArray set
                        = admin.call({ "CONFIG", "SET", "maxmemory-clients", "600000" });
                const bool gone = waitUntilGone(admin, "first", 5000);
                return set + (gone ? "first evicted, " : "first kept, ")
                        + (isListed(admin, "second") ? "second kept" : "second evicted");
            },
            "+OK\r\nfirst evicted, second kept");
    configSet("maxmemory-clients", "0");
}

// What MULTI queues counts, and so do the arguments of the command about to run: under a 3 MB
// limit the fourth 750 KB SET gets the client evicted instead of being queued.
void TestLimits::transactionQueueCountsForEviction()
{
    configSet("maxmemory-clients", "3000000");
    compare(
            [](quint16 port) -> QByteArray {
                RespClient admin;
                RespClient client;
                if (!admin.connectTo(port) || !client.connectTo(port))
                    return "<no connection>";
                admin.call({ "CLIENT", "NO-EVICT", "on" });
                QByteArray replies = client.call({ "CLIENT", "SETNAME", "queuer" });
                replies += client.call({ "MULTI" });
                for (int i = 0; i < 5 && client.isConnected(); ++i) {
                    const QByteArray reply
                            = client.call({ "SET", "k", QByteArray(750 * 1000, 'v') }, 2000);
                    replies += reply.isNull() ? QByteArray("<closed>") : reply;
                }
                return replies + (isListed(admin, "queuer") ? "listed" : "gone");
            },
            "+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n<closed>gone");
    configSet("maxmemory-clients", "0");
}

// Subscribers are not spared (only replicas and masters are): one that reads nothing while 10 MB
// of messages are published to it (more than the sockets hold) is evicted under a 1 MB limit,
// before its 32 MB output buffer limit.
void TestLimits::subscriberIsEvicted()
{
    configSet("maxmemory-clients", "1mb");
    compare(
            [](quint16 port) -> QByteArray {
                RespClient admin;
                SilentClient subscriber;
                if (!admin.connectTo(port) || !subscriber.open(port, "subscriber"))
                    return "<no connection>";
                admin.call({ "CLIENT", "NO-EVICT", "on" });
                subscriber.write("SUBSCRIBE news\r\n");
                if (!subscriber.socket.waitForReadyRead(5000))
                    return "<not subscribed>";
                const qint64 before = evictedClients(admin);
                const QByteArray message(200 * 1000, 'm');
                QByteArray receivers;
                for (int i = 0; i < 50; ++i)
                    receivers += admin.call({ "PUBLISH", "news", message });
                const bool gone = waitUntilGone(admin, "subscriber", 5000);
                return receivers.left(8) + (gone ? "evicted " : "kept ")
                        + QByteArray::number(evictedClients(admin) - before);
            },
            ":1\r\n:1\r\nevicted 1");
    configSet("maxmemory-clients", "0");
}

// Each subscription counts: a client subscribing to channel after channel under the smallest
// limit (128 KB) is evicted long before 20,000 of them.
void TestLimits::subscriptionsCountForEviction()
{
    configSet("maxmemory-clients", "1");
    compare(
            [](quint16 port) -> QByteArray {
                RespClient admin;
                RespClient subscriber;
                if (!admin.connectTo(port) || !subscriber.connectTo(port))
                    return "<no connection>";
                admin.call({ "CLIENT", "NO-EVICT", "on" });
                int subscribed = 0;
                for (int batch = 0; batch < 200 && subscriber.isConnected(); ++batch) {
                    for (int i = 0; i < 100; ++i)
                        subscriber.send(
                                { "SUBSCRIBE", "ch" + QByteArray::number(batch * 100 + i) });
                    for (int i = 0; i < 100 && !subscriber.readReply(2000).isNull(); ++i)
                        ++subscribed;
                }
                return subscribed < 20000 ? "evicted" : "kept";
            },
            "evicted");
    configSet("maxmemory-clients", "0");
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
