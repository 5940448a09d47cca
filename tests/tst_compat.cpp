// Compatibility: every sequence of tests/compat/*.txt goes to a live redis-server and to
// qkv-server; the raw reply bytes, and whether each server closed the connection, must be
// identical. Format: tests/compat/README.md. Requests too big for a text file (the 64 KiB
// protocol limits, big arguments) are generated in bigRequests().
#include "common/respframe.h"
#include "common/serverprocess.h"
#include "protocol/argsplitter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

namespace {

struct Step
{
    enum class Kind { Command, ShapeOnly, Unordered, Raw, AllReplies } kind;
    QByteArray bytes; // encoded request
    QByteArray text;  // as written in the file
    int group = 1;    // Unordered: elements sorted in runs of this many
    // "@name ": the connection it runs on (empty: the sequence's first one).
    QByteArray connection;
    // The request names client ids ({id:name}); it is encoded when it runs.
    QByteArray command;
    // "& ": the client ids of the sequence's connections in the reply become {id:name}.
    bool namesIds = false;
};

struct Sequence
{
    QString name;
    QList<Step> steps;
};

const QByteArray Sentinel = QByteArrayLiteral("__qkv_compat_sentinel__");
// A reply normally takes well under a millisecond; these only bound a server that stays
// silent (a request it is still waiting to complete), they are not what a test measures.
constexpr int ReplyTimeoutMs = 5000;
constexpr int SilenceTimeoutMs = 2000;

QList<Sequence> loadSequences(QString *error)
{
    QList<Sequence> sequences;
    const QDir dir(QStringLiteral(QKV_SOURCE_DIR "/tests/compat"));
    for (const QString &fileName :
         dir.entryList({ QStringLiteral("*.txt") }, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(fileName));
        if (!file.open(QIODevice::ReadOnly)) {
            *error = fileName + QStringLiteral(": ") + file.errorString();
            return {};
        }
        int lineNumber = 0;
        while (!file.atEnd()) {
            ++lineNumber;
            QByteArray line = file.readLine();
            if (line.endsWith('\n'))
                line.chop(1);
            if (line.trimmed().isEmpty() || line.startsWith('#'))
                continue;
            if (line.startsWith("=== ")) {
                sequences.append(
                        { fileName + QLatin1Char(':') + QString::fromUtf8(line.mid(4)), {} });
                continue;
            }
            if (sequences.isEmpty()) {
                *error = QStringLiteral("%1:%2: request before the first ===")
                                 .arg(fileName)
                                 .arg(lineNumber);
                return {};
            }
            Step step { Step::Kind::Command, {}, line };
            if (line.startsWith('@')) {
                const qsizetype space = line.indexOf(' ');
                step.connection = line.mid(1, space - 1);
                line = line.mid(space + 1);
            }
            if (line.startsWith("& ")) {
                step.namesIds = true;
                line = line.mid(2);
            }
            QByteArray command = line;
            if (line.startsWith("raw: ")) {
                step.kind = Step::Kind::Raw;
                step.bytes = RespFrame::unescape(line.mid(5));
                sequences.last().steps.append(step);
                continue;
            }
            if (line.startsWith("* ")) {
                step.kind = Step::Kind::AllReplies;
                command = line.mid(2);
            } else if (line.startsWith("~ ")) {
                step.kind = Step::Kind::ShapeOnly;
                command = line.mid(2);
            } else if (line.startsWith("^ ") || line.startsWith("^2 ")) {
                step.kind = Step::Kind::Unordered;
                step.group = line.startsWith("^2 ") ? 2 : 1;
                command = line.mid(line.indexOf(' ') + 1);
            }
            QList<QByteArray> args;
            if (!splitInlineArgs(command, &args) || args.isEmpty()) {
                *error = QStringLiteral("%1:%2: cannot split: %3")
                                 .arg(fileName)
                                 .arg(lineNumber)
                                 .arg(QString::fromUtf8(line));
                return {};
            }
            step.bytes = RespFrame::request(args);
            if (command.contains("{id:"))
                step.command = command;
            sequences.last().steps.append(step);
        }
    }
    return sequences;
}

bool flushAll(quint16 port)
{
    QTcpSocket control;
    control.connectToHost(QHostAddress::LocalHost, port);
    if (!control.waitForConnected(ReplyTimeoutMs))
        return false;
    control.write(RespFrame::request({ "FLUSHALL" }));
    QByteArray reply;
    while (!reply.endsWith("\r\n") && control.waitForReadyRead(ReplyTimeoutMs))
        reply += control.readAll();
    return reply == "+OK\r\n";
}

// One connection to one server, reading whole replies.
class Session
{
public:
    explicit Session(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_connected = m_socket.waitForConnected(ReplyTimeoutMs);
        m_closed = !m_connected;
    }

