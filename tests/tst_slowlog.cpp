// SlowLog: what an entry keeps (Redis's shortening and redaction), the length bound, ids; and
// the hook in Connection::execute through a socketless client.
#include "common/respframe.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/slowlog.h"

#include <QTest>

#include <climits>
#include <ctime>

namespace {

std::vector<QByteArrayView> views(const QByteArrayList &args)
{
    return std::vector<QByteArrayView>(args.cbegin(), args.cend());
}

QByteArrayList numbered(int count)
{
    QByteArrayList args { "DEL" };
    for (int i = 1; i < count; ++i)
        args.append("k" + QByteArray::number(i));
    return args;
}

void record(SlowLog &log, const QByteArrayList &args, long long maxLength = 128)
{
    log.record(views(args), {}, 1, "127.0.0.1:1", QByteArray(), maxLength);
}

} // namespace

class TestSlowLog : public QObject
{
    Q_OBJECT

private slots:
    void isSlow_data();
    void isSlow();
    void arguments_data();
    void arguments();
    void entryFields();
    void maxLengthKeepsNewest();
    void idsSurviveReset();
    void trim();
    void serverRecordsCommands();
    void serverRedactsSecrets();
    void serverMaxLength();
    void serverDisabled();

private:
    // Runs requests on a fresh client of server and returns the parsed replies.
    static std::vector<RespFrame::Value> run(Server &server, const QByteArray &requests);
    static QByteArrayList entryArgs(const RespFrame::Value &entry);
};

std::vector<RespFrame::Value> TestSlowLog::run(Server &server, const QByteArray &requests)
{
    Connection *client = server.createLocalClient();
    client->feed(requests);
    const QByteArray output = client->takeOutput();
    std::vector<RespFrame::Value> replies;
    for (qsizetype pos = 0; pos < output.size();) {
        RespFrame::Value value;
        pos = RespFrame::parse(output, pos, &value);
        if (pos < 0)
            break;
        replies.push_back(std::move(value));
    }
    return replies;
}

QByteArrayList TestSlowLog::entryArgs(const RespFrame::Value &entry)
{
    QByteArrayList args;
    for (const RespFrame::Value &arg : entry.items.at(3).items)
        args.append(arg.text);
    return args;
}

void TestSlowLog::isSlow_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<qint64>("threshold");
    QTest::addColumn<bool>("slow");
    QTest::newRow("faster than the default") << qint64(9999) << qint64(10000) << false;
    QTest::newRow("equal to the threshold") << qint64(10000) << qint64(10000) << true;
    QTest::newRow("threshold 0 logs 0 us") << qint64(0) << qint64(0) << true;
    QTest::newRow("a minute") << qint64(60) * 1000000 << qint64(10000) << true;
    QTest::newRow("disabled") << qint64(3600) * 1000000 << qint64(-1) << false;
    QTest::newRow("largest threshold") << qint64(3600) * 1000000 << qint64(LLONG_MAX) << false;
}

void TestSlowLog::isSlow()
{
    QFETCH(qint64, micros);
    QFETCH(qint64, threshold);
    QFETCH(bool, slow);
    QCOMPARE(SlowLog::isSlow(micros, threshold), slow);
}

