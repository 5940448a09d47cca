// qkv-cli run as a process against a qkv-server and (when installed) a redis-server, both
// started by the test: one-shot, piped and --json modes with their exit codes, and output
// byte-for-byte the same as redis-cli's.
#include "common/serverprocess.h"

#include "common/respframe.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

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
           const QByteArray &input = QByteArray())
{
    QProcess cli;
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

Result runCli(quint16 port, const QStringList &args, const QByteArray &input = QByteArray())
{
    return run(QStringLiteral(QKV_CLI_PATH), port, args, input);
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

private:
    quint16 port(const QByteArray &server);

    ServerProcess m_qkv;
    ServerProcess m_redis;
};

void TestCli::initTestCase()
{
    QString error;
    QVERIFY2(m_qkv.startQkv(QStringLiteral(QKV_SERVER_PATH), &error), qPrintable(error));
    if (!ServerProcess::redisPath().isEmpty())
        QVERIFY2(m_redis.startRedis(&error), qPrintable(error));
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
            "1\nJSON output on\n\"1\"\nJSON output off\n1\n");
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
}

void TestCli::connectionRefused()
{
    QFETCH(QStringList, args);
    const Result result = runCli(1, args, "PING\n");
    QCOMPARE(result.err + "exit " + QByteArray::number(result.exitCode),
             "Could not connect to Redis at 127.0.0.1:1: Connection refused\nexit 1");
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

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
