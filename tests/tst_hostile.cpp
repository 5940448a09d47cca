// Hostile traffic soak: while well-behaved clients run random valid commands on their own keys
// and check every reply against a model of what they wrote, hostile clients on the loopback
// interface send garbage, oversized headers and half requests, never read what they asked
// for, trickle a byte at a time (slowloris) and open connections up to maxclients, all in a
// loop. At the end: no mismatch, no well-behaved client lost, the server's RSS bounded and
// the server still serving new clients.
//
// QKV_SOAK_SECONDS sets the duration (default 20 s, what CI runs); by hand, e.g. 600.
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr int MaxClients = 300;
constexpr int WellBehavedClients = 4;
constexpr qint64 BigValueBytes = 1024 * 1024;

// A plain blocking socket to 127.0.0.1: hostile clients need what QTcpSocket hides (never
// reading, closing half way, thousands of descriptors from threads).
class RawSocket
{
public:
    explicit RawSocket(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (m_fd >= 0
            && ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~RawSocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    RawSocket(const RawSocket &) = delete;
    RawSocket &operator=(const RawSocket &) = delete;

    bool isOpen() const { return m_fd >= 0; }
    // Sends all of bytes unless the peer closes or it would block for timeoutMs.
    bool send(const QByteArray &bytes, int timeoutMs = 1000)
    {
        qsizetype sent = 0;
        while (m_fd >= 0 && sent < bytes.size()) {
            pollfd p { m_fd, POLLOUT, 0 };
            if (::poll(&p, 1, timeoutMs) <= 0)
                return false;
            const ssize_t n = ::send(m_fd, bytes.constData() + sent, size_t(bytes.size() - sent),
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n <= 0)
                return false;
            sent += n;
        }
        return m_fd >= 0;
    }
    // Reads what arrives within timeoutMs (up to 64 KB); null once the peer has closed.
    QByteArray receive(int timeoutMs)
    {
        pollfd p { m_fd, POLLIN, 0 };
        if (m_fd < 0 || ::poll(&p, 1, timeoutMs) <= 0)
            return QByteArray("");
        QByteArray data(64 * 1024, Qt::Uninitialized);
        const ssize_t n = ::recv(m_fd, data.data(), size_t(data.size()), MSG_DONTWAIT);
        if (n <= 0)
            return QByteArray();
        data.resize(n);
        return data;
    }

private:
    int m_fd = -1;
};

QByteArray request(const QByteArrayList &args)
{
    return RespFrame::request(args);
}

// What the hostile clients did, for the report.
struct HostileCounts
{
    std::atomic<quint64> connections { 0 };
    std::atomic<quint64> refused { 0 }; // -ERR max number of clients reached
};

using Behaviour = void (*)(quint16 port, QRandomGenerator &random, HostileCounts &counts);

void sendGarbage(quint16 port, QRandomGenerator &random, HostileCounts &counts)
{
    RawSocket socket(port);
    counts.connections += socket.isOpen();
    static const char *const prefixes[] = { "*", "$", "*3\r\n$", "*1\r\n", "\"", "'", "" };
    QByteArray bytes = prefixes[random.bounded(int(std::size(prefixes)))];
    const int length = random.bounded(1, 2048);
    for (int i = 0; i < length; ++i)
        bytes += char(random.bounded(256));
    socket.send(bytes);
    socket.receive(50);
}

void sendOversizedHeaders(quint16 port, QRandomGenerator &random, HostileCounts &counts)
{
    static const char *const headers[] = {
        "*1\r\n$9999999999999\r\n",
        "*99999999999\r\n",
        "*2147483648\r\n",
        "*1\r\n$536870913\r\n",
        "*1\r\n$-5\r\n",
        "*1000000\r\n$1\r\nx\r\n",
        "*2\r\n$4\r\nECHO\r\n$100000000\r\n",
    };
    RawSocket socket(port);
    counts.connections += socket.isOpen();
    QByteArray bytes = headers[random.bounded(int(std::size(headers)))];
    // Sometimes the payload it announced, well past client-query-buffer-limit.
    if (random.bounded(3) == 0)
        bytes += QByteArray(3 * 1024 * 1024, 'x');
    // Sometimes a line with no end, past the 64 KB inline limit.
    if (random.bounded(3) == 0)
        bytes = QByteArray(70 * 1024, 'a');
    socket.send(bytes);
    socket.receive(50);
}

void sendHalfRequests(quint16 port, QRandomGenerator &random, HostileCounts &counts)
{
    RawSocket socket(port);
    counts.connections += socket.isOpen();
    const QByteArray whole = request({ "SET", "hostile:half", QByteArray(1000, 'h') });
    socket.send(whole.left(random.bounded(1, int(whole.size()))));
    // Closed with the request unfinished.
}

// Pipelined GETs of the 1 MB value, never read: the output buffer limit must close it.
void neverRead(quint16 port, QRandomGenerator &random, HostileCounts &counts)
{
    RawSocket socket(port);
    counts.connections += socket.isOpen();
    QByteArray gets;
    for (int i = 0; i < 200; ++i)
        gets += request({ "GET", "hostile:big" });
    socket.send(gets);
    QThread::msleep(random.bounded(200, 1000));
}

// Slowloris: a request announced big and sent one byte at a time.
void trickle(quint16 port, QRandomGenerator &random, HostileCounts &counts)
{
    RawSocket socket(port);
    counts.connections += socket.isOpen();
    socket.send("*2\r\n$4\r\nECHO\r\n$100000\r\n");
    const int bytes = random.bounded(5, 20);
    for (int i = 0; i < bytes && socket.send("x"); ++i)
        QThread::msleep(100);
}

// Connections up to maxclients and over, held for a moment.
void flood(quint16 port, QRandomGenerator &random, HostileCounts &counts)
{
    std::vector<std::unique_ptr<RawSocket>> sockets;
    for (int i = 0; i < MaxClients + 20; ++i) {
        auto socket = std::make_unique<RawSocket>(port);
        if (!socket->isOpen())
            break;
        ++counts.connections;
        sockets.push_back(std::move(socket));
    }
    QThread::msleep(random.bounded(100, 500));
    for (const auto &socket : sockets) {
        const QByteArray got = socket->receive(0);
        if (got.startsWith("-ERR max number of clients reached"))
            ++counts.refused;
    }
}

// A well-behaved client: random commands on its own keys, every reply checked against what it
// wrote. Reconnects when refused at connection time only (the flood may hold every slot);
// losing an established connection counts as a failure.
struct WellBehaved
{
    quint64 commands = 0;
    quint64 mismatches = 0;
    quint64 lostConnections = 0;
    QByteArray firstMismatch;

    void run(quint16 port, int index, const std::atomic<bool> &stop)
    {
        QRandomGenerator random(quint32(1000 + index));
        RespClient client;
        if (!client.connectTo(port) || client.call({ "PING" }) != "+PONG\r\n") {
            ++lostConnections;
            return;
        }
        std::map<QByteArray, QByteArray> strings;
        std::map<QByteArray, qint64> counters;
        const QByteArray prefix = "good:" + QByteArray::number(index) + ':';
        while (!stop) {
            const QByteArray key = prefix + QByteArray::number(random.bounded(50));
            QByteArray expected;
            QByteArray reply;
            switch (random.bounded(4)) {
            case 0: {
                const QByteArray value = QByteArray::number(random.generate64())
                        + QByteArray(random.bounded(2000), 'v');
                reply = client.call({ "SET", "s:" + key, value });
                expected = "+OK\r\n";
                strings["s:" + key] = value;
                break;
            }
            case 1: {
                reply = client.call({ "GET", "s:" + key });
                const auto it = strings.find("s:" + key);
                expected = it == strings.end() ? QByteArray("$-1\r\n")
                                               : '$' + QByteArray::number(it->second.size())
                                + "\r\n" + it->second + "\r\n";
                break;
            }
            case 2: {
                const qint64 by = random.bounded(1000);
                reply = client.call({ "INCRBY", "n:" + key, QByteArray::number(by) });
                expected = ':' + QByteArray::number(counters["n:" + key] += by) + "\r\n";
                break;
            }
            default:
                reply = client.call({ "DEL", "s:" + key });
                expected = strings.erase("s:" + key) ? ":1\r\n" : ":0\r\n";
                break;
            }
            ++commands;
            if (reply.isNull()) {
                ++lostConnections;
                return;
            }
            if (reply != expected && ++mismatches == 1)
                firstMismatch = reply.left(200) + " expected " + expected.left(200);
        }
    }
};

qint64 infoField(RespClient &client, const QByteArray &section, const QByteArray &name)
{
    const QByteArray info = client.call({ "INFO", section });
    const qsizetype at = info.indexOf(QByteArray("\r\n" + name + ':'));
    if (at < 0)
        return -1;
    const qsizetype start = at + name.size() + 3;
    return info.mid(start, info.indexOf('\r', start) - start).toLongLong();
}

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT

private slots:
    void soak();
};

void TestHostile::soak()
{
    const int seconds = qEnvironmentVariableIsSet("QKV_SOAK_SECONDS")
            ? qEnvironmentVariableIntValue("QKV_SOAK_SECONDS")
            : 20;
    ServerProcess qkv;
    QString error;
    QVERIFY2(qkv.startQkv(QStringLiteral(QKV_SERVER_PATH), &error,
                          { QStringLiteral("--maxclients"), QString::number(MaxClients),
                            QStringLiteral("--client-output-buffer-limit"),
                            QStringLiteral("normal 8mb 2mb 2"),
                            QStringLiteral("--client-query-buffer-limit"), QStringLiteral("2mb") }),
             qPrintable(error));
    const quint16 port = qkv.port();
    RespClient admin;
    QVERIFY(admin.connectTo(port));
    QCOMPARE(admin.call({ "SET", "hostile:big", QByteArray(BigValueBytes, 'b') }),
             QByteArray("+OK\r\n"));
    const qint64 rssBefore = infoField(admin, "memory", "used_memory_rss");

    std::atomic<bool> stop { false };
    std::vector<WellBehaved> good(WellBehavedClients);
    std::vector<std::thread> threads;
    for (int i = 0; i < WellBehavedClients; ++i)
        threads.emplace_back([&, i] { good[size_t(i)].run(port, i, stop); });
    // Let the well-behaved clients connect before the flood takes the free slots.
    QThread::msleep(300);

    static const Behaviour behaviours[]
            = { sendGarbage, sendOversizedHeaders, sendHalfRequests, neverRead, trickle, flood };
    HostileCounts counts;
    for (size_t b = 0; b < std::size(behaviours); ++b) {
        // Two threads of each behaviour, more for the cheap ones.
        const int copies = behaviours[b] == flood ? 1 : 2;
        for (int copy = 0; copy < copies; ++copy) {
            threads.emplace_back([&, b, copy] {
                QRandomGenerator random(quint32(b * 100 + size_t(copy)));
                while (!stop)
                    behaviours[b](port, random, counts);
            });
        }
    }

    qint64 rssPeak = 0;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < seconds * 1000LL) {
        QThread::msleep(500);
        rssPeak = qMax(rssPeak, infoField(admin, "memory", "used_memory_rss"));
    }
    stop = true;
    for (std::thread &thread : threads)
        thread.join();

