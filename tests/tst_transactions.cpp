// Transactions across connections, compared byte for byte with redis-server: what one client
// writes must make another client's EXEC fail exactly when Redis makes it fail. (Sequences on
// a single connection are in tests/compat/multi.txt.)
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QRegularExpression>
#include <QtTest>

#include <array>

namespace {

// One step of a scenario: which client sends the command.
struct Step
{
    int client;
    QByteArrayList command;
};
using Scenario = QList<Step>;

constexpr int Clients = 3;

// Runs the scenario on a server and returns every reply, raw, in order.
QByteArrayList transcript(quint16 port, const Scenario &scenario)
{
    std::array<RespClient, Clients> clients;
    for (RespClient &client : clients) {
        if (!client.connectTo(port))
            return { "<connect failed>" };
    }
    auto roundTrip = [&](int i, const QByteArrayList &command) {
        const QByteArray reply = clients[size_t(i)].call(command);
        return reply.isNull() ? QByteArray("<no reply>") : reply;
    };
    QByteArrayList replies { roundTrip(0, { "FLUSHALL" }) };
    for (const Step &step : scenario) {
        if (step.command == QByteArrayList { "CLOSE" }) {
            clients[size_t(step.client)].disconnect();
            continue;
        }
        replies << roundTrip(step.client, step.command);
    }
    return replies;
}

// CLIENT LIST fields that differ between servers by nature (ids, addresses, ages, memory).
QByteArray stable(QByteArray reply)
{
    static const QRegularExpression variable(QStringLiteral(
            "(id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|tot-mem|"
            "events|\\$)[=]?[^ \\r]*"));
    return QString::fromLatin1(reply).replace(variable, QStringLiteral("\\1")).toLatin1();
}

QByteArrayList stable(QByteArrayList replies)
{
    for (QByteArray &reply : replies)
        reply = stable(reply);
    return replies;
}

} // namespace

class TestTransactions : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void crossConnection_data();
    void crossConnection();

private:
    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestTransactions::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

