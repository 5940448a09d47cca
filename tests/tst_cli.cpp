// qkv-cli run as a process against a qkv-server and (when installed) a redis-server, both
// started by the test: one-shot, piped and --json modes with their exit codes, redis-cli's
// options, and the tools (--pipe, --scan, --bigkeys, --memkeys, --stat, --latency*, --rdb),
// with output byte-for-byte the same as redis-cli's where redis-cli's is deterministic.
// The interactive mode is tst_clirepl.
#include "common/serverprocess.h"

#include "common/respframe.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

namespace {

struct Result
{
    int exitCode;
    QByteArray out;
    QByteArray err;
};

// Runs a client with -h 127.0.0.1 -p port, stdin closed after input; stdout is a pipe, so
// output is raw unless --no-raw is given, as with redis-cli.
Result run(const QString &program, quint16 port, const QStringList &args,
           const QByteArray &input = QByteArray(), const QStringList &environment = {})
{
    QProcess cli;
    if (!environment.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &entry : environment)
            env.insert(entry.section(QLatin1Char('='), 0, 0), entry.section(QLatin1Char('='), 1));
        cli.setProcessEnvironment(env);
    }
    cli.start(program,
              QStringList { QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                            QString::number(port) }
                      + args);
    cli.waitForStarted(5000);
    cli.write(input);
    cli.closeWriteChannel();
    if (!cli.waitForFinished(20000))
        cli.kill();
    return { cli.exitCode(), cli.readAllStandardOutput(), cli.readAllStandardError() };
}

Result runCli(quint16 port, const QStringList &args, const QByteArray &input = QByteArray(),
              const QStringList &environment = {})
{
    return run(QStringLiteral(QKV_CLI_PATH), port, args, input, environment);
}

QString redisCliPath()
{
    return QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
}

// Output of a client that runs until interrupted (--stat, --latency-history...), after ms.
QByteArray runFor(const QString &program, quint16 port, const QStringList &args, int ms)
{
    QProcess cli;
    cli.start(program,
              QStringList { QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                            QString::number(port) }
                      + args);
    cli.waitForStarted(5000);
    QTest::qWait(ms);
    cli.terminate();
    if (!cli.waitForFinished(5000))
        cli.kill();
    cli.waitForFinished(1000);
    return cli.readAllStandardOutput();
}

// RESP for --pipe: a mass insertion with one error in it.
QByteArray pipeInput()
{
    QByteArray input;
    for (int i = 0; i < 2000; ++i)
        input += RespFrame::request({ "SET", "pipe:" + QByteArray::number(i), "v" });
    input += RespFrame::request({ "INCR", "pipe:0" }); // not an integer: an error reply
    input += RespFrame::request({ "RPUSH", "pipe:list", "a", "b", "c" });
    return input;
}

// qkv-server with a password (ServerProcess waits for a PONG, which this one refuses).
std::unique_ptr<QProcess> startSecured(quint16 *port)
{
    *port = ServerProcess::freePort();
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->start(QStringLiteral(QKV_SERVER_PATH),
                   { QStringLiteral("--headless"), QStringLiteral("--port"), QString::number(*port),
                     QStringLiteral("--log-file"), QString(), QStringLiteral("--save"), QString(),
                     QStringLiteral("--requirepass"), QStringLiteral("s3cret") });
    if (!ServerProcess::waitForReply(*port, QByteArrayLiteral("-NOAUTH")))
        return nullptr;
    return process;
}

QByteArrayList sortedLines(const QByteArray &text)
{
    QByteArrayList lines = text.split('\n');
    std::sort(lines.begin(), lines.end());
    return lines;
}