void TestSlowLog::arguments_data()
{
    QTest::addColumn<QByteArrayList>("args");
    QTest::addColumn<QList<qsizetype>>("redacted");
    QTest::addColumn<QByteArrayList>("expected");

    const QByteArrayList set { "SET", "k", "v" };
    QTest::newRow("short") << set << QList<qsizetype>() << set;
    QTest::newRow("32 arguments kept") << numbered(32) << QList<qsizetype>() << numbered(32);
    QTest::newRow("33 arguments") << numbered(33) << QList<qsizetype>()
                                  << numbered(31) + QByteArrayList { "... (2 more arguments)" };
    QTest::newRow("40 arguments") << numbered(40) << QList<qsizetype>()
                                  << numbered(31) + QByteArrayList { "... (9 more arguments)" };
    const QByteArray x128(128, 'x');
    QTest::newRow("128 bytes kept") << QByteArrayList { "ECHO", x128 } << QList<qsizetype>()
                                    << QByteArrayList { "ECHO", x128 };
    QTest::newRow("129 bytes") << QByteArrayList { "ECHO", x128 + 'y' } << QList<qsizetype>()
                               << QByteArrayList { "ECHO", x128 + "... (1 more bytes)" };
    QTest::newRow("200 bytes") << QByteArrayList { "ECHO", QByteArray(200, 'x') }
                               << QList<qsizetype>()
                               << QByteArrayList { "ECHO", x128 + "... (72 more bytes)" };
    QTest::newRow("nul kept") << QByteArrayList { "ECHO", QByteArray("a\0b", 3) }
                              << QList<qsizetype>()
                              << QByteArrayList { "ECHO", QByteArray("a\0b", 3) };
    QTest::newRow("empty argument")
            << QByteArrayList { "ECHO", "" } << QList<qsizetype>() << QByteArrayList { "ECHO", "" };
    QTest::newRow("redacted") << QByteArrayList { "AUTH", "user", "pw" }
                              << QList<qsizetype> { 1, 2 }
                              << QByteArrayList { "AUTH", "(redacted)", "(redacted)" };
    QTest::newRow("redacted long is not cut")
            << QByteArrayList { "AUTH", QByteArray(300, 'p') } << QList<qsizetype> { 1 }
            << QByteArrayList { "AUTH", "(redacted)" };
    QByteArrayList redactedEarly = numbered(31);
    redactedEarly[3] = "(redacted)";
    QTest::newRow("redacted among 40")
            << numbered(40) << QList<qsizetype> { 3, 31, 35 }
            << redactedEarly + QByteArrayList { "... (9 more arguments)" };
}

void TestSlowLog::arguments()
{
    QFETCH(QByteArrayList, args);
    QFETCH(QList<qsizetype>, redacted);
    QFETCH(QByteArrayList, expected);
    SlowLog log;
    log.record(views(args), std::vector<qsizetype>(redacted.cbegin(), redacted.cend()), 1,
               "127.0.0.1:1", QByteArray(), 128);
    QCOMPARE(log.entries().front().args, expected);
}

void TestSlowLog::entryFields()
{
    SlowLog log;
    const qint64 before = qint64(std::time(nullptr));
    log.record(views({ "PING" }), {}, 12345, "10.0.0.1:5000", "worker", 128);
    const qint64 after = qint64(std::time(nullptr));
    QCOMPARE(log.size(), 1);
    const SlowLogEntry &entry = log.entries().front();
    QCOMPARE(entry.id, 0U);
    QCOMPARE(entry.durationUs, 12345);
    QCOMPARE(entry.client, QByteArray("10.0.0.1:5000"));
    QCOMPARE(entry.name, QByteArray("worker"));
    QVERIFY(entry.time >= before && entry.time <= after);
}

void TestSlowLog::maxLengthKeepsNewest()
{
    SlowLog log;
    for (int i = 0; i < 5; ++i)
        record(log, { "ECHO", QByteArray::number(i) }, 3);
    QCOMPARE(log.size(), 3);
    QCOMPARE(log.entries()[0].id, 4U);
    QCOMPARE(log.entries()[0].args.last(), QByteArray("4"));
    QCOMPARE(log.entries()[2].id, 2U);
    // A length of 0 keeps nothing, but ids still count the commands it saw.
    record(log, { "PING" }, 0);
    QCOMPARE(log.size(), 0);
    record(log, { "PING" });
    QCOMPARE(log.entries().front().id, 6U);
}

void TestSlowLog::idsSurviveReset()
{
    SlowLog log;
    record(log, { "PING" });
    record(log, { "PING" });
    log.reset();
    QCOMPARE(log.size(), 0);
    record(log, { "PING" });
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.entries().front().id, 2U);
}

void TestSlowLog::trim()
{
    SlowLog log;
    for (int i = 0; i < 4; ++i)
        record(log, { "ECHO", QByteArray::number(i) });
    log.trim(LLONG_MAX);
    QCOMPARE(log.size(), 4);
    log.trim(1);
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.entries().front().args.last(), QByteArray("3"));
    log.trim(0);
    QCOMPARE(log.size(), 0);
}

