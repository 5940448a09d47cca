// Scripts across connections, compared byte for byte with redis-server: a script running past
// busy-reply-threshold lets other clients in (they get -BUSY), SCRIPT KILL and FUNCTION KILL
// end it unless it wrote, SHUTDOWN needs NOSAVE; MONITOR shows a script's commands as
// "[0 lua]"; INFO counts cached scripts and functions. The single-connection behaviour
// (conversions, errors, the sandbox) is in compat/scripting.txt and compat/functions.txt.
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QRegularExpression>
#include <QThread>
#include <QtTest>

#include <array>

namespace {

// One step of a scenario. Send writes a request without waiting; Read waits for one reply;
// Sleep lets a script started by Send run into busy-reply-threshold; ReadMonitor reads one
// MONITOR line with its timestamp and client port replaced, which differ between servers;
// Pending checks that no reply has arrived after a short wait.
struct Step
{
    enum Action { Send, Read, Sleep, ReadMonitor, Pending };
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

Step readMonitor(int client)
{
    return { Step::ReadMonitor, client, {} };
}

// Longer than the threshold the scenarios set, so that the script is busy when the next
// request arrives (either way the request is answered only once it is).
Step sleepPastThreshold()
{
    return { Step::Sleep, 0, {} };
}

constexpr int Clients = 3;
constexpr int ReplyTimeoutMs = 5000;
constexpr int SleepMs = 150;

const QByteArrayList Threshold { "CONFIG", "SET", "busy-reply-threshold", "50" };
const QByteArrayList Endless { "EVAL", "while true do end", "0" };
// Busy for about 300 ms after writing a key, then returns 1.
const QByteArrayList WritesThenWaits {
    "EVAL",
    "redis.call('set', KEYS[1], 'v') local t = redis.call('time') "
    "local start = t[1] * 1000000 + t[2] "
    "while true do local n = redis.call('time') "
    "if n[1] * 1000000 + n[2] - start > 300000 then break end end return 1",
    "1",
    "written",
};
const QByteArrayList LoadLoop {
    "FUNCTION", "LOAD", "REPLACE",
    "#!lua name=loops\nredis.register_function('loop', function() while true do end end)"
};

QByteArray normalizedMonitorLine(const QByteArray &line)
{
    static const QRegularExpression stamp(QStringLiteral("^\\+\\d+\\.\\d+ \\[(\\d+) [^\\]]+\\]"));
    QString text = QString::fromLatin1(line);
    const QRegularExpressionMatch match = stamp.match(text);
    if (match.hasMatch()) {
        const QString address = text.mid(match.capturedStart(), match.capturedLength());
        // "lua" stays: that is what a script's commands must show.
        const bool lua = address.endsWith(QStringLiteral(" lua]"));
        text.replace(match.capturedStart(), match.capturedLength(),
                     QStringLiteral("+T [") + match.captured(1)
                             + (lua ? QStringLiteral(" lua]") : QStringLiteral(" client]")));
    }
    return text.toLatin1();
}

// Runs the scenario on a server and returns what each Read step saw, in order.
QByteArrayList transcript(quint16 port, const Scenario &scenario)
{
    std::array<RespClient, Clients> clients;
    for (RespClient &client : clients) {
        if (!client.connectTo(port))
            return { "<connect failed>" };
    }
    QByteArrayList replies;
    replies << clients[0].call({ "FLUSHALL" }) << clients[0].call({ "FUNCTION", "FLUSH" });
    for (const Step &step : scenario) {
        RespClient &client = clients[size_t(step.client)];
        switch (step.action) {
        case Step::Send: client.send(step.command); break;
        case Step::Read: {
            const QByteArray reply = client.readReply(ReplyTimeoutMs);
            replies << (reply.isNull() ? QByteArray("<no reply>") : reply);
            break;
        }
        case Step::ReadMonitor: {
            const QByteArray reply = client.readReply(ReplyTimeoutMs);
            replies << (reply.isNull() ? QByteArray("<no reply>") : normalizedMonitorLine(reply));
            break;
        }
        case Step::Pending: {
            const QByteArray reply = client.readReply(SleepMs);
            replies << (reply.isNull() ? QByteArray("<pending>") : "<early> " + reply);
            break;
        }
        case Step::Sleep: QThread::msleep(SleepMs); break;
        }
    }
    replies << clients[2].call({ "CONFIG", "SET", "busy-reply-threshold", "5000" })
            << clients[2].call({ "CLIENT", "UNPAUSE" });
    return replies;
}

// The value of field in an INFO reply.
QByteArray infoField(const QByteArray &info, const QByteArray &field)
{
    for (const QByteArray &line : info.split('\n')) {
        if (line.startsWith(QByteArray(field + ':')))
            return line.mid(field.size() + 1).trimmed();
    }
    return QByteArray("<missing>");
}

} // namespace

class TestScripting : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void crossConnection_data();
    void crossConnection();
    void infoCounts();
    void functionsSurviveRestart();

private:
    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestScripting::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

void TestScripting::crossConnection_data()
{
    QTest::addColumn<Scenario>("scenario");
    QTest::newRow("busy script answers busy until script kill") << Scenario {
        send(0, Threshold),
        read(0),
        send(0, Endless),
        sleepPastThreshold(),
        send(1, { "PING" }),
        read(1),
        send(1, { "GET", "k" }),
        read(1),
        send(1, { "FUNCTION", "STATS" }),
        read(1),
        send(1, { "FUNCTION", "KILL" }),
        read(1),
        send(1, { "SHUTDOWN" }),
        read(1),
        send(1, { "SCRIPT", "KILL" }),
        read(1),
        read(0),
        send(1, { "PING" }),
        read(1),
        send(0, { "PING" }),
        read(0),
    };
    QTest::newRow("busy answers a pipeline in order") << Scenario {
        send(0, Threshold),
        read(0),
        send(0, Endless),
        sleepPastThreshold(),
        send(1, { "SET", "a", "1" }),
        send(1, { "PING" }),
        send(1, { "SCRIPT", "KILL" }),
        read(1),
        read(1),
        read(1),
        read(0),
        send(1, { "GET", "a" }),
        read(1),
    };
    QTest::newRow("a script that wrote cannot be killed") << Scenario {
        send(0, Threshold),
        read(0),
        send(0, WritesThenWaits),
        sleepPastThreshold(),
        send(1, { "SCRIPT", "KILL" }),
        read(1),
        read(0),
        send(1, { "GET", "written" }),
        read(1),
    };
    QTest::newRow("function kill ends a function") << Scenario {
        send(0, Threshold),
        read(0),
        send(0, LoadLoop),
        read(0),
        send(0, { "FCALL", "loop", "0" }),
        sleepPastThreshold(),
        send(1, { "PING" }),
        read(1),
        send(1, { "SCRIPT", "KILL" }),
        read(1),
        send(1, { "FUNCTION", "KILL" }),
        read(1),
        read(0),
        send(1, { "SCRIPT", "KILL" }),
        read(1),
    };
    QTest::newRow("write pause holds scripts that may write") << Scenario {
        send(0, { "CLIENT", "PAUSE", "100000", "WRITE" }),
        read(0),
        send(1, { "EVAL", "return redis.call('set', 'p', '1')", "0" }),
        pending(1),
        send(2, { "EVAL_RO", "return redis.call('get', 'p')", "0" }),
        read(2),
        send(2, { "FCALL_RO", "nosuch", "0" }),
        read(2),
        send(0, { "CLIENT", "UNPAUSE" }),
        read(0),
        read(1),
        send(2, { "GET", "p" }),
        read(2),
    };
    QTest::newRow("monitor shows script commands as lua") << Scenario {
        send(1, { "MONITOR" }),
        read(1),
        send(0,
             { "EVAL", "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", "1",
               "k", "v" }),
        read(0),
        readMonitor(1),
        readMonitor(1),
        readMonitor(1),
        send(0, { "FCALL", "nosuch", "0" }),
        read(0),
        readMonitor(1),
    };
}

void TestScripting::crossConnection()
{
    QFETCH(Scenario, scenario);
    const QByteArrayList expected = transcript(m_redis.port(), scenario);
    const QByteArrayList actual = transcript(m_qkv.port(), scenario);
    const QByteArray difference = RespFrame::difference(expected, actual);
    QVERIFY2(difference.isEmpty(), difference.constData());
}

void TestScripting::infoCounts()
{
    const QByteArrayList fields { "number_of_cached_scripts", "number_of_functions",
                                  "number_of_libraries" };
    const auto counts = [&fields](quint16 port) {
        RespClient client;
        if (!client.connectTo(port))
            return QByteArrayList { "<connect failed>" };
        QByteArrayList seen;
        client.call({ "SCRIPT", "FLUSH" });
        client.call({ "FUNCTION", "FLUSH" });
        const auto record = [&] {
            const QByteArray info = client.call({ "INFO", "memory" });
            for (const QByteArray &field : fields)
                seen << field + '=' + infoField(info, field);
        };
        record();
        client.call({ "SCRIPT", "LOAD", "return 1" });
        client.call({ "EVAL", "return 2", "0" });
        client.call({ "EVAL", "return 2", "0" });
        client.call({ "FUNCTION", "LOAD",
                      "#!lua name=a\nredis.register_function('f', function() return 1 end)\n"
                      "redis.register_function('g', function() return 1 end)" });
        record();
        client.call({ "SCRIPT", "FLUSH" });
        client.call({ "FUNCTION", "DELETE", "a" });
        record();
        return seen;
    };
    const QByteArrayList expected = counts(m_redis.port());
    QCOMPARE(counts(m_qkv.port()), expected);
}

// Function libraries are saved in the RDB file (RDB_OPCODE_FUNCTION2) and loaded with it.
void TestScripting::functionsSurviveRestart()
{
    QString error;
    ServerProcess first;
    QVERIFY2(first.startQkv(QStringLiteral(QKV_SERVER_PATH), &error), qPrintable(error));
    RespClient client;
    QVERIFY(client.connectTo(first.port()));
    QCOMPARE(client.call({ "FUNCTION", "LOAD",
                           "#!lua name=kept\nredis.register_function('kf', function() return "
                           "'still here' end)" }),
             QByteArray("$4\r\nkept\r\n"));
    QCOMPARE(client.call({ "SAVE" }), QByteArray("+OK\r\n"));
    QVERIFY(first.stop());
    ServerProcess second;
    QVERIFY2(second.startQkv(QStringLiteral(QKV_SERVER_PATH), &error,
                             { QStringLiteral("--dir"), first.dir() }),
             qPrintable(error));
    RespClient again;
    QVERIFY(again.connectTo(second.port()));
    QCOMPARE(again.call({ "FCALL", "kf", "0" }), QByteArray("$10\r\nstill here\r\n"));
}

QTEST_GUILESS_MAIN(TestScripting)
#include "tst_scripting.moc"
