// maxmemory and eviction against a real qkv-server: each policy evicts the kind of keys it
// should, noeviction refuses writes with Redis's text, used_memory stays near the limit,
// evictions are notified, and OBJECT FREQ counts accesses. The limit is set a few megabytes
// above what the idle server uses, so that the tests do not depend on its start-up footprint.
// Two are checked against redis-server too: evictions are not counted as changes, and the
// append-only file's buffer is not counted against maxmemory.
#include "common/respclient.h"
#include "common/serverprocess.h"

#include <QDir>
#include <QFile>
#include <QTest>
#include <QThread>

namespace {

const QByteArray OomError = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
constexpr qint64 Headroom = 6 * 1024 * 1024;
constexpr int ValueSize = 1000;
constexpr int Batch = 100;

// The named field of INFO (any section).
qint64 infoField(RespClient &client, const QByteArray &name)
{
    const QByteArray info = client.call({ "INFO", "everything" });
    const qsizetype at = info.indexOf(QByteArray("\r\n" + name + ':'));
    if (at < 0)
        return -1;
    const qsizetype start = at + name.size() + 3;
    return info.mid(start, info.indexOf('\r', start) - start).toLongLong();
}

QByteArray key(const QByteArray &prefix, int i)
{
    return prefix + QByteArray::number(i);
}

// What a write left: how many were refused, and the highest used_memory seen between batches.
struct FillResult
{
    int refused = 0;
    qint64 maxUsed = 0;
};

// SETs keys prefix0..prefix<count-1> with ValueSize-byte values, pipelined in batches; ttl(i)
// gives key i's TTL in seconds (0: none).
template<typename Ttl>
FillResult fillWith(RespClient &client, const QByteArray &prefix, int count, Ttl ttl)
{
    const QByteArray value(ValueSize, 'v');
    FillResult result;
    for (int start = 0; start < count; start += Batch) {
        const int end = qMin(count, start + Batch);
        for (int i = start; i < end; ++i) {
            const qint64 seconds = ttl(i);
            if (seconds > 0)
                client.send({ "SET", key(prefix, i), value, "EX", QByteArray::number(seconds) });
            else
                client.send({ "SET", key(prefix, i), value });
        }
        for (int i = start; i < end; ++i) {
            const QByteArray reply = client.readReply();
            if (reply == OomError)
                ++result.refused;
            else if (reply != "+OK\r\n")
                qWarning() << "unexpected reply" << reply;
        }
        result.maxUsed = qMax(result.maxUsed, infoField(client, "used_memory"));
    }
    return result;
}

FillResult fill(RespClient &client, const QByteArray &prefix, int count, qint64 ttlSeconds = 0)
{
    return fillWith(client, prefix, count, [ttlSeconds](int) { return ttlSeconds; });
}

// How many of prefix0..prefix<count-1> exist.
int existing(RespClient &client, const QByteArray &prefix, int from, int to)
{
    QByteArrayList args { "EXISTS" };
    for (int i = from; i < to; ++i)
        args.append(key(prefix, i));
    const QByteArray reply = client.call(args);
    return reply.mid(1, reply.size() - 3).toInt();
}

} // namespace

class TestEviction : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void policies_data();
    void policies();
    void volatileTtlEvictsSoonestExpiryFirst();
    void noevictionRefusesWrites();
    void lruKeepsRecentlyReadKeys();
    void evictedEventsAreNotified();
    void objectFreqCountsAccesses();
    void evictionsInvalidateTrackedKeys();
    void evictionsArePropagatedAsDel();
    void evictionsAreNotChanges();
    void aofBufferIsNotCounted();

private:
    // Sets the policy and a limit headroom above what the server uses now; returns the limit.
    qint64 limit(const QByteArray &policy, qint64 headroom = Headroom);
    // Runs check on this test's qkv-server and on a redis-server started with the same
    // arguments, when one is installed; both must give expected.
    template<typename Check>
    void compareWithRedis(const QStringList &arguments, Check check, const QByteArray &expected);

    std::unique_ptr<ServerProcess> m_server;
    RespClient m_client;
};