    bool isConnected() const { return m_connected; }
    bool isClosed() const { return m_closed; }
    // The last raw step left the server waiting for the rest of a request.
    bool isWaiting() const { return m_waiting; }

    void write(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.waitForBytesWritten(ReplyTimeoutMs);
    }

    // One reply (any RESP2/RESP3 type, nested aggregates included).
    QByteArray readReply()
    {
        qsizetype end = -1;
        QElapsedTimer timer;
        timer.start();
        while ((end = m_buffer.isEmpty() ? -1 : RespFrame::replyEnd(m_buffer, 0)) < 0 && !m_closed
               && timer.elapsed() < ReplyTimeoutMs)
            readMore(ReplyTimeoutMs);
        if (end < 0)
            return std::exchange(m_buffer, QByteArray()) + (m_closed ? "<closed>" : "<timeout>");
        const QByteArray reply = m_buffer.left(end);
        m_buffer.remove(0, end);
        return reply;
    }

    // Everything the server sends in answer to bytes whose reply count is unknown: an ECHO
    // sentinel follows them, and reading stops at its reply or when the server closes.
    QByteArray exchangeRaw(const QByteArray &bytes)
    {
        static const QByteArray sentinelRequest = RespFrame::request({ "ECHO", Sentinel });
        static const QByteArray sentinelReply
                = "$" + QByteArray::number(Sentinel.size()) + "\r\n" + Sentinel + "\r\n";
        write(bytes + sentinelRequest);
        QElapsedTimer timer;
        timer.start();
        while (!m_buffer.endsWith(sentinelReply) && !m_closed && timer.elapsed() < SilenceTimeoutMs)
            readMore(SilenceTimeoutMs);
        QByteArray received = std::exchange(m_buffer, QByteArray());
        if (received.endsWith(sentinelReply)) {
            received.chop(sentinelReply.size());
        } else if (!m_closed) {
            m_waiting = true;
            received += "<no reply to the sentinel>";
        }
        return received + (m_closed ? "<closed>" : "");
    }

    // Everything the server sends in answer to one command that may reply any number of times
    // (SUBSCRIBE a b c, pushes): a PING sentinel follows it (PING works in subscribed mode too).
    QByteArray exchangeAll(const QByteArray &bytes)
    {
        write(bytes + RespFrame::request({ "PING", Sentinel }));
        QElapsedTimer timer;
        timer.start();
        qsizetype start = -1;
        while ((start = RespFrame::pingReplyStart(m_buffer, Sentinel)) < 0 && !m_closed
               && timer.elapsed() < SilenceTimeoutMs)
            readMore(SilenceTimeoutMs);
        QByteArray received = std::exchange(m_buffer, QByteArray());
        if (start >= 0)
            received.truncate(start);
        else
            received += m_closed ? "<closed>" : "<no reply to the sentinel>";
        return received;
    }

