// qkv-cli's interactive mode driven through a pseudo-terminal, as a person uses it: line
// editing with history recall (arrow keys, across sessions, never a password in the file),
// Tab completion, hints, formatted output, the JSON toggle, the prompt's state, Ctrl-C out of
// MONITOR, SUBSCRIBE and blocked commands, reconnecting after a server restart, CONNECT and
// HELP. Every scenario runs against qkv-server and, when installed, redis-server.
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <poll.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr int WaitMs = 5000;

// A program on the slave side of a pseudo-terminal (120 columns), with a clean environment:
// HOME, TERM=xterm, a UTF-8 locale (and the sanitizers' options). Output is collected as it comes;
// waitFor() moves through it so each step looks only at what came after the previous one.
class Pty
{
public:
    ~Pty() { stop(); }

    bool start(const QString &program, const QStringList &args, const QString &home)
    {
        std::vector<QByteArray> storage { program.toLocal8Bit() };
        for (const QString &arg : args)
            storage.push_back(arg.toLocal8Bit());
        const size_t argc = storage.size();
        storage.push_back("HOME=" + home.toLocal8Bit());
        storage.push_back("TERM=xterm");
        storage.push_back("LANG=C.UTF-8");
        storage.push_back("PATH=/usr/bin:/bin");
        // A sanitized build's settings (reports, suppressions) go through.
        for (const char *name : { "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS" }) {
            if (qEnvironmentVariableIsSet(name))
                storage.push_back(name + ('=' + qgetenv(name)));
        }
        std::vector<char *> argv, envp;
        for (size_t i = 0; i < storage.size(); ++i)
            (i < argc ? argv : envp).push_back(storage[i].data());
        argv.push_back(nullptr);
        envp.push_back(nullptr);
        winsize size {};
        size.ws_row = 40;
        size.ws_col = 120;
        m_pid = forkpty(&m_fd, nullptr, nullptr, &size);
        if (m_pid == 0) {
            execve(argv[0], argv.data(), envp.data());
            _exit(127);
        }
        return m_pid > 0;
    }

    void send(const QByteArray &keys)
    {
        QTest::qWait(30); // as typed: libedit reads keys one by one anyway
        QVERIFY(::write(m_fd, keys.constData(), size_t(keys.size())) == keys.size());
    }

    // Waits until text appears after the previous match; on success the next wait starts past it.
    bool waitFor(const QByteArray &text, int timeoutMs = WaitMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        for (;;) {
            const qsizetype at = m_output.indexOf(text, m_from);
            if (at >= 0) {
                m_from = at + text.size();
                return true;
            }
            if (deadline.hasExpired() || !readSome(int(deadline.remainingTime())))
                return false;
        }
    }

    // Reads for ms, whatever comes.
    void pump(int ms)
    {
        QDeadlineTimer deadline(ms);
        while (!deadline.hasExpired() && readSome(int(deadline.remainingTime()))) { }
    }

    // What came since the last match (for failure messages).
    QByteArray recent() const { return m_output.mid(m_from); }
    QByteArray output() const { return m_output; }

    // The exit status, or -1 when it does not exit within timeoutMs.
    int waitExit(int timeoutMs = WaitMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            readSome(50);
        }
        return -1;
    }

    void stop()
    {
        if (m_pid > 0) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
            m_pid = -1;
        }
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

private:
    bool readSome(int timeoutMs)
    {
        pollfd fd { m_fd, POLLIN, 0 };
        if (::poll(&fd, 1, qMax(timeoutMs, 0)) <= 0)
            return true; // nothing yet: the caller checks its deadline
        char buffer[4096];
        const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
        if (n <= 0)
            return false; // EIO: the program has exited
        m_output.append(buffer, n);
        // redis-cli (linenoise) asks where the cursor is, before and after moving it to the far
        // right, to learn the width: answer as a 120-column terminal would.
        for (qsizetype at = m_output.indexOf("\x1b[6n", m_queriesFrom); at >= 0;
             at = m_output.indexOf("\x1b[6n", m_queriesFrom)) {
            m_queriesFrom = at + 4;
            const QByteArray answer = m_queries++ % 2 == 0 ? "\x1b[1;1R" : "\x1b[1;120R";
            if (::write(m_fd, answer.constData(), size_t(answer.size())) != answer.size())
                return false;
        }
        return true;
    }

    int m_fd = -1;
    pid_t m_pid = -1;
    QByteArray m_output;
    qsizetype m_from = 0;
    qsizetype m_queriesFrom = 0; // cursor position queries answered so far
    int m_queries = 0;
};

