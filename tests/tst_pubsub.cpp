// Pub/Sub across connections, compared byte for byte with redis-server: what every
// connection receives (replies, messages, RESP3 pushes) after each step of a scenario.
// Sequences on one connection are in tests/compat/pubsub.txt.
#include "common/multiclient.h"
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QRegularExpression>
#include <QtTest>

using MultiClient::Scenario;

namespace {

// Values that differ between servers by nature: client ids (HELLO's, CLIENT LIST's),
// addresses, ages, memory.
QByteArrayList stable(QByteArrayList entries)
{
    static const QRegularExpression helloId(QStringLiteral("(\\$2\r\nid\r\n):\\d+"));
    static const QRegularExpression variable(QStringLiteral(
            "(id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|tot-mem|"
            "events)=[^ \\r]*"));
    static const QRegularExpression length(QStringLiteral("\\$\\d+(\\\\r\\\\n|\\r\\n)id"));
    for (QByteArray &entry : entries) {
        entry = QString::fromLatin1(entry).replace(helloId, QStringLiteral("\\1:ID")).toLatin1();
        if (!entry.contains("addr="))
            continue;
        entry = QString::fromLatin1(entry)
                        .replace(variable, QStringLiteral("\\1"))
                        .replace(length, QStringLiteral("$\\1id"))
                        .toLatin1();
    }
    return entries;
}

} // namespace

class TestPubSub : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void scenario_data();
    void scenario();
    void notifications_data();
    void notifications();
    void slowSubscriberIsDisconnected();

private:
    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestPubSub::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

void TestPubSub::scenario_data()
{
    QTest::addColumn<Scenario>("scenario");
    QTest::newRow("one subscriber") << Scenario {
        { 0, { "SUBSCRIBE", "news" } },         { 1, { "PUBLISH", "news", "hello" } },
        { 1, { "PUBLISH", "other", "hello" } }, { 0, { "UNSUBSCRIBE", "news" } },
        { 1, { "PUBLISH", "news", "gone" } },
    };
    QTest::newRow("subscribers in subscription order") << Scenario {
        { 2, { "SUBSCRIBE", "ch" } },
        { 0, { "SUBSCRIBE", "ch" } },
        { 1, { "SUBSCRIBE", "ch", "ch2" } },
        { 3, { "PUBLISH", "ch", "m1" } },
        { 0, { "UNSUBSCRIBE", "ch" } },
        { 3, { "PUBLISH", "ch", "m2" } },
        { 0, { "SUBSCRIBE", "ch" } },
        { 3, { "PUBLISH", "ch", "m3" } },
        { 3, { "PUBSUB", "NUMSUB", "ch", "ch2" } },
    };
    QTest::newRow("channel before pattern") << Scenario {
        { 0, { "PSUBSCRIBE", "news.*" } },
        { 0, { "SUBSCRIBE", "news.tech" } },
        { 1, { "PSUBSCRIBE", "news.*" } },
        { 2, { "SUBSCRIBE", "news.tech" } },
        { 3, { "PUBLISH", "news.tech", "a" } },
        { 3, { "PUBLISH", "news.art", "b" } },
        { 3, { "PUBSUB", "NUMPAT" } },
        { 3, { "PUBSUB", "NUMSUB", "news.tech", "news.art" } },
    };
    QTest::newRow("pattern subscribers in order") << Scenario {
        { 1, { "PSUBSCRIBE", "a*" } },    { 0, { "PSUBSCRIBE", "a*" } },
        { 2, { "PSUBSCRIBE", "a?" } },    { 3, { "PUBLISH", "ab", "x" } },
        { 3, { "PUBLISH", "abc", "y" } }, { 1, { "PUNSUBSCRIBE" } },
        { 3, { "PUBLISH", "ab", "z" } },
    };
    QTest::newRow("resp3 subscriber and resp2 subscriber") << Scenario {
        { 0, { "HELLO", "3" } },
        { 0, { "SUBSCRIBE", "ch" } },
        { 1, { "SUBSCRIBE", "ch" } },
        { 0, { "PSUBSCRIBE", "c?" } },
        { 2, { "PUBLISH", "ch", "hi" } },
        { 0, { "SET", "k", "v" } },
        { 2, { "PUBLISH", "ch", "again" } },
        { 0, { "GET", "k" } },
        { 0, { "PUBLISH", "ch", "self" } },
    };
    QTest::newRow("shard channels") << Scenario {
        { 0, { "SSUBSCRIBE", "s" } },         { 1, { "SUBSCRIBE", "s" } },
        { 2, { "PSUBSCRIBE", "*" } },         { 3, { "SPUBLISH", "s", "shard" } },
        { 3, { "PUBLISH", "s", "global" } },  { 3, { "PUBSUB", "SHARDNUMSUB", "s" } },
        { 3, { "PUBSUB", "SHARDCHANNELS" } }, { 0, { "SUNSUBSCRIBE" } },
        { 3, { "SPUBLISH", "s", "none" } },
    };
    QTest::newRow("disconnect unsubscribes") << Scenario {
        { 0, { "SUBSCRIBE", "ch" } },
        { 1, { "PSUBSCRIBE", "c*" } },
        { 2, { "SSUBSCRIBE", "ch" } },
        { 0, { "CLOSE" } },
        { 1, { "CLOSE" } },
        { 2, { "CLOSE" } },
        { 3, { "PUBLISH", "ch", "x" } },
        { 3, { "SPUBLISH", "ch", "x" } },
        { 3, { "PUBSUB", "NUMSUB", "ch" } },
        { 3, { "PUBSUB", "NUMPAT" } },
        { 3, { "PUBSUB", "CHANNELS" } },
    };
    QTest::newRow("reset unsubscribes") << Scenario {
        { 0, { "SUBSCRIBE", "ch" } },
        { 0, { "RESET" } },
        { 1, { "PUBLISH", "ch", "x" } },
        { 0, { "GET", "k" } },
    };
    QTest::newRow("binary and empty messages") << Scenario {
        { 0, { "SUBSCRIBE", QByteArray("a\0b", 3), "" } },
        { 1, { "PUBLISH", QByteArray("a\0b", 3), QByteArray("\r\n\0", 3) } },
        { 1, { "PUBLISH", "", "" } },
        { 1, { "PUBLISH", "a", QByteArray(100000, 'x') } },
    };
    QTest::newRow("client list of subscribers") << Scenario {
        { 0, { "SUBSCRIBE", "a", "b" } },
        { 1, { "PSUBSCRIBE", "p*" } },
        { 2, { "SSUBSCRIBE", "s" } },
        { 3, { "CLIENT", "LIST" } },
        { 3, { "CLIENT", "LIST", "TYPE", "pubsub" } },
        { 3, { "CLIENT", "LIST", "TYPE", "normal" } },
        { 3, { "INFO", "stats" } },
    };
}