void TestEviction::init()
{
    m_server = std::make_unique<ServerProcess>();
    QString error;
    QVERIFY2(m_server->startQkv(QString::fromUtf8(QKV_SERVER_PATH), &error,
                                { QStringLiteral("--maxmemory-samples"), QStringLiteral("10") }),
             qPrintable(error));
    QVERIFY(m_client.connectTo(m_server->port()));
    QCOMPARE(m_client.call({ "CONFIG", "GET", "maxmemory-samples" }),
             QByteArray("*2\r\n$17\r\nmaxmemory-samples\r\n$2\r\n10\r\n"));
}

void TestEviction::cleanup()
{
    m_client.disconnect();
    m_server.reset();
}

qint64 TestEviction::limit(const QByteArray &policy, qint64 headroom)
{
    const qint64 maxmemory = infoField(m_client, "used_memory") + headroom;
    m_client.call({ "CONFIG", "SET", "maxmemory-policy", policy });
    m_client.call({ "CONFIG", "SET", "maxmemory", QByteArray::number(maxmemory) });
    return maxmemory;
}

void TestEviction::policies_data()
{
    QTest::addColumn<QByteArray>("policy");
    for (const char *policy : { "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
                                "volatile-lfu", "volatile-random", "volatile-ttl" })
        QTest::newRow(policy) << QByteArray(policy);
}

// A third of the limit in persistent keys, then three times the limit in keys with a TTL:
// keys go, memory stays near the limit, and a volatile-* policy never takes a persistent key.
// Once only persistent keys are left, a volatile-* policy has nothing to evict and refuses.
void TestEviction::policies()
{
    QFETCH(QByteArray, policy);
    const qint64 maxmemory = limit(policy);
    const int persistent = int(Headroom / 3 / ValueSize / 2);
    QCOMPARE(fill(m_client, "p:", persistent).refused, 0);
    const FillResult volatileFill = fill(m_client, "v:", int(3 * Headroom / ValueSize), 1000);
    QCOMPARE(volatileFill.refused, 0);
    QVERIFY(infoField(m_client, "evicted_keys") > 0);
    // Redis lets one command's allocations through before it evicts; qkv's pipelined batch of
    // 100 small writes is far below this.
    QVERIFY2(volatileFill.maxUsed < maxmemory + 1024 * 1024,
             qPrintable(QString::number(volatileFill.maxUsed - maxmemory)));
    const qint64 used = infoField(m_client, "used_memory");
    QVERIFY2(used > maxmemory - 2 * 1024 * 1024, qPrintable(QString::number(maxmemory - used)));
    if (policy.startsWith("volatile")) {
        QCOMPARE(existing(m_client, "p:", 0, persistent), persistent);
        const FillResult more = fill(m_client, "q:", int(2 * Headroom / ValueSize));
        QVERIFY(more.refused > 0);
        QCOMPARE(existing(m_client, "p:", 0, persistent), persistent);
    } else {
        QVERIFY(existing(m_client, "p:", 0, persistent) < persistent);
    }
}

// Keys written later expire sooner: volatile-ttl evicts the newest first, which an LRU or
// random order would not.
void TestEviction::volatileTtlEvictsSoonestExpiryFirst()
{
    limit("volatile-ttl");
    const int count = int(2 * Headroom / ValueSize);
    QCOMPARE(fillWith(m_client, "t:", count, [count](int i) { return qint64(100000 + count - i); })
                     .refused,
             0);
    QVERIFY(infoField(m_client, "evicted_keys") > 0);
    const int quarter = count / 4;
    // Approximate, as Redis's: the first evictions pick the soonest of a few sampled keys, and
    // once in about a hundred runs all of them were from the oldest quarter (3,144 of 3,145 left).
    const int oldestLeft = existing(m_client, "t:", 0, quarter);
    QVERIFY2(oldestLeft >= quarter - quarter / 100, qPrintable(QString::number(oldestLeft)));
    QVERIFY(existing(m_client, "t:", count - quarter, count) < quarter / 2);
}

