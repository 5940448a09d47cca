#include "persistdata.h"

#include "respframe.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>

namespace PersistData {

QByteArray call(RespClient &client, const QByteArrayList &args)
{
    return client.call(args, 30000);
}

void pipeline(RespClient &client, const QList<QByteArrayList> &requests)
{
    for (const QByteArrayList &request : requests)
        client.send(request);
    for (qsizetype i = 0; i < requests.size(); ++i)
        client.readReply(30000);
}

qint64 infoField(RespClient &client, const QByteArray &name, const QByteArray &section)
{
    const QByteArray info = call(client, { "INFO", section });
    const qsizetype at = info.indexOf(QByteArray("\r\n" + name + ':'));
    if (at < 0)
        return -1;
    const qsizetype start = at + 3 + name.size();
    return info.mid(start, info.indexOf("\r\n", start) - start).toLongLong();
}

void populate(quint16 port)
{
    RespClient c;
    QVERIFY(c.connectTo(port));
    QList<QByteArrayList> r;
    r << QByteArrayList { "SET", "str", "hello" } << QByteArrayList { "SET", "int", "12345" }
      << QByteArrayList { "SET", "negint", "-7" }
      << QByteArrayList { "SET", "bigint", "123456789012345" }
      << QByteArrayList { "SET", "empty", "" }
      << QByteArrayList { "SET", "binary", QByteArray("\x00\x01\xff\r\n\t zero\x00", 12) }
      << QByteArrayList { "SET", QByteArray("bin\x00key\xff", 8), "v" }
      << QByteArrayList { "SET", "compressible", QByteArray(100000, 'x') + "tail" }
      << QByteArrayList { "SET", "ttl", "v", "PX", "3600000" }
      << QByteArrayList { "SET", "ttl-far", "v", "EXAT", "4102444800" }
      << QByteArrayList { "RPUSH", "list", "a", "b", "1", "-2", "" }
      << QByteArrayList { "SADD", "intset", "1", "2", "3", "-100000", "5000000000" }
      << QByteArrayList { "SADD", "strset", "a", "b", "c", "" }
      << QByteArrayList { "ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c", "inf", "d", "0", "e" }
      << QByteArrayList { "HSET", "hash", "f", "v", "n", "12", "e", "" }
      << QByteArrayList { "HSET", "longhash", "f", QByteArray(100, 'y') }
      << QByteArrayList { "ZADD", "longzset", "1", QByteArray(100, 'z') }
      << QByteArrayList { "PEXPIRE", "hash", "7200000" }
      << QByteArrayList { "XADD", "stream", "1-1", "a", "1", "b", "2" }
      << QByteArrayList { "XADD", "stream", "1-2", "a", "3", "b", "" }
      << QByteArrayList { "XADD", "stream", "5-0", "other", "12345" }
      << QByteArrayList { "XADD", "stream", "6-0", "x", "y" }
      << QByteArrayList { "XDEL", "stream", "1-2" }
      << QByteArrayList { "XGROUP", "CREATE", "stream", "g1", "0" }
      << QByteArrayList { "XGROUP", "CREATE", "stream", "g2", "$", "ENTRIESREAD", "3" }
      << QByteArrayList { "XREADGROUP", "GROUP",   "g1",     "alice", "COUNT",
                          "2",          "STREAMS", "stream", ">" }
      << QByteArrayList { "XGROUP", "CREATECONSUMER", "stream", "g1", "bob" }
      << QByteArrayList { "XCLAIM", "stream", "g1", "bob", "0", "5-0", "JUSTID" }
      << QByteArrayList { "XGROUP", "CREATE", "emptystream", "g", "$", "MKSTREAM" }
      << QByteArrayList {
             "XSETID", "emptystream", "7-7", "ENTRIESADDED", "9", "MAXDELETEDID", "7-0"
         };
    QRandomGenerator random(42);
    QByteArray noise;
    for (int i = 0; i < 30000; ++i)
        noise += char(random.bounded(256));
    r << QByteArrayList { "SET", "noise", noise };
    QByteArrayList bigList { "RPUSH", "biglist" };
    QByteArrayList bigIntset { "SADD", "bigintset" };
    QByteArrayList bigSet { "SADD", "bigset" };
    QByteArrayList bigZset { "ZADD", "bigzset" };
    QByteArrayList bigHash { "HSET", "bighash" };
    for (int i = 0; i < 10000; ++i) {
        bigList << "element-" + QByteArray::number(i) + QByteArray(i % 50, 'p');
        bigIntset << QByteArray::number(i * 3 - 5000);
        bigSet << "member" + QByteArray::number(i);
        bigZset << QByteArray::number(i * 0.5 - 99.25) << "m" + QByteArray::number(i);
        bigHash << "field" + QByteArray::number(i) << QByteArray::number(i * 11);
    }
    r << bigList << bigIntset << bigSet << bigZset << bigHash;
    for (int i = 0; i < 3000; ++i) {
        r << QByteArrayList {
            "XADD", "bigstream",           QByteArray::number(1000 + i / 3) + "-*",
            "f",    QByteArray::number(i), i % 7 ? "g" : "other",
            "v"
        };
    }
    r << QByteArrayList { "XTRIM", "bigstream", "MAXLEN", "2500" }
      << QByteArrayList { "XDEL", "bigstream", "1500-0", "1500-1", "1700-2" };
    for (int db = 1; db < 16; ++db) {
        r << QByteArrayList { "SELECT", QByteArray::number(db) }
          << QByteArrayList { "SET", "db" + QByteArray::number(db), QByteArray::number(db) }
          << QByteArrayList { "RPUSH", "l", QByteArray::number(db), "x" };
    }
    r << QByteArrayList { "SELECT", "0" }
      << QByteArrayList { "FUNCTION", "LOAD",
                          "#!lua name=persisted\n"
                          "redis.register_function('answer', function() return 42 end)" };
    pipeline(c, r);
    QCOMPARE(call(c, { "DBSIZE" }), QByteArray(":26\r\n"));
}

namespace {

// XINFO STREAM FULL without its consumers' seen-time: when a consumer was last active, which
// replaying an append-only file renews (its XCLAIMs run again), in Redis as in qkv.
QByteArray withoutSeenTimes(QByteArray info)
{
    static const QByteArray field("$9\r\nseen-time\r\n:");
    for (qsizetype at = info.indexOf(field); at >= 0; at = info.indexOf(field, at + 1)) {
        const qsizetype start = at + field.size();
        info.replace(start, info.indexOf('\r', start) - start, "*");
    }
    return info;
}

} // namespace

QByteArray snapshot(quint16 port, int databases)
{
    RespClient c;
    if (!c.connectTo(port))
        return "cannot connect";
    QByteArray out;
    for (int db = 0; db < databases; ++db) {
        call(c, { "SELECT", QByteArray::number(db) });
        RespFrame::Value keys;
        RespFrame::parse(call(c, { "KEYS", "*" }), 0, &keys);
        QByteArrayList names;
        for (const RespFrame::Value &key : keys.items)
            names << key.text;
        std::sort(names.begin(), names.end());
        for (const QByteArray &key : std::as_const(names)) {
            const QByteArray type = call(c, { "TYPE", key });
            QByteArray contents;
            if (type == "+string\r\n")
                contents = call(c, { "GET", key });
            else if (type == "+list\r\n")
                contents = call(c, { "LRANGE", key, "0", "-1" });
            else if (type == "+set\r\n")
                contents = RespFrame::sortedElements(call(c, { "SMEMBERS", key }));
            else if (type == "+zset\r\n")
                contents = call(c, { "ZRANGE", key, "0", "-1", "WITHSCORES" });
            else if (type == "+hash\r\n")
                contents = RespFrame::sortedElements(call(c, { "HGETALL", key }), 2);
            else if (type == "+stream\r\n")
                contents = withoutSeenTimes(
                        call(c, { "XINFO", "STREAM", key, "FULL", "COUNT", "0" }));
            out += QByteArray::number(db) + ' ' + RespFrame::escaped(key) + ' ' + type.trimmed()
                    + ' ' + call(c, { "OBJECT", "ENCODING", key }).trimmed() + ' '
                    + call(c, { "PEXPIRETIME", key }).trimmed() + ' '
                    + QCryptographicHash::hash(contents, QCryptographicHash::Sha1).toHex() + ' '
                    + RespFrame::escaped(contents.left(60)) + '\n';
        }
    }
    return out + call(c, { "FUNCTION", "LIST", "WITHCODE" });
}

} // namespace PersistData