// What a client started with MONITOR prints while another connection runs two commands,
// with the timestamps and client ports (which differ from run to run) replaced.
QByteArray monitorOutput(const QString &program, quint16 port, const QStringList &args)
{
    QProcess cli;
    cli.start(program,
              QStringList { QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                            QString::number(port) }
                      + args + QStringList { QStringLiteral("MONITOR") });
    QByteArray out;
    while (!out.contains("OK") && cli.waitForReadyRead(5000))
        out += cli.readAllStandardOutput();
    QTcpSocket other;
    other.connectToHost(QHostAddress::LocalHost, port);
    other.waitForConnected(5000);
    other.write(RespFrame::request({ "SET", "a b", "x\ny" })
                + RespFrame::request({ "GET", "end" }));
    other.waitForBytesWritten(5000);
    while (!out.contains("end") && cli.waitForReadyRead(5000))
        out += cli.readAllStandardOutput();
    cli.kill();
    cli.waitForFinished(5000);
    static const QRegularExpression variable(
            QStringLiteral("\\d+\\.\\d{6} \\[(\\d+) 127\\.0\\.0\\.1:\\d+\\]"));
    return QString::fromLatin1(out).replace(variable, QStringLiteral("T [\\1 ADDR]")).toLatin1();
}

QStringList split(const char *args)
{
    return QString::fromUtf8(args).split(QLatin1Char(' '));
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void oneShot_data();
    void oneShot();
    void piped_data();
    void piped();
    void longPipeline();
    void connectionRefused_data();
    void connectionRefused();
    void sameAsRedisCli_data();
    void sameAsRedisCli();
    void monitor_data();
    void monitor();
    void options_data();
    void options();
    void authentication_data();
    void authentication();
    void pipe_data();
    void pipe();
    void scan_data();
    void scan();
    void bigKeys_data();
    void bigKeys();
    void stat();
    void latency_data();
    void latency();
    void latencyHistory();
    void latencyDist();
    void rdb();

private:
    quint16 port(const QByteArray &server);

    ServerProcess m_qkv;
    ServerProcess m_redis;
    std::unique_ptr<QProcess> m_secured; // qkv-server with --requirepass, for authentication()
    quint16 m_securedPort = 0;
};

void TestCli::initTestCase()
{
    QString error;
    QVERIFY2(m_qkv.startQkv(QStringLiteral(QKV_SERVER_PATH), &error), qPrintable(error));
    if (!ServerProcess::redisPath().isEmpty())
        QVERIFY2(m_redis.startRedis(&error), qPrintable(error));
}

void TestCli::cleanupTestCase()
{
    if (m_secured) {
        m_secured->terminate();
        m_secured->waitForFinished(5000);
    }
}

quint16 TestCli::port(const QByteArray &server)
{
    return server == "redis" ? m_redis.port() : m_qkv.port();
}

void TestCli::oneShot_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("out");
    for (const QByteArray server : { "qkv", "redis" }) {
        auto row = [&server](const char *name, const char *args, int exitCode,
                             const QByteArray &out) {
            QTest::addRow("%s: %s", server.constData(), name)
                    << server << split(args) << exitCode << out;
        };
        row("PING", "PING", 0, "PONG\n");
        row("SET", "SET name Alice", 0, "OK\n");
        row("GET", "GET name", 0, "Alice\n");
        row("GET missing", "GET missing", 0, "\n");
        row("error exits 1", "NOSUCHCOMMAND", 1,
            "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: \n\n");
        row("negative argument", "INCRBY counter -5", 0, "-5\n");
        row("array", "MGET name missing", 0, "Alice\n\n");
        row("tty string", "--no-raw GET name", 0, "\"Alice\"\n");
        row("tty nil", "--no-raw GET missing", 0, "(nil)\n");
        row("tty integer", "--no-raw INCRBY counter 2", 0, "(integer) -3\n");
        row("tty array", "--no-raw MGET name missing", 0, "1) \"Alice\"\n2) (nil)\n");
        row("tty error", "--no-raw SELECT 99", 1, "(error) ERR DB index is out of range\n");
        row("json", "--json GET name", 0, "\"Alice\"\n");
        row("json null", "--json GET missing", 0, "null\n");
        row("json array", "--json MGET name missing", 0, "[\"Alice\",null]\n");
        row("json error", "--json SELECT 99", 1, "{\"error\":\"ERR DB index is out of range\"}\n");
        row("json resp3 map", "-3 --json CONFIG GET maxclients", 0, "{\"maxclients\":\"10000\"}\n");
        row("set in db 1", "-n 1 SET dbkey one", 0, "OK\n");
        row("get in db 1", "-n 1 GET dbkey", 0, "one\n");
        row("not in db 0", "GET dbkey", 0, "\n");
    }
}