    // Whether the server still answers on this connection at the end of a sequence.
    QByteArray finalState()
    {
        if (m_waiting)
            return QByteArrayLiteral("<end: waiting for the rest of a request>");
        if (!m_closed) {
            const QByteArray rest = exchangeRaw(QByteArray());
            if (!rest.isEmpty())
                return "<end: unexpected " + rest + ">";
        }
        return m_closed ? QByteArrayLiteral("<end: closed>") : QByteArrayLiteral("<end: open>");
    }

private:
    void readMore(int timeoutMs)
    {
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs))
            m_closed = m_closed || m_socket.state() != QAbstractSocket::ConnectedState;
        m_buffer += m_socket.readAll();
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_connected = false;
    bool m_closed = false;
    bool m_waiting = false;
};

// One step on a connection: its transcript entry.
QByteArray runStep(Session &session, const Step &step, const QByteArray &request)
{
    if (session.isClosed())
        return QByteArrayLiteral("<closed>");
    if (session.isWaiting())
        return QByteArrayLiteral("<not sent: server waiting>");
    if (step.kind == Step::Kind::Raw)
        return session.exchangeRaw(request);
    if (step.kind == Step::Kind::AllReplies)
        return session.exchangeAll(request);
    session.write(request);
    const QByteArray reply = session.readReply();
    if (step.kind == Step::Kind::ShapeOnly)
        return RespFrame::shape(reply);
    if (step.kind == Step::Kind::Unordered)
        return RespFrame::sortedElements(reply, step.group);
    return reply;
}

// The connections of one sequence, by name, each opened at its first step. Their client ids
// differ between servers, so requests name them as {id:name} and "& " replies show them so.
class Sessions
{
public:
    Sessions(quint16 port, const Sequence &sequence)
        : m_port(port)
    {
        for (const Step &step : sequence.steps) {
            if (!m_order.contains(step.connection))
                m_order.append(step.connection);
        }
    }

    Session &get(const QByteArray &name)
    {
        std::unique_ptr<Session> &session = m_sessions[name];
        if (!session) {
            session = std::make_unique<Session>(m_port);
            // Its id, asked before anything else so that nothing it later does is disturbed.
            session->write(RespFrame::request({ "CLIENT", "ID" }));
            const QByteArray reply = session->readReply();
            m_ids[name] = reply.mid(1, reply.size() - 3);
        }
        return *session;
    }

    QByteArray request(const Step &step)
    {
        if (step.command.isEmpty())
            return step.bytes;
        QByteArray command = step.command;
        for (const QByteArray &name : std::as_const(m_order)) {
            get(name);
            command.replace(QByteArray("{id:" + name + '}'), m_ids.value(name));
        }
        QList<QByteArray> args;
        splitInlineArgs(command, &args);
        return RespFrame::request(args);
    }

    QByteArray namingIds(QByteArray reply) const
    {
        for (auto it = m_ids.cbegin(); it != m_ids.cend(); ++it)
            reply.replace(QByteArray(':' + it.value() + "\r\n"),
                          QByteArray(":{id:" + it.key() + "}\r\n"));
        return reply;
    }

    // The final state of each connection, in the order they first appear.
    QList<QByteArray> finalStates()
    {
        QList<QByteArray> states;
        for (const QByteArray &name : std::as_const(m_order)) {
            if (m_sessions.count(name))
                states.append('@' + name + ' ' + m_sessions[name]->finalState());
        }
        return states;
    }

private:
    quint16 m_port;
    QByteArrayList m_order;
    std::map<QByteArray, std::unique_ptr<Session>> m_sessions;
    QHash<QByteArray, QByteArray> m_ids;
};

// A sequence with named connections ("@name " steps).
QList<QByteArray> runNamed(quint16 port, const Sequence &sequence)
{
    Sessions sessions(port, sequence);
    QList<QByteArray> transcript;
    for (const Step &step : sequence.steps) {
        Session &session = sessions.get(step.connection);
        const QByteArray reply = runStep(session, step, sessions.request(step));
        transcript.append(step.namesIds ? sessions.namingIds(reply) : reply);
    }
    return transcript + sessions.finalStates();
}