void TestSlowLog::serverRecordsCommands()
{
    Server server(ServerConfig {});
    const auto replies = run(server,
                             "CONFIG SET slowlog-log-slower-than 0\r\n"
                             "SLOWLOG RESET\r\n"
                             "CLIENT SETNAME app\r\n"
                             "SET k v EX 100\r\n"
                             "GET\r\n"      // arity: never runs, not logged
                             "NOSUCH x\r\n" // unknown: not logged
                             "INCR k\r\n"   // an error reply is logged
                             "SLOWLOG GET -1\r\n");
    QCOMPARE(replies.size(), 8U);
    const RespFrame::Value &entries = replies.back();
    QCOMPARE(entries.items.size(), 4U);
    QCOMPARE(entryArgs(entries.items[0]), QByteArrayList({ "INCR", "k" }));
    QCOMPARE(entryArgs(entries.items[1]), QByteArrayList({ "SET", "k", "v", "EX", "100" }));
    QCOMPARE(entryArgs(entries.items[2]), QByteArrayList({ "CLIENT", "SETNAME", "app" }));
    QCOMPARE(entryArgs(entries.items[3]), QByteArrayList({ "SLOWLOG", "RESET" }));
    const RespFrame::Value &newest = entries.items[0];
    QCOMPARE(newest.items.size(), 6U);
    QCOMPARE(newest.items[0].text, QByteArray("4")); // CONFIG SET is 0, removed by RESET
    QCOMPARE(newest.items[4].text, QByteArray("local:0"));
    QCOMPARE(newest.items[5].text, QByteArray("app"));
    // The name is the one the client has when its command ends.
    QCOMPARE(entries.items[3].items[5].text, QByteArray());
}

void TestSlowLog::serverRedactsSecrets()
{
    Server server(ServerConfig {});
    const auto replies = run(server,
                             "CONFIG SET slowlog-log-slower-than 0\r\n"
                             "SLOWLOG RESET\r\n"
                             "AUTH secret\r\n"
                             "HELLO 2 AUTH default secret\r\n"
                             "CONFIG SET requirepass secret\r\n"
                             "CONFIG SET nosuch 1 requirepass secret\r\n"
                             "CONFIG SET requirepass \"\"\r\n"
                             "SLOWLOG GET 5\r\n");
    const RespFrame::Value &entries = replies.back();
    QCOMPARE(entries.items.size(), 5U);
    QCOMPARE(entryArgs(entries.items[0]),
             QByteArrayList({ "CONFIG", "SET", "requirepass", "(redacted)" }));
    QCOMPARE(entryArgs(entries.items[1]),
             QByteArrayList({ "CONFIG", "SET", "nosuch", "1", "requirepass", "(redacted)" }));
    QCOMPARE(entryArgs(entries.items[2]),
             QByteArrayList({ "CONFIG", "SET", "requirepass", "(redacted)" }));
    QCOMPARE(entryArgs(entries.items[3]),
             QByteArrayList({ "HELLO", "2", "AUTH", "(redacted)", "(redacted)" }));
    QCOMPARE(entryArgs(entries.items[4]), QByteArrayList({ "AUTH", "(redacted)" }));
}

void TestSlowLog::serverMaxLength()
{
    Server server(ServerConfig {});
    const auto replies = run(server,
                             "CONFIG SET slowlog-log-slower-than 0\r\n"
                             "PING\r\nPING\r\nPING\r\n"
                             "CONFIG SET slowlog-log-slower-than -1\r\n"
                             "CONFIG SET slowlog-max-len 1\r\n"
                             "SLOWLOG LEN\r\n" // disabled: Redis trims nothing
                             "CONFIG SET slowlog-log-slower-than 1000000000\r\n"
                             "SLOWLOG LEN\r\n");
    QCOMPARE(replies.size(), 9U);
    QCOMPARE(replies[6].text, QByteArray("4"));
    QCOMPARE(replies[8].text, QByteArray("1"));
    QCOMPARE(server.slowLog().entries().front().args, QByteArrayList { "PING" });
}

void TestSlowLog::serverDisabled()
{
    Server server(ServerConfig {});
    const auto replies = run(server,
                             "CONFIG SET slowlog-log-slower-than -1\r\n"
                             "SLOWLOG RESET\r\n"
                             "PING\r\n"
                             "SLOWLOG LEN\r\n");
    QCOMPARE(replies.back().text, QByteArray("0"));
}

QTEST_GUILESS_MAIN(TestSlowLog)
#include "tst_slowlog.moc"