void TestEviction::noevictionRefusesWrites()
{
    const qint64 maxmemory = limit("noeviction");
    const FillResult filled = fill(m_client, "k:", int(2 * Headroom / ValueSize));
    QVERIFY(filled.refused > 0);
    QCOMPARE(infoField(m_client, "evicted_keys"), 0);
    QVERIFY(infoField(m_client, "used_memory") > maxmemory);
    // Reads and deletions still run; denyoom commands, and queuing in MULTI, do not.
    QCOMPARE(m_client.call({ "GET", "k:0" }).left(5), QByteArray("$1000"));
    QCOMPARE(m_client.call({ "DEL", "k:0" }), QByteArray(":1\r\n"));
    // That DEL may have made room for one more value (the fill stops at the first write over
    // the limit): a few more writes take the server back over it.
    QVERIFY(fill(m_client, "more:", 10).refused > 0);
    QCOMPARE(m_client.call({ "RPUSH", "list", "a" }), OomError);
    QCOMPARE(m_client.call({ "MULTI" }), QByteArray("+OK\r\n"));
    QCOMPARE(m_client.call({ "GET", "k:1" }), OomError);
    QCOMPARE(m_client.call({ "EXEC" }),
             QByteArray("-EXECABORT Transaction discarded because of previous errors.\r\n"));
    // A script's error names the script after Redis's text.
    QCOMPARE(m_client.call({ "EVAL", "return redis.call('set', 'x', '1')", "0" })
                     .left(OomError.size() - 2),
             OomError.chopped(2));
    QCOMPARE(m_client.call({ "EVAL", "return redis.call('get', 'k:1')", "0" }).left(5),
             QByteArray("$1000"));
}

// Keys idle for 2 s, then 100 of them read: approximated LRU evicts the idle ones first.
void TestEviction::lruKeepsRecentlyReadKeys()
{
    m_client.call({ "CONFIG", "SET", "maxmemory-policy", "allkeys-lru" });
    const int cold = int(Headroom / ValueSize);
    QCOMPARE(fill(m_client, "c:", cold).refused, 0);
    // A sixth of the cold keys' worth of room: the new keys below evict about as many.
    limit("allkeys-lru", Headroom / 6);
    QThread::msleep(2100);
    const int hot = 100;
    for (int i = 0; i < hot; ++i)
        m_client.send({ "GET", key("c:", i) });
    for (int i = 0; i < hot; ++i)
        QVERIFY(!m_client.readReply().isEmpty());
    // A third of the cold keys' worth of new ones: most cold keys stay candidates throughout.
    QCOMPARE(fill(m_client, "n:", cold / 3).refused, 0);
    const qint64 evicted = infoField(m_client, "evicted_keys");
    QVERIFY(evicted > 0);
    QVERIFY2(existing(m_client, "c:", 0, hot) >= hot - 2,
             qPrintable(QString::number(existing(m_client, "c:", 0, hot))));
}

void TestEviction::evictedEventsAreNotified()
{
    m_client.call({ "CONFIG", "SET", "notify-keyspace-events", "Ee" });
    RespClient subscriber;
    QVERIFY(subscriber.connectTo(m_server->port()));
    subscriber.send({ "SUBSCRIBE", "__keyevent@0__:evicted" });
    QVERIFY(subscriber.readReply().startsWith("*3"));
    limit("allkeys-random");
    QCOMPARE(fill(m_client, "e:", int(2 * Headroom / ValueSize)).refused, 0);
    const qint64 evicted = infoField(m_client, "evicted_keys");
    QVERIFY(evicted > 0);
    const QByteArray messages = subscriber.drain();
    QCOMPARE(messages.count("$22\r\n__keyevent@0__:evicted\r\n"), evicted);
    QVERIFY(messages.contains("\r\ne:"));
}