// Runs one sequence against the server on port: one transcript entry per step, then the
// state of each connection at the end.
QList<QByteArray> run(quint16 port, const Sequence &sequence)
{
    if (!flushAll(port))
        return { QByteArrayLiteral("<FLUSHALL failed>") };
    const bool named = std::any_of(sequence.steps.cbegin(), sequence.steps.cend(),
                                   [](const Step &step) { return !step.connection.isEmpty(); });
    if (named)
        return runNamed(port, sequence);
    Session session(port);
    if (!session.isConnected())
        return { QByteArrayLiteral("<cannot connect>") };

    QList<QByteArray> transcript;
    for (const Step &step : sequence.steps)
        transcript.append(runStep(session, step, step.bytes));
    transcript.append(session.finalState());
    return transcript;
}

} // namespace

class TestCompat : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void compare_data();
    void compare();
    void bigRequests_data();
    void bigRequests();
    void monitor();
    void cleanupTestCase();

private:
    // Empty when both servers gave the same transcript, else a description of the first
    // difference.
    QByteArray difference(const Sequence &sequence);

    QList<Sequence> m_sequences;
    ServerProcess m_redis;
    ServerProcess m_qkv;
    int m_identical = 0;
};

void TestCompat::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    m_sequences = loadSequences(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!m_sequences.isEmpty());
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

QByteArray TestCompat::difference(const Sequence &sequence)
{
    const QList<QByteArray> expected = run(m_redis.port(), sequence);
    const QList<QByteArray> actual = run(m_qkv.port(), sequence);
    for (qsizetype i = 0; i < qMax(expected.size(), actual.size()); ++i) {
        if (actual.value(i) == expected.value(i))
            continue;
        const QByteArray request = i < sequence.steps.size()
                ? sequence.steps[i].text
                : QByteArrayLiteral("(end of sequence)");
        return "sequence: " + sequence.name.toUtf8() + "\n   request: " + request
                + "\n     redis: " + RespFrame::escaped(expected.value(i))
                + "\n       qkv: " + RespFrame::escaped(actual.value(i));
    }
    return {};
}

void TestCompat::compare_data()
{
    QTest::addColumn<int>("index");
    for (int i = 0; i < m_sequences.size(); ++i)
        QTest::newRow(qPrintable(m_sequences[i].name)) << i;
}

void TestCompat::compare()
{
    QFETCH(int, index);
    const QByteArray difference = this->difference(m_sequences.at(index));
    QVERIFY2(difference.isEmpty(), difference.constData());
    ++m_identical;
}

void TestCompat::bigRequests_data()
{
    QTest::addColumn<QByteArray>("input");
    // Far over the 64 KiB limits, so that however the server's reads split the input, the
    // limit is crossed before the newline of the sentinel that follows arrives.
    const QByteArray big(200000, 'a');
    const QByteArray digits(200000, '1');
    QTest::newRow("inline 200 KB without newline") << big;
    QTest::newRow("inline 60000 bytes then newline") << "ECHO " + QByteArray(60000, 'b') + "\r\n";
    QTest::newRow("inline nul then 200 KB") << "PI" + QByteArray(1, '\0') + "NG\r\n" + big;
    QTest::newRow("multibulk count of 200 KB of digits") << "*" + digits;
    QTest::newRow("multibulk nul in count then 200 KB")
            << "*1" + QByteArray(1, '\0') + "\r\n" + big;
    QTest::newRow("bulk length of 200 KB of digits") << "*1\r\n$" + digits;
    QTest::newRow("bulk length nul then 200 KB") << "*1\r\n$4" + QByteArray(1, '\0') + "\r\n" + big;
    QTest::newRow("pipeline then 200 KB without newline") << "PING\r\nSET a 1\r\n" + big;
    QTest::newRow("set and get of 1 MB")
            << RespFrame::request({ "SET", "k", QByteArray(1 << 20, 'v') })
                    + RespFrame::request({ "GET", "k" });
    QTest::newRow("unknown command with a 200 KB argument")
            << RespFrame::request({ "FOO", QByteArray(200000, 'z') });
}

