// Blocking commands across connections, compared byte for byte with redis-server: who is
// served, in which order, with what, and when a client stays blocked (wake order, timeouts,
// MULTI, CLIENT UNBLOCK, a blocked client disconnecting, keys that move between databases).
//
// Every scenario runs on both servers with four clients and a control connection. A client
// that blocks is only known to be blocked once the server says so (CLIENT LIST flags=b, asked
// on the control connection), so the next client never races it. A served client's reply is
// read after the command that served it has been answered; by then the server is done serving,
// so "still blocked" is its word (flags=b) with nothing received, no waiting needed.
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QThread>
#include <QtTest>

#include <array>
#include <functional>

namespace {

constexpr int Clients = 4;
// Generous limits, reached only when a test fails (or the machine stalls): waits end as soon as
// what they wait for happens.
constexpr int ReplyMs = 5000; // a served client's reply, or a short timeout's
constexpr int WaitMs = 10000; // the server to report a client blocked or gone
constexpr int QuietMs = 100;  // a blocked client gets nothing for this long

// What a step does with its client.
enum class Act {
    Call,         // send the command, record its reply
    Hidden,       // send the command, wait for its reply, record nothing (HELLO 3, SELECT...)
    Block,        // write the commands in one write; record "blocked" once the server says so
    Send,         // write the commands in one write, record nothing (a wait that may end at once)
    Read,         // record the next reply of an earlier Block or Send
    Quiet,        // record what arrives within QuietMs: nothing while the client is still blocked
    StillBlocked, // record "blocked" if the server says so and nothing arrived, else the reply
    Close,        // disconnect; continue once the server has forgotten the client
    Field,        // send INFO <section>, record the value of one of its lines
};

struct Step
{
    int client;
    Act act;
    QList<QByteArrayList> commands;
    QByteArray field; // Field: the line's name
};
using Scenario = QList<Step>;

Step call(int client, QByteArrayList command)
{
    return { client, Act::Call, { std::move(command) }, {} };
}
Step hidden(int client, QByteArrayList command)
{
    return { client, Act::Hidden, { std::move(command) }, {} };
}
Step block(int client, QByteArrayList command)
{
    return { client, Act::Block, { std::move(command) }, {} };
}
// Several commands in one write, the first of which blocks.
Step blockPipeline(int client, QList<QByteArrayList> commands)
{
    return { client, Act::Block, std::move(commands), {} };
}
Step send(int client, QList<QByteArrayList> commands)
{
    return { client, Act::Send, std::move(commands), {} };
}
// Waits until the client (whose pending request is a blocking command) is blocked again.
Step blocked(int client)
{
    return { client, Act::Block, {}, {} };
}
Step read(int client)
{
    return { client, Act::Read, {}, {} };
}
Step quiet(int client)
{
    return { client, Act::Quiet, {}, {} };
}
Step stillBlocked(int client)
{
    return { client, Act::StillBlocked, {}, {} };
}
Step close(int client)
{
    return { client, Act::Close, {}, {} };
}
Step field(int client, QByteArray section, QByteArray name)
{
    return { client, Act::Field, { { "INFO", std::move(section) } }, std::move(name) };
}
Step blockedClients(int client)
{
    return field(client, "clients", "blocked_clients");
}

// The same scenario with every client speaking RESP3.
Scenario resp3(const Scenario &scenario)
{
    Scenario out;
    for (int i = 0; i < Clients; ++i)
        out << hidden(i, { "HELLO", "3" });
    return out + scenario;
}

// A test's connection: requests written whole (several in one write for pipelines), replies
// read one at a time with a deadline.
class Peer
{
public:
    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return m_socket.waitForConnected(ReplyMs);
    }
    void write(const QList<QByteArrayList> &commands)
    {
        QByteArray out;
        for (const QByteArrayList &command : commands)
            out += RespFrame::request(command);
        m_socket.write(out);
        m_socket.flush();
    }
    // The next whole reply, or a null QByteArray if none comes within timeoutMs.
    QByteArray read(int timeoutMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        qsizetype end = -1;
        while ((end = RespFrame::replyEnd(m_buffer, 0)) < 0) {
            // A timeout of 0 still polls the socket once.
            const bool ready = m_socket.waitForReadyRead(int(deadline.remainingTime()));
            m_buffer += m_socket.readAll();
            if (!ready && RespFrame::replyEnd(m_buffer, 0) < 0
                && (deadline.hasExpired() || m_socket.state() != QAbstractSocket::ConnectedState))
                return QByteArray();
        }
        const QByteArray reply = m_buffer.left(end);
        m_buffer.remove(0, end);
        return reply;
    }
    QByteArray call(const QByteArrayList &command)
    {
        write({ command });
        return read(ReplyMs);
    }
    void close() { m_socket.disconnectFromHost(); }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

// The value of INFO's `name:value` line; commandstats' timings (which differ by nature) are
// left out, keeping calls, rejected_calls and failed_calls.
QByteArray infoField(const QByteArray &info, const QByteArray &name)
{
    const qsizetype at = info.indexOf(QByteArray("\r\n" + name + ':'));
    if (at < 0)
        return "<no " + name + '>';
    const qsizetype start = at + 2 + name.size() + 1;
    QByteArray value = info.mid(start, info.indexOf("\r\n", start) - start);
    static const QRegularExpression timings(QStringLiteral("usec(_per_call)?=[^,]*,"));
    return QString::fromLatin1(value).remove(timings).toLatin1();
}

// The flags= of the client's CLIENT LIST line; empty when the server does not know it.
QByteArray clientFlags(Peer &control, const QByteArray &id)
{
    const QByteArray list = control.call({ "CLIENT", "LIST", "ID", id });
    const qsizetype at = list.indexOf(" flags=");
    if (at < 0 || !list.contains(QByteArray("id=" + id + ' ')))
        return QByteArray();
    const qsizetype start = at + 7;
    return list.mid(start, list.indexOf(' ', start) - start);
}

// Polls done() until it holds, quickly at first, then backing off to spare a loaded machine.
bool waitFor(const std::function<bool()> &done)
{
    const QDeadlineTimer deadline(WaitMs);
    for (unsigned long pause = 100; !deadline.hasExpired(); pause = qMin(pause * 2, 10000UL)) {
        if (done())
            return true;
        QThread::usleep(pause);
    }
    return false;
}

QByteArray label(int client, const QList<QByteArrayList> &commands)
{
    QByteArrayList parts;
    for (const QByteArrayList &command : commands)
        parts << command.join(' ');
    return QByteArray::number(client) + "> " + parts.join(" | ");
}

// Runs the scenario on a server and returns one labelled entry per recorded step.
QByteArrayList transcript(quint16 port, const Scenario &scenario)
{
    Peer control;
    std::array<Peer, Clients> peers;
    std::array<QByteArray, Clients> ids;
    if (!control.connectTo(port) || control.call({ "FLUSHALL" }) != "+OK\r\n")
        return { "<control connection failed>" };
    for (int i = 0; i < Clients; ++i) {
        if (!peers[size_t(i)].connectTo(port))
            return { "<connect failed>" };
        const QByteArray id = peers[size_t(i)].call({ "CLIENT", "ID" });
        ids[size_t(i)] = id.mid(1, id.indexOf('\r') - 1);
    }
    // "$id2" stands for client 2's id, which differs between the servers.
    auto withIds = [&](QByteArrayList command) {
        for (QByteArray &arg : command) {
            if (arg.startsWith("$id"))
                arg = ids[size_t(arg.mid(3).toInt())];
        }
        return command;
    };
    auto withIdsAll = [&](const QList<QByteArrayList> &commands) {
        QList<QByteArrayList> out;
        for (const QByteArrayList &command : commands)
            out << withIds(command);
        return out;
    };
    auto orNone = [](const QByteArray &reply) {
        return reply.isNull() ? QByteArray("<no reply>") : reply;
    };

    QByteArrayList entries;
    for (const Step &step : scenario) {
        Peer &peer = peers[size_t(step.client)];
        const QByteArray &id = ids[size_t(step.client)];
        const QByteArray name = label(step.client, step.commands);
        switch (step.act) {
        case Act::Call:
            entries << name + " -> " + orNone(peer.call(withIds(step.commands.first())));
            break;
        case Act::Hidden:
            if (peer.call(withIds(step.commands.first())).isNull())
                entries << name + " -> <no reply>";
            break;
        case Act::Block: {
            if (!step.commands.isEmpty())
                peer.write(withIdsAll(step.commands));
            QByteArray outcome = "<neither blocked nor replied>";
            waitFor([&] {
                if (clientFlags(control, id).contains('b')) {
                    outcome = "blocked";
                    return true;
                }
                const QByteArray reply = peer.read(0);
                if (!reply.isNull())
                    outcome = "replied " + reply;
                return !reply.isNull();
            });
            entries << name + " -> " + outcome;
            break;
        }
        case Act::Send: peer.write(withIdsAll(step.commands)); break;
        case Act::Read: entries << name + "read -> " + orNone(peer.read(ReplyMs)); break;
        case Act::StillBlocked: {
            // The command that would have served the client has been answered, so the server
            // is done serving: its word is final, no waiting needed.
            const bool blocked = clientFlags(control, id).contains('b');
            const QByteArray reply = peer.read(blocked ? 0 : QuietMs);
            entries << name + "still blocked -> "
                            + (reply.isNull() ? QByteArray(blocked ? "blocked" : "<not blocked>")
                                              : reply);
            break;
        }
        case Act::Quiet: entries << name + "quiet -> " + orNone(peer.read(QuietMs)); break;
        case Act::Close:
            peer.close();
            if (!waitFor([&] { return clientFlags(control, id).isEmpty(); }))
                entries << name + "close -> <still connected>";
            break;
        case Act::Field: {
            const QByteArray info = peer.call(step.commands.first());
            entries << name + ' ' + step.field + " -> " + infoField(info, step.field);
            break;
        }
        }
    }
    // Nobody may stay blocked into the next scenario (nor its INFO counts).
    for (Peer &peer : peers)
        peer.close();
    if (!waitFor([&] {
            return infoField(control.call({ "INFO", "clients" }), "blocked_clients") == "0";
        }))
        entries << "<clients still blocked after the scenario>";
    return entries;
}

} // namespace

