// RDB persistence end to end, with qkv-server and redis-server 7.0 processes in temporary
// directories: every type and encoding saved and loaded back value by value, SIGTERM and
// SHUTDOWN saving, the save rules, a BGSAVE while clients write, and interoperability both
// ways (redis-check-rdb on qkv's file, redis-server loading it, qkv loading redis-server's
// file, DUMP payloads restored into the other server).
#include "common/persistdata.h"
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <csignal>

using namespace PersistData;

namespace {

const QString QkvPath = QStringLiteral(QKV_SERVER_PATH);

// Polls condition (which talks to a server: no event loop in between) for 5 s at most.
template<typename Condition> bool waitUntil(Condition condition)
{
    for (int i = 0; i < 100; ++i) {
        if (condition())
            return true;
        QThread::msleep(50);
    }
    return false;
}

bool copyFile(const QString &from, const QString &to)
{
    QFile::remove(to);
    return QFile::copy(from, to);
}

// Makes the server's saves fail (even as root): its dir becomes a directory that is then
// removed. Needs --enable-protected-configs yes. Returns that directory's path, empty on
// failure.
QByteArray breakSaving(RespClient &client, const QString &dir)
{
    QDir(dir).mkdir(QStringLiteral("gone"));
    const QByteArray gone = QFile::encodeName(dir + QStringLiteral("/gone"));
    if (call(client, { "CONFIG", "SET", "dir", gone }) != "+OK\r\n"
        || !QDir(dir).rmdir(QStringLiteral("gone")))
        return QByteArray();
    return gone;
}

} // namespace