void TestCli::oneShot()
{
    QFETCH(QByteArray, server);
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, out);
    if (port(server) == 0)
        QSKIP("redis-server is not installed");
    const Result result = runCli(port(server), args);
    QCOMPARE(result.out + "exit " + QByteArray::number(result.exitCode),
             out + "exit " + QByteArray::number(exitCode));
}

void TestCli::piped_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("out");
    for (const QByteArray server : { "qkv", "redis" }) {
        auto row = [&server](const char *name, const QStringList &args, const QByteArray &input,
                             const QByteArray &out) {
            QTest::addRow("%s: %s", server.constData(), name) << server << args << input << out;
        };
        row("raw", {}, "SET p 1\nINCR_NOT_HERE p\nGET p\n\nECHO \"a b\"\n",
            "OK\nERR unknown command 'INCR_NOT_HERE', with args beginning with: 'p' \n\n1\na b\n");
        row("quoting", {}, "SET q \"a\\tb\\x41\"\nGET q\nSET q 'it\\'s'\nGET q\n",
            "OK\na\tbA\nOK\nit's\n");
        row("invalid line in order", {}, "SET i 1\n\"unbalanced\nGET i\n",
            "OK\nInvalid argument(s)\n1\n");
        row("no raw", split("--no-raw"), "GET p\nMGET p nope\n", "\"1\"\n1) \"1\"\n2) (nil)\n");
        row("json", split("--json"), "SET j 1\nGET j\nGET nope\n", "\"OK\"\n\"1\"\nnull\n");
        row("json toggle", {}, "GET j\n:json\nGET j\n:json\nGET j\n",
            "1\nJSON output: ON\n\"1\"\nJSON output: OFF\n1\n");
        row("json on off", {}, "JSON ON\nGET j\njson off\nGET j\n",
            "JSON output: ON\n\"1\"\nJSON output: OFF\n1\n");
        row("quit ends", {}, "PING\nQUIT\nPING\n", "PONG\nOK\n");
        row("exit ends", {}, "PING\nexit\nPING\n", "PONG\nOK\n");
        row("select", {}, "SELECT 2\nSET s two\nSELECT 0\nGET s\n", "OK\nOK\nOK\n\n");
        row("unknown internal command", {}, ":nope\n",
            "unknown qkv-cli internal command ':nope'\n");
    }
}

void TestCli::piped()
{
    QFETCH(QByteArray, server);
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, out);
    if (port(server) == 0)
        QSKIP("redis-server is not installed");
    const Result result = runCli(port(server), args, input);
    // Error replies do not change the exit status of a piped session.
    QCOMPARE(result.out + "exit " + QByteArray::number(result.exitCode), out + "exit 0");
}

// More lines than one pipeline holds: every reply comes back, in order.
void TestCli::longPipeline()
{
    QByteArray input;
    QByteArray expected;
    for (int i = 1; i <= 2500; ++i) {
        input += "INCR long\n";
        expected += QByteArray::number(i) + '\n';
    }
    QCOMPARE(runCli(m_qkv.port(), {}, input).out, expected);
}

void TestCli::connectionRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("one-shot") << split("PING");
    QTest::newRow("piped") << QStringList();
    QTest::newRow("--scan") << split("--scan");
    QTest::newRow("--pipe") << split("--pipe");
}

void TestCli::connectionRefused()
{
    QFETCH(QStringList, args);
    const Result result = runCli(1, args, "PING\n");
    QCOMPARE(result.err + "exit " + QByteArray::number(result.exitCode),
             "Could not connect to Redis at 127.0.0.1:1: Connection refused\nexit 2");
}