// With lfu-log-factor 0 every access adds one to the counter, which starts at 5.
void TestEviction::objectFreqCountsAccesses()
{
    const QByteArray notLfu = "-ERR An LFU maxmemory policy is not selected, access frequency not "
                              "tracked. Please note that when switching between policies at "
                              "runtime LRU and LFU data will take some time to adjust.\r\n";
    m_client.call({ "SET", "k", "v" });
    QCOMPARE(m_client.call({ "OBJECT", "FREQ", "k" }), notLfu);
    m_client.call({ "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu" });
    m_client.call({ "CONFIG", "SET", "lfu-log-factor", "0" });
    m_client.call({ "CONFIG", "SET", "lfu-decay-time", "0" }); // no decay across a minute
    // A new key: an overwritten one would keep its field, which the LRU policy filled.
    m_client.call({ "DEL", "k" });
    m_client.call({ "SET", "k", "v" });
    QCOMPARE(m_client.call({ "OBJECT", "FREQ", "k" }), QByteArray(":5\r\n"));
    for (int i = 0; i < 20; ++i)
        m_client.call({ "GET", "k" });
    QCOMPARE(m_client.call({ "OBJECT", "FREQ", "k" }), QByteArray(":25\r\n"));
    QVERIFY(m_client.call({ "OBJECT", "IDLETIME", "k" }).startsWith("-ERR An LFU maxmemory"));
    // The default factor makes it logarithmic: more accesses, a smaller rise.
    m_client.call({ "CONFIG", "SET", "lfu-log-factor", "10" });
    for (int i = 0; i < 200; ++i)
        m_client.send({ "GET", "k" });
    for (int i = 0; i < 200; ++i)
        m_client.readReply();
    const QByteArray freq = m_client.call({ "OBJECT", "FREQ", "k" });
    const int count = freq.mid(1).trimmed().toInt();
    QVERIFY2(count >= 25 && count < 35, freq.constData());
}

// The soonest expiry goes first under volatile-ttl: a tracking client that read it is told.
void TestEviction::evictionsInvalidateTrackedKeys()
{
    RespClient tracker;
    QVERIFY(tracker.connectTo(m_server->port()));
    QVERIFY(tracker.call({ "HELLO", "3" }).startsWith('%'));
    QCOMPARE(tracker.call({ "CLIENT", "TRACKING", "on" }), QByteArray("+OK\r\n"));
    m_client.call({ "SET", "tracked", "v", "EX", "10" });
    QCOMPARE(tracker.call({ "GET", "tracked" }), QByteArray("$1\r\nv\r\n"));
    limit("volatile-ttl");
    QCOMPARE(fill(m_client, "t:", int(2 * Headroom / ValueSize), 1000).refused, 0);
    QCOMPARE(m_client.call({ "EXISTS", "tracked" }), QByteArray(":0\r\n"));
    QCOMPARE(tracker.drain(), QByteArray(">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\ntracked\r\n"));
}

// Redis's propagateDeletion: each evicted key reaches the append-only file as a DEL.
void TestEviction::evictionsArePropagatedAsDel()
{
    cleanup();
    m_server = std::make_unique<ServerProcess>();
    QString error;
    QVERIFY2(m_server->startQkv(QString::fromUtf8(QKV_SERVER_PATH), &error,
                                { QStringLiteral("--appendonly"), QStringLiteral("yes"),
                                  QStringLiteral("--appendfsync"), QStringLiteral("always") }),
             qPrintable(error));
    QVERIFY(m_client.connectTo(m_server->port()));
    QCOMPARE(m_client.call({ "CONFIG", "GET", "maxmemory-samples" }),
             QByteArray("*2\r\n$17\r\nmaxmemory-samples\r\n$1\r\n5\r\n"));
    limit("allkeys-lru");
    QCOMPARE(fill(m_client, "a:", int(2 * Headroom / ValueSize)).refused, 0);
    const qint64 evicted = infoField(m_client, "evicted_keys");
    QVERIFY(evicted > 0);
    QByteArray aof;
    const QDir dir(m_server->dir() + QStringLiteral("/appendonlydir"));
    for (const QString &name : dir.entryList({ QStringLiteral("*.incr.aof") })) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        aof += file.readAll();
    }
    QCOMPARE(aof.count("*2\r\n$3\r\nDEL\r\n$"), evicted);
}