void TestPubSub::scenario()
{
    QFETCH(Scenario, scenario);
    QByteArrayList expected = stable(MultiClient::transcript(m_redis.port(), scenario));
    QByteArrayList actual = stable(MultiClient::transcript(m_qkv.port(), scenario));
    // INFO differs in everything but the pubsub fields: compare those only.
    static const QRegularExpression pubsubFields(QStringLiteral("^pubsub\\w+:\\d+"),
                                                 QRegularExpression::MultilineOption);
    for (QByteArrayList *list : { &expected, &actual }) {
        for (QByteArray &entry : *list) {
            if (!entry.contains("# Stats"))
                continue;
            QByteArray fields;
            auto it = pubsubFields.globalMatch(QString::fromLatin1(entry));
            while (it.hasNext())
                fields += it.next().captured().toLatin1() + ';';
            entry = fields;
        }
    }
    const QByteArray difference = RespFrame::difference(expected, actual);
    QVERIFY2(difference.isEmpty(), difference.constData());
}

// Keyspace notifications: client 1 prepares keys with notifications off, client 0 turns them
// on (flags) and subscribes to every keyspace and keyevent channel with one pattern (one
// pattern: Redis's order between patterns is its dict's), then client 1 runs the commands.
namespace {

Scenario events(const QList<QByteArrayList> &setup, const QList<QByteArrayList> &commands,
                const QByteArray &flags = "KEA")
{
    Scenario scenario;
    for (const QByteArrayList &command : setup)
        scenario << MultiClient::Step { 1, command };
    scenario << MultiClient::Step { 0, { "CONFIG", "SET", "notify-keyspace-events", flags } }
             << MultiClient::Step { 0, { "CONFIG", "GET", "notify-keyspace-events" } }
             << MultiClient::Step { 0, { "PSUBSCRIBE", "__key*__:*" } };
    for (const QByteArrayList &command : commands)
        scenario << MultiClient::Step { 1, command };
    return scenario;
}

} // namespace