void TestCli::sameAsRedisCli_data()
{
    QTest::addColumn<QStringList>("args");
    const char *commands[] = {
        "GET name",
        "GET missing",
        "MGET name missing",
        "LRANGE list 0 -1",
        "HGETALL hash",
        "-3 HGETALL hash",
        "-3 HGETALL missing",
        "-3 SMEMBERS set",
        "-3 ZRANGE zset 0 -1 WITHSCORES",
        "-3 ZSCORE zset a",
        "-3 XINFO STREAM stream",
        "NOSUCHCOMMAND x",
        "INFO keyspace",
        "EVAL return{1,{2,{3,'x'}},redis.error_reply('E1'),false,'',{}} 0",
        "EVAL return{{1,2},0,0,0,0,0,0,0,0,{3,{4}}} 0",
        "-3 EVAL redis.setresp(3);return{map={a={1,{2,3}}}} 0",
        "-3 EVAL redis.setresp(3);return{1,{map={a={1,2}}}} 0",
        "-3 EVAL redis.setresp(3);return{map={b={map={x={1}}}}} 0",
    };
    for (const char *command : commands) {
        QTest::addRow("tty: %s", command)
                << QStringList { QStringLiteral("--no-raw") } + split(command);
        QTest::addRow("raw: %s", command) << split(command);
    }
}

void TestCli::sameAsRedisCli()
{
    QFETCH(QStringList, args);
    const QString redisCli = QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
    if (m_redis.port() == 0 || redisCli.isEmpty())
        QSKIP("redis-server or redis-cli is not installed");
    static const bool loaded = runCli(m_redis.port(), {},
                                      "SET name Alice\nRPUSH list a b \"\" c\n"
                                      "HSET hash f1 v1 f2 \"two\\nlines\"\nSADD set m\n"
                                      "ZADD zset 1.5 a 2 b\nXADD stream 1-1 f v\n")
                                       .exitCode
            == 0;
    QVERIFY(loaded);
    QCOMPARE(runCli(m_redis.port(), args).out, run(redisCli, m_redis.port(), args).out);
}

void TestCli::monitor_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("tty") << QStringList { QStringLiteral("--no-raw") };
    QTest::newRow("raw") << QStringList();
}

// MONITOR streams until interrupted, printed as redis-cli prints it.
void TestCli::monitor()
{
    QFETCH(QStringList, args);
    const QString redisCli = QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
    if (m_redis.port() == 0 || redisCli.isEmpty())
        QSKIP("redis-server or redis-cli is not installed");
    const QByteArray expected = monitorOutput(redisCli, m_redis.port(), args);
    QVERIFY2(expected.contains("\"GET\" \"end\""), expected.constData());
    QCOMPARE(monitorOutput(QStringLiteral(QKV_CLI_PATH), m_qkv.port(), args), expected);
}

void TestCli::options_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    QTest::addColumn<int>("exitCode");
    // Whether redis-cli 7.0 does exactly the same (it exits 0 on an error reply without -e).
    QTest::addColumn<bool>("asRedisCli");
    // Piped in before each client runs, so that both start from the same data.
    QTest::addColumn<QByteArray>("setup");
    for (const QByteArray server : { "qkv", "redis" }) {
        auto row = [&server](const char *name, const char *args, const QByteArray &input,
                             const QByteArray &out, const QByteArray &err, int exitCode,
                             bool asRedisCli, const QByteArray &setup = QByteArray()) {
            QTest::addRow("%s: %s", server.constData(), name)
                    << server << split(args) << input << out << err << exitCode << asRedisCli
                    << setup;
        };
        row("-r repeats", "-r 3 INCR opt:r", {}, "1\n2\n3\n", "", 0, true, "DEL opt:r\n");
        row("-r -i waits", "-r 2 -i 0.1 INCR opt:ri", {}, "1\n2\n", "", 0, true, "DEL opt:ri\n");
        row("-x reads the last argument", "-x SET opt:x", "two\nlines", "OK\n", "", 0, true);
        row("-x value", "GET opt:x", {}, "two\nlines\n", "", 0, true);
        row("-e: error on stderr", "-e NOSUCH", {}, "",
            "ERR unknown command 'NOSUCH', with args beginning with: \n", 1, true);
        row("error exits 1", "NOSUCH", {},
            "ERR unknown command 'NOSUCH', with args beginning "
            "with: \n\n",
            "", 1, false);
        row("-u with a database", "-u redis://127.0.0.1:PORT/3 SET opt:u three", {}, "OK\n", "", 0,
            true);
        row("-n reads it", "-n 3 GET opt:u", {}, "three\n", "", 0, true);
        row("-3 RESP3 double", "-3 --no-raw ZSCORE opt:none a", {}, "(nil)\n", "", 0, true);
    }
}