void TestCompat::bigRequests()
{
    QFETCH(QByteArray, input);
    const Sequence sequence { QString::fromLatin1(QTest::currentDataTag()),
                              { { Step::Kind::Raw, input, "(generated)" } } };
    const QByteArray difference = this->difference(sequence);
    QVERIFY2(difference.isEmpty(), difference.left(2000).constData());
}

// What a MONITOR client receives while another client runs commands: its lines, with the
// timestamp and the client's port (the only values that differ between servers) replaced.
QByteArrayList monitorTranscript(quint16 port)
{
    static const QList<QByteArrayList> commands = {
        { "SET", "k", "v" },
        { "NOSUCH" },
        { "GET" },
        { "INCR", "k" },
        { "AUTH", "secret" },
        { "AUTH", "user", "pass" },
        { "AUTH", "a", "b", "c" },
        { "HELLO", "3", "AUTH", "u", "pw" },
        { "HELLO", "2", "AUTH", "u", "pw", "SETNAME", "x" },
        { "HELLO", "4", "AUTH", "u", "pw" },
        { "HELLO", "3", "FOO", "AUTH", "u", "pw" },
        { "CONFIG", "GET", "port" },
        { "CLIENT", "SETNAME", "abc" },
        { "CLIENT", "LIST" },
        { "CLIENT", "GETNAME" },
        { "CLIENT", "KILL", "ID", "999999" },
        { "SELECT", "3" },
        { "SET", QByteArray("a\0b\n\xff\t\"\\", 9), "123" },
        { "DEBUG", "SLEEP", "0" },
        { "FLUSHALL" },
        { "SWAPDB", "0", "1" },
        { "TIME" },
        { "DBSIZE" },
        { "INFO", "server" },
        { "FUNCTION", "FLUSH" },
        { "get", "k" },
        { "RESET" },
        { "ECHO", "end" },
    };
    static const QRegularExpression variable(
            QStringLiteral("^\\+\\d+\\.\\d{6} \\[(\\d+) 127\\.0\\.0\\.1:\\d+\\]"));
    if (!flushAll(port))
        return { "<FLUSHALL failed>" };
    Session monitor(port);
    Session client(port);
    monitor.write(RespFrame::request({ "MONITOR" }));
    QByteArrayList transcript { monitor.readReply() };
    // A second MONITOR has no reply at all: the PING's reply comes next, then its own line.
    monitor.write(RespFrame::request({ "MONITOR" }) + RespFrame::request({ "PING" }));
    transcript << monitor.readReply() << monitor.readReply();
    for (const QByteArrayList &command : commands) {
        client.write(RespFrame::request(command));
        client.readReply();
    }
    for (int i = 0; i < 100 && !transcript.last().contains("\"end\""); ++i)
        transcript << monitor.readReply();
    for (QByteArray &line : transcript)
        line = QString::fromLatin1(line)
                       .replace(variable, QStringLiteral("+T [\\1 ADDR]"))
                       .toLatin1();
    return transcript;
}

void TestCompat::monitor()
{
    const QByteArrayList expected = monitorTranscript(m_redis.port());
    const QByteArrayList actual = monitorTranscript(m_qkv.port());
    QVERIFY2(expected.size() > 20, expected.join().constData());
    const QByteArray difference = RespFrame::difference(expected, actual);
    QVERIFY2(difference.isEmpty(), difference.constData());
}

void TestCompat::cleanupTestCase()
{
    qInfo("%d sequences identical (of %d)", m_identical, int(m_sequences.size()));
}

QTEST_GUILESS_MAIN(TestCompat)
#include "tst_compat.moc"
