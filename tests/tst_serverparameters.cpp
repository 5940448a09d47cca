// The server parameters that change how the running server works, set with CONFIG SET on an
// in-process server through a socketless client: hz (the cron's rate) and dynamic-hz,
// activerehashing (the idle-time rehash), oom-score-adj (the processes' OOM scores) and
// loglevel (what reaches the log file).
#include "net/connection.h"
#include "net/server.h"
#include "observe/logsink.h"
#include "store/keyspace.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <climits>

namespace {

QByteArray run(Connection *client, const QByteArray &request)
{
    client->feed(QByteArray(request + "\r\n"));
    return client->takeOutput();
}

} // namespace

class TestServerParameters : public QObject
{
    Q_OBJECT

private slots:
    // With hz 1 the cron, and so the active expiry, runs once a second: keys past their expiry
    // that nobody reads stay for that long (at the default hz 10 they go within 100 ms).
    void hzSetsTheCronRate()
    {
        Server server(ServerConfig {});
        Connection *client = server.createLocalClient();
        QCOMPARE(run(client, "CONFIG SET hz 1"), QByteArray("+OK\r\n"));
        QCOMPARE(server.hz(), 1);
        for (int i = 0; i < 10; ++i)
            run(client, "SET k" + QByteArray::number(i) + " v PX 1");
        QTest::qWait(500);
        QCOMPARE(server.database(0).volatileCount(), 10);
        QTRY_COMPARE_WITH_TIMEOUT(server.database(0).volatileCount(), 0, 3000);
        const QByteArray info = run(client, "INFO server");
        QVERIFY(info.contains("\r\nhz:1\r\n"));
        QVERIFY(info.contains("\r\nconfigured_hz:1\r\n"));
    }

    // Redis's dynamic hz: doubled while there are more than 200 clients per tick.
    void dynamicHzFollowsTheClients()
    {
        Server server(ServerConfig {});
        Connection *client = server.createLocalClient();
        QCOMPARE(run(client, "CONFIG SET hz 1 dynamic-hz no"), QByteArray("+OK\r\n"));
        for (int i = 0; i < 450; ++i)
            server.createLocalClient();
        QCOMPARE(server.hz(), 1);
        QCOMPARE(run(client, "CONFIG SET dynamic-hz yes"), QByteArray("+OK\r\n"));
        QCOMPARE(server.hz(), 4); // 451 clients: 2 per tick would still be over 200
        QVERIFY(run(client, "INFO server").contains("\r\nhz:4\r\n"));
        QCOMPARE(run(client, "CONFIG SET dynamic-hz no"), QByteArray("+OK\r\n"));
        QCOMPARE(server.hz(), 1);
    }

    // activerehashing no: a table being rehashed that nobody touches stays half moved; yes:
    // the cron finishes the move.
    void activeRehashingMovesIdleTables()
    {
        Server server(ServerConfig {});
        Connection *client = server.createLocalClient();
        QCOMPARE(run(client, "CONFIG SET activerehashing no"), QByteArray("+OK\r\n"));
        Keyspace &db = server.database(0);
        for (int i = 0; i < 100000 && !db.isRehashing(); ++i)
            run(client, "SET key:" + QByteArray::number(i) + " v");
        QVERIFY(db.isRehashing());
        QTest::qWait(400);
        QVERIFY(db.isRehashing());
        QCOMPARE(run(client, "CONFIG SET activerehashing yes"), QByteArray("+OK\r\n"));
        QTRY_VERIFY_WITH_TIMEOUT(!db.isRehashing(), 3000);
    }