void TestCli::options()
{
    QFETCH(QByteArray, server);
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    QFETCH(int, exitCode);
    QFETCH(bool, asRedisCli);
    QFETCH(QByteArray, setup);
    if (port(server) == 0)
        QSKIP("redis-server is not installed");
    args.replaceInStrings(QStringLiteral("PORT"), QString::number(port(server)));
    if (!setup.isEmpty())
        QCOMPARE(runCli(port(server), {}, setup).exitCode, 0);
    const Result result = runCli(port(server), args, input);
    QCOMPARE(result.out + "|" + result.err + "|exit " + QByteArray::number(result.exitCode),
             out + "|" + err + "|exit " + QByteArray::number(exitCode));
    if (asRedisCli && server == "redis" && !redisCliPath().isEmpty()) {
        if (!setup.isEmpty())
            QCOMPARE(runCli(port(server), {}, setup).exitCode, 0);
        const Result reference = run(redisCliPath(), port(server), args, input);
        QCOMPARE(result.out + "|" + QByteArray::number(result.exitCode),
                 reference.out + "|" + QByteArray::number(reference.exitCode));
    }
}

void TestCli::authentication_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    const QByteArray warning = "Warning: Using a password with '-a' or '-u' option on the "
                               "command line interface may not be safe.\n";
    QTest::newRow("-a") << split("-a s3cret PING") << QStringList() << QByteArray("PONG\n")
                        << warning;
    QTest::newRow("--no-auth-warning") << split("--no-auth-warning -a s3cret PING") << QStringList()
                                       << QByteArray("PONG\n") << QByteArray();
    QTest::newRow("--pass") << split("--pass s3cret --no-auth-warning PING") << QStringList()
                            << QByteArray("PONG\n") << QByteArray();
    QTest::newRow("--user --pass") << split("--user default --pass s3cret --no-auth-warning PING")
                                   << QStringList() << QByteArray("PONG\n") << QByteArray();
    QTest::newRow("-u") << split("-u redis://:s3cret@127.0.0.1:PORT PING") << QStringList()
                        << QByteArray("PONG\n") << warning;
    QTest::newRow("REDISCLI_AUTH")
            << split("PING") << QStringList { QStringLiteral("REDISCLI_AUTH=s3cret") }
            << QByteArray("PONG\n") << QByteArray();
    QTest::newRow("none") << split("PING") << QStringList()
                          << QByteArray("NOAUTH Authentication required.\n\n") << QByteArray();
    QTest::newRow("wrong") << split("--no-auth-warning -a nope PING") << QStringList()
                           << QByteArray("NOAUTH Authentication required.\n\n")
                           << QByteArray("AUTH failed: WRONGPASS invalid username-password pair "
                                         "or user is disabled.\n");
}

// -a, --user, --pass, -u and REDISCLI_AUTH against a server with a password.
void TestCli::authentication()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, environment);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    if (!m_secured)
        m_secured = startSecured(&m_securedPort);
    QVERIFY(m_secured);
    args.replaceInStrings(QStringLiteral("PORT"), QString::number(m_securedPort));
    const Result result = runCli(m_securedPort, args, {}, environment);
    QCOMPARE(result.out + "|" + result.err, out + "|" + err);
}

