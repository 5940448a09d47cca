// CLIENT PAUSE / UNPAUSE across connections, compared byte for byte with redis-server: a held
// client gets no reply while the pause lasts, then every reply in order once it ends. Waits
// are bounded; the only timing checked is "nothing yet" while a pause that cannot end by
// itself (100 s, ended by UNPAUSE) is in force.
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QtTest>

#include <array>

namespace {

// One step of a scenario. Send writes a request without waiting; Read waits for one reply;
// Pending checks that no reply has arrived after a short wait.
struct Step
{
    enum Action { Send, Read, Pending };
    Action action;
    int client;
    QByteArrayList command;
};
using Scenario = QList<Step>;

Step send(int client, QByteArrayList command)
{
    return { Step::Send, client, std::move(command) };
}

Step read(int client)
{
    return { Step::Read, client, {} };
}

Step pending(int client)
{
    return { Step::Pending, client, {} };
}

constexpr int Clients = 3;
constexpr int ReplyTimeoutMs = 5000;
constexpr int PendingWaitMs = 200;

// Runs the scenario on a server and returns what each Read and Pending step saw, in order.
QByteArrayList transcript(quint16 port, const Scenario &scenario)
{
    std::array<RespClient, Clients> clients;
    for (RespClient &client : clients) {
        if (!client.connectTo(port))
            return { "<connect failed>" };
    }
    // A pause left by an earlier scenario would hold this one's FLUSHALL.
    QByteArrayList replies;
    for (const QByteArrayList &command :
         { QByteArrayList { "CLIENT", "UNPAUSE" }, QByteArrayList { "FLUSHALL" } })
        replies << clients[0].call(command);
    for (const Step &step : scenario) {
        RespClient &client = clients[size_t(step.client)];
        switch (step.action) {
        case Step::Send: client.send(step.command); break;
        case Step::Read: {
            const QByteArray reply = client.readReply(ReplyTimeoutMs);
            replies << (reply.isNull() ? QByteArray("<no reply>") : reply);
            break;
        }
        case Step::Pending: {
            const QByteArray reply = client.readReply(PendingWaitMs);
            replies << (reply.isNull() ? QByteArray("<pending>") : "<early> " + reply);
            break;
        }
        }
    }
    return replies;
}

const QByteArrayList PauseWrite { "CLIENT", "PAUSE", "100000", "WRITE" };
const QByteArrayList Unpause { "CLIENT", "UNPAUSE" };

} // namespace

class TestClientPause : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void crossConnection_data();
    void crossConnection();

private:
    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestClientPause::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

void TestClientPause::crossConnection_data()
{
    QTest::addColumn<Scenario>("scenario");
    QTest::newRow("write pause holds writes until unpause") << Scenario {
        send(0, PauseWrite),
        read(0),
        send(1, { "SET", "k", "1" }),
        send(1, { "GET", "k" }),
        pending(1),
        send(2, { "GET", "k" }),
        read(2),
        send(2, Unpause),
        read(2),
        read(1),
        read(1),
    };
    QTest::newRow("write pause lets reads and errors through") << Scenario {
        send(0, PauseWrite), read(0), send(1, { "GET", "k" }), read(1),
        send(1, { "FOO" }),  read(1), send(1, { "SET", "k" }), read(1),
        send(1, { "PING" }), read(1), send(0, Unpause),        read(0),
    };
    QTest::newRow("write pause holds a queued write and exec") << Scenario {
        send(0, PauseWrite),
        read(0),
        send(1, { "MULTI" }),
        read(1),
        send(1, { "GET", "k" }),
        read(1),
        send(1, { "INCR", "k" }),
        send(1, { "EXEC" }),
        pending(1),
        send(2, { "SET", "k", "5" }),
        pending(2),
        send(0, Unpause),
        read(0),
        read(1),
        read(1),
        read(2),
        send(2, { "GET", "k" }),
        read(2),
    };
    QTest::newRow("write pause holds exec of queued writes") << Scenario {
        send(1, { "MULTI" }),
        read(1),
        send(1, { "SET", "k", "1" }),
        read(1),
        send(0, PauseWrite),
        read(0),
        send(1, { "EXEC" }),
        pending(1),
        send(2, { "MULTI" }),
        read(2),
        send(2, { "GET", "k" }),
        read(2),
        send(2, { "EXEC" }),
        read(2),
        send(0, Unpause),
        read(0),
        read(1),
    };
    QTest::newRow("a second pause neither shortens nor weakens") << Scenario {
        send(0, PauseWrite),
        read(0),
        send(0, { "CLIENT", "PAUSE", "10", "WRITE" }),
        read(0),
        send(1, { "DEL", "k" }),
        pending(1),
        send(0, Unpause),
        read(0),
        read(1),
    };
    QTest::newRow("all pause holds everything until it times out") << Scenario {
        send(0, { "CLIENT", "PAUSE", "300", "ALL" }),
        read(0),
        send(1, { "SET", "k", "v" }),
        send(2, { "GET", "k" }),
        send(0, { "PING" }),
        send(0, Unpause),
        read(0),
        read(0),
        read(1),
        read(2),
    };
    QTest::newRow("all pause still answers errors") << Scenario {
        send(0, { "CLIENT", "PAUSE", "300" }),
        read(0),
        send(1, { "NOSUCH" }),
        read(1),
        send(1, { "GET" }),
        read(1),
        send(1, { "GET", "k" }),
        read(1),
    };
    QTest::newRow("held client keeps its pipeline in order") << Scenario {
        send(0, PauseWrite),
        read(0),
        send(1, { "GET", "k" }),
        send(1, { "SET", "k", "1" }),
        send(1, { "GET", "k" }),
        send(1, { "INCR", "k" }),
        read(1),
        pending(1),
        send(0, Unpause),
        read(0),
        read(1),
        read(1),
        read(1),
    };
}

void TestClientPause::crossConnection()
{
    QFETCH(Scenario, scenario);
    const QByteArrayList expected = transcript(m_redis.port(), scenario);
    const QByteArrayList actual = transcript(m_qkv.port(), scenario);
    const QByteArray difference = RespFrame::difference(expected, actual);
    QVERIFY2(difference.isEmpty(), difference.constData());
}

QTEST_GUILESS_MAIN(TestClientPause)
#include "tst_clientpause.moc"