class TestBlocking : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void scenario_data();
    void scenario();

private:
    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestBlocking::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

void TestBlocking::scenario_data()
{
    QTest::addColumn<Scenario>("scenario");

    // --- BLPOP / BRPOP served at once or woken by a push ---
    QTest::newRow("blpop brpop on a non-empty list") << Scenario {
        call(0, { "RPUSH", "k", "a", "b", "c" }),
        call(1, { "BLPOP", "k", "0" }),
        call(1, { "BRPOP", "k", "0" }),
        call(1, { "BLPOP", "k", "0" }),
        call(0, { "EXISTS", "k" }),
    };
    QTest::newRow("blpop first non-empty of several keys") << Scenario {
        call(0, { "RPUSH", "k2", "x" }),
        call(0, { "RPUSH", "k3", "y" }),
        call(1, { "BLPOP", "k1", "k2", "k3", "0" }),
        call(1, { "BRPOP", "k1", "k2", "k3", "0" }),
    };
    QTest::newRow("blpop same key twice at once") << Scenario {
        call(0, { "RPUSH", "k", "a", "b" }),
        call(1, { "BLPOP", "k", "k", "0" }),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };
    QTest::newRow("blpop wrong type at once") << Scenario {
        call(0, { "SET", "s", "v" }),
        call(0, { "RPUSH", "k", "a", "b" }),
        call(1, { "BLPOP", "missing", "s", "k", "0" }),
        call(1, { "BLPOP", "k", "s", "0" }),
        call(1, { "BLMOVE", "s", "d", "LEFT", "LEFT", "0" }),
        call(1, { "BZPOPMIN", "k", "0" }),
    };
    QTest::newRow("blpop woken by lpush") << Scenario {
        block(1, { "BLPOP", "k", "0" }), blockedClients(0), call(0, { "LPUSH", "k", "a" }), read(1),
        call(0, { "EXISTS", "k" }),      blockedClients(0),
    };
    QTest::newRow("brpop woken by rpush of several") << Scenario {
        block(1, { "BRPOP", "k", "0" }),
        call(0, { "RPUSH", "k", "a", "b", "c" }),
        read(1),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };
    QTest::newRow("blpop second key gets data") << Scenario {
        block(1, { "BLPOP", "k1", "k2", "k3", "0" }),
        call(0, { "RPUSH", "k2", "x" }),
        read(1),
        call(0, { "RPUSH", "k1", "y" }),
        call(0, { "LRANGE", "k1", "0", "-1" }),
    };
    QTest::newRow("blpop same key twice woken") << Scenario {
        block(1, { "BLPOP", "k", "k", "0" }),
        blockedClients(0),
        call(0, { "RPUSH", "k", "a", "b" }),
        read(1),
        stillBlocked(1),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };
    QTest::newRow("lpushx rpushx linsert on a missing key do not wake") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "LPUSHX", "k", "a" }),
        call(0, { "RPUSHX", "k", "a" }),
        call(0, { "LINSERT", "k", "BEFORE", "x", "a" }),
        stillBlocked(1),
        call(0, { "RPUSH", "k", "b" }),
        read(1),
    };

    // --- wake order ---
    QTest::newRow("wake order a b then c") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        block(2, { "BLPOP", "k", "0" }),
        block(3, { "BLPOP", "k", "0" }),
        call(0, { "LPUSH", "k", "x", "y" }),
        read(1),
        read(2),
        stillBlocked(3),
        blockedClients(0),
        call(0, { "EXISTS", "k" }),
        call(0, { "RPUSH", "k", "z" }),
        read(3),
        blockedClients(0),
    };
    QTest::newRow("wake order mixed ends") << Scenario {
        block(1, { "BRPOP", "k", "0" }),
        block(2, { "BLPOP", "k", "0" }),
        call(0, { "RPUSH", "k", "a", "b", "c" }),
        read(1),
        read(2),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };
    QTest::newRow("one push serves waiters of several keys") << Scenario {
        block(1, { "BLPOP", "k1", "0" }),
        block(2, { "BLPOP", "k2", "k1", "0" }),
        block(3, { "BLPOP", "k3", "0" }),
        call(0, { "RPUSH", "k1", "a", "b", "c" }),
        read(1),
        read(2),
        stillBlocked(3),
        call(0, { "LRANGE", "k1", "0", "-1" }),
        call(0, { "RPUSH", "k3", "d" }),
        read(3),
    };
    QTest::newRow("bzpopmin wake order") << Scenario {
        block(1, { "BZPOPMIN", "z", "0" }),
        block(2, { "BZPOPMAX", "z", "0" }),
        block(3, { "BZPOPMIN", "z", "0" }),
        call(0, { "ZADD", "z", "1", "a", "2", "b" }),
        read(1),
        read(2),
        stillBlocked(3),
        call(0, { "ZADD", "z", "3", "c" }),
        read(3),
    };

    // --- transactions ---
    QTest::newRow("push inside multi wakes after exec") << Scenario {
        block(1, { "BLPOP", "k1", "0" }),
        block(2, { "BRPOP", "k2", "0" }),
        call(0, { "MULTI" }),
        call(0, { "RPUSH", "k1", "a" }),
        call(0, { "RPUSH", "k2", "b", "c" }),
        stillBlocked(1),
        stillBlocked(2),
        call(0, { "EXEC" }),
        read(1),
        read(2),
        call(0, { "LRANGE", "k2", "0", "-1" }),
    };
    QTest::newRow("push then pop inside multi leaves waiter blocked") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "MULTI" }),
        call(0, { "LPUSH", "k", "a" }),
        call(0, { "LPOP", "k" }),
        call(0, { "EXEC" }),
        stillBlocked(1),
        blockedClients(0),
        call(0, { "RPUSH", "k", "z" }),
        read(1),
    };
    QTest::newRow("push del push inside multi") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "MULTI" }),
        call(0, { "RPUSH", "k", "a" }),
        call(0, { "DEL", "k" }),
        call(0, { "RPUSH", "k", "b" }),
        call(0, { "EXEC" }),
        read(1),
        call(0, { "EXISTS", "k" }),
    };
    QTest::newRow("push inside discarded multi") << Scenario {
        block(1, { "BLPOP", "k", "0" }), call(0, { "MULTI" }), call(0, { "RPUSH", "k", "a" }),
        call(0, { "DISCARD" }),          stillBlocked(1),      blockedClients(0),
    };
    // Ready keys are served in the order they were signalled, not in the waiter's key order.
    QTest::newRow("keys pushed inside multi served in push order") << Scenario {
        block(1, { "BLPOP", "k1", "k2", "0" }),
        block(2, { "BLPOP", "k2", "0" }),
        block(3, { "BLPOP", "k1", "0" }),
        call(0, { "MULTI" }),
        call(0, { "RPUSH", "k2", "x" }),
        call(0, { "RPUSH", "k1", "y" }),
        call(0, { "EXEC" }),
        read(1),
        read(3),
        stillBlocked(2),
        call(0, { "EXISTS", "k1", "k2" }),
    };
    const Scenario insideMulti {
        call(0, { "MULTI" }),
        call(0, { "BLPOP", "k", "0" }),
        call(0, { "BRPOP", "k", "k2", "0" }),
        call(0, { "BLMOVE", "k", "d", "LEFT", "RIGHT", "0" }),
        call(0, { "BRPOPLPUSH", "k", "d", "0" }),
        call(0, { "BLMPOP", "0", "1", "k", "LEFT" }),
        call(0, { "BZPOPMIN", "z", "0" }),
        call(0, { "BZPOPMAX", "z", "0" }),
        call(0, { "BZMPOP", "0", "1", "z", "MIN" }),
        call(0, { "EXEC" }),
        blockedClients(1),
    };
    QTest::newRow("blocking commands inside multi on missing keys") << insideMulti;
    QTest::newRow("blocking commands inside multi on missing keys resp3") << resp3(insideMulti);
    QTest::newRow("blocking commands inside multi with data") << Scenario {
        call(0, { "RPUSH", "k", "a", "b" }),
        call(0, { "ZADD", "z", "1", "m" }),
        call(0, { "MULTI" }),
        call(0, { "BLPOP", "k", "0" }),
        call(0, { "BLMOVE", "k", "d", "LEFT", "RIGHT", "0" }),
        call(0, { "BLPOP", "k", "0" }),
        call(0, { "BZPOPMIN", "z", "0" }),
        call(0, { "BZPOPMIN", "z", "0" }),
        call(0, { "EXEC" }),
        call(0, { "LRANGE", "d", "0", "-1" }),
    };
    QTest::newRow("blocking command inside multi with bad timeout") << Scenario {
        call(0, { "MULTI" }),
        call(0, { "BLPOP", "k", "-1" }),
        call(0, { "BLPOP", "k", "abc" }),
        call(0, { "EXEC" }),
    };

    // --- timeouts ---
    QTest::newRow("blpop timeout") << Scenario {
        call(1, { "BLPOP", "k", "0.1" }),
        call(1, { "BRPOP", "k1", "k2", "0.05" }),
        call(1, { "BLPOP", "k", "0.0001" }),
        blockedClients(0),
    };
    QTest::newRow("blpop timeout resp3") << resp3({ call(1, { "BLPOP", "k", "0.1" }) });
    QTest::newRow("blmove brpoplpush timeout") << Scenario {
        call(1, { "BLMOVE", "a", "b", "LEFT", "RIGHT", "0.05" }),
        call(1, { "BRPOPLPUSH", "a", "b", "0.05" }),
        call(0, { "EXISTS", "a", "b" }),
    };
    QTest::newRow("blmove brpoplpush timeout resp3") << resp3({
            call(1, { "BLMOVE", "a", "b", "LEFT", "RIGHT", "0.05" }),
            call(1, { "BRPOPLPUSH", "a", "b", "0.05" }),
    });
    const Scenario zsetAndMpopTimeouts {
        call(1, { "BLMPOP", "0.05", "2", "a", "b", "LEFT", "COUNT", "3" }),
        call(1, { "BZPOPMIN", "z", "0.05" }),
        call(1, { "BZPOPMAX", "z", "0.05" }),
        call(1, { "BZMPOP", "0.05", "1", "z", "MAX" }),
    };
    QTest::newRow("blmpop bzpop bzmpop timeout") << zsetAndMpopTimeouts;
    QTest::newRow("blmpop bzpop bzmpop timeout resp3") << resp3(zsetAndMpopTimeouts);
    QTest::newRow("woken before the timeout") << Scenario {
        block(1, { "BLPOP", "k", "10" }),
        field(0, "clients", "clients_in_timeout_table"),
        call(0, { "RPUSH", "k", "a" }),
        read(1),
        field(0, "clients", "clients_in_timeout_table"),
        block(2, { "BLPOP", "k", "0" }),
        field(0, "clients", "clients_in_timeout_table"),
    };
    QTest::newRow("a served wait's timeout does not end the next wait") << Scenario {
        block(1, { "BLPOP", "k", "0.5" }),
        call(0, { "RPUSH", "k", "a" }),
        read(1),
        block(1, { "BLPOP", "k2", "0" }),
        quiet(1),
        quiet(1),
        quiet(1),
        quiet(1),
        quiet(1),
        quiet(1),
        blockedClients(0),
        field(0, "clients", "clients_in_timeout_table"),
    };
    QTest::newRow("the earlier timeout first") << Scenario {
        block(1, { "BLPOP", "k", "1" }),
        send(2, { { "BLPOP", "k", "0.05" } }),
        read(2),
        stillBlocked(1),
        read(1),
    };
    // Bad timeouts, for each blocking command.
    const QList<QByteArrayList> badTimeoutCommands {
        { "BLPOP", "k", "T" },
        { "BRPOP", "k", "T" },
        { "BLMOVE", "a", "b", "LEFT", "RIGHT", "T" },
        { "BRPOPLPUSH", "a", "b", "T" },
        { "BLMPOP", "T", "1", "k", "LEFT" },
        { "BZPOPMIN", "z", "T" },
        { "BZPOPMAX", "z", "T" },
        { "BZMPOP", "T", "1", "z", "MIN" },
    };
    for (const QByteArray timeout :
         { "-1", "abc", "1e100", "inf", "-inf", "nan", "", "1e", "-0.01", " 1", "1 " }) {
        Scenario bad;
        for (QByteArrayList command : badTimeoutCommands) {
            command.replace(command.indexOf("T"), timeout);
            bad << call(1, command);
        }
        QTest::addRow("bad timeout '%s'", timeout.constData()) << bad;
    }
    // The timeout is checked first (BLPOP...) or after the other arguments (BLMPOP, BZMPOP).
    QTest::newRow("bad timeout and other errors") << Scenario {
        call(0, { "SET", "s", "v" }),
        call(1, { "BLPOP", "s", "-1" }),
        call(1, { "BLMOVE", "s", "d", "LEFT", "RIGHT", "-1" }),
        call(1, { "BLMOVE", "k", "d", "MIDDLE", "RIGHT", "-1" }),
        call(1, { "BLMPOP", "-1", "0", "k", "LEFT" }),
        call(1, { "BLMPOP", "-1", "1", "k", "MIDDLE" }),
        call(1, { "BLMPOP", "-1", "1", "k", "LEFT", "COUNT", "0" }),
        call(1, { "BLMPOP", "-1", "2", "k", "LEFT" }),
        call(1, { "BLMPOP", "abc", "1", "k", "LEFT" }),
        call(1, { "BZMPOP", "-1", "1", "z", "LEFT" }),
        call(1, { "BZMPOP", "0", "1", "z", "MIN", "COUNT", "-1" }),
        call(1, { "BZMPOP", "abc", "1", "s", "MIN" }),
        call(1, { "BZMPOP", "0", "1", "s", "MIN" }),
    };

    // --- BLMOVE / BRPOPLPUSH ---
    QTest::newRow("blmove woken creates the destination") << Scenario {
        block(1, { "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0" }),
        call(0, { "RPUSH", "src", "a", "b" }),
        read(1),
        call(0, { "LRANGE", "src", "0", "-1" }),
        call(0, { "LRANGE", "dst", "0", "-1" }),
    };
    QTest::newRow("brpoplpush woken onto an existing list") << Scenario {
        call(0, { "RPUSH", "dst", "x" }),        block(1, { "BRPOPLPUSH", "src", "dst", "0" }),
        call(0, { "RPUSH", "src", "a", "b" }),   read(1),
        call(0, { "LRANGE", "src", "0", "-1" }), call(0, { "LRANGE", "dst", "0", "-1" }),
    };
    QTest::newRow("blmove destination of wrong type at wake") << Scenario {
        block(1, { "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0" }),
        call(0, { "SET", "dst", "s" }),
        call(0, { "RPUSH", "src", "a" }),
        read(1),
        blockedClients(0),
        call(0, { "LRANGE", "src", "0", "-1" }),
    };
    QTest::newRow("blmove destination of wrong type, next waiter served") << Scenario {
        block(1, { "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0" }),
        block(2, { "BLPOP", "src", "0" }),
        call(0, { "ZADD", "dst", "1", "m" }),
        call(0, { "RPUSH", "src", "a" }),
        read(1),
        read(2),
        call(0, { "EXISTS", "src" }),
    };
    QTest::newRow("chained blmove") << Scenario {
        block(1, { "BLMOVE", "a", "b", "LEFT", "RIGHT", "0" }),
        block(2, { "BLPOP", "b", "0" }),
        call(0, { "RPUSH", "a", "x" }),
        read(1),
        read(2),
        call(0, { "EXISTS", "a", "b" }),
    };
    QTest::newRow("chained blmove three deep") << Scenario {
        block(1, { "BRPOPLPUSH", "a", "b", "0" }),
        block(2, { "BLMOVE", "b", "c", "RIGHT", "LEFT", "0" }),
        block(3, { "BRPOP", "c", "0" }),
        call(0, { "RPUSH", "a", "x", "y" }),
        read(1),
        read(2),
        read(3),
        call(0, { "LRANGE", "a", "0", "-1" }),
        call(0, { "EXISTS", "b", "c" }),
    };
    QTest::newRow("circular blmove") << Scenario {
        block(1, { "BLMOVE", "a", "b", "LEFT", "RIGHT", "0" }),
        block(2, { "BLMOVE", "b", "a", "LEFT", "RIGHT", "0" }),
        call(0, { "RPUSH", "a", "x" }),
        read(1),
        read(2),
        call(0, { "LRANGE", "a", "0", "-1" }),
        call(0, { "EXISTS", "b" }),
    };
    QTest::newRow("blmove rotation woken") << Scenario {
        block(1, { "BLMOVE", "k", "k", "LEFT", "RIGHT", "0" }),
        block(2, { "BLPOP", "k", "0" }),
        call(0, { "RPUSH", "k", "a" }),
        read(1),
        read(2),
        call(0, { "EXISTS", "k" }),
    };
    QTest::newRow("blmove woken resp3") << resp3({
            block(1, { "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0" }),
            call(0, { "RPUSH", "src", "a" }),
            read(1),
            call(0, { "LRANGE", "dst", "0", "-1" }),
    });

    // --- BLMPOP and the sorted-set pops ---
    QTest::newRow("blmpop count woken") << Scenario {
        block(1, { "BLMPOP", "0", "2", "k1", "k2", "LEFT", "COUNT", "2" }),
        call(0, { "RPUSH", "k2", "a", "b", "c" }),
        read(1),
        call(0, { "LRANGE", "k2", "0", "-1" }),
        block(1, { "BLMPOP", "0", "1", "k", "RIGHT", "COUNT", "5" }),
        call(0, { "RPUSH", "k", "a", "b" }),
        read(1),
        call(0, { "EXISTS", "k" }),
    };
    QTest::newRow("blmpop woken resp3") << resp3({
            block(1, { "BLMPOP", "0", "1", "k", "LEFT", "COUNT", "2" }),
            call(0, { "RPUSH", "k", "a", "b", "c" }),
            read(1),
            block(1, { "BLPOP", "k2", "0" }),
            call(0, { "RPUSH", "k2", "a" }),
            read(1),
            call(1, { "BLMPOP", "0", "1", "k", "RIGHT" }),
    });
    const Scenario zsetWoken {
        block(1, { "BZPOPMIN", "z", "0" }),
        call(0, { "ZADD", "z", "2", "b", "1", "a", "3", "c" }),
        read(1),
        block(1, { "BZPOPMAX", "z1", "z2", "0" }),
        call(0, { "ZADD", "z2", "1.5", "a", "2.5", "b" }),
        read(1),
        block(1, { "BZMPOP", "0", "2", "z3", "z4", "MAX", "COUNT", "2" }),
        call(0, { "ZADD", "z4", "1", "a", "2", "b", "3", "c" }),
        read(1),
        block(1, { "BZMPOP", "0", "1", "z5", "MIN", "COUNT", "9" }),
        call(0, { "ZADD", "z5", "INCR", "-inf", "m" }),
        read(1),
        call(0, { "ZRANGE", "z", "0", "-1", "WITHSCORES" }),
        call(1, { "BZPOPMIN", "z", "0" }),
        call(1, { "BZMPOP", "0", "1", "z4", "MIN" }),
    };
    QTest::newRow("bzpopmin bzpopmax bzmpop woken by zadd") << zsetWoken;
    QTest::newRow("bzpopmin bzpopmax bzmpop woken by zadd resp3") << resp3(zsetWoken);
    QTest::newRow("bzpopmin woken by zincrby zunionstore") << Scenario {
        block(1, { "BZPOPMIN", "z", "0" }),
        call(0, { "ZINCRBY", "z", "5", "m" }),
        read(1),
        call(0, { "ZADD", "src", "1", "a" }),
        block(1, { "BZPOPMAX", "dst", "0" }),
        call(0, { "ZUNIONSTORE", "dst", "1", "src" }),
        read(1),
    };

    // --- keys of the wrong type for the waiter ---
    QTest::newRow("key of wrong type keeps blpop blocked") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "ZADD", "k", "1", "m" }),
        stillBlocked(1),
        call(0, { "DEL", "k" }),
        call(0, { "SET", "k", "s" }),
        stillBlocked(1),
        call(0, { "DEL", "k" }),
        call(0, { "SADD", "k", "m" }),
        call(0, { "DEL", "k" }),
        call(0, { "HSET", "k", "f", "v" }),
        stillBlocked(1),
        blockedClients(0),
        call(0, { "DEL", "k" }),
        call(0, { "RPUSH", "k", "a" }),
        read(1),
    };
    QTest::newRow("list push keeps bzpopmin blocked") << Scenario {
        block(1, { "BZPOPMIN", "k", "0" }),
        call(0, { "RPUSH", "k", "a" }),
        stillBlocked(1),
        call(0, { "DEL", "k" }),
        call(0, { "ZADD", "k", "1", "m" }),
        read(1),
    };
    QTest::newRow("zset waiter first, list waiter served") << Scenario {
        block(1, { "BZPOPMAX", "k", "0" }),
        block(2, { "BRPOP", "k", "0" }),
        call(0, { "RPUSH", "k", "a", "b" }),
        read(2),
        stillBlocked(1),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };
    QTest::newRow("blmpop takes all, next waiter stays blocked") << Scenario {
        block(1, { "BLMPOP", "0", "1", "k", "RIGHT", "COUNT", "10" }),
        block(2, { "BLPOP", "k", "0" }),
        call(0, { "RPUSH", "k", "a", "b", "c" }),
        read(1),
        stillBlocked(2),
        call(0, { "EXISTS", "k" }),
    };
    QTest::newRow("list and zset waiters on one key") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        block(2, { "BZPOPMIN", "k", "0" }),
        call(0, { "ZADD", "k", "1", "m" }),
        read(2),
        stillBlocked(1),
        call(0, { "RPUSH", "k", "a" }),
        read(1),
    };
    QTest::newRow("string replaced by a list") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "SET", "k", "s" }),
        call(0, { "RPUSH", "src", "a" }),
        call(0, { "RENAME", "src", "k" }),
        read(1),
    };
    QTest::newRow("zset replaced by a list waits for the list to be created again") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "ZADD", "k", "1", "m" }),
        call(0, { "RPUSH", "src", "3", "1", "2" }),
        call(0, { "SORT", "src", "STORE", "k" }),
        stillBlocked(1),
        call(0, { "TYPE", "k" }),
        call(0, { "RPUSH", "k", "4" }),
        stillBlocked(1),
        call(0, { "DEL", "k" }),
        call(0, { "RPUSH", "k", "5" }),
        read(1),
    };
    QTest::newRow("sort store creates the waited list") << Scenario {
        block(1, { "BLPOP", "k", "0" }),          call(0, { "RPUSH", "src", "3", "1", "2" }),
        call(0, { "SORT", "src", "STORE", "k" }), read(1),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };

    // --- CLIENT UNBLOCK ---
    QTest::newRow("client unblock blpop") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1" }),
        read(1),
        call(0, { "CLIENT", "UNBLOCK", "$id1" }),
        call(0, { "RPUSH", "k", "a" }),
        stillBlocked(1),
        call(0, { "LLEN", "k" }),
        blockedClients(0),
    };
    // WAIT on a primary with no replica: it waits for its timeout, or CLIENT UNBLOCK.
    QTest::newRow("wait for replicas") << Scenario {
        call(0, { "CONFIG", "RESETSTAT" }),
        block(1, { "WAIT", "1", "0" }),
        call(0, { "SET", "k", "v" }),
        stillBlocked(1),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "TIMEOUT" }),
        read(1),
        block(1, { "WAIT", "2", "0" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "ERROR" }),
        read(1),
        blockPipeline(2, { { "WAIT", "1", "0" }, { "PING" } }),
        call(0, { "CLIENT", "UNBLOCK", "$id2" }),
        read(2),
        read(2),
        call(1, { "WAIT", "1", "20" }),
        blockedClients(0),
        field(0, "commandstats", "cmdstat_wait"),
        field(0, "errorstats", "errorstat_UNBLOCKED"),
    };
    QTest::newRow("client unblock timeout and error") << Scenario {
        call(0, { "CONFIG", "RESETSTAT" }),
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "TIMEOUT" }),
        read(1),
        block(1, { "BRPOP", "k", "0" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "ERROR" }),
        read(1),
        block(1, { "BLMOVE", "k", "d", "LEFT", "LEFT", "0" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "error" }),
        read(1),
        block(1, { "BZPOPMIN", "z", "0" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "timeout" }),
        read(1),
        block(1, { "BZMPOP", "0", "1", "z", "MIN" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1" }),
        read(1),
        block(1, { "BLMPOP", "0", "1", "k", "LEFT" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "ERROR" }),
        read(1),
        field(0, "errorstats", "errorstat_UNBLOCKED"),
        field(0, "stats", "total_error_replies"),
        field(0, "commandstats", "cmdstat_brpop"),
        field(0, "commandstats", "cmdstat_blpop"),
    };
    QTest::newRow("client unblock resp3") << resp3({
            block(1, { "BLPOP", "k", "0" }),
            call(0, { "CLIENT", "UNBLOCK", "$id1" }),
            read(1),
            block(1, { "BLMOVE", "k", "d", "LEFT", "LEFT", "0" }),
            call(0, { "CLIENT", "UNBLOCK", "$id1" }),
            read(1),
            block(1, { "BLPOP", "k", "0" }),
            call(0, { "CLIENT", "UNBLOCK", "$id1", "ERROR" }),
            read(1),
    });
    QTest::newRow("client unblock a client with a timeout") << Scenario {
        block(1, { "BLPOP", "k", "100" }),
        field(0, "clients", "clients_in_timeout_table"),
        call(0, { "CLIENT", "UNBLOCK", "$id1" }),
        read(1),
        field(0, "clients", "clients_in_timeout_table"),
        blockedClients(0),
    };
    QTest::newRow("client unblock a client that is not blocked") << Scenario {
        call(0, { "CLIENT", "UNBLOCK", "$id1" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "ERROR" }),
        call(0, { "CLIENT", "UNBLOCK", "$id0" }),
        call(0, { "CLIENT", "UNBLOCK", "999999" }),
        call(0, { "CLIENT", "UNBLOCK", "-1" }),
        call(0, { "CLIENT", "UNBLOCK", "abc" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "FOO" }),
        call(0, { "CLIENT", "UNBLOCK", "abc", "FOO" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "ERROR", "x" }),
        call(0, { "CLIENT", "UNBLOCK" }),
        call(1, { "PING" }),
    };
    QTest::newRow("client unblock one of two waiters") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        block(2, { "BLPOP", "k", "0" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1" }),
        read(1),
        call(0, { "RPUSH", "k", "a" }),
        read(2),
        stillBlocked(1),
    };
    QTest::newRow("client unblock runs the pipelined commands") << Scenario {
        blockPipeline(1, { { "BLPOP", "k", "0" }, { "RPUSH", "k2", "x" }, { "PING" } }),
        call(0, { "EXISTS", "k2" }),
        call(0, { "CLIENT", "UNBLOCK", "$id1", "ERROR" }),
        read(1),
        read(1),
        read(1),
        call(0, { "LRANGE", "k2", "0", "-1" }),
    };

    // --- a blocked client disconnecting ---
    QTest::newRow("blocked client disconnects, next waiter served") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        block(2, { "BLPOP", "k", "0" }),
        blockedClients(0),
        close(1),
        blockedClients(0),
        call(0, { "RPUSH", "k", "a" }),
        read(2),
        call(0, { "LLEN", "k" }),
        blockedClients(0),
    };
    QTest::newRow("only waiter disconnects, element kept") << Scenario {
        block(1, { "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0" }),
        block(2, { "BZPOPMIN", "z", "10" }),
        field(0, "clients", "clients_in_timeout_table"),
        close(1),
        close(2),
        blockedClients(0),
        field(0, "clients", "clients_in_timeout_table"),
        call(0, { "RPUSH", "src", "a" }),
        call(0, { "ZADD", "z", "1", "m" }),
        call(0, { "LRANGE", "src", "0", "-1" }),
        call(0, { "EXISTS", "dst" }),
        call(0, { "ZCARD", "z" }),
    };
    QTest::newRow("client kill of a blocked client") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        block(2, { "BLPOP", "k", "0" }),
        call(0, { "CLIENT", "KILL", "ID", "$id1" }),
        read(1),
        blockedClients(0),
        call(0, { "RPUSH", "k", "a" }),
        read(2),
        call(0, { "EXISTS", "k" }),
    };
    QTest::newRow("flushall while blocked") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "FLUSHALL" }),
        call(0, { "FLUSHDB" }),
        stillBlocked(1),
        blockedClients(0),
        call(0, { "RPUSH", "k", "a" }),
        read(1),
    };
    QTest::newRow("middle waiter disconnects") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        block(2, { "BLPOP", "k", "0" }),
        block(3, { "BLPOP", "k", "0" }),
        close(2),
        call(0, { "RPUSH", "k", "a", "b", "c" }),
        read(1),
        read(3),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };

    // --- pipelined commands behind a blocked one ---
    QTest::newRow("pipelined commands run after the wait, in order") << Scenario {
        blockPipeline(
                1,
                { { "BLPOP", "k", "0" }, { "RPUSH", "k2", "x" }, { "LLEN", "k" }, { "GET", "s" } }),
        call(0, { "LLEN", "k2" }),
        call(0, { "SET", "s", "v" }),
        call(0, { "RPUSH", "k", "a", "b" }),
        read(1),
        read(1),
        read(1),
        read(1),
        call(0, { "LRANGE", "k2", "0", "-1" }),
    };
    QTest::newRow("pipelined second blpop queues behind other waiters") << Scenario {
        blockPipeline(1, { { "BLPOP", "k", "0" }, { "BLPOP", "k", "0" } }),
        block(2, { "BLPOP", "k", "0" }),
        call(0, { "RPUSH", "k", "x", "y" }),
        read(1),
        read(2),
        blocked(1),
        call(0, { "RPUSH", "k", "z" }),
        read(1),
    };
    QTest::newRow("pipelined after a timeout") << Scenario {
        send(1, { { "BLPOP", "k", "0.05" }, { "PING" }, { "BRPOP", "k", "0.05" } }),
        read(1),
        read(1),
        read(1),
    };
    QTest::newRow("pipelined multi after a blocked command") << Scenario {
        blockPipeline(1, { { "BLPOP", "k", "0" }, { "MULTI" }, { "BLPOP", "k", "0" }, { "EXEC" } }),
        call(0, { "RPUSH", "k", "a", "b" }),
        read(1),
        read(1),
        read(1),
        read(1),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };

    // --- keys appearing by RENAME, MOVE, SWAPDB, COPY, LMOVE ---
    QTest::newRow("rename makes the waited key appear") << Scenario {
        block(1, { "BLPOP", "k", "0" }),       call(0, { "RPUSH", "src", "a", "b" }),
        call(0, { "RENAME", "src", "k" }),     read(1),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };
    QTest::newRow("renamenx makes the waited key appear") << Scenario {
        block(1, { "BZPOPMIN", "k", "0" }),
        call(0, { "ZADD", "src", "1", "a" }),
        call(0, { "RENAMENX", "src", "k" }),
        read(1),
    };
    QTest::newRow("move to the waiter's database") << Scenario {
        hidden(1, { "SELECT", "1" }),   block(1, { "BLPOP", "k", "0" }),
        call(0, { "RPUSH", "k", "a" }), stillBlocked(1),
        call(0, { "MOVE", "k", "1" }),  read(1),
        call(0, { "SELECT", "1" }),     call(0, { "EXISTS", "k" }),
    };
    QTest::newRow("move away from the waiter's database") << Scenario {
        block(1, { "BLPOP", "k", "0" }), hidden(0, { "SELECT", "1" }),
        call(0, { "RPUSH", "k", "a" }),  stillBlocked(1),
        call(0, { "MOVE", "k", "0" }),   read(1),
    };
    QTest::newRow("swapdb brings the waited key") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        block(2, { "BLPOP", "other", "0" }),
        hidden(0, { "SELECT", "1" }),
        call(0, { "RPUSH", "k", "a", "b" }),
        stillBlocked(1),
        call(0, { "SWAPDB", "0", "1" }),
        read(1),
        stillBlocked(2),
        call(0, { "LRANGE", "k", "0", "-1" }),
        hidden(0, { "SELECT", "0" }),
        call(0, { "LRANGE", "k", "0", "-1" }),
    };
    QTest::newRow("swapdb brings the waited key with the wrong type") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        hidden(0, { "SELECT", "1" }),
        call(0, { "ZADD", "k", "1", "m" }),
        call(0, { "SWAPDB", "1", "0" }),
        stillBlocked(1),
        blockedClients(0),
    };
    QTest::newRow("swapdb of the waiter's database inside multi") << Scenario {
        hidden(1, { "SELECT", "2" }), block(1, { "BZPOPMAX", "z", "0" }),
        hidden(0, { "SELECT", "3" }), call(0, { "ZADD", "z", "1", "a", "2", "b" }),
        call(0, { "MULTI" }),         call(0, { "SWAPDB", "2", "3" }),
        call(0, { "EXEC" }),          read(1),
    };
    QTest::newRow("copy makes the waited key appear") << Scenario {
        block(1, { "BLPOP", "k", "0" }),         call(0, { "RPUSH", "src", "a" }),
        call(0, { "COPY", "src", "k" }),         read(1),
        call(0, { "LRANGE", "src", "0", "-1" }), call(0, { "EXISTS", "k" }),
    };
    QTest::newRow("lmove rpoplpush onto the waited key") << Scenario {
        block(1, { "BLPOP", "k", "0" }),
        call(0, { "RPUSH", "src", "a", "b" }),
        call(0, { "LMOVE", "src", "k", "LEFT", "RIGHT" }),
        read(1),
        block(1, { "BRPOP", "k", "0" }),
        call(0, { "RPOPLPUSH", "src", "k" }),
        read(1),
    };

    // --- statistics ---
    QTest::newRow("commandstats of served and timed-out waits") << Scenario {
        call(0, { "CONFIG", "RESETSTAT" }),
        block(1, { "BLPOP", "k", "0" }),
        field(0, "commandstats", "cmdstat_blpop"),
        call(0, { "RPUSH", "k", "a" }),
        read(1),
        call(1, { "BLPOP", "k", "0.05" }),
        call(1, { "SET", "s", "v" }),
        call(1, { "BLPOP", "s", "0" }),
        call(0, { "MULTI" }),
        call(0, { "BLPOP", "k", "0" }),
        call(0, { "EXEC" }),
        field(0, "commandstats", "cmdstat_blpop"),
        block(1, { "BLMOVE", "src", "s", "LEFT", "LEFT", "0" }),
        call(0, { "RPUSH", "src", "a" }),
        read(1),
        field(0, "commandstats", "cmdstat_blmove"),
        field(0, "commandstats", "cmdstat_exec"),
        field(0, "stats", "total_error_replies"),
    };
    QTest::newRow("commandstats of a waiter that disconnects") << Scenario {
        call(0, { "CONFIG", "RESETSTAT" }),
        block(1, { "BRPOP", "k", "0" }),
        close(1),
        field(0, "commandstats", "cmdstat_brpop"),
        block(2, { "BRPOP", "k", "0" }),
        call(0, { "CLIENT", "UNBLOCK", "$id2" }),
        read(2),
        field(0, "commandstats", "cmdstat_brpop"),
    };

    // ---- XREAD and XREADGROUP (Redis 7.0's serveClientsBlockedOnStreamKey) ----
    QTest::newRow("xread woken by xadd") << Scenario {
        call(0, { "XADD", "s", "1-1", "a", "1" }),
        block(1, { "XREAD", "BLOCK", "0", "STREAMS", "s", "$" }),
        call(0, { "XADD", "s", "1-2", "b", "2" }),
        read(1),
        blockedClients(0),
    };
    const Scenario xreadCreated {
        block(1, { "XREAD", "BLOCK", "0", "STREAMS", "a", "b", "$", "$" }),
        block(2, { "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "b", "0" }),
        call(0, { "XADD", "b", "1-1", "x", "1" }),
        read(1),
        read(2),
    };
    QTest::newRow("xread of missing keys woken by the xadd that creates one") << xreadCreated;
    QTest::newRow("xread woken resp3") << resp3(xreadCreated);
    QTest::newRow("xread waits for an id past its own") << Scenario {
        call(0, { "XADD", "s", "5-0", "a", "1" }),
        block(1, { "XREAD", "BLOCK", "0", "STREAMS", "s", "10-0" }),
        call(0, { "XADD", "s", "6-0", "a", "2" }),
        stillBlocked(1),
        call(0, { "XADD", "s", "11-0", "a", "3" }),
        read(1),
    };
    QTest::newRow("xread count of a woken reader") << Scenario {
        block(1, { "XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "s", "0" }),
        call(0, { "MULTI" }),
        call(0, { "XADD", "s", "1-1", "a", "1" }),
        call(0, { "XADD", "s", "1-2", "a", "2" }),
        call(0, { "XADD", "s", "1-3", "a", "3" }),
        call(0, { "EXEC" }),
        read(1),
    };
    QTest::newRow("xread stays blocked when its stream is deleted") << Scenario {
        call(0, { "XADD", "s", "1-1", "a", "1" }),
        block(1, { "XREAD", "BLOCK", "0", "STREAMS", "s", "$" }),
        call(0, { "DEL", "s" }),
        stillBlocked(1),
        call(0, { "SET", "s", "x" }),
        stillBlocked(1),
        call(0, { "DEL", "s" }),
        call(0, { "XADD", "s", "1-1", "b", "2" }),
        read(1),
    };
    // A timeout whose end is past LLONG_MAX wraps negative in Redis: the client waits for ever.
    QTest::newRow("timeouts past the end of time") << Scenario {
        block(1, { "XREAD", "BLOCK", "9223372036854775000", "STREAMS", "s", "$" }),
        stillBlocked(1),
        call(0, { "XADD", "s", "1-1", "a", "1" }),
        read(1),
        block(1, { "WAIT", "1", "9223372036854775807" }),
        stillBlocked(1),
        call(0, { "CLIENT", "UNBLOCK", "$id1" }),
        read(1),
        block(1, { "BLPOP", "k", "9223372036854775" }),
        stillBlocked(1),
        call(0, { "RPUSH", "k", "a" }),
        read(1),
    };
    QTest::newRow("xread timeout") << Scenario {
        call(1, { "XREAD", "BLOCK", "100", "STREAMS", "s", "$" }),
        call(0, { "XADD", "s", "1-1", "a", "1" }),
        call(1, { "XREAD", "BLOCK", "100", "STREAMS", "s", "$" }),
    };
    QTest::newRow("xread timeout resp3") << resp3({
            call(1, { "XREAD", "BLOCK", "100", "STREAMS", "s", "$" }),
    });
    QTest::newRow("xreadgroup waiters served in turn") << Scenario {
        call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
        block(1, { "XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">" }),
        block(2, { "XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">" }),
        call(0, { "XADD", "s", "1-1", "a", "1" }),
        read(1),
        stillBlocked(2),
        call(0, { "XPENDING", "s", "g" }),
        call(0, { "XADD", "s", "1-2", "a", "2" }),
        read(2),
        call(0, { "XPENDING", "s", "g" }),
        call(0, { "XINFO", "GROUPS", "s" }),
    };
    QTest::newRow("xreadgroup noack woken") << Scenario {
        call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
        block(1, { "XREADGROUP", "GROUP", "g", "c", "NOACK", "BLOCK", "0", "STREAMS", "s", ">" }),
        call(0, { "XADD", "s", "1-1", "a", "1" }),
        read(1),
        call(0, { "XPENDING", "s", "g" }),
        call(0, { "XINFO", "GROUPS", "s" }),
    };
    QTest::newRow("xreadgroup woken resp3") << resp3({
            call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
            block(1, { "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">" }),
            call(0, { "XADD", "s", "1-1", "a", "1" }),
            read(1),
    });
    QTest::newRow("xreadgroup unblocked by del, set and group destroy") << Scenario {
        call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
        block(1, { "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">" }),
        call(0, { "DEL", "s" }),
        read(1),
        call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
        block(1, { "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">" }),
        call(0, { "SET", "s", "x" }),
        read(1),
        call(0, { "DEL", "s" }),
        call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
        block(1, { "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">" }),
        block(2, { "XREAD", "BLOCK", "0", "STREAMS", "s", "$" }),
        call(0, { "XGROUP", "DESTROY", "s", "g" }),
        read(1),
        stillBlocked(2),
        call(0, { "XADD", "s", "1-1", "a", "1" }),
        read(2),
        field(0, "errorstats", "errorstat_NOGROUP"),
        field(0, "errorstats", "errorstat_UNBLOCKED"),
    };
    QTest::newRow("xreadgroup unblocked by flushall and swapdb, xread kept") << Scenario {
        call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
        block(1, { "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">" }),
        block(2, { "XREAD", "BLOCK", "0", "STREAMS", "s", "$" }),
        block(3, { "BLPOP", "s", "0" }),
        call(0, { "FLUSHALL" }),
        read(1),
        stillBlocked(2),
        stillBlocked(3),
        call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
        block(1, { "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">" }),
        call(0, { "SWAPDB", "0", "1" }),
        read(1),
        stillBlocked(2),
        hidden(0, { "SELECT", "1" }),
        call(0, { "XADD", "s", "5-0", "a", "1" }),
        call(0, { "SWAPDB", "0", "1" }),
        read(2),
        blockedClients(0),
    };
    QTest::newRow("xreadgroup timeout and client unblock") << Scenario {
        call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
        call(1, { "XREADGROUP", "GROUP", "g", "c", "BLOCK", "50", "STREAMS", "s", ">" }),
        block(2, { "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">" }),
        call(0, { "CLIENT", "UNBLOCK", "$id2" }),
        read(2),
        block(2, { "XREAD", "BLOCK", "0", "STREAMS", "s", "$" }),
        call(0, { "CLIENT", "UNBLOCK", "$id2", "ERROR" }),
        read(2),
        call(0, { "XINFO", "GROUPS", "s" }),
    };
    QTest::newRow("xreadgroup pipelined after its wait") << Scenario {
        call(0, { "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM" }),
        blockPipeline(1,
                      { { "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">" },
                        { "XPENDING", "s", "g" } }),
        call(0, { "XADD", "s", "1-1", "a", "1" }),
        read(1),
        read(1),
    };
}

void TestBlocking::scenario()
{
    QFETCH(Scenario, scenario);
    const QByteArrayList expected = transcript(m_redis.port(), scenario);
    const QByteArrayList actual = transcript(m_qkv.port(), scenario);
    const QByteArray difference = RespFrame::difference(expected, actual);
    QVERIFY2(difference.isEmpty(), difference.constData());
}

QTEST_GUILESS_MAIN(TestBlocking)
#include "tst_blocking.moc"