void TestCli::pipe_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::newRow("qkv") << QByteArray("qkv");
    QTest::newRow("redis") << QByteArray("redis");
}

// --pipe: mass insertion reports as redis-cli --pipe does, and the data arrives.
void TestCli::pipe()
{
    QFETCH(QByteArray, server);
    if (port(server) == 0 || redisCliPath().isEmpty())
        QSKIP("redis-server or redis-cli is not installed");
    const QStringList args { QStringLiteral("-n"), QStringLiteral("6"), QStringLiteral("--pipe") };
    QCOMPARE(runCli(port(server), split("-n 6 FLUSHDB")).exitCode, 0);
    const Result result = runCli(port(server), args, pipeInput());
    QCOMPARE(result.out,
             QByteArray("All data transferred. Waiting for the last reply...\n"
                        "Last reply received from server.\n"
                        "errors: 1, replies: 2002\n"));
    QCOMPARE(result.err, QByteArray("ERR value is not an integer or out of range\n"));
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(runCli(port(server), split("-n 6 DBSIZE")).out, QByteArray("2001\n"));
    QCOMPARE(runCli(port(server), split("-n 6 LRANGE pipe:list 0 -1")).out,
             QByteArray("a\nb\nc\n"));
    const Result reference = run(redisCliPath(), port(server), args, pipeInput());
    QCOMPARE(result.out + result.err + QByteArray::number(result.exitCode),
             reference.out + reference.err + QByteArray::number(reference.exitCode));
}

void TestCli::scan_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<QStringList>("args");
    for (const QByteArray server : { "qkv", "redis" }) {
        QTest::addRow("%s: all", server.constData()) << server << split("-n 6 --scan");
        QTest::addRow("%s: pattern", server.constData())
                << server << split("-n 6 --scan --pattern pipe:1*");
    }
}

// --scan lists the same keys as redis-cli --scan (pipe() loaded them).
void TestCli::scan()
{
    QFETCH(QByteArray, server);
    QFETCH(QStringList, args);
    if (port(server) == 0 || redisCliPath().isEmpty())
        QSKIP("redis-server or redis-cli is not installed");
    const Result result = runCli(port(server), args);
    QCOMPARE(result.exitCode, 0);
    QVERIFY(result.out.count('\n') > 100);
    QCOMPARE(sortedLines(result.out), sortedLines(run(redisCliPath(), port(server), args).out));
    // --count only changes how many keys a step returns (redis-cli 7.0 has no --count).
    const Result counted = runCli(port(server), args + split("--count 7"));
    QCOMPARE(sortedLines(counted.out), sortedLines(result.out));
}

void TestCli::bigKeys_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<QString>("mode");
    for (const QByteArray server : { "qkv", "redis" }) {
        for (const char *mode : { "--bigkeys", "--memkeys" })
            QTest::addRow("%s: %s", server.constData(), mode)
                    << server << QString::fromLatin1(mode);
    }
}

// --bigkeys and --memkeys print what redis-cli prints for the same keyspace, to the byte.
void TestCli::bigKeys()
{
    QFETCH(QByteArray, server);
    QFETCH(QString, mode);
    if (port(server) == 0 || redisCliPath().isEmpty())
        QSKIP("redis-server or redis-cli is not installed");
    QByteArray data = "FLUSHDB\nSET s:short hi\nSET s:long \"a longer string\"\n"
                      "RPUSH l:three a b c\nRPUSH l:one a\nHSET h:two f v g w\nSADD set:one m\n"
                      "ZADD z:three 1 a 2 b 3 c\nSET \"odd key\\n\" x\n";
    if (server == "redis")
        data += "XADD x:one 1-1 f v\n";
    QCOMPARE(runCli(port(server), split("-n 7"), data).exitCode, 0);
    const QStringList args { QStringLiteral("-n"), QStringLiteral("7"), mode };
    // SCAN's order changes while the server rehashes the database it just filled: compare
    // once it is stable, that is when redis-cli gives the same report twice in a row.
    Result reference = run(redisCliPath(), port(server), args);
    for (int attempt = 0; attempt < 20; ++attempt) {
        QTest::qWait(100);
        const Result again = run(redisCliPath(), port(server), args);
        if (again.out == reference.out)
            break;
        reference = again;
    }
    const Result result = runCli(port(server), args);
    if (mode == QLatin1String("--bigkeys")) {
        QVERIFY2(result.out.contains("Biggest string found '\"s:long\"' has 15 bytes"),
                 result.out.constData());
    }
    QCOMPARE(result.out + QByteArray::number(result.exitCode),
             reference.out + QByteArray::number(reference.exitCode));
}

