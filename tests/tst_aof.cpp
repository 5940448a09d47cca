// The append-only file end to end, with qkv-server and redis-server 7.0 processes in temporary
// directories: every type and encoding through the base and the incremental files (both kinds
// of base), the commands that are logged by their effect, redis-check-aof on qkv's directory,
// redis-server and qkv loading each other's directories, writes acknowledged with appendfsync
// always or everysec surviving a SIGKILL, and a truncated tail or a corrupt middle at start-up.
#include "common/persistdata.h"
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace PersistData;

namespace {

const QString QkvPath = QStringLiteral(QKV_SERVER_PATH);

QStringList aofArgs(const QStringList &more = {})
{
    return QStringList { QStringLiteral("--appendonly"), QStringLiteral("yes") } + more;
}

// Waits (10 s at most) until no rewrite runs or waits to run.
bool waitForRewrite(RespClient &c)
{
    for (int i = 0; i < 200; ++i) {
        if (infoField(c, "aof_rewrite_in_progress") == 0
            && infoField(c, "aof_rewrite_scheduled") == 0)
            return true;
        QThread::msleep(50);
    }
    return false;
}

// Consumer groups, whose reads and claims are logged by what they leave pending (XCLAIM with
// its delivery time and count, XGROUP SETID with the entries read), so that a replay at any
// later time rebuilds the same pending lists, consumers and positions; and scripts in a
// transaction, logged inside its one MULTI/EXEC. (Not all of the state survives a replay in
// redis-server 7.0 either: an XCLAIM leaves the group's entries-read unknown.)
void runGroupCommands(quint16 port)
{
    RespClient c;
    QVERIFY(c.connectTo(port));
    for (const char *id : { "1-1", "2-1", "3-1", "4-1", "5-1" })
        call(c, { "XADD", "grp", id, "f", id });
    call(c, { "XGROUP", "CREATE", "grp", "g", "0" });
    call(c, { "XGROUP", "CREATE", "grp", "noack", "0" });
    call(c, { "XGROUP", "CREATE", "grp", "late", "$" });
    // Served by the last XADD: a blocked read is logged as what it delivered too.
    RespClient waiter;
    QVERIFY(waiter.connectTo(port));
    waiter.send({ "XREADGROUP", "GROUP", "late", "w", "BLOCK", "10000", "STREAMS", "grp", ">" });
    QTest::qWait(100);
    const QList<QByteArrayList> requests {
        { "XREADGROUP", "GROUP", "g", "c1", "COUNT", "3", "STREAMS", "grp", ">" },
        { "XREADGROUP", "GROUP", "noack", "c2", "NOACK", "COUNT", "2", "STREAMS", "grp", ">" },
        { "XREADGROUP", "GROUP", "noack", "c2", "NOACK", "STREAMS", "grp", ">" },
        { "XCLAIM", "grp", "g", "c3", "0", "1-1", "RETRYCOUNT", "5" },
        { "XCLAIM", "grp", "g", "c3", "0", "2-1", "JUSTID", "IDLE", "5000" },
        { "XDEL", "grp", "3-1" },
        { "XAUTOCLAIM", "grp", "g", "c4", "0", "0", "COUNT", "1" },
        { "XCLAIM", "grp", "g", "c3", "0", "3-1", "LASTID", "3-5" },
        { "XCLAIM", "grp", "g", "c3", "0", "9-9", "LASTID", "4-0" },
        { "XGROUP", "CREATECONSUMER", "grp", "g", "idle" },
        { "XACK", "grp", "g", "2-1" },
        // One write is logged alone, in a script or a transaction as well; more are wrapped.
        { "EVAL", "redis.call('set', KEYS[1], 'one') return 1", "1", "one-write" },
        { "EVAL", "redis.call('set', KEYS[1], 'a') redis.call('append', KEYS[1], 'b')", "1",
          "two-writes" },
        { "MULTI" },
        { "GET", "one-write" },
        { "EVAL", "redis.call('set', KEYS[1], 'two') return 1", "1", "one-write" },
        { "EXEC" },
        { "MULTI" },
        { "XREADGROUP", "GROUP", "g", "c5", "COUNT", "1", "STREAMS", "grp", ">" },
        { "EVAL", "return redis.call('xreadgroup', 'GROUP', 'g', 'c6', 'STREAMS', KEYS[1], '>')",
          "1", "grp" },
        { "EVAL", "redis.call('set', KEYS[1], 'in-exec') return 1", "1", "scripted-in-exec" },
        { "EXEC" },
        { "XADD", "grp", "6-1", "f", "6-1" },
    };
    for (const QByteArrayList &request : requests)
        call(c, request);
    QVERIFY(waiter.readReply().startsWith("*1\r\n*2\r\n$3\r\ngrp\r\n"));
}

// Commands whose logged form is not themselves (relative times, random or computed results,
// blocking pops, a transaction, a lazily expired key), run on port.
void runRewrittenCommands(quint16 port)
{
    RespClient c;
    QVERIFY(c.connectTo(port));
    RespClient waiter;
    QVERIFY(waiter.connectTo(port));
    waiter.send({ "BLPOP", "blocked", "10" });
    QTest::qWait(100);
    const QList<QByteArrayList> requests {
        { "INCRBYFLOAT", "float", "1.1" },
        { "INCRBYFLOAT", "float", "2.25" },
        { "HINCRBYFLOAT", "hash", "fl", "2.5" },
        { "SADD", "popme", "a", "b", "c", "d", "e", "f", "g" },
        { "SPOP", "popme" },
        { "SPOP", "popme", "2" },
        { "SETEX", "setex", "1000", "v" },
        { "PSETEX", "psetex", "1000000", "v" },
        { "SET", "setpx", "v", "EX", "1000" },
        { "EXPIRE", "str", "5000" },
        { "PEXPIRE", "list", "5000000", "NX" },
        { "GETEX", "int", "PX", "100000" },
        { "GETDEL", "negint" },
        { "MULTI" },
        { "INCR", "counter" },
        { "LPUSH", "multilist", "a" },
        { "EXEC" },
        { "SET", "gone", "v", "PX", "1" },
        { "RPUSH", "blocked", "x", "y" },
        { "RPUSH", "src", "1", "2" },
        { "BLMOVE", "src", "dst", "LEFT", "RIGHT", "1" },
        { "ZADD", "bz", "1", "a", "2", "b" },
        { "BZPOPMAX", "bz", "1" },
        { "EXPIRE", "empty", "-1" },
        // Ids the server picks, and approximate trims: logged as the exact ids and trims.
        { "XADD", "auto", "*", "f", "v" },
        { "XADD", "auto", "NOMKSTREAM", "MAXLEN", "~", "1", "*", "f", "w" },
        { "XADD", "auto", "MINID", "~", "0-1", "LIMIT", "5", "99999999999999-*", "f", "x" },
        { "XTRIM", "auto", "MAXLEN", "1" },
        // A script is logged by its effects (one MULTI/EXEC), never as itself as well.
        { "EVAL", "redis.call('incr', KEYS[1]) return redis.call('incr', KEYS[1])", "1",
          "scripted" },
    };
    for (const QByteArrayList &request : requests)
        call(c, request);
    QCOMPARE(waiter.readReply(), QByteArray("*2\r\n$7\r\nblocked\r\n$1\r\nx\r\n"));
    QTest::qWait(10);
    QCOMPARE(call(c, { "GET", "gone" }), QByteArray("$-1\r\n")); // deleted (and logged) here
    const QByteArray payload = call(c, { "DUMP", "str" });
    QVERIFY(payload.startsWith('$'));
    const QByteArray bytes = payload.mid(payload.indexOf("\r\n") + 2).chopped(2);
    QCOMPARE(call(c, { "RESTORE", "restored", "100000", bytes }), QByteArray("+OK\r\n"));
}

// The name of the last incremental file in dir's manifest.
QString lastIncrement(const QString &dir)
{
    QFile manifest(dir + QStringLiteral("/appendonlydir/appendonly.aof.manifest"));
    if (!manifest.open(QIODevice::ReadOnly))
        return QString();
    QString name;
    for (const QByteArray &line : manifest.readAll().split('\n')) {
        const QByteArrayList words = line.split(' ');
        if (words.size() == 6 && words[5] == "i")
            name = QString::fromUtf8(words[1]);
    }
    return dir + QStringLiteral("/appendonlydir/") + name;
}

// The commands in dir's last incremental file, one line each, the delivery times of XCLAIM
// (the clock's) masked.
QByteArrayList loggedCommands(const QString &dir)
{
    QFile file(lastIncrement(dir));
    if (!file.open(QIODevice::ReadOnly))
        return { "no incremental file" };
    const QByteArray bytes = file.readAll();
    QByteArrayList commands;
    for (qsizetype pos = 0; pos < bytes.size();) {
        RespFrame::Value command;
        const qsizetype end = RespFrame::parse(bytes, pos, &command);
        if (end <= pos)
            return commands << "unparsable: " + RespFrame::escaped(bytes.mid(pos, 60));
        QByteArrayList words;
        for (const RespFrame::Value &word : command.items)
            words << (!words.isEmpty() && words.last() == "TIME" ? "*" : word.text);
        commands << words.join(' ');
        pos = end;
    }
    return commands;
}

struct Startup
{
    int exitCode = -1;
    QByteArray err;
    bool running = false; // still running after 1 s: it started
};

// Starts qkv-server on dir expecting it to stop at start-up.
Startup startExpectingFailure(const QString &dir, const QStringList &more)
{
    QProcess process;
    process.start(QkvPath,
                  QStringList { QStringLiteral("--headless"), QStringLiteral("--port"),
                                QStringLiteral("0"), QStringLiteral("--log-file"), QString(),
                                QStringLiteral("--save"), QString(), QStringLiteral("--dir"), dir }
                          + aofArgs(more));
    Startup result;
    if (!process.waitForFinished(3000)) {
        result.running = true;
        process.kill();
        process.waitForFinished();
    }
    result.exitCode = process.exitCode();
    result.err = process.readAllStandardError();
    return result;
}

// Writers on their own threads that SET w:<client>:<n> n, in order, until the server goes,
// counting the writes acknowledged and when each was.
class Writers
{
public:
    Writers(quint16 port, int count)
    {
        for (int i = 0; i < count; ++i) {
            auto writer = std::make_unique<Writer>();
            writer->id = i;
            writer->thread.reset(QThread::create([w = writer.get(), port] {
                RespClient c;
                if (!c.connectTo(port))
                    return;
                QElapsedTimer clock;
                clock.start();
                for (qint64 n = 0; n < 1000000; ++n) {
                    const QByteArray reply = c.call(
                            { "SET", "w:" + QByteArray::number(w->id) + ':' + QByteArray::number(n),
                              QByteArray::number(n) },
                            2000);
                    if (reply != "+OK\r\n")
                        return;
                    w->acknowledged = n + 1;
                    w->lastAckMs = clock.elapsed();
                }
            }));
            writer->thread->start();
            m_writers.push_back(std::move(writer));
        }
    }
    void wait()
    {
        for (auto &writer : m_writers)
            writer->thread->wait();
    }
    qint64 acknowledged(int i) const { return m_writers[size_t(i)]->acknowledged; }
    int count() const { return int(m_writers.size()); }

private:
    struct Writer
    {
        int id = 0;
        std::atomic<qint64> acknowledged { 0 };
        std::atomic<qint64> lastAckMs { 0 };
        std::unique_ptr<QThread> thread;
    };
    std::vector<std::unique_ptr<Writer>> m_writers;
};

// How many of client i's first `acknowledged` writes the server has (MGET in batches).
qint64 recovered(RespClient &c, int client, qint64 acknowledged)
{
    qint64 present = 0;
    for (qint64 from = 0; from < acknowledged; from += 1000) {
        QByteArrayList mget { "MGET" };
        for (qint64 n = from; n < qMin(acknowledged, from + 1000); ++n)
            mget << "w:" + QByteArray::number(client) + ':' + QByteArray::number(n);
        const QByteArray reply = call(c, mget);
        present += (mget.size() - 1) - reply.count("$-1\r\n");
    }
    return present;
}

} // namespace