template<typename Check>
void TestEviction::compareWithRedis(const QStringList &arguments, Check check,
                                    const QByteArray &expected)
{
    cleanup();
    m_server = std::make_unique<ServerProcess>();
    QString error;
    QVERIFY2(m_server->startQkv(QString::fromUtf8(QKV_SERVER_PATH), &error, arguments),
             qPrintable(error));
    QVERIFY(m_client.connectTo(m_server->port()));
    QCOMPARE(check(m_client), expected);
    if (ServerProcess::redisPath().isEmpty())
        return;
    ServerProcess redis;
    QVERIFY2(redis.startRedis(&error, arguments), qPrintable(error));
    RespClient client;
    QVERIFY(client.connectTo(redis.port()));
    QCOMPARE(check(client), expected);
}

// Redis's performEvictions leaves server.dirty alone: rdb_changes_since_last_save counts the
// writes, not the keys they made the server evict.
void TestEviction::evictionsAreNotChanges()
{
    constexpr int Writes = int(2 * Headroom / ValueSize);
    compareWithRedis(
            {},
            [](RespClient &client) -> QByteArray {
                const qint64 before = infoField(client, "rdb_changes_since_last_save");
                client.call({ "CONFIG", "SET", "maxmemory-policy", "allkeys-random" });
                const qint64 maxmemory = infoField(client, "used_memory") + Headroom;
                client.call({ "CONFIG", "SET", "maxmemory", QByteArray::number(maxmemory) });
                fill(client, "c:", Writes);
                const qint64 changes = infoField(client, "rdb_changes_since_last_save") - before;
                return "changes " + QByteArray::number(changes)
                        + (infoField(client, "evicted_keys") > 0 ? " with evictions"
                                                                 : " no evictions");
            },
            "changes " + QByteArray::number(Writes) + " with evictions");
}

// Redis's freeMemoryGetNotCountedMemory: a script appends 4 MB to a key, so the append-only
// file's buffer holds 4 MB more until the round ends; the command pipelined right after it
// finds used memory over maxmemory by about that much, and must not evict for it.
void TestEviction::aofBufferIsNotCounted()
{
    const QByteArray script = "local s = string.rep('x', 100000) "
                              "for i = 1, 40 do redis.call('APPEND', KEYS[1], s) end";
    compareWithRedis(
            { QStringLiteral("--appendonly"), QStringLiteral("yes") },
            [&](RespClient &client) -> QByteArray {
                fill(client, "k:", 500);
                // What the value itself costs, once the buffer is written out (the next round).
                qint64 before = infoField(client, "used_memory");
                client.call({ "EVAL", script, "1", "measure" });
                const qint64 value = infoField(client, "used_memory") - before;
                client.call({ "DEL", "measure" });
                before = infoField(client, "used_memory");
                client.call({ "CONFIG", "SET", "maxmemory-policy", "allkeys-random" });
                const qint64 maxmemory = before + value + 1536 * 1024;
                client.call({ "CONFIG", "SET", "maxmemory", QByteArray::number(maxmemory) });
                // One write, so that both commands run in the same round, before the buffer is
                // written.
                client.sendPipeline({ { "EVAL", script, "1", "big" }, { "SET", "after", "1" } });
                QByteArray replies = client.readReply();
                replies += client.readReply();
                return replies + "evicted " + QByteArray::number(infoField(client, "evicted_keys"));
            },
            "$-1\r\n+OK\r\nevicted 0");
}

QTEST_GUILESS_MAIN(TestEviction)
#include "tst_eviction.moc"