// A server on a given port, so that it can be restarted there.
std::unique_ptr<QProcess> startServer(const QByteArray &kind, quint16 port)
{
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // Files the servers write (dump.rdb) stay out of the test's directory and other tests.
    static const QTemporaryDir directory;
    process->setWorkingDirectory(directory.path());
    const QString p = QString::number(port);
    if (kind == "redis") {
        process->start(ServerProcess::redisPath(),
                       { QStringLiteral("--port"), p, QStringLiteral("--bind"),
                         QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                         QStringLiteral("--appendonly"), QStringLiteral("no") });
    } else {
        process->start(QStringLiteral(QKV_SERVER_PATH),
                       { QStringLiteral("--headless"), QStringLiteral("--port"), p,
                         QStringLiteral("--log-file"), QString(), QStringLiteral("--save"),
                         QString() });
    }
    process->waitForStarted(WaitMs);
    if (!ServerProcess::waitForReply(port))
        return nullptr;
    return process;
}

void stopServer(std::unique_ptr<QProcess> &process)
{
    process->terminate();
    if (!process->waitForFinished(WaitMs))
        process->kill();
    process->waitForFinished(1000);
    process.reset();
}

// Sends commands on a connection of its own (PUBLISH, or traffic for MONITOR to show).
void sendFromOther(quint16 port, const QList<QByteArrayList> &commands)
{
    QTcpSocket other;
    other.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(other.waitForConnected(WaitMs));
    QByteArray requests;
    for (const QByteArrayList &command : commands)
        requests += RespFrame::request(command);
    other.write(requests);
    QVERIFY(other.waitForBytesWritten(WaitMs));
    QVERIFY(other.waitForReadyRead(WaitMs));
}

// Whether the server knows the command (qkv gains commands over time: pub/sub, for one).
bool knows(quint16 port, const QByteArrayList &command)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(WaitMs))
        return false;
    socket.write(RespFrame::request(command));
    return socket.waitForReadyRead(WaitMs) && !socket.readAll().startsWith("-ERR unknown command");
}

// The hint a client shows after each line is typed (empty for none): the text between the
// colour it starts with and the reset. Each line is erased with Ctrl-U before the next.
QByteArrayList hintsOf(const QString &program, quint16 port, const QByteArrayList &lines,
                       const QByteArray &colour, const QString &home)
{
    Pty pty;
    QByteArrayList hints;
    if (!pty.start(program, { QStringLiteral("-p"), QString::number(port) }, home)
        || !pty.waitFor("> ")) {
        return hints;
    }
    for (const QByteArray &line : lines) {
        pty.send(line);
        // Both redraw as keys come; the last drawing has the whole line, then the hint.
        if (!pty.waitFor(line + colour, WaitMs)) {
            hints.append(QByteArray());
            continue;
        }
        pty.pump(50);
        const QByteArray shown = pty.recent();
        const qsizetype end = shown.indexOf("\x1b[0m");
        hints.append(end < 0 ? QByteArray() : shown.left(end));
        pty.send("\x15"); // Ctrl-U: the whole line, in linenoise and libedit alike
        pty.pump(100);
    }
    return hints;
}

QByteArray promptOf(quint16 port, const QByteArray &state = QByteArray())
{
    return "127.0.0.1:" + QByteArray::number(port) + state + "> ";
}

} // namespace