void TestTransactions::crossConnection_data()
{
    QTest::addColumn<Scenario>("scenario");
    // Client 0 watches k and runs a transaction around what client 1 does.
    auto around = [](QList<QByteArrayList> others, QByteArrayList watched = { "k" }) {
        Scenario scenario { { 0, { "SET", "k", "1" } },
                            { 0, QByteArrayList { "WATCH" } + watched } };
        for (QByteArrayList &command : others)
            scenario << Step { 1, std::move(command) };
        scenario << Step { 0, { "MULTI" } } << Step { 0, { "INCR", "k" } }
                 << Step { 0, { "GET", "k" } } << Step { 0, { "EXEC" } }
                 << Step { 0, { "GET", "k" } };
        return scenario;
    };
    QTest::newRow("set") << around({ { "SET", "k", "5" } });
    QTest::newRow("same value") << around({ { "SET", "k", "1" } });
    QTest::newRow("del") << around({ { "DEL", "k" } });
    QTest::newRow("incr") << around({ { "INCR", "k" } });
    QTest::newRow("append") << around({ { "APPEND", "k", "0" } });
    QTest::newRow("setrange") << around({ { "SETRANGE", "k", "0", "7" } });
    QTest::newRow("setbit unchanged") << around({ { "SETBIT", "k", "0", "0" } });
    QTest::newRow("setbit changed") << around({ { "SETBIT", "k", "0", "1" } });
    QTest::newRow("setbit grows") << around({ { "SETBIT", "k", "100", "0" } });
    QTest::newRow("bitfield set") << around({ { "BITFIELD", "k", "SET", "u8", "0", "49" } });
    QTest::newRow("bitfield get only") << around({ { "BITFIELD", "k", "GET", "u8", "0" } });
    QTest::newRow("bitfield overflow fail")
            << around({ { "BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "255" } });
    QTest::newRow("expire") << around({ { "EXPIRE", "k", "100" } });
    QTest::newRow("persist without ttl") << around({ { "PERSIST", "k" } });
    QTest::newRow("flushall") << around({ { "FLUSHALL" } });
    QTest::newRow("flushdb other database") << around({ { "SELECT", "1" }, { "FLUSHDB" } });
    QTest::newRow("swapdb") << around({ { "SWAPDB", "0", "1" } });
    QTest::newRow("move") << around({ { "MOVE", "k", "1" } });
    QTest::newRow("rename") << around({ { "RENAME", "k", "j" } });
    QTest::newRow("rename onto") << around({ { "SET", "j", "9" }, { "RENAME", "j", "k" } });
    QTest::newRow("reads only") << around({ { "GET", "k" }, { "EXISTS", "k" }, { "TTL", "k" } });
    QTest::newRow("other key") << around({ { "SET", "other", "1" } });
    QTest::newRow("same key other database") << around({ { "SELECT", "1" }, { "SET", "k", "2" } });
    QTest::newRow("set nx refused") << around({ { "SETNX", "k", "2" } });
    QTest::newRow("one of several") << around({ { "SET", "c", "1" } }, { "a", "b", "c", "k" });
    QTest::newRow("write inside other transaction")
            << around({ { "MULTI" }, { "SET", "k", "3" }, { "EXEC" } });
    QTest::newRow("other transaction discarded")
            << around({ { "MULTI" }, { "SET", "k", "3" }, { "DISCARD" } });
    QTest::newRow("unwatch then write") << Scenario {
        { 0, { "WATCH", "k" } }, { 0, { "UNWATCH" } },  { 1, { "SET", "k", "1" } },
        { 0, { "MULTI" } },      { 0, { "GET", "k" } }, { 0, { "EXEC" } },
    };
    QTest::newRow("two watchers") << Scenario {
        { 0, { "WATCH", "k" } }, { 2, { "WATCH", "k" } }, { 1, { "SET", "k", "1" } },
        { 0, { "MULTI" } },      { 0, { "EXEC" } },       { 2, { "MULTI" } },
        { 2, { "EXEC" } },
    };
    QTest::newRow("watcher's exec invalidates the other") << Scenario {
        { 0, { "WATCH", "k" } },    { 2, { "WATCH", "k" } }, { 0, { "MULTI" } },
        { 0, { "SET", "k", "a" } }, { 0, { "EXEC" } },       { 2, { "MULTI" } },
        { 2, { "GET", "k" } },      { 2, { "EXEC" } },
    };
    QTest::newRow("watcher disconnects") << Scenario {
        { 2, { "WATCH", "k" } },    { 2, { "CLOSE" } },    { 0, { "WATCH", "k" } },
        { 1, { "SET", "k", "1" } }, { 0, { "MULTI" } },    { 0, { "EXEC" } },
        { 1, { "SET", "k", "2" } }, { 1, { "GET", "k" } },
    };
    QTest::newRow("queued commands run only at exec") << Scenario {
        { 0, { "MULTI" } }, { 0, { "SET", "k", "1" } }, { 1, { "GET", "k" } },
        { 0, { "EXEC" } },  { 1, { "GET", "k" } },
    };
    QTest::newRow("client list of a queuing client") << Scenario {
        { 0, { "CLIENT", "SETNAME", "tx" } }, { 0, { "MULTI" } },
        { 0, { "SET", "k", "1" } },           { 0, { "INCR", "k" } },
        { 1, { "CLIENT", "LIST" } },          { 0, { "EXEC" } },
        { 1, { "CLIENT", "LIST" } },
    };
    QTest::newRow("client list of a dirty client") << Scenario {
        { 0, { "CLIENT", "SETNAME", "tx" } },
        { 0, { "WATCH", "k" } },
        { 1, { "SET", "k", "1" } },
        { 0, { "MULTI" } },
        { 0, { "SET", "k", "2" } },
        { 1, { "CLIENT", "LIST" } },
        { 0, { "EXEC" } },
    };
}

void TestTransactions::crossConnection()
{
    QFETCH(Scenario, scenario);
    const QByteArrayList expected = transcript(m_redis.port(), scenario);
    const QByteArrayList actual = transcript(m_qkv.port(), scenario);
    const QByteArray difference = RespFrame::difference(stable(expected), stable(actual));
    QVERIFY2(difference.isEmpty(), difference.constData());
}

QTEST_GUILESS_MAIN(TestTransactions)
#include "tst_transactions.moc"