class TestPersistence : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { m_haveRedis = !ServerProcess::redisPath().isEmpty(); }

    void saveAndRestart()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        populate(qkv.port());
        const QByteArray before = snapshot(qkv.port());
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(infoField(c, "rdb_changes_since_last_save") > 0, true);
        QCOMPARE(call(c, { "SAVE" }), QByteArray("+OK\r\n"));
        QCOMPARE(infoField(c, "rdb_changes_since_last_save"), 0);
        QCOMPARE(infoField(c, "rdb_saves"), 1);
        QVERIFY(QFile::exists(qkv.dir() + QStringLiteral("/dump.rdb")));
        c.disconnect();
        QVERIFY(qkv.stop());
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        QCOMPARE(snapshot(qkv.port()), before);
        RespClient after;
        QVERIFY(after.connectTo(qkv.port()));
        QCOMPARE(infoField(after, "rdb_last_load_keys_loaded"), 26 + 2 * 15);
        QCOMPARE(infoField(after, "rdb_changes_since_last_save"), 0);
    }

    void bigValues_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("rdb") << QStringList();
        QTest::newRow("aof") << QStringList { QStringLiteral("--appendonly"), QStringLiteral("yes"),
                                              QStringLiteral("--aof-use-rdb-preamble"),
                                              QStringLiteral("no") };
    }
    // Big values: a 100 MB string (half of it compressible), a list of a million elements, a
    // hash and a sorted set of 200,000: through SAVE (or the append-only file alone) and a
    // restart, checked whole.
    void bigValues()
    {
        QFETCH(QStringList, args);
        const bool aof = !args.isEmpty();
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error, args), qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QByteArray big(100 << 20, Qt::Uninitialized);
        QRandomGenerator random(9);
        for (qsizetype i = 0; i < big.size(); ++i)
            big[i] = i < big.size() / 2 ? char(random.bounded(256)) : char('a' + (i / 1000) % 26);
        QCOMPARE(call(c, { "SET", "big", big }), QByteArray("+OK\r\n"));
        QByteArrayList list { "RPUSH", "list" };
        for (int i = 0; i < 1000000; ++i)
            list << QByteArray::number(i);
        QCOMPARE(call(c, list), QByteArray(":1000000\r\n"));
        QByteArrayList hash { "HSET", "hash" };
        QByteArrayList zset { "ZADD", "zset" };
        for (int i = 0; i < 200000; ++i) {
            hash << "f" + QByteArray::number(i) << QByteArray::number(i);
            zset << QByteArray::number(i % 1000) << "m" + QByteArray::number(i);
        }
        QCOMPARE(call(c, hash), QByteArray(":200000\r\n"));
        QCOMPARE(call(c, zset), QByteArray(":200000\r\n"));
        const QByteArray before = snapshot(qkv.port(), 1);
        if (!aof)
            QCOMPARE(call(c, { "SAVE" }), QByteArray("+OK\r\n"));
        c.disconnect();
        QVERIFY(qkv.stop());
        QVERIFY(QFile::exists(qkv.dir() + QStringLiteral("/dump.rdb")) != aof);
        QVERIFY2(qkv.startQkv(QkvPath, &error, args), qPrintable(error));
        QCOMPARE(snapshot(qkv.port(), 1), before);
        RespClient after;
        QVERIFY(after.connectTo(qkv.port()));
        QCOMPARE(call(after, { "GET", "big" }),
                 "$" + QByteArray::number(big.size()) + "\r\n" + big + "\r\n");
    }

    void uncompressedWithoutChecksum()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        populate(qkv.port());
        const QByteArray before = snapshot(qkv.port());
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(call(c, { "CONFIG", "SET", "rdbcompression", "no", "rdbchecksum", "no" }),
                 QByteArray("+OK\r\n"));
        QCOMPARE(call(c, { "SAVE" }), QByteArray("+OK\r\n"));
        QFile file(qkv.dir() + QStringLiteral("/dump.rdb"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.endsWith(QByteArray(8, '\0'))); // no checksum
        QVERIFY(bytes.size() > 100000);               // the 100 KB string as it is
        c.disconnect();
        QVERIFY(qkv.stop());
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        QCOMPARE(snapshot(qkv.port()), before);
    }

    void shutdownAndSignals()
    {
        QString error;
        {
            // SIGTERM with save rules saves; without, nothing is written.
            ServerProcess qkv;
            QVERIFY2(qkv.startQkv(QkvPath, &error,
                                  { QStringLiteral("--save"), QStringLiteral("3600 1") }),
                     qPrintable(error));
            RespClient c;
            QVERIFY(c.connectTo(qkv.port()));
            QCOMPARE(call(c, { "SET", "k", "v" }), QByteArray("+OK\r\n"));
            c.disconnect();
            QVERIFY(qkv.stop());
            QVERIFY(QFile::exists(qkv.dir() + QStringLiteral("/dump.rdb")));
            QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
            QVERIFY(c.connectTo(qkv.port()));
            QCOMPARE(call(c, { "GET", "k" }), QByteArray("$1\r\nv\r\n"));
            // Without save rules: SIGTERM does not save, so "k2" is gone after a restart.
            QCOMPARE(call(c, { "SET", "k2", "v" }), QByteArray("+OK\r\n"));
            c.disconnect();
            QVERIFY(qkv.stop());
            QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
            QVERIFY(c.connectTo(qkv.port()));
            QCOMPARE(call(c, { "EXISTS", "k2" }), QByteArray(":0\r\n"));
            // SHUTDOWN SAVE saves even without rules; the caller gets no reply.
            QCOMPARE(call(c, { "SET", "k3", "v" }), QByteArray("+OK\r\n"));
            QVERIFY(call(c, { "SHUTDOWN", "SAVE" }).isNull());
            QVERIFY(qkv.stop());
            QVERIFY2(qkv.startQkv(QkvPath, &error,
                                  { QStringLiteral("--save"), QStringLiteral("3600 1") }),
                     qPrintable(error));
            RespClient d;
            QVERIFY(d.connectTo(qkv.port()));
            QCOMPARE(call(d, { "EXISTS", "k3" }), QByteArray(":1\r\n"));
            // SHUTDOWN NOSAVE with rules: nothing saved.
            QCOMPARE(call(d, { "SET", "k4", "v" }), QByteArray("+OK\r\n"));
            QVERIFY(call(d, { "SHUTDOWN", "NOSAVE" }).isNull());
            QVERIFY(qkv.stop());
            QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
            RespClient e;
            QVERIFY(e.connectTo(qkv.port()));
            QCOMPARE(call(e, { "EXISTS", "k4" }), QByteArray(":0\r\n"));
            // A save that cannot write refuses SHUTDOWN and the server keeps serving.
            QCOMPARE(call(e, { "CONFIG", "SET", "dbfilename", "x" }),
                     QByteArray("-ERR CONFIG SET failed (possibly related to argument "
                                "'dbfilename') - can't set protected config\r\n"));
        }
        {
            ServerProcess qkv;
            QVERIFY2(qkv.startQkv(QkvPath, &error,
                                  { QStringLiteral("--enable-protected-configs"),
                                    QStringLiteral("yes") }),
                     qPrintable(error));
            RespClient c;
            QVERIFY(c.connectTo(qkv.port()));
            const QByteArray gone = breakSaving(c, qkv.dir());
            QVERIFY(!gone.isEmpty());
            QCOMPARE(call(c, { "SAVE" }), QByteArray("-ERR\r\n"));
            QCOMPARE(call(c, { "SHUTDOWN", "SAVE" }),
                     QByteArray("-ERR Errors trying to SHUTDOWN. Check logs.\r\n"));
            QCOMPARE(call(c, { "PING" }), QByteArray("+PONG\r\n"));
            QCOMPARE(call(c, { "CONFIG", "SET", "dir", gone }),
                     QByteArray("-ERR CONFIG SET failed (possibly related to argument 'dir') - No "
                                "such file or directory\r\n"));
            QCOMPARE(call(c, { "CONFIG", "SET", "dir", QFile::encodeName(qkv.dir()) }),
                     QByteArray("+OK\r\n"));
            QCOMPARE(call(c, { "CONFIG", "SET", "dbfilename", "other.rdb" }),
                     QByteArray("+OK\r\n"));
            QCOMPARE(call(c, { "CONFIG", "GET", "dbfilename" }),
                     QByteArray("*2\r\n$10\r\ndbfilename\r\n$9\r\nother.rdb\r\n"));
            QCOMPARE(call(c, { "SAVE" }), QByteArray("+OK\r\n"));
            QVERIFY(QFile::exists(qkv.dir() + QStringLiteral("/other.rdb")));
        }
    }

    // As Redis: a SIGTERM or SIGINT whose save fails leaves the server serving rather than
    // losing what it holds; shutdown-on-sigterm's "force" stops it anyway, and
    // shutdown-on-sigint's "nosave" stops it without saving.
    void signalsFollowShutdownOnSignal()
    {
        ServerProcess qkv;
        QString error;
        const QString log = qkv.dir() + QStringLiteral("/server.log");
        QVERIFY2(qkv.startQkv(QkvPath, &error,
                              { QStringLiteral("--save"), QStringLiteral("3600 1"),
                                QStringLiteral("--enable-protected-configs"), QStringLiteral("yes"),
                                QStringLiteral("--log-file"), log }),
                 qPrintable(error));
        const auto refusals = [&log] {
            QFile file(log);
            return file.open(QIODevice::ReadOnly)
                    ? file.readAll().count("Errors trying to shut down the server")
                    : qsizetype(0);
        };
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(call(c, { "CONFIG", "GET", "shutdown-on-sig*" }),
                 QByteArray("*4\r\n$18\r\nshutdown-on-sigint\r\n$7\r\ndefault\r\n"
                            "$19\r\nshutdown-on-sigterm\r\n$7\r\ndefault\r\n"));
        QCOMPARE(call(c, { "SET", "k", "v" }), QByteArray("+OK\r\n"));
        QVERIFY(!breakSaving(c, qkv.dir()).isEmpty());

        const pid_t pid = pid_t(qkv.processId());
        QCOMPARE(::kill(pid, SIGTERM), 0);
        QTRY_COMPARE_WITH_TIMEOUT(refusals(), qsizetype(1), 10000);
        QCOMPARE(call(c, { "GET", "k" }), QByteArray("$1\r\nv\r\n"));
        QCOMPARE(::kill(pid, SIGINT), 0);
        QTRY_COMPARE_WITH_TIMEOUT(refusals(), qsizetype(2), 10000);
        QCOMPARE(call(c, { "PING" }), QByteArray("+PONG\r\n"));

        // "nosave" stops at once, and what was not saved is gone, as asked.
        QCOMPARE(call(c, { "CONFIG", "SET", "shutdown-on-sigint", "nosave now" }),
                 QByteArray("+OK\r\n"));
        QCOMPARE(call(c, { "CONFIG", "GET", "shutdown-on-sigint" }),
                 QByteArray("*2\r\n$18\r\nshutdown-on-sigint\r\n$10\r\nnosave now\r\n"));
        QCOMPARE(call(c, { "CONFIG", "SET", "shutdown-on-sigterm", "save nosave" }),
                 QByteArray("-ERR CONFIG SET failed (possibly related to argument "
                            "'shutdown-on-sigterm') - shutdown options SAVE and NOSAVE can't be "
                            "used simultaneously\r\n"));
        c.disconnect();
        QCOMPARE(::kill(pid, SIGINT), 0);
        QVERIFY(qkv.waitForExit());
        QCOMPARE(refusals(), qsizetype(2));
        QVERIFY(!QFile::exists(qkv.dir() + QStringLiteral("/dump.rdb")));
    }

    // "force": a failed save does not keep the server running.
    void signalWithForceStops()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error,
                              { QStringLiteral("--save"), QStringLiteral("3600 1"),
                                QStringLiteral("--enable-protected-configs"), QStringLiteral("yes"),
                                QStringLiteral("--shutdown-on-sigterm"), QStringLiteral("force") }),
                 qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(call(c, { "CONFIG", "GET", "shutdown-on-sigterm" }),
                 QByteArray("*2\r\n$19\r\nshutdown-on-sigterm\r\n$5\r\nforce\r\n"));
        QVERIFY(!breakSaving(c, qkv.dir()).isEmpty());
        QCOMPARE(call(c, { "SET", "k", "v" }), QByteArray("+OK\r\n"));
        c.disconnect();
        QElapsedTimer timer;
        timer.start();
        QVERIFY(qkv.stop(10000));
        QVERIFY(timer.elapsed() < 9000);
    }

    void corruptFileStopsStart()
    {
        ServerProcess qkv;
        QFile file(qkv.dir() + QStringLiteral("/dump.rdb"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("REDIS0010\xfe\x00\x00\x01k\x05", 15)); // cut inside a value
        file.close();
        QString error;
        QVERIFY(!qkv.startQkv(QkvPath, &error));
        // An empty directory (no file) is a fresh start, not an error.
        QVERIFY(QFile::remove(qkv.dir() + QStringLiteral("/dump.rdb")));
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
    }

    // rdb_changes_since_last_save counts what Redis's dirty counter counts, for the common
    // writes: per key, and per element for the multi-element ones.
    void changeCountsMatchRedis()
    {
        if (!m_haveRedis)
            QSKIP("redis-server is not installed");
        ServerProcess redis;
        ServerProcess qkv;
        QString error;
        QVERIFY2(redis.startRedis(&error), qPrintable(error));
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        const QList<QByteArrayList> steps {
            { "SET", "a", "1" },
            { "MSET", "b", "1", "c", "2", "d", "3" },
            { "DEL", "b", "c", "nope" },
            { "SADD", "s", "1", "2", "3", "x" },
            { "SADD", "s", "1", "y" },
            { "SREM", "s", "1", "2", "nope" },
            { "HSET", "h", "f", "1", "g", "2", "f", "3" },
            { "HDEL", "h", "f", "g" },
            { "RPUSH", "l", "a", "b", "c" },
            { "LPUSH", "l", "z" },
            { "ZADD", "z", "1", "a", "2", "b", "3", "c" },
            { "ZADD", "z", "1", "a", "5", "b" },
            { "ZREM", "z", "a", "b" },
            { "INCR", "n" },
            { "EXPIRE", "a", "100" },
            { "APPEND", "a", "x" },
        };
        for (ServerProcess *server : { &redis, &qkv }) {
            RespClient c;
            QVERIFY(c.connectTo(server->port()));
            QCOMPARE(call(c, { "SAVE" }), QByteArray("+OK\r\n"));
            for (const QByteArrayList &step : steps)
                call(c, step);
        }
        RespClient r;
        RespClient q;
        QVERIFY(r.connectTo(redis.port()));
        QVERIFY(q.connectTo(qkv.port()));
        QCOMPARE(infoField(q, "rdb_changes_since_last_save"),
                 infoField(r, "rdb_changes_since_last_save"));
    }

    // With save rules, FLUSHALL saves the empty dataset at once (Redis's
    // flushAllDataAndResetRDB); without, it writes nothing.
    void flushallSaves()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error,
                              { QStringLiteral("--save"), QStringLiteral("3600 1") }),
                 qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(call(c, { "SET", "k", "v" }), QByteArray("+OK\r\n"));
        QVERIFY(!QFile::exists(qkv.dir() + QStringLiteral("/dump.rdb")));
        QCOMPARE(call(c, { "FLUSHALL" }), QByteArray("+OK\r\n"));
        QVERIFY(QFile::exists(qkv.dir() + QStringLiteral("/dump.rdb")));
        QCOMPARE(infoField(c, "rdb_saves"), 1);
        QCOMPARE(infoField(c, "rdb_changes_since_last_save"), 1);
        QCOMPARE(call(c, { "CONFIG", "SET", "save", "" }), QByteArray("+OK\r\n"));
        QVERIFY(QFile::remove(qkv.dir() + QStringLiteral("/dump.rdb")));
        QCOMPARE(call(c, { "FLUSHALL" }), QByteArray("+OK\r\n"));
        QVERIFY(!QFile::exists(qkv.dir() + QStringLiteral("/dump.rdb")));
    }

    void saveRules()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error, { QStringLiteral("--save"), QStringLiteral("1 2") }),
                 qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(call(c, { "CONFIG", "GET", "save" }),
                 QByteArray("*2\r\n$4\r\nsave\r\n$3\r\n1 2\r\n"));
        const qint64 lastSave = call(c, { "LASTSAVE" }).mid(1).trimmed().toLongLong();
        QCOMPARE(call(c, { "SET", "a", "1" }), QByteArray("+OK\r\n"));
        QTest::qWait(2500);
        QCOMPARE(infoField(c, "rdb_saves"), 0); // one change: below the rule
        QCOMPARE(infoField(c, "rdb_changes_since_last_save"), 1);
        QCOMPARE(call(c, { "SET", "b", "1" }), QByteArray("+OK\r\n"));
        QTRY_COMPARE_WITH_TIMEOUT(infoField(c, "rdb_saves"), 1, 5000);
        QVERIFY(call(c, { "INFO", "persistence" }).contains("rdb_last_bgsave_status:ok"));
        QVERIFY(call(c, { "LASTSAVE" }).mid(1).trimmed().toLongLong() > lastSave);
        QVERIFY(QFile::exists(qkv.dir() + QStringLiteral("/dump.rdb")));
        QCOMPARE(call(c, { "CONFIG", "SET", "save", "" }), QByteArray("+OK\r\n"));
        QCOMPARE(call(c, { "CONFIG", "GET", "save" }),
                 QByteArray("*2\r\n$4\r\nsave\r\n$0\r\n\r\n"));
    }

    void bgsaveWhileWriting()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        constexpr int Keys = 300000;
        QList<QByteArrayList> batch;
        for (int i = 0; i < Keys; i += 1000) {
            QByteArrayList mset { "MSET" };
            for (int k = i; k < i + 1000; ++k)
                mset << "key:" + QByteArray::number(k) << QByteArray::number(k) + "-value";
            batch << mset;
        }
        pipeline(c, batch);
        QCOMPARE(call(c, { "DBSIZE" }), ":" + QByteArray::number(Keys) + "\r\n");
        QCOMPARE(call(c, { "BGSAVE" }), QByteArray("+Background saving started\r\n"));
        // Writes and reads go on while the child writes; every reply is the right one.
        RespClient writer;
        QVERIFY(writer.connectTo(qkv.port()));
        QElapsedTimer timer;
        timer.start();
        int written = 0;
        qint64 slowest = 0;
        bool sawRunning = false;
        while (timer.elapsed() < 20000) {
            QElapsedTimer one;
            one.start();
            QCOMPARE(call(writer, { "SET", "during:" + QByteArray::number(written), "x" }),
                     QByteArray("+OK\r\n"));
            QCOMPARE(call(writer, { "GET", "key:" + QByteArray::number(written) }),
                     "$" + QByteArray::number(QByteArray::number(written).size() + 6) + "\r\n"
                             + QByteArray::number(written) + "-value\r\n");
            slowest = qMax(slowest, one.elapsed());
            ++written;
            if (written % 100 == 0) {
                const qint64 running = infoField(c, "rdb_bgsave_in_progress");
                sawRunning = sawRunning || running == 1;
                if (running == 0)
                    break;
            }
        }
        qInfo() << written << "writes during the BGSAVE; slowest SET+GET" << slowest << "ms";
        QTRY_COMPARE_WITH_TIMEOUT(infoField(c, "rdb_bgsave_in_progress"), 0, 30000);
        QCOMPARE(call(c, { "INFO", "persistence" }).contains("rdb_last_bgsave_status:ok"), true);
        QCOMPARE(infoField(c, "rdb_saves"), 1);
        // The fork is timed: 300,000 keys' page tables take more than a microsecond to copy.
        QCOMPARE(infoField(c, "total_forks", "stats"), 1);
        QVERIFY(infoField(c, "latest_fork_usec", "stats") > 0);
        // The writes made after the fork are changes the snapshot does not hold.
        QCOMPARE(infoField(c, "rdb_changes_since_last_save"), written);
        c.disconnect();
        writer.disconnect();
        QVERIFY(qkv.stop());
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        RespClient after;
        QVERIFY(after.connectTo(qkv.port()));
        const qint64 loaded = call(after, { "DBSIZE" }).mid(1).trimmed().toLongLong();
        QVERIFY2(loaded >= Keys && loaded <= Keys + written,
                 QByteArray::number(loaded).constData());
        QCOMPARE(call(after, { "GET", "key:299999" }), QByteArray("$12\r\n299999-value\r\n"));
    }

    // While a BGSAVE or BGREWRITEAOF child runs (kept running by rdb-key-save-delay), reads
    // leave keys' LFU counters alone (compat: persist.txt checks that part against Redis);
    // once the child is reaped, or killed by FLUSHALL, they count again.
    void accessFieldsWaitForTheChild()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(call(c,
                      { "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "lfu-log-factor", "0",
                        "lfu-decay-time", "0", "rdb-key-save-delay", "300000" }),
                 QByteArray("+OK\r\n"));
        auto frequency = [&] { return call(c, { "OBJECT", "FREQ", "k" }); };
        auto readTwice = [&] {
            call(c, { "GET", "k" });
            call(c, { "GET", "k" });
        };
        struct Child
        {
            QByteArray command;
            QByteArray progressField;
        };
        for (const Child &child : { Child { "BGSAVE", "rdb_bgsave_in_progress" },
                                    Child { "BGREWRITEAOF", "aof_rewrite_in_progress" } }) {
            call(c, { "DEL", "k" });
            call(c, { "SET", "k", "v" });
            call(c, { "SET", "other", "v" });
            readTwice();
            QCOMPARE(frequency(), QByteArray(":7\r\n"));
            QVERIFY(call(c, { child.command }).startsWith("+Background"));
            QCOMPARE(infoField(c, child.progressField), 1);
            readTwice();
            QCOMPARE(frequency(), QByteArray(":7\r\n"));
            QTRY_COMPARE_WITH_TIMEOUT(infoField(c, child.progressField), 0, 10000);
            readTwice();
            QCOMPARE(frequency(), QByteArray(":9\r\n"));
        }
        QCOMPARE(call(c, { "CONFIG", "SET", "rdb-key-save-delay", "5000000" }),
                 QByteArray("+OK\r\n"));
        QVERIFY(call(c, { "BGSAVE" }).startsWith("+Background"));
        QCOMPARE(call(c, { "FLUSHALL" }), QByteArray("+OK\r\n"));
        QCOMPARE(infoField(c, "rdb_bgsave_in_progress"), 0);
        call(c, { "SET", "k", "v" });
        readTwice();
        QCOMPARE(frequency(), QByteArray(":7\r\n"));
    }

    // Under an LRU policy a snapshot keeps each key's idle time, under an LFU one its counter
    // (RDB_OPCODE_IDLE and RDB_OPCODE_FREQ), and loading restores them: between qkv and
    // redis-server both ways.
    void accessFieldsSurviveARestart_data()
    {
        QTest::addColumn<bool>("qkvWrites");
        QTest::addColumn<bool>("qkvReads");
        QTest::addColumn<bool>("lfu");
        for (const bool lfu : { false, true }) {
            const char *policy = lfu ? "lfu" : "lru";
            QTest::addRow("qkv to qkv, %s", policy) << true << true << lfu;
            QTest::addRow("qkv to redis-server, %s", policy) << true << false << lfu;
            QTest::addRow("redis-server to qkv, %s", policy) << false << true << lfu;
        }
    }
    void accessFieldsSurviveARestart()
    {
        QFETCH(bool, qkvWrites);
        QFETCH(bool, qkvReads);
        QFETCH(bool, lfu);
        if ((!qkvWrites || !qkvReads) && !m_haveRedis)
            QSKIP("redis-server is not installed");
        // No LFU decay: a minute starting between the save and the check would lower it.
        const QStringList policy { QStringLiteral("--maxmemory-policy"),
                                   lfu ? QStringLiteral("allkeys-lfu")
                                       : QStringLiteral("allkeys-lru"),
                                   QStringLiteral("--lfu-decay-time"), QStringLiteral("0") };
        ServerProcess writer;
        QString error;
        QVERIFY2(qkvWrites ? writer.startQkv(QkvPath, &error, policy)
                           : writer.startRedis(&error, policy),
                 qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(writer.port()));
        call(c, { "SET", "fresh", "v" });
        RespFrame::Value payload;
        RespFrame::parse(call(c, { "DUMP", "fresh" }), 0, &payload);
        QCOMPARE(call(c,
                      { "RESTORE", "used", "0", payload.text, lfu ? "FREQ" : "IDLETIME",
                        lfu ? "100" : "5000" }),
                 QByteArray("+OK\r\n"));
        QCOMPARE(call(c, { "SAVE" }), QByteArray("+OK\r\n"));
        c.disconnect();
        QVERIFY(writer.stop());
        ServerProcess reader;
        const QStringList readerArgs
                = policy + QStringList { QStringLiteral("--dir"), writer.dir() };
        QVERIFY2(qkvReads ? reader.startQkv(QkvPath, &error, readerArgs)
                          : reader.startRedis(&error, readerArgs),
                 qPrintable(error));
        QVERIFY(c.connectTo(reader.port()));
        if (lfu) {
            QCOMPARE(call(c, { "OBJECT", "FREQ", "used" }), QByteArray(":100\r\n"));
            // 5 for a new key, and DUMP's read raised it to 6.
            QCOMPARE(call(c, { "OBJECT", "FREQ", "fresh" }), QByteArray(":6\r\n"));
        } else {
            const qint64 used = call(c, { "OBJECT", "IDLETIME", "used" }).mid(1).toLongLong();
            QVERIFY2(used >= 5000 && used < 5030, QByteArray::number(used).constData());
            const qint64 fresh = call(c, { "OBJECT", "IDLETIME", "fresh" }).mid(1).toLongLong();
            QVERIFY2(fresh < 30, QByteArray::number(fresh).constData());
        }
    }

    // A BGSAVE child reports its progress about once a second and its copy-on-write at the
    // end, as Redis's child info pipe: INFO's current_* fields while it runs, then
    // rdb_last_cow_size (aof_last_cow_size for BGREWRITEAOF).
    void childReportsProgress()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        constexpr int Keys = 3000;
        QByteArrayList mset { "MSET" };
        for (int k = 0; k < Keys; ++k)
            mset << "key:" + QByteArray::number(k) << QByteArray(100, 'v');
        QCOMPARE(call(c, mset), QByteArray("+OK\r\n"));
        QCOMPARE(infoField(c, "current_save_keys_total"), 0);
        QCOMPARE(call(c, { "CONFIG", "SET", "rdb-key-save-delay", "1000" }), QByteArray("+OK\r\n"));
        for (const QByteArray &command : { QByteArray("BGSAVE"), QByteArray("BGREWRITEAOF") }) {
            QVERIFY(call(c, { command }).startsWith("+Background"));
            QCOMPARE(infoField(c, "current_save_keys_total"), Keys);
            // Writes meanwhile: the pages they touch are copied.
            for (int k = 0; k < Keys; ++k)
                mset[2 + 2 * k] = QByteArray(100, 'w');
            QCOMPARE(call(c, mset), QByteArray("+OK\r\n"));
            QTRY_VERIFY_WITH_TIMEOUT(infoField(c, "current_save_keys_processed") > 1000, 10000);
            const QByteArray info = call(c, { "INFO", "persistence" });
            const qint64 processed = infoField(c, "current_save_keys_processed");
            QVERIFY2(processed % 1024 == 1 && processed <= Keys, info.constData());
            const QByteArray percent = QByteArray::number(processed * 100.0 / Keys, 'f', 2);
            QVERIFY2(info.contains(QByteArray("current_fork_perc:" + percent)), info.constData());
            QVERIFY2(infoField(c, "current_cow_size") > 0, info.constData());
            QVERIFY(infoField(c, "current_cow_peak") >= infoField(c, "current_cow_size"));
            const QByteArray progressField
                    = command == "BGSAVE" ? "rdb_bgsave_in_progress" : "aof_rewrite_in_progress";
            QTRY_COMPARE_WITH_TIMEOUT(infoField(c, progressField), 0, 15000);
            QCOMPARE(infoField(c, "current_save_keys_total"), 0);
            QCOMPARE(infoField(c, "current_save_keys_processed"), 0);
            QCOMPARE(infoField(c, "current_cow_size"), 0);
            QVERIFY(call(c, { "INFO", "persistence" }).contains("current_fork_perc:0.00\r\n"));
            const QByteArray lastCow
                    = command == "BGSAVE" ? "rdb_last_cow_size" : "aof_last_cow_size";
            QVERIFY(infoField(c, lastCow) > 0);
        }
    }

    void redisCheckRdbAcceptsQkv()
    {
        const QString checker = QStandardPaths::findExecutable(QStringLiteral("redis-check-rdb"));
        if (checker.isEmpty())
            QSKIP("redis-check-rdb is not installed");
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        populate(qkv.port());
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        for (const char *compression : { "yes", "no" }) {
            QCOMPARE(call(c, { "CONFIG", "SET", "rdbcompression", compression }),
                     QByteArray("+OK\r\n"));
            QCOMPARE(call(c, { "SAVE" }), QByteArray("+OK\r\n"));
            QProcess check;
            check.start(checker, { qkv.dir() + QStringLiteral("/dump.rdb") });
            QVERIFY(check.waitForFinished(60000));
            const QByteArray output = check.readAllStandardOutput();
            QVERIFY2(check.exitCode() == 0 && output.contains("RDB looks OK"), output.constData());
            QVERIFY2(output.contains("keys read"), output.constData());
        }
    }

    void redisLoadsQkv()
    {
        if (!m_haveRedis)
            QSKIP("redis-server is not installed");
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        populate(qkv.port());
        const QByteArray expected = snapshot(qkv.port());
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(call(c, { "SAVE" }), QByteArray("+OK\r\n"));
        ServerProcess redis;
        QVERIFY(copyFile(qkv.dir() + QStringLiteral("/dump.rdb"),
                         redis.dir() + QStringLiteral("/dump.rdb")));
        QVERIFY2(redis.startRedis(&error), qPrintable(error));
        QCOMPARE(snapshot(redis.port()), expected);
    }

    void qkvLoadsRedis()
    {
        if (!m_haveRedis)
            QSKIP("redis-server is not installed");
        ServerProcess redis;
        QString error;
        QVERIFY2(redis.startRedis(&error), qPrintable(error));
        populate(redis.port());
        const QByteArray expected = snapshot(redis.port());
        RespClient c;
        QVERIFY(c.connectTo(redis.port()));
        QCOMPARE(call(c, { "SAVE" }), QByteArray("+OK\r\n"));
        ServerProcess qkv;
        QVERIFY(copyFile(redis.dir() + QStringLiteral("/dump.rdb"),
                         qkv.dir() + QStringLiteral("/dump.rdb")));
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        QCOMPARE(snapshot(qkv.port()), expected);
    }

    // Payloads of every key and the function libraries (FUNCTION DUMP and RESTORE) move both
    // ways: redis-server's DUMP restored into qkv, qkv's into redis-server, with the same data
    // (expiries as absolute times with ABSTTL).
    void dumpRestoreBothWays()
    {
        if (!m_haveRedis)
            QSKIP("redis-server is not installed");
        ServerProcess redis;
        ServerProcess qkv;
        ServerProcess redisBack;
        QString error;
        QVERIFY2(redis.startRedis(&error), qPrintable(error));
        QVERIFY2(qkv.startQkv(QkvPath, &error), qPrintable(error));
        QVERIFY2(redisBack.startRedis(&error), qPrintable(error));
        populate(redis.port());
        const QByteArray expected = snapshot(redis.port(), 1);
        auto transfer = [](quint16 from, quint16 to) {
            RespClient source;
            RespClient target;
            QVERIFY(source.connectTo(from));
            QVERIFY(target.connectTo(to));
            RespFrame::Value keys;
            RespFrame::parse(call(source, { "KEYS", "*" }), 0, &keys);
            QVERIFY(!keys.items.empty());
            for (const RespFrame::Value &key : keys.items) {
                RespFrame::Value payload;
                RespFrame::parse(call(source, { "DUMP", key.text }), 0, &payload);
                QByteArray at = call(source, { "PEXPIRETIME", key.text }).mid(1).trimmed();
                if (at.toLongLong() < 0)
                    at = "0";
                QCOMPARE(call(target, { "RESTORE", key.text, at, payload.text, "ABSTTL" }),
                         QByteArray("+OK\r\n"));
            }
            RespFrame::Value functions;
            RespFrame::parse(call(source, { "FUNCTION", "DUMP" }), 0, &functions);
            QCOMPARE(call(target, { "FUNCTION", "RESTORE", functions.text }),
                     QByteArray("+OK\r\n"));
        };
        transfer(redis.port(), qkv.port());
        QCOMPARE(snapshot(qkv.port(), 1), expected);
        transfer(qkv.port(), redisBack.port());
        QCOMPARE(snapshot(redisBack.port(), 1), expected);
    }

    // A failed BGSAVE with save rules and stop-writes-on-bgsave-error: writes (and PING) get
    // Redis's -MISCONF until a save succeeds; the same bytes from both servers.
    void misconfAfterFailedBgsave()
    {
        if (!m_haveRedis)
            QSKIP("redis-server is not installed");
        QByteArray replies[2];
        for (const bool qkv : { false, true }) {
            ServerProcess server;
            const QStringList args { QStringLiteral("--save"), QStringLiteral("3600 1"),
                                     QStringLiteral("--enable-protected-configs"),
                                     QStringLiteral("yes") };
            QString error;
            QVERIFY2(qkv ? server.startQkv(QkvPath, &error, args) : server.startRedis(&error, args),
                     qPrintable(error));
            const QString gone = server.dir() + QStringLiteral("/gone");
            QVERIFY(QDir().mkpath(gone));
            RespClient c;
            QVERIFY(c.connectTo(server.port()));
            QByteArray &out = replies[qkv];
            out += call(c, { "CONFIG", "SET", "dir", gone.toUtf8() });
            QVERIFY(QDir(gone).removeRecursively());
            out += call(c, { "BGSAVE" });
            QVERIFY(waitUntil([&] { return infoField(c, "rdb_bgsave_in_progress") == 0; }));
            // qkv's timer reaps the child.
            QVERIFY(waitUntil([&] { return call(c, { "PING" }).startsWith("-MISCONF"); }));
            for (const QByteArrayList &request : QList<QByteArrayList> { { "SET", "k", "v" },
                                                                         { "PING" },
                                                                         { "GET", "k" },
                                                                         { "MULTI" },
                                                                         { "SET", "k", "v" },
                                                                         { "EXEC" } })
                out += call(c, request);
            out += call(c, { "CONFIG", "SET", "dir", server.dir().toUtf8() });
            out += call(c, { "BGSAVE" });
            QVERIFY(waitUntil([&] { return call(c, { "SET", "k", "v" }) == "+OK\r\n"; }));
        }
        QCOMPARE(replies[1], replies[0]);
    }

private:
    bool m_haveRedis = false;
};

QTEST_GUILESS_MAIN(TestPersistence)
#include "tst_persistence.moc"