// A step that must see its text, with the output so far when it does not.
#define EXPECT(pty, text) \
    do { \
        const QByteArray expected_(text); \
        QVERIFY2((pty).waitFor(expected_), \
                 qPrintable(QStringLiteral("waiting for %1; after the last match came: %2") \
                                    .arg(QString::fromLatin1(expected_), \
                                         QString::fromLatin1((pty).recent())))); \
    } while (false)

class TestCliRepl : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void historyRecall_data();
    void historyRecall();
    void historyFile_data();
    void historyFile();
    void completion_data();
    void completion();
    void hints_data();
    void hints();
    void hintsAsRedisCli_data();
    void hintsAsRedisCli();
    void builtInHints();
    void formattedOutput_data();
    void formattedOutput();
    void jsonToggle_data();
    void jsonToggle();
    void promptState_data();
    void promptState();
    void interruptAtPrompt_data();
    void interruptAtPrompt();
    void interruptMonitor_data();
    void interruptMonitor();
    void interruptSubscribe_data();
    void interruptSubscribe();
    void interruptBlocked_data();
    void interruptBlocked();
    void reconnect_data();
    void reconnect();
    void connectCommand();
    void help_data();
    void help();

private:
    void servers();
    quint16 port(const QByteArray &server) const;
    // Starts the REPL on that server in m_pty, with m_home as HOME, and waits for the prompt.
    bool startRepl(Pty &pty, quint16 port);

    ServerProcess m_qkv;
    ServerProcess m_redis;
    QTemporaryDir m_home;
};

void TestCliRepl::initTestCase()
{
    QString error;
    QVERIFY2(m_qkv.startQkv(QStringLiteral(QKV_SERVER_PATH), &error), qPrintable(error));
    if (!ServerProcess::redisPath().isEmpty())
        QVERIFY2(m_redis.startRedis(&error), qPrintable(error));
    QVERIFY(m_home.isValid());
}

void TestCliRepl::servers()
{
    QTest::addColumn<QByteArray>("server");
    QTest::newRow("qkv") << QByteArray("qkv");
    QTest::newRow("redis") << QByteArray("redis");
}

quint16 TestCliRepl::port(const QByteArray &server) const
{
    return server == "redis" ? m_redis.port() : m_qkv.port();
}

bool TestCliRepl::startRepl(Pty &pty, quint16 port)
{
    return pty.start(QStringLiteral(QKV_CLI_PATH),
                     { QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                       QString::number(port) },
                     m_home.path())
            && pty.waitFor(promptOf(port));
}

#define SERVER_OR_SKIP \
    QFETCH(QByteArray, server); \
    if (port(server) == 0) \
        QSKIP("redis-server is not installed"); \
    Pty pty; \
    QVERIFY2(startRepl(pty, port(server)), pty.output().constData()); \
    const QByteArray prompt = promptOf(port(server))

void TestCliRepl::historyRecall_data()
{
    servers();
}

// Up recalls the last line, Up Up the one before, Ctrl-P as Up: nothing is sent as "^[[A".
void TestCliRepl::historyRecall()
{
    SERVER_OR_SKIP;
    pty.send("SET repl:n 5\r");
    EXPECT(pty, "OK");
    pty.send("INCR repl:n\r");
    EXPECT(pty, "(integer) 6");
    pty.send("\x1b[A\r");
    EXPECT(pty, "(integer) 7");
    pty.send("\x1b[A\x1b[A\r");
    EXPECT(pty, "OK");
    pty.send("\x10\x10\r"); // Ctrl-P twice: INCR again
    EXPECT(pty, "(integer) 6");
    QVERIFY(!pty.output().contains("unknown command"));
    pty.send("\x04");
    QCOMPARE(pty.waitExit(), 0);
}

void TestCliRepl::historyFile_data()
{
    servers();
}