void TestPubSub::notifications_data()
{
    QTest::addColumn<Scenario>("scenario");
    QTest::newRow("strings") << events({},
                                       {
                                               { "SET", "s", "1" },
                                               { "SET", "s", "2", "EX", "100" },
                                               { "SET", "s", "3", "KEEPTTL" },
                                               { "SET", "s", "4", "NX" },
                                               { "SET", "s", "5", "XX", "GET" },
                                               { "SETNX", "t", "1" },
                                               { "SETNX", "t", "2" },
                                               { "SETEX", "u", "100", "v" },
                                               { "PSETEX", "u", "100000", "v" },
                                               { "GETSET", "s", "6" },
                                               { "MSET", "a", "1", "b", "2" },
                                               { "MSETNX", "c", "1", "d", "2" },
                                               { "MSETNX", "c", "1", "e", "2" },
                                               { "INCR", "n" },
                                               { "DECR", "n" },
                                               { "INCRBY", "n", "5" },
                                               { "DECRBY", "n", "2" },
                                               { "INCRBYFLOAT", "n", "1.5" },
                                               { "APPEND", "s", "x" },
                                               { "APPEND", "new", "x" },
                                               { "SETRANGE", "s", "1", "yy" },
                                               { "SETRANGE", "s", "0", "" },
                                               { "SETRANGE", "r", "3", "z" },
                                               { "GETDEL", "r" },
                                               { "GETDEL", "r" },
                                               { "GETEX", "s", "EX", "100" },
                                               { "GETEX", "s", "PERSIST" },
                                               { "GETEX", "s", "PERSIST" },
                                               { "GETEX", "s" },
                                               { "GETEX", "s", "PXAT", "1" },
                                               { "SET", "k", "v", "EXAT", "1" },
                                               { "GET", "k" },
                                               { "INCR", "s" },
                                       });
    QTest::newRow("bits") << events({},
                                    {
                                            { "SETBIT", "b", "7", "1" },
                                            { "SETBIT", "b", "7", "1" },
                                            { "SETBIT", "b", "7", "0" },
                                            { "BITFIELD", "b", "SET", "u8", "0", "255" },
                                            { "BITFIELD", "b", "GET", "u8", "0" },
                                            { "BITFIELD", "b", "SET", "u8", "0", "255" },
                                            { "BITOP", "OR", "dest", "b" },
                                            { "BITOP", "AND", "dest", "none1", "none2" },
                                            { "BITOP", "AND", "dest", "none1" },
                                    });
    QTest::newRow("keyspace") << events(
            { { "SET", "a", "1" }, { "SET", "b", "2" }, { "SET", "c", "3" }, { "SET", "d", "4" } },
            {
                    { "DEL", "a", "a", "nosuch" },
                    { "UNLINK", "b" },
                    { "RENAME", "c", "c2" },
                    { "RENAME", "c2", "d" },
                    { "RENAMENX", "d", "e" },
                    { "RENAMENX", "e", "e" },
                    { "COPY", "e", "f" },
                    { "COPY", "e", "f", "REPLACE" },
                    { "COPY", "e", "f", "DB", "1" },
                    { "MOVE", "f", "2" },
                    { "MOVE", "nosuch", "2" },
                    { "SWAPDB", "0", "1" },
                    { "SWAPDB", "0", "1" },
                    { "FLUSHDB" },
                    { "SET", "x", "1" },
                    { "FLUSHALL" },
            });
    QTest::newRow("expiry commands") << events({ { "SET", "a", "1" }, { "SET", "b", "2" } },
                                               {
                                                       { "EXPIRE", "a", "100" },
                                                       { "PEXPIRE", "a", "100000" },
                                                       { "EXPIREAT", "a", "99999999999" },
                                                       { "PEXPIREAT", "a", "99999999999000" },
                                                       { "EXPIRE", "a", "100", "NX" },
                                                       { "PERSIST", "a" },
                                                       { "PERSIST", "a" },
                                                       { "EXPIRE", "a", "-1" },
                                                       { "PEXPIREAT", "b", "1" },
                                                       { "EXPIRE", "nosuch", "10" },
                                               });
    QTest::newRow("hashes") << events({},
                                      {
                                              { "HSET", "h", "f", "v", "g", "w" },
                                              { "HSET", "h", "f", "v" },
                                              { "HMSET", "h", "x", "y" },
                                              { "HSETNX", "h", "f", "z" },
                                              { "HSETNX", "h", "n", "z" },
                                              { "HINCRBY", "h", "i", "2" },
                                              { "HINCRBYFLOAT", "h", "j", "2.5" },
                                              { "HDEL", "h", "nosuch" },
                                              { "HDEL", "h", "f", "g" },
                                              { "HDEL", "h", "x", "n", "i", "j" },
                                              { "HGET", "h", "f" },
                                      });
    QTest::newRow("lists") << events({},
                                     {
                                             { "LPUSH", "l", "a", "b" },
                                             { "RPUSH", "l", "c" },
                                             { "LPUSHX", "l", "d" },
                                             { "RPUSHX", "l", "e" },
                                             { "LPUSHX", "none", "x" },
                                             { "LSET", "l", "0", "z" },
                                             { "LINSERT", "l", "BEFORE", "c", "y" },
                                             { "LINSERT", "l", "BEFORE", "nosuch", "y" },
                                             { "LREM", "l", "1", "y" },
                                             { "LREM", "l", "0", "nosuch" },
                                             { "LPOP", "l" },
                                             { "RPOP", "l", "2" },
                                             { "LMOVE", "l", "m", "LEFT", "RIGHT" },
                                             { "RPOPLPUSH", "l", "m" },
                                             { "LMOVE", "m", "m", "LEFT", "LEFT" },
                                             { "LTRIM", "m", "0", "0" },
                                             { "LMPOP", "2", "none", "m", "LEFT", "COUNT", "5" },
                                             { "RPUSH", "t", "a", "b" },
                                             { "LTRIM", "t", "5", "10" },
                                             { "RPUSH", "r", "a", "b" },
                                             { "LREM", "r", "0", "a" },
                                             { "LREM", "r", "0", "b" },
                                             { "RPUSH", "q", "a" },
                                             { "BLPOP", "q", "1" },
                                             { "RPUSH", "q", "a", "b" },
                                             { "BLMOVE", "q", "q2", "RIGHT", "LEFT", "1" },
                                             { "BRPOPLPUSH", "q", "q2", "1" },
                                             { "BLMPOP", "1", "1", "q2", "RIGHT", "COUNT", "9" },
                                     });
    QTest::newRow("sets") << events({},
                                    {
                                            { "SADD", "s", "a", "b", "c" },
                                            { "SADD", "s", "a" },
                                            { "SREM", "s", "nosuch" },
                                            { "SREM", "s", "a" },
                                            { "SMOVE", "s", "t", "b" },
                                            { "SMOVE", "s", "t", "nosuch" },
                                            { "SADD", "t", "c" },
                                            { "SMOVE", "s", "t", "c" },
                                            { "SADD", "u", "1", "2", "3" },
                                            { "SPOP", "u", "0" },
                                            { "SPOP", "u", "5" },
                                            { "SADD", "a", "1", "2" },
                                            { "SADD", "b", "2", "3" },
                                            { "SINTERSTORE", "d", "a", "b" },
                                            { "SUNIONSTORE", "d", "a", "b" },
                                            { "SDIFFSTORE", "d", "a", "b" },
                                            { "SINTERSTORE", "d", "a", "nosuch" },
                                            { "SINTERSTORE", "d", "a", "nosuch" },
                                            { "SDIFFSTORE", "d", "a", "a" },
                                            { "SADD", "one", "x" },
                                            { "SPOP", "one" },
                                    });
    QTest::newRow("sorted sets") << events(
            {},
            {
                    { "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d" },
                    { "ZADD", "z", "1", "a" },
                    { "ZADD", "z", "XX", "CH", "5", "a" },
                    { "ZADD", "z", "NX", "5", "a" },
                    { "ZADD", "z", "INCR", "1", "a" },
                    { "ZINCRBY", "z", "1", "b" },
                    { "ZREM", "z", "nosuch" },
                    { "ZREM", "z", "a" },
                    { "ZPOPMIN", "z" },
                    { "ZPOPMAX", "z", "0" },
                    { "ZPOPMAX", "z" },
                    { "ZADD", "y", "1", "a", "2", "b", "3", "c", "4", "d" },
                    { "ZREMRANGEBYSCORE", "y", "1", "1" },
                    { "ZREMRANGEBYRANK", "y", "0", "0" },
                    { "ZREMRANGEBYLEX", "y", "[a", "[c" },
                    { "ZREMRANGEBYSCORE", "y", "10", "20" },
                    { "ZADD", "x", "1", "a", "2", "b" },
                    { "ZRANGESTORE", "dst", "x", "0", "-1" },
                    { "ZRANGESTORE", "dst", "x", "5", "6" },
                    { "ZUNIONSTORE", "u", "2", "x", "z" },
                    { "ZINTERSTORE", "u", "2", "x", "z" },
                    { "ZDIFFSTORE", "u", "1", "x" },
                    { "ZINTERSTORE", "u", "2", "x", "nosuch" },
                    { "ZMPOP", "1", "x", "MIN", "COUNT", "5" },
                    { "ZADD", "w", "1", "a" },
                    { "BZPOPMIN", "w", "1" },
                    { "ZADD", "w", "1", "a" },
                    { "BZMPOP", "1", "1", "w", "MAX" },
                    { "ZREMRANGEBYRANK", "u", "0", "-1" },
            });
    QTest::newRow("sort store") << events({ { "RPUSH", "l", "3", "1", "2" } },
                                          {
                                                  { "SORT", "l", "STORE", "out" },
                                                  { "SORT", "nosuch", "STORE", "out" },
                                                  { "SORT", "nosuch", "STORE", "out" },
                                                  { "SORT", "l" },
                                          });
    QTest::newRow("keyevent only, generic only") << events({ { "SET", "a", "1" } },
                                                           {
                                                                   { "SET", "a", "2" },
                                                                   { "DEL", "a" },
                                                                   { "HSET", "h", "f", "v" },
                                                                   { "EXPIRE", "h", "100" },
                                                           },
                                                           "Eg");
    QTest::newRow("keyspace only, strings only") << events({},
                                                           {
                                                                   { "SET", "a", "2" },
                                                                   { "DEL", "a" },
                                                                   { "INCR", "a" },
                                                                   { "LPUSH", "l", "x" },
                                                           },
                                                           "K$");
    QTest::newRow("new keys") << events({ { "SET", "old", "1" } },
                                        {
                                                { "SET", "a", "1" },
                                                { "SET", "a", "2" },
                                                { "HSET", "h", "f", "v" },
                                                { "RPUSH", "l", "x" },
                                                { "RENAME", "a", "b" },
                                                { "COPY", "b", "c" },
                                                { "MOVE", "c", "1" },
                                                { "SADD", "s", "x" },
                                                { "ZADD", "z", "1", "x" },
                                                { "INCR", "n" },
                                                { "SET", "old", "2" },
                                        },
                                        "KEn");
    QTest::newRow("key misses") << events({ { "SET", "a", "1" } },
                                          {
                                                  { "GET", "a" },
                                                  { "GET", "nosuch" },
                                                  { "EXISTS", "nosuch" },
                                                  { "HGET", "h", "f" },
                                                  { "MGET", "x", "a", "y" },
                                                  { "TTL", "nosuch" },
                                                  { "SET", "nosuch", "1" },
                                          },
                                          "KEm");
    // The key is set after the subscription: set before it, an active-expiry tick between the
    // SET and the PSUBSCRIBE would drop the event on one server and not the other. At hz 1 the
    // GET, not the active expiry, almost always finds the key (either way the event is the same).
    QTest::newRow("lazy expiry") << events({ { "CONFIG", "SET", "hz", "1" } },
                                           {
                                                   { "SET", "a", "1", "PX", "1" },
                                                   { "SLEEP", "20" },
                                                   { "GET", "a" },
                                                   { "GET", "a" },
                                                   { "CONFIG", "SET", "hz", "10" },
                                           });
    // One key: Redis's active expiry samples keys at random, so several would come in any order.
    QTest::newRow("active expiry") << events({},
                                             {
                                                     { "SET", "a", "1", "PX", "1" },
                                                     { "SLEEP", "1500" },
                                                     { "DBSIZE" },
                                             },
                                             "Ex");
    QTest::newRow("other databases") << events({},
                                               {
                                                       { "SELECT", "3" },
                                                       { "SET", "a", "1" },
                                                       { "DEL", "a" },
                                                       { "SELECT", "0" },
                                               });
    QTest::newRow("inside multi") << events({},
                                            {
                                                    { "MULTI" },
                                                    { "SET", "a", "1" },
                                                    { "INCR", "a" },
                                                    { "EXEC" },
                                            });
    QTest::newRow("resp3 client notified of its own writes") << Scenario {
        { 0, { "HELLO", "3" } },
        { 0, { "CONFIG", "SET", "notify-keyspace-events", "KEA" } },
        { 0, { "SUBSCRIBE", "__keyspace@0__:k", "__keyevent@0__:del" } },
        { 0, { "SET", "k", "v" } },
        { 0, { "DEL", "k" } },
        { 0, { "SADD", "s", "a" } },
        { 0, { "SPOP", "s", "1" } },
        { 1, { "SET", "k", "w" } },
    };
    QTest::newRow("bad configuration") << Scenario {
        { 0, { "CONFIG", "SET", "notify-keyspace-events", "KEAQ" } },
        { 0, { "CONFIG", "SET", "notify-keyspace-events", "$lshzxetdgK" } },
        { 0, { "CONFIG", "GET", "notify-keyspace-events" } },
        { 0, { "CONFIG", "SET", "notify-keyspace-events", "AKEn" } },
        { 0, { "CONFIG", "GET", "notify-keyspace-events" } },
        { 0, { "CONFIG", "SET", "notify-keyspace-events", "Em" } },
        { 0, { "CONFIG", "GET", "notify-keyspace-events" } },
        { 0, { "CONFIG", "SET", "notify-keyspace-events", "KEgx$" } },
        { 0, { "CONFIG", "GET", "notify-keyspace-events" } },
        { 0, { "CONFIG", "SET", "notify-keyspace-events", "" } },
        { 0, { "CONFIG", "GET", "notify-keyspace-events" } },
    };
}