    quint64 commands = 0;
    for (const WellBehaved &client : good) {
        commands += client.commands;
        QVERIFY2(client.mismatches == 0, client.firstMismatch.constData());
        QCOMPARE(client.lostConnections, quint64(0));
    }
    // The hostile clients are gone; what they made the server hold must be released.
    QThread::msleep(1500);
    const qint64 rssAfter = infoField(admin, "memory", "used_memory_rss");
    qInfo("%d s: %llu checked commands by %d clients, 0 mismatches; %llu hostile connections "
          "(%llu refused at maxclients); RSS %lld MB before, %lld MB peak, %lld MB after",
          seconds, commands, WellBehavedClients, quint64(counts.connections),
          quint64(counts.refused), rssBefore >> 20, rssPeak >> 20, rssAfter >> 20);
    QVERIFY(commands > 0);
    // Bounded: 8 MB of output per never-reading client, 2 MB of query buffer per client and
    // the 64 KB inline limits keep it to tens of megabytes whatever the hostile clients do.
    QVERIFY2(rssPeak < rssBefore + 512LL * 1024 * 1024, "RSS grew past 512 MB over the start");
    QVERIFY2(rssAfter < rssBefore + 256LL * 1024 * 1024, "RSS stayed 256 MB over the start");
    RespClient fresh;
    QVERIFY(fresh.connectTo(port));
    QCOMPARE(fresh.call({ "STRLEN", "hostile:big" }),
             ':' + QByteArray::number(BigValueBytes) + "\r\n");
}

// A long soak outlasts Qt Test's five-minute watchdog, which would abort it: the watchdog
// gets the soak's length and five minutes more, unless told otherwise.
int main(int argc, char **argv)
{
    const int seconds = qEnvironmentVariableIntValue("QKV_SOAK_SECONDS");
    if (seconds > 0 && !qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", QByteArray::number((qint64(seconds) + 300) * 1000));
    QCoreApplication app(argc, argv);
    TestHostile test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_hostile.moc"