// ~/.qkv_history keeps the session's lines for the next one, mode 0600, and never a line with
// a password in it.
void TestCliRepl::historyFile()
{
    QFETCH(QByteArray, server);
    if (port(server) == 0)
        QSKIP("redis-server is not installed");
    // Its own server: CONFIG SET requirepass must not lock the other scenarios out.
    const quint16 serverPort = ServerProcess::freePort();
    std::unique_ptr<QProcess> process = startServer(server, serverPort);
    QVERIFY(process);
    QTemporaryDir home;
    const QString file = QDir(home.path()).filePath(QStringLiteral(".qkv_history"));
    {
        Pty pty;
        QVERIFY(pty.start(QStringLiteral(QKV_CLI_PATH),
                          { QStringLiteral("-p"), QString::number(serverPort) }, home.path()));
        const QByteArray prompt = promptOf(serverPort);
        EXPECT(pty, prompt);
        const char *lines[] = {
            "AUTH pw1secret",
            "HELLO 2 AUTH default pw2secret",
            "ACL SETUSER bob on >pw3secret",
            "CONFIG SET masterauth pw4secret",
            "3 auth pw5secret",
            "migrate 127.0.0.1 1 k 0 10 AUTH pw6secret",
            "SET visible 1",
            "config set requirepass pw7secret",
        };
        for (const char *line : lines) {
            pty.send(QByteArray(line) + '\r');
            EXPECT(pty, prompt);
        }
        pty.send("\x04");
        QCOMPARE(pty.waitExit(), 0);
    }
    QFile history(file);
    QVERIFY2(history.open(QIODevice::ReadOnly), qPrintable(file));
    const QByteArray saved = history.readAll();
    QVERIFY2(saved.contains("visible"), saved.constData());
    QVERIFY2(!saved.contains("secret"), saved.constData());
    struct stat status
    { };
    QCOMPARE(::stat(qPrintable(file), &status), 0);
    QCOMPARE(status.st_mode & 0777, mode_t(0600));
    // The next session recalls it.
    Pty next;
    QVERIFY(next.start(QStringLiteral(QKV_CLI_PATH),
                       { QStringLiteral("-p"), QString::number(serverPort), QStringLiteral("-a"),
                         QStringLiteral("pw7secret"), QStringLiteral("--no-auth-warning") },
                       home.path()));
    EXPECT(next, promptOf(serverPort));
    next.send("\x1b[A");
    EXPECT(next, "SET visible 1");
    next.send("\r");
    EXPECT(next, "OK");
    stopServer(process);
}

void TestCliRepl::completion_data()
{
    servers();
}

// Tab completes command and subcommand names in the case typed, and lists the candidates when
// there are several.
void TestCliRepl::completion()
{
    SERVER_OR_SKIP;
    pty.send("ech\thello\r");
    EXPECT(pty, "\"hello\"");
    pty.send("CLIENT GETN\t\r");
    EXPECT(pty, "(nil)");
    pty.send("client setn\trepl\r");
    EXPECT(pty, "OK");
    pty.send("HEL\t");
    EXPECT(pty, "HELLO  HELP");
    pty.send("\x03"); // discards the line
    EXPECT(pty, prompt);
    pty.send("help @sorted\t\r");
    EXPECT(pty, "ZRANGEBYSCORE");
    QVERIFY(!pty.output().contains("unknown command"));
}

void TestCliRepl::hints_data()
{
    servers();
}

// After a command name the rest of its syntax shows in grey, from COMMAND DOCS.
void TestCliRepl::hints()
{
    SERVER_OR_SKIP;
    pty.send("SET hk");
    EXPECT(pty, "\x1b[90m value [NX|XX] [GET] [EX seconds|PX milliseconds");
    pty.send(" v ");
    EXPECT(pty, "\x1b[90m[NX|XX] [GET]");
    pty.send("\x03");
    EXPECT(pty, prompt);
    pty.send("client kill ");
    EXPECT(pty, "\x1b[90mip:port|[ID client-id]");
    pty.send("\x03");
    EXPECT(pty, prompt);
    pty.send("json"); // the client's own commands have hints too
    EXPECT(pty, "\x1b[90m ON|OFF");
    pty.send("\x03");
    EXPECT(pty, prompt);
}