void TestPubSub::notifications()
{
    QFETCH(Scenario, scenario);
    const QByteArrayList expected = stable(MultiClient::transcript(m_redis.port(), scenario));
    const QByteArrayList actual = stable(MultiClient::transcript(m_qkv.port(), scenario));
    const QByteArray difference = RespFrame::difference(expected, actual);
    QVERIFY2(difference.isEmpty(), difference.constData());
}

// A subscriber that stops reading is disconnected over the pubsub output limit (32 MB), as in
// Redis, while a subscriber that reads gets every message.
void TestPubSub::slowSubscriberIsDisconnected()
{
    for (ServerProcess *server : { &m_redis, &m_qkv }) {
        RespClient stalled;
        RespClient reader;
        RespClient publisher;
        QVERIFY(stalled.connectTo(server->port()));
        QVERIFY(reader.connectTo(server->port()));
        QVERIFY(publisher.connectTo(server->port()));
        QVERIFY(!stalled.call({ "SUBSCRIBE", "flood" }).isNull());
        QVERIFY(!reader.call({ "SUBSCRIBE", "flood" }).isNull());
        const QByteArray message(1024 * 1024, 'm');
        int received = 0;
        for (int i = 0; i < 64; ++i) {
            publisher.call({ "PUBLISH", "flood", message });
            while (received <= i && !reader.readReply().isNull())
                ++received;
        }
        QCOMPARE(received, 64);
        QTRY_COMPARE_WITH_TIMEOUT(publisher.call({ "PUBSUB", "NUMSUB", "flood" }),
                                  QByteArray("*2\r\n$5\r\nflood\r\n:1\r\n"), 5000);
    }
}

QTEST_GUILESS_MAIN(TestPubSub)
#include "tst_pubsub.moc"
