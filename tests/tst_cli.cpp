// qkv-cli against a qkv-server and (when installed) a redis-server started by the test.
#include "common/serverprocess.h"

#include <QProcess>
#include <QTest>

namespace {

struct Result
{
    int exitCode;
    QByteArray out;
};

Result runCli(quint16 port, const QStringList &args, const QByteArray &input = QByteArray())
{
    QProcess cli;
    cli.start(QStringLiteral(QKV_CLI_PATH), QStringList { QStringLiteral("-p"), QString::number(port) } + args);
    cli.waitForStarted(5000);
    if (!input.isNull())
        cli.write(input);
    cli.closeWriteChannel();
    cli.waitForFinished(10000);
    return { cli.exitCode(), cli.readAllStandardOutput() };
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
    void connectionRefused();

private:
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

void TestCli::oneShot_data()
{
    QTest::addColumn<bool>("redis");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("out");
    for (const bool redis : { false, true }) {
        const QByteArray server = redis ? "redis: " : "qkv: ";
        auto row = [&server](const char *name) -> QTestData & { return QTest::newRow(QByteArray(server + name).constData()); };
        row("PING") << redis << QStringList { QStringLiteral("PING") } << 0 << QByteArray("PONG\n");
        row("SET") << redis << QStringList { QStringLiteral("SET"), QStringLiteral("name"), QStringLiteral("Alice") } << 0 << QByteArray("OK\n");
        row("GET") << redis << QStringList { QStringLiteral("GET"), QStringLiteral("name") } << 0 << QByteArray("Alice\n");
        row("GET missing") << redis << QStringList { QStringLiteral("GET"), QStringLiteral("missing") } << 0 << QByteArray("\n");
        row("error exits 1") << redis << QStringList { QStringLiteral("NOSUCHCOMMAND") } << 1 << QByteArray("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: \n");
        row("tty format") << redis << QStringList { QStringLiteral("--no-raw"), QStringLiteral("GET"), QStringLiteral("name") } << 0 << QByteArray("\"Alice\"\n");
        row("tty nil") << redis << QStringList { QStringLiteral("--no-raw"), QStringLiteral("GET"), QStringLiteral("missing") } << 0 << QByteArray("(nil)\n");
        row("json") << redis << QStringList { QStringLiteral("--json"), QStringLiteral("GET"), QStringLiteral("name") } << 0 << QByteArray("\"Alice\"\n");
        row("json null") << redis << QStringList { QStringLiteral("--json"), QStringLiteral("GET"), QStringLiteral("missing") } << 0 << QByteArray("null\n");
        row("json error") << redis << QStringList { QStringLiteral("--json"), QStringLiteral("SELECT"), QStringLiteral("99") } << 1 << QByteArray("{\"error\":\"ERR DB index is out of range\"}\n");
    }
}

void TestCli::oneShot()
{
    QFETCH(bool, redis);
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, out);
    if (redis && m_redis.port() == 0)
        QSKIP("redis-server is not installed");
    const Result result = runCli(redis ? m_redis.port() : m_qkv.port(), args);
    QCOMPARE(result.out, out);
    QCOMPARE(result.exitCode, exitCode);
}

void TestCli::piped_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("out");
    QTest::newRow("raw") << QStringList {} << QByteArray("SET p 1\nINCR_NOT_HERE p\nGET p\n\nECHO \"a b\"\n")
                         << QByteArray("OK\nERR unknown command 'INCR_NOT_HERE', with args beginning with: 'p' \n1\na b\n");
    QTest::newRow("json") << QStringList { QStringLiteral("--json") } << QByteArray("SET j 1\nGET j\nGET nope\n")
                          << QByteArray("\"OK\"\n\"1\"\nnull\n");
    QTest::newRow("quit ends") << QStringList {} << QByteArray("PING\nQUIT\n") << QByteArray("PONG\nOK\n");
}

void TestCli::piped()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, out);
    QCOMPARE(runCli(m_qkv.port(), args, input).out, out);
}

void TestCli::connectionRefused()
{
    QProcess cli;
    cli.start(QStringLiteral(QKV_CLI_PATH), { QStringLiteral("-p"), QStringLiteral("1"), QStringLiteral("PING") });
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 1);
    QVERIFY(cli.readAllStandardError().contains("Could not connect to Redis at 127.0.0.1:1"));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