// --stat: redis-cli's header, then a line of numbers every -i seconds.
void TestCli::stat()
{
    const QByteArray out
            = runFor(QStringLiteral(QKV_CLI_PATH), m_qkv.port(), split("--stat -i 0.2"), 1100);
    const QByteArrayList lines = out.split('\n');
    QVERIFY2(lines.size() >= 5, out.constData());
    QCOMPARE(lines.at(0),
             QByteArray("------- data ------ --------------------- load "
                        "-------------------- - child -"));
    QCOMPARE(lines.at(1),
             QByteArray("keys       mem      clients blocked requests            "
                        "connections          "));
    static const QRegularExpression numbers(QStringLiteral(
            "^\\d+ +\\d+(\\.\\d\\d)?[BKMG] +\\d+ +\\d+ +\\d+ \\(\\+\\d+\\) +\\d+ *$"));
    for (int i = 2; i < 4; ++i)
        QVERIFY2(numbers.match(QString::fromLatin1(lines.at(i))).hasMatch(),
                 lines.at(i).constData());
}

void TestCli::latency_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("pattern");
    const QString raw = QStringLiteral("^\\d+ \\d+ \\d+\\.\\d\\d \\d+\\n$");
    const QString json = QStringLiteral(
            "^\\{\"min\": \\d+, \"max\": \\d+, \"avg\": \\d+\\.\\d\\d, \"count\": \\d+\\}\\n$");
    for (const QByteArray server : { "qkv", "redis" }) {
        QTest::addRow("%s: raw", server.constData()) << server << split("--latency -i 0.3") << raw;
        QTest::addRow("%s: json", server.constData())
                << server << split("--json --latency -i 0.3") << json;
    }
}

// --latency when piped: one line after -i seconds, in redis-cli's format.
void TestCli::latency()
{
    QFETCH(QByteArray, server);
    QFETCH(QStringList, args);
    QFETCH(QString, pattern);
    if (port(server) == 0)
        QSKIP("redis-server is not installed");
    const Result result = runCli(port(server), args);
    QCOMPARE(result.exitCode, 0);
    const QRegularExpression expected(pattern);
    QVERIFY2(expected.match(QString::fromLatin1(result.out)).hasMatch(), result.out.constData());
    if (!redisCliPath().isEmpty()) {
        const QByteArray reference = run(redisCliPath(), port(server), args).out;
        QVERIFY2(expected.match(QString::fromLatin1(reference)).hasMatch(), reference.constData());
    }
}

// --latency-history: a line per sample, and the range line every -i seconds.
void TestCli::latencyHistory()
{
    const QByteArray out = runFor(QStringLiteral(QKV_CLI_PATH), m_qkv.port(),
                                  split("--latency-history -i 0.3"), 1000);
    static const QRegularExpression range(
            QStringLiteral("\\d+ \\d+ \\d+\\.\\d\\d \\d+\\n -- 0\\.3\\d seconds range\\n"
                           "\\d+ \\d+ \\d+\\.\\d\\d 1\\n"));
    QVERIFY2(range.match(QString::fromLatin1(out)).hasMatch(), out.constData());
}