    // oom-score-adj: relative adds oom-score-adj-values to the score the process had, the first
    // for the server and the third for a fork child; absolute sets them as they are; no puts
    // the old score back. Only raised here: lowering a score needs CAP_SYS_RESOURCE.
    void oomScoreFollowsTheParameters()
    {
        const auto score = [](const QString &pid) {
            QFile file(QStringLiteral("/proc/%1/oom_score_adj").arg(pid));
            return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toInt() : INT_MIN;
        };
        const QString self = QString::number(QCoreApplication::applicationPid());
        const int before = score(self);
        if (before == INT_MIN || before > 900)
            QSKIP("no /proc/self/oom_score_adj to raise");
        Server server(ServerConfig {});
        Connection *client = server.createLocalClient();
        QCOMPARE(run(client, "CONFIG SET oom-score-adj-values \"10 20 30\" oom-score-adj yes"),
                 QByteArray("+OK\r\n"));
        QCOMPARE(score(self), before + 10);
        QCOMPARE(run(client, "CONFIG SET oom-score-adj-values \"1 2 3000\""),
                 QByteArray("-ERR CONFIG SET failed (possibly related to argument "
                            "'oom-score-adj-values') - Invalid oom-score-adj-values, elements "
                            "must be between -2000 and 2000.\r\n"));
        QCOMPARE(score(self), before + 10);

        // A BGSAVE child kept alive a while by rdb-key-save-delay (microseconds per key).
        QCOMPARE(run(client, "CONFIG SET rdb-key-save-delay 200000"), QByteArray("+OK\r\n"));
        for (int i = 0; i < 5; ++i)
            run(client, "SET k" + QByteArray::number(i) + " v");
        QCOMPARE(run(client, "BGSAVE"), QByteArray("+Background saving started\r\n"));
        QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(self));
        QVERIFY(children.open(QIODevice::ReadOnly));
        const QByteArrayList pids = children.readAll().trimmed().split(' ');
        QCOMPARE(pids.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(score(QString::fromLatin1(pids.first())), before + 30, 2000);
        QTRY_VERIFY_WITH_TIMEOUT(
                run(client, "INFO persistence").contains("rdb_bgsave_in_progress:0\r\n"), 10000);

        const QByteArray absolute = QByteArray::number(before + 15);
        QCOMPARE(run(client,
                     "CONFIG SET oom-score-adj absolute oom-score-adj-values \"" + absolute
                             + " 0 0\""),
                 QByteArray("+OK\r\n"));
        QCOMPARE(score(self), before + 15);
        QCOMPARE(run(client, "CONFIG SET oom-score-adj no"), QByteArray("+OK\r\n"));
        QCOMPARE(score(self), before);
    }

    // loglevel: warning leaves the notices out of the log file, notice lets them in but not
    // the debug lines, debug writes everything.
    void logLevelFiltersTheLog()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("server.log"));
        QByteArray content;
        {
            LogSink sink(path);
            Server server(ServerConfig {});
            Connection *client = server.createLocalClient();
            QCOMPARE(run(client, "CONFIG SET loglevel warning"), QByteArray("+OK\r\n"));
            qCInfo(lcServer) << "notice-while-warning";
            qCWarning(lcServer) << "warning-while-warning";
            QCOMPARE(run(client, "CONFIG SET loglevel notice"), QByteArray("+OK\r\n"));
            qCInfo(lcServer) << "notice-while-notice";
            qCDebug(lcServer) << "debug-while-notice";
            QCOMPARE(run(client, "CONFIG SET loglevel debug"), QByteArray("+OK\r\n"));
            qCDebug(lcServer) << "debug-while-debug";
            sink.flush();
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            content = file.readAll();
        }
        QVERIFY(!content.contains("notice-while-warning"));
        QVERIFY(content.contains("warning-while-warning"));
        QVERIFY(content.contains("notice-while-notice"));
        QVERIFY(!content.contains("debug-while-notice"));
        QVERIFY(content.contains("debug-while-debug"));
    }

    // Each line starts with the local date and time to the millisecond, the date part being
    // formatted once a second: a line logged a second later carries the later second.
    void logLinesCarryTheLocalTime()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("server.log"));
        QByteArrayList lines;
        const QDateTime before = QDateTime::currentDateTime();
        {
            LogSink sink(path);
            qCWarning(lcServer) << "first";
            QThread::msleep(1100);
            qCWarning(lcServer) << "second";
            sink.flush();
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            lines = file.readAll().trimmed().split('\n');
        }
        const QDateTime after = QDateTime::currentDateTime();
        QCOMPARE(lines.size(), 2);
        static const QRegularExpression format(QStringLiteral(
                R"(^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) WARN qkv.server: (\w+)$)"));
        QList<QDateTime> times;
        for (const QByteArray &line : lines) {
            const QRegularExpressionMatch match = format.match(QString::fromUtf8(line));
            QVERIFY2(match.hasMatch(), line.constData());
            times << QDateTime::fromString(match.captured(1),
                                           QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
            // Truncated to the millisecond: at most 1 ms before the time read before logging.
            QVERIFY(before.msecsTo(times.last()) >= -1);
            QVERIFY(times.last() <= after);
        }
        QVERIFY(times[0].msecsTo(times[1]) >= 1100);
    }
};

QTEST_GUILESS_MAIN(TestServerParameters)
#include "tst_serverparameters.moc"