void TestCliRepl::hintsAsRedisCli_data()
{
    servers();
}

// The same hints as redis-cli 7.0 shows for the same typing, from the same server's docs.
void TestCliRepl::hintsAsRedisCli()
{
    QFETCH(QByteArray, server);
    const QString redisCli = QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
    if (port(server) == 0 || redisCli.isEmpty())
        QSKIP("redis-server or redis-cli is not installed");
    const QByteArrayList lines = { "SET hk",           "SET hk v ",    "GETEX k", "ZADD z ",
                                   "CLIENT KILL ",     "LPOS l e ",    "SCAN 0 ", "EXPIRE k 10 ",
                                   "OBJECT ENCODING ", "SORT k BY p ", "HSET h ", "BITFIELD k " };
    const QByteArrayList theirs
            = hintsOf(redisCli, port(server), lines, "\x1b[0;90;49m", m_home.path());
    const QByteArrayList ours
            = hintsOf(QStringLiteral(QKV_CLI_PATH), port(server), lines, "\x1b[90m", m_home.path());
    QCOMPARE(theirs.size(), lines.size());
    QCOMPARE(ours.size(), lines.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        // Each cuts the hint at the right margin, one column apart.
        const qsizetype shown = qMin(theirs.at(i).size(), ours.at(i).size());
        QVERIFY2(!theirs.at(i).isEmpty() && !ours.at(i).isEmpty(), lines.at(i).constData());
        QCOMPARE(lines.at(i) + " ->" + ours.at(i).left(shown),
                 lines.at(i) + " ->" + theirs.at(i).left(shown));
    }
}

// Without a server to ask, the hints come from the docs built into the client.
void TestCliRepl::builtInHints()
{
    Pty pty;
    QVERIFY(pty.start(QStringLiteral(QKV_CLI_PATH), { QStringLiteral("-p"), QStringLiteral("1") },
                      m_home.path()));
    EXPECT(pty, "not connected> ");
    pty.send("GETEX k");
    EXPECT(pty, "\x1b[90m [EX seconds|PX milliseconds|EXAT unix-time-seconds");
    pty.send("\x03");
    EXPECT(pty, "not connected> ");
    pty.send("hel\t");
    EXPECT(pty, "hello  help");
}

void TestCliRepl::formattedOutput_data()
{
    servers();
}