// --latency-dist: redis-cli's legend, then a spectrum line of 31 buckets every -i seconds.
void TestCli::latencyDist()
{
    const QStringList args = split("--latency-dist -i 0.2");
    const QByteArray out = runFor(QStringLiteral(QKV_CLI_PATH), m_qkv.port(), args, 900);
    const QByteArrayList lines = out.split('\n');
    QVERIFY2(lines.size() > 9, out.constData());
    static const QRegularExpression spectrum(
            QStringLiteral("^\\x1b\\[38;5;0m(\\x1b\\[48;5;\\d+m[.\\-*#1-9A-Q?]){31}\\x1b\\[0m$"));
    QVERIFY2(spectrum.match(QString::fromLatin1(lines.at(8))).hasMatch(), lines.at(8).constData());
    if (m_qkv.port() != 0 && !redisCliPath().isEmpty()) {
        const QByteArrayList reference
                = runFor(redisCliPath(), m_qkv.port(), args, 900).split('\n');
        QVERIFY(reference.size() > 9);
        QCOMPARE(lines.mid(0, 8), reference.mid(0, 8));
        QVERIFY2(spectrum.match(QString::fromLatin1(reference.at(8))).hasMatch(),
                 reference.at(8).constData());
    }
}

// --rdb: a real Redis sends its snapshot (diskless and from disk); qkv, without SYNC, says no.
void TestCli::rdb()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("dump.rdb"));
    // qkv answers SYNC with the snapshot of a BGSAVE, then closes the connection.
    QCOMPARE(runCli(m_qkv.port(), split("SET rdb:qkv present")).exitCode, 0);
    Result result = runCli(m_qkv.port(), { QStringLiteral("--rdb"), file });
    QVERIFY2(result.err.endsWith("Transfer finished with success.\n"), result.err.constData());
    QCOMPARE(result.exitCode, 0);
    {
        QFile snapshot(file);
        QVERIFY(snapshot.open(QIODevice::ReadOnly));
        const QByteArray bytes = snapshot.readAll();
        QVERIFY2(bytes.startsWith("REDIS0010"), bytes.left(16).toHex().constData());
        QVERIFY(bytes.contains("rdb:qkv"));
    }
    QCOMPARE(runCli(m_qkv.port(), split("PING")).out, QByteArray("PONG\n"));
    if (m_redis.port() == 0 || redisCliPath().isEmpty())
        QSKIP("redis-server or redis-cli is not installed");
    QCOMPARE(runCli(m_redis.port(), split("SET rdb:marker present")).exitCode, 0);
    // A sync from disk writes dump.rdb into the server's --dir, a temporary directory of its
    // own (ServerProcess), so no other server ever loads it.
    QCOMPARE(runCli(m_redis.port(), split("CONFIG SET repl-diskless-sync-delay 0")).exitCode, 0);
    for (const char *diskless : { "yes", "no" }) {
        QCOMPARE(runCli(m_redis.port(),
                        split("CONFIG SET repl-diskless-sync")
                                + QStringList { QString::fromLatin1(diskless) })
                         .exitCode,
                 0);
        result = runCli(m_redis.port(), { QStringLiteral("--rdb"), file });
        QVERIFY2(result.err.endsWith("Transfer finished with success.\n"), result.err.constData());
        QCOMPARE(result.exitCode, 0);
        QFile mine(file);
        QVERIFY(mine.open(QIODevice::ReadOnly));
        const QByteArray bytes = mine.readAll();
        QVERIFY2(bytes.startsWith("REDIS0010"), bytes.left(16).toHex().constData());
        QVERIFY(bytes.contains("rdb:marker"));
        QCOMPARE(uchar(bytes.at(bytes.size() - 9)), uchar(0xff)); // EOF opcode, then CRC64
        const QString theirs = dir.filePath(QStringLiteral("reference.rdb"));
        QCOMPARE(run(redisCliPath(), m_redis.port(), { QStringLiteral("--rdb"), theirs }).exitCode,
                 0);
        QFile reference(theirs);
        QVERIFY(reference.open(QIODevice::ReadOnly));
        const QByteArray referenceBytes = reference.readAll();
        // The same header and data; aux fields (creation time, memory) may differ.
        QCOMPARE(bytes.left(9), referenceBytes.left(9));
        QVERIFY(referenceBytes.contains("rdb:marker"));
    }
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