class TestAof : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { m_haveRedis = !ServerProcess::redisPath().isEmpty(); }

    // Every type and encoding, in the base (written by BGREWRITEAOF) and in the incremental
    // file after it, with the commands logged by their effect: the same data after a SIGKILL
    // and a restart.
    void roundTrip_data()
    {
        QTest::addColumn<QString>("preamble");
        QTest::newRow("rdb base") << QStringLiteral("yes");
        QTest::newRow("commands base") << QStringLiteral("no");
    }
    void roundTrip()
    {
        QFETCH(QString, preamble);
        const QStringList args
                = aofArgs({ QStringLiteral("--aof-use-rdb-preamble"), preamble,
                            QStringLiteral("--appendfsync"), QStringLiteral("always") });
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error, args), qPrintable(error));
        populate(qkv.port());
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(infoField(c, "aof_enabled"), 1);
        QCOMPARE(call(c, { "BGREWRITEAOF" }),
                 QByteArray("+Background append only file rewriting started\r\n"));
        QVERIFY(waitForRewrite(c));
        QCOMPARE(infoField(c, "aof_rewrites"), 1);
        runRewrittenCommands(qkv.port());
        const QByteArray before = snapshot(qkv.port());
        QVERIFY(before.contains("restored"));
        c.disconnect();
        qkv.kill();
        QVERIFY2(qkv.startQkv(QkvPath, &error, args), qPrintable(error));
        QCOMPARE(snapshot(qkv.port()), before);
    }

    // A rewrite replaces the base and the older increments, which are deleted; the automatic
    // rewrite starts once the files grew past the percentage.
    void rewriteReplacesFiles()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error,
                              aofArgs({ QStringLiteral("--auto-aof-rewrite-min-size"),
                                        QStringLiteral("1kb") })),
                 qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        QVERIFY(waitForRewrite(c));
        const qint64 rewrites = infoField(c, "aof_rewrites");
        for (int i = 0; i < 200; ++i)
            call(c, { "SET", "k" + QByteArray::number(i), QByteArray(20, 'v') });
        QTRY_VERIFY_WITH_TIMEOUT(infoField(c, "aof_rewrites") > rewrites, 5000);
        QVERIFY(waitForRewrite(c));
        const QStringList files = QDir(qkv.dir() + QStringLiteral("/appendonlydir"))
                                          .entryList(QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 3); // manifest, base, increment
        QVERIFY(infoField(c, "aof_base_size") > 0);
    }

    // aof-disable-auto-gc keeps the files a rewrite replaced, listed as history in the
    // manifest, until it is turned off: the same files and manifest as redis-server's.
    void disabledAutoGcKeepsHistory()
    {
        if (!m_haveRedis)
            QSKIP("redis-server is not installed");
        QStringList kept[2];
        QStringList collected[2];
        QByteArray manifest[2];
        for (int i = 0; i < 2; ++i) {
            ServerProcess server;
            QString error;
            const QStringList args
                    = aofArgs({ QStringLiteral("--aof-disable-auto-gc"), QStringLiteral("yes") });
            QVERIFY2(i ? server.startQkv(QkvPath, &error, args) : server.startRedis(&error, args),
                     qPrintable(error));
            RespClient c;
            QVERIFY(c.connectTo(server.port()));
            QVERIFY(waitForRewrite(c));
            call(c, { "SET", "k", "v" });
            call(c, { "BGREWRITEAOF" });
            QVERIFY(waitForRewrite(c));
            const QDir dir(server.dir() + QStringLiteral("/appendonlydir"));
            kept[i] = dir.entryList(QDir::Files, QDir::Name);
            QFile file(dir.filePath(QStringLiteral("appendonly.aof.manifest")));
            QVERIFY(file.open(QIODevice::ReadOnly));
            manifest[i] = file.readAll();
            QCOMPARE(call(c, { "CONFIG", "SET", "aof-disable-auto-gc", "no" }),
                     QByteArray("+OK\r\n"));
            QTRY_VERIFY(dir.entryList(QDir::Files).size() < kept[i].size());
            collected[i] = dir.entryList(QDir::Files, QDir::Name);
            QVERIFY(server.stop());
        }
        QVERIFY2(manifest[0].contains("type h"), manifest[0].constData());
        QCOMPARE(manifest[1], manifest[0]);
        QCOMPARE(kept[1], kept[0]);
        QCOMPARE(collected[1], collected[0]);
    }

    void redisCheckAofAcceptsQkv_data()
    {
        QTest::addColumn<QString>("preamble");
        QTest::newRow("rdb base") << QStringLiteral("yes");
        QTest::newRow("commands base") << QStringLiteral("no");
    }
    void redisCheckAofAcceptsQkv()
    {
        QFETCH(QString, preamble);
        const QString checker = QStandardPaths::findExecutable(QStringLiteral("redis-check-aof"));
        if (checker.isEmpty())
            QSKIP("redis-check-aof is not installed");
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error,
                              aofArgs({ QStringLiteral("--aof-use-rdb-preamble"), preamble })),
                 qPrintable(error));
        populate(qkv.port());
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        call(c, { "BGREWRITEAOF" });
        QVERIFY(waitForRewrite(c));
        runRewrittenCommands(qkv.port());
        c.disconnect();
        QVERIFY(qkv.stop());
        QProcess check;
        check.start(checker,
                    { qkv.dir() + QStringLiteral("/appendonlydir/appendonly.aof.manifest") });
        QVERIFY(check.waitForFinished(60000));
        const QByteArray output = check.readAllStandardOutput();
        QVERIFY2(check.exitCode() == 0 && output.contains("All AOF files and manifest are valid"),
                 output.constData());
    }

    // Consumer groups and scripts are logged as redis-server logs them: the same commands in
    // the same order, one MULTI/EXEC around what one command, transaction or script logged
    // when it is more than one command.
    void logsAsRedis()
    {
        if (!m_haveRedis)
            QSKIP("redis-server is not installed");
        QByteArrayList logged[2];
        for (int i = 0; i < 2; ++i) {
            ServerProcess server;
            QString error;
            const QStringList args
                    = aofArgs({ QStringLiteral("--appendfsync"), QStringLiteral("always") });
            QVERIFY2(i ? server.startQkv(QkvPath, &error, args) : server.startRedis(&error, args),
                     qPrintable(error));
            runGroupCommands(server.port());
            logged[i] = loggedCommands(server.dir());
            QVERIFY(server.stop());
        }
        QCOMPARE(logged[1].join('\n'), logged[0].join('\n'));
    }

    // The file of consumer group commands that either server wrote is loaded by both to the
    // same groups: pending entries with their owners, delivery times and counts, consumers,
    // last ids and entries read.
    void groupsReplayAsRedis_data()
    {
        QTest::addColumn<bool>("qkvWrites");
        QTest::newRow("redis-server's file") << false;
        QTest::newRow("qkv's file") << true;
    }
    void groupsReplayAsRedis()
    {
        QFETCH(bool, qkvWrites);
        if (!m_haveRedis)
            QSKIP("redis-server is not installed");
        ServerProcess writer;
        QString error;
        QVERIFY2(qkvWrites ? writer.startQkv(QkvPath, &error, aofArgs())
                           : writer.startRedis(&error, aofArgs()),
                 qPrintable(error));
        runGroupCommands(writer.port());
        QVERIFY(writer.stop());
        QByteArray loaded[2];
        for (int i = 0; i < 2; ++i) {
            ServerProcess reader;
            const QStringList args = aofArgs({ QStringLiteral("--dir"), writer.dir() });
            QVERIFY2(i ? reader.startQkv(QkvPath, &error, args) : reader.startRedis(&error, args),
                     qPrintable(error));
            loaded[i] = snapshot(reader.port());
            QVERIFY(reader.stop());
        }
        QVERIFY(loaded[0].contains("grp"));
        QCOMPARE(loaded[1], loaded[0]);
    }

    // qkv's directory loaded by redis-server, and redis-server's by qkv: the same data.
    void interoperability_data()
    {
        QTest::addColumn<bool>("qkvWrites");
        QTest::newRow("redis-server loads qkv's") << true;
        QTest::newRow("qkv loads redis-server's") << false;
    }
    void interoperability()
    {
        QFETCH(bool, qkvWrites);
        if (!m_haveRedis)
            QSKIP("redis-server is not installed");
        ServerProcess writer;
        ServerProcess reader;
        QString error;
        QVERIFY2(qkvWrites ? writer.startQkv(QkvPath, &error, aofArgs())
                           : writer.startRedis(&error, aofArgs()),
                 qPrintable(error));
        populate(writer.port());
        RespClient c;
        QVERIFY(c.connectTo(writer.port()));
        call(c, { "BGREWRITEAOF" });
        QVERIFY(waitForRewrite(c));
        runRewrittenCommands(writer.port());
        const QByteArray before = snapshot(writer.port());
        c.disconnect();
        QVERIFY(writer.stop());
        const QStringList readerArgs = aofArgs({ QStringLiteral("--dir"), writer.dir() });
        QVERIFY2(qkvWrites ? reader.startRedis(&error, readerArgs)
                           : reader.startQkv(QkvPath, &error, readerArgs),
                 qPrintable(error));
        QCOMPARE(snapshot(reader.port()), before);
    }

    // Clients write while the server is killed: with appendfsync always every acknowledged
    // write is in the file; with everysec at most about a second of them may be missing (none
    // when only the process dies, since every write reached the kernel before its reply).
    void crash_data()
    {
        QTest::addColumn<QString>("fsync");
        QTest::newRow("always") << QStringLiteral("always");
        QTest::newRow("everysec") << QStringLiteral("everysec");
    }
    void crash()
    {
        QFETCH(QString, fsync);
        const QStringList args = aofArgs({ QStringLiteral("--appendfsync"), fsync });
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error, args), qPrintable(error));
        Writers writers(qkv.port(), 4);
        QTest::qWait(1500);
        qkv.kill();
        writers.wait();
        QVERIFY2(qkv.startQkv(QkvPath, &error, args), qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        qint64 acknowledged = 0;
        qint64 present = 0;
        for (int i = 0; i < writers.count(); ++i) {
            acknowledged += writers.acknowledged(i);
            present += recovered(c, i, writers.acknowledged(i));
        }
        const qint64 total = call(c, { "DBSIZE" }).mid(1).trimmed().toLongLong();
        qInfo("appendfsync %s: %lld writes acknowledged, %lld of them recovered (%lld keys "
              "after the restart)",
              qPrintable(fsync), acknowledged, present, total);
        QVERIFY(acknowledged > 0);
        QCOMPARE(present, acknowledged);
        QVERIFY(total >= acknowledged); // a write may be logged and not yet acknowledged
    }

    // A crash mid-write leaves a partial command at the end: with aof-load-truncated yes the
    // file is cut after the last complete one and the server starts; with no it stops.
    void truncatedTail()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error, aofArgs()), qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        for (int i = 0; i < 100; ++i)
            call(c, { "SET", "key" + QByteArray::number(i), "value" });
        c.disconnect();
        QVERIFY(qkv.stop());
        const QString increment = lastIncrement(qkv.dir());
        const qint64 size = QFileInfo(increment).size();
        QVERIFY(size > 0);
        QVERIFY(QFile::resize(increment, size - 5));

        const Startup refused = startExpectingFailure(
                qkv.dir(), { QStringLiteral("--aof-load-truncated"), QStringLiteral("no") });
        QVERIFY(!refused.running);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("Unexpected end of file reading the append only file"),
                 refused.err.constData());

        QVERIFY2(qkv.startQkv(QkvPath, &error, aofArgs()), qPrintable(error));
        QVERIFY(c.connectTo(qkv.port()));
        QCOMPARE(call(c, { "DBSIZE" }), QByteArray(":99\r\n"));
        QCOMPARE(call(c, { "GET", "key98" }), QByteArray("$5\r\nvalue\r\n"));
        // The partial command is gone from the file: the last SET was 35 bytes.
        QCOMPARE(QFileInfo(increment).size(), size - 35);
    }

    // A malformed command before the end stops the start-up, naming the file and the offset.
    void corruptMiddle()
    {
        ServerProcess qkv;
        QString error;
        QVERIFY2(qkv.startQkv(QkvPath, &error, aofArgs()), qPrintable(error));
        RespClient c;
        QVERIFY(c.connectTo(qkv.port()));
        for (int i = 0; i < 100; ++i)
            call(c, { "SET", "key" + QByteArray::number(i), "value" });
        c.disconnect();
        QVERIFY(qkv.stop());
        QFile file(lastIncrement(qkv.dir()));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QByteArray bytes = file.readAll();
        const qsizetype at = bytes.indexOf("*3\r\n$3\r\nSET\r\n$5\r\nkey50\r\n");
        QVERIFY(at > 0);
        bytes[at + 4] = '!';
        QVERIFY(file.seek(0));
        QCOMPARE(file.write(bytes), bytes.size());
        file.close();
        const Startup refused = startExpectingFailure(qkv.dir(), {});
        QVERIFY(!refused.running);
        QCOMPARE(refused.exitCode, 1);
        const QByteArray expected = "Bad file format reading the append only file "
                                    "appendonly.aof.1.incr.aof at offset "
                + QByteArray::number(at);
        QVERIFY2(refused.err.contains(expected), refused.err.constData());
    }

private:
    bool m_haveRedis = false;
};

QTEST_GUILESS_MAIN(TestAof)
#include "tst_aof.moc"