// redis-cli's terminal format, RESP2 and RESP3 (after HELLO 3).
void TestCliRepl::formattedOutput()
{
    SERVER_OR_SKIP;
    pty.send("DEL f:h f:z\r");
    EXPECT(pty, prompt);
    pty.send("HSET f:h a 1 b 2\r");
    EXPECT(pty, "(integer) 2");
    pty.send("HGETALL f:h\r");
    EXPECT(pty, "1) \"a\"\r\n2) \"1\"\r\n3) \"b\"\r\n4) \"2\"\r\n");
    pty.send("GET nothing\r");
    EXPECT(pty, "(nil)");
    pty.send("LPUSH f:h x\r");
    EXPECT(pty, "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
    pty.send("HELLO 3\r");
    EXPECT(pty, "1# \"server\" => ");
    pty.send("HGETALL f:h\r");
    EXPECT(pty, "1# \"a\" => \"1\"\r\n2# \"b\" => \"2\"\r\n");
    pty.send("ZADD f:z 1.5 m\r");
    EXPECT(pty, "(integer) 1");
    pty.send("ZSCORE f:z m\r");
    EXPECT(pty, "(double) 1.5");
    pty.send("SMEMBERS nothing\r");
    EXPECT(pty, "(empty set)");
}

void TestCliRepl::jsonToggle_data()
{
    servers();
}

// JSON ON / JSON OFF and :json are the client's, never sent to the server.
void TestCliRepl::jsonToggle()
{
    SERVER_OR_SKIP;
    pty.send("SET j:k v\r");
    EXPECT(pty, "OK");
    pty.send("JSON ON\r");
    EXPECT(pty, "JSON output: ON");
    pty.send("MGET j:k nothing\r");
    EXPECT(pty, "[\"v\",null]");
    pty.send(":json\r");
    EXPECT(pty, "JSON output: OFF");
    pty.send("MGET j:k nothing\r");
    EXPECT(pty, "1) \"v\"\r\n2) (nil)");
    pty.send(":json\r");
    EXPECT(pty, "JSON output: ON");
    pty.send("json off\r");
    EXPECT(pty, "JSON output: OFF");
    QVERIFY(!pty.output().contains("unknown command"));
}

void TestCliRepl::promptState_data()
{
    servers();
}

// The prompt shows the database, (TX) inside MULTI.
void TestCliRepl::promptState()
{
    SERVER_OR_SKIP;
    pty.send("SELECT 2\r");
    EXPECT(pty, promptOf(port(server), "[2]"));
    pty.send("MULTI\r");
    EXPECT(pty, promptOf(port(server), "[2](TX)"));
    pty.send("INCR p:n\r");
    EXPECT(pty, "QUEUED");
    pty.send("EXEC\r");
    EXPECT(pty, promptOf(port(server), "[2]"));
    pty.send("SELECT 0\r");
    EXPECT(pty, prompt);
}

void TestCliRepl::interruptAtPrompt_data()
{
    servers();
}

// Ctrl-C at the prompt discards the line; Ctrl-D leaves with status 0.
void TestCliRepl::interruptAtPrompt()
{
    SERVER_OR_SKIP;
    pty.send("GARBAGE");
    pty.send("\x03");
    EXPECT(pty, prompt);
    pty.send("PING\r");
    EXPECT(pty, "PONG");
    QVERIFY(!pty.output().contains("unknown command"));
    pty.send("\x04");
    QCOMPARE(pty.waitExit(), 0);
}

void TestCliRepl::interruptMonitor_data()
{
    servers();
}

// MONITOR streams until Ctrl-C, which comes back to the prompt on a fresh connection.
void TestCliRepl::interruptMonitor()
{
    SERVER_OR_SKIP;
    pty.send("MONITOR\r");
    EXPECT(pty, "OK");
    sendFromOther(port(server), { { "SET", "mon:k", "v" } });
    EXPECT(pty, "\"mon:k\"");
    pty.send("\x03");
    EXPECT(pty, prompt);
    pty.send("PING\r");
    EXPECT(pty, "PONG");
}

void TestCliRepl::interruptSubscribe_data()
{
    servers();
}

// SUBSCRIBE streams until Ctrl-C; at the prompt the session stays subscribed, says so, and
// still shows messages; UNSUBSCRIBE ends it.
void TestCliRepl::interruptSubscribe()
{
    {
        QFETCH(QByteArray, server);
        if (port(server) != 0 && !knows(port(server), { "PUBLISH", "repl:none", "x" }))
            QSKIP("this qkv-server has no pub/sub");
    }
    SERVER_OR_SKIP;
    pty.send("SUBSCRIBE repl:ch\r");
    EXPECT(pty, "Reading messages");
    EXPECT(pty, "\"repl:ch\"");
    sendFromOther(port(server), { { "PUBLISH", "repl:ch", "hello" } });
    EXPECT(pty, "\"hello\"");
    pty.send("\x03");
    EXPECT(pty, promptOf(port(server), "(subscribed)"));
    sendFromOther(port(server), { { "PUBLISH", "repl:ch", "later" } });
    EXPECT(pty, "\"later\"");
    pty.send("UNSUBSCRIBE\r");
    EXPECT(pty, "\"unsubscribe\"");
    EXPECT(pty, prompt);
    pty.send("PING\r");
    EXPECT(pty, "PONG");
    pty.send("PSUBSCRIBE repl:*\r");
    EXPECT(pty, "\"psubscribe\"");
    sendFromOther(port(server), { { "PUBLISH", "repl:p", "patterned" } });
    EXPECT(pty, "\"pmessage\"");
    EXPECT(pty, "\"patterned\"");
    pty.send("\x03");
    EXPECT(pty, promptOf(port(server), "(subscribed)"));
    pty.send("PUNSUBSCRIBE\r");
    EXPECT(pty, "\"punsubscribe\"");
    EXPECT(pty, prompt);
}

void TestCliRepl::interruptBlocked_data()
{
    servers();
}

// Ctrl-C stops waiting for a blocked command; one that times out shows how long it took.
void TestCliRepl::interruptBlocked()
{
    SERVER_OR_SKIP;
    pty.send("BLPOP repl:nothing 0\r");
    QTest::qWait(300);
    pty.send("\x03");
    EXPECT(pty, prompt);
    pty.send("PING\r");
    EXPECT(pty, "PONG");
    pty.send("BLPOP repl:nothing 1\r");
    EXPECT(pty, "(nil)\r\n(1.");
    EXPECT(pty, prompt);
}

void TestCliRepl::reconnect_data()
{
    servers();
}

// When the server goes away the REPL says so, reconnects by itself once it is back, and
// restores the database.
void TestCliRepl::reconnect()
{
    QFETCH(QByteArray, server);
    if (server == "redis" && ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    const quint16 serverPort = ServerProcess::freePort();
    std::unique_ptr<QProcess> process = startServer(server, serverPort);
    QVERIFY(process);
    Pty pty;
    QVERIFY(pty.start(QStringLiteral(QKV_CLI_PATH),
                      { QStringLiteral("-p"), QString::number(serverPort), QStringLiteral("-n"),
                        QStringLiteral("3") },
                      m_home.path()));
    EXPECT(pty, promptOf(serverPort, "[3]"));
    pty.send("PING\r");
    EXPECT(pty, "PONG");
    stopServer(process);
    EXPECT(pty, "lost");
    EXPECT(pty, "not connected> ");
    process = startServer(server, serverPort);
    QVERIFY(process);
    EXPECT(pty, "Reconnected to 127.0.0.1:" + QByteArray::number(serverPort));
    EXPECT(pty, promptOf(serverPort, "[3]"));
    pty.send("SET r:k v\r");
    EXPECT(pty, "OK");
    pty.send("GET r:k\r");
    EXPECT(pty, "\"v\"");
    stopServer(process);
}

// CONNECT switches servers.
void TestCliRepl::connectCommand()
{
    if (m_redis.port() == 0)
        QSKIP("redis-server is not installed");
    Pty pty;
    QVERIFY(startRepl(pty, m_qkv.port()));
    pty.send("connect 127.0.0.1 " + QByteArray::number(m_redis.port()) + '\r');
    EXPECT(pty, promptOf(m_redis.port()));
    pty.send("INFO server\r");
    EXPECT(pty, "redis_version:");
    pty.send("connect 127.0.0.1 1\r");
    EXPECT(pty, "Could not connect to Redis at 127.0.0.1:1: Connection refused");
    EXPECT(pty, "not connected> ");
}

void TestCliRepl::help_data()
{
    servers();
}

// HELP CMD and HELP @group, as redis-cli shows them.
void TestCliRepl::help()
{
    SERVER_OR_SKIP;
    pty.send("help SET\r");
    EXPECT(pty, "SET");
    EXPECT(pty, "key value [NX|XX] [GET]");
    EXPECT(pty, "summary:");
    EXPECT(pty, "group:");
    EXPECT(pty, "string");
    pty.send("HELP client list\r");
    EXPECT(pty, "CLIENT LIST");
    pty.send("help @string\r");
    EXPECT(pty, "GETRANGE");
    pty.send("help connect\r");
    EXPECT(pty, "host [port]");
    pty.send("help\r");
    EXPECT(pty, "\"help @<group>\"");
    QVERIFY(!pty.output().contains("unknown command"));
}

QTEST_GUILESS_MAIN(TestCliRepl)
#include "tst_clirepl.moc"
