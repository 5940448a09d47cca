// ACL users against a running qkv-server: permission checks compared with redis-server (same
// rules, same command, same reply bytes), clients of a deleted user disconnected, the ACL log's
// fields, passwords kept out of MONITOR and the slow log, users from the configuration file and
// from an aclfile with ACL LOAD and ACL SAVE, and acl-pubsub-default given at start-up, compared
// with redis-server.
#include "common/respclient.h"
#include "common/serverprocess.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTest>

namespace {

const QByteArray Ok("+OK\r\n");

QByteArray hashOf(const QByteArray &password)
{
    return QCryptographicHash::hash(password, QCryptographicHash::Sha256).toHex();
}

// The value after name in a flat RESP2 map reply (ACL LOG entries), as its raw line.
QByteArray fieldAfter(const QByteArray &reply, const QByteArray &name)
{
    const QByteArray marker = '$' + QByteArray::number(name.size()) + "\r\n" + name + "\r\n";
    const qsizetype at = reply.indexOf(marker);
    if (at < 0)
        return {};
    const qsizetype start = at + marker.size();
    qsizetype end = reply.indexOf("\r\n", start);
    if (reply[start] == '$') // a bulk string: its header, then the data line
        end = reply.indexOf("\r\n", end + 2);
    return reply.mid(start, end - start);
}

} // namespace

class TestAcl : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void permissions_data();
    void permissions();
    void deletedUserIsDisconnected();
    void aclLoadDisconnectsRemovedUsers();
    void logEntryFields();
    void passwordsAreRedacted();
    void requirepassIsTheDefaultPassword();
    void usersFromConfigFile();
    void aclFileLoadAndSave();
    void pubsubDefaultFromConfigFile();
    void pubsubDefaultForLoadedUsers();

private:
    // Starts a qkv-server and a redis-server with arguments, where "<file>" stands for a file
    // named fileName holding fileText in each server's own directory, and gives check a client
    // of each (qkv's first).
    template<typename Check>
    void compareStarted(const QStringList &arguments, const QByteArray &fileName,
                        const QByteArray &fileText, Check check);
    // The reply of command run as a fresh user with rules, on the server at port.
    static QByteArray runAs(quint16 port, const QByteArrayList &rules,
                            const QByteArrayList &command);

    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestAcl::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

QByteArray TestAcl::runAs(quint16 port, const QByteArrayList &rules, const QByteArrayList &command)
{
    RespClient admin;
    if (!admin.connectTo(port))
        return "<no connection>";
    admin.call({ "ACL", "DELUSER", "t" });
    admin.call(QByteArrayList { "ACL", "SETUSER", "t", "reset", "on", ">pw" } + rules);
    RespClient client;
    if (!client.connectTo(port) || client.call({ "AUTH", "t", "pw" }) != Ok)
        return "<auth failed>";
    return client.call(command);
}

void TestAcl::permissions_data()
{
    QTest::addColumn<QByteArrayList>("rules");
    QTest::addColumn<QByteArrayList>("command");
    QTest::addColumn<QByteArray>("expected"); // qkv's reply starts with it; Redis's must match
    const QByteArray noKey("-NOPERM this user has no permissions to access one of the keys");
    const QByteArray noChannel("-NOPERM this user has no permissions to access one of the chan");
    QTest::newRow("command denied") << QByteArrayList { "~*" } << QByteArrayList { "GET", "k" }
                                    << QByteArray("-NOPERM this user has no permissions to run "
                                                  "the 'get' command\r\n");
    QTest::newRow("command allowed") << QByteArrayList { "~*", "+get" }
                                     << QByteArrayList { "GET", "k" } << QByteArray("$-1\r\n");
    QTest::newRow("category allowed")
            << QByteArrayList { "~*", "+@string" } << QByteArrayList { "SET", "k", "v" } << Ok;
    QTest::newRow("category minus command")
            << QByteArrayList { "~*", "+@string", "-set" } << QByteArrayList { "SET", "k", "v" }
            << QByteArray("-NOPERM this user has no permissions to run the 'set' command\r\n");
    QTest::newRow("subcommand denied")
            << QByteArrayList { "+client|id" } << QByteArrayList { "CLIENT", "INFO" }
            << QByteArray("-NOPERM this user has no permissions to run the 'client|info' "
                          "command\r\n");
    QTest::newRow("subcommand allowed")
            << QByteArrayList { "+client|getname" } << QByteArrayList { "CLIENT", "GETNAME" }
            << QByteArray("$-1\r\n");
    QTest::newRow("first arg allowed")
            << QByteArrayList { "+select|0" } << QByteArrayList { "SELECT", "0" } << Ok;
    QTest::newRow("first arg other")
            << QByteArrayList { "+select|0" } << QByteArrayList { "SELECT", "1" }
            << QByteArray("-NOPERM this user has no permissions to run the 'select' command\r\n");
    QTest::newRow("key pattern denied")
            << QByteArrayList { "~app:*", "+get" } << QByteArrayList { "GET", "other" } << noKey;
    QTest::newRow("key pattern allowed")
            << QByteArrayList { "~app:*", "+get" } << QByteArrayList { "GET", "app:1" }
            << QByteArray("$-1\r\n");
    QTest::newRow("read only pattern write")
            << QByteArrayList { "%R~r*", "+set" } << QByteArrayList { "SET", "r1", "v" } << noKey;
    QTest::newRow("write only pattern read")
            << QByteArrayList { "%W~w*", "+get" } << QByteArrayList { "GET", "w1" } << noKey;
    QTest::newRow("write only pattern write")
            << QByteArrayList { "%W~w*", "+set" } << QByteArrayList { "SET", "w1", "v" } << Ok;
    QTest::newRow("copy source read only")
            << QByteArrayList { "%R~src", "~dst", "+copy" }
            << QByteArrayList { "COPY", "src", "dst" } << QByteArray(":0\r\n");
    QTest::newRow("copy into read only") << QByteArrayList { "~src", "%R~dst", "+copy" }
                                         << QByteArrayList { "COPY", "src", "dst" } << noKey;
    QTest::newRow("one of many keys") << QByteArrayList { "~a*", "+mget" }
                                      << QByteArrayList { "MGET", "a1", "a2", "b" } << noKey;
    QTest::newRow("movable keys") << QByteArrayList { "~a*", "+zunionstore" }
                                  << QByteArrayList { "ZUNIONSTORE", "a", "2", "a1", "b" } << noKey;
    QTest::newRow("publish denied") << QByteArrayList { "&news", "+publish" }
                                    << QByteArrayList { "PUBLISH", "other", "m" } << noChannel;
    QTest::newRow("publish pattern")
            << QByteArrayList { "&news.*", "+publish" }
            << QByteArrayList { "PUBLISH", "news.1", "m" } << QByteArray(":0\r\n");
    QTest::newRow("psubscribe must equal")
            << QByteArrayList { "&news.*", "+psubscribe" }
            << QByteArrayList { "PSUBSCRIBE", "news.1*" } << noChannel;
    QTest::newRow("spublish denied") << QByteArrayList { "&a", "+spublish" }
                                     << QByteArrayList { "SPUBLISH", "b", "m" } << noChannel;
    QTest::newRow("selector allows") << QByteArrayList { "~a", "+get", "(~b", "+set)" }
                                     << QByteArrayList { "SET", "b", "v" } << Ok;
    QTest::newRow("selector key denied") << QByteArrayList { "~a", "+get", "(~b", "+set)" }
                                         << QByteArrayList { "SET", "a", "v" } << noKey;
    QTest::newRow("script key denied")
            << QByteArrayList { "~k*", "+eval", "+get" }
            << QByteArrayList { "EVAL", "return redis.call('get','x')", "0" }
            << QByteArray("-ERR The user executing the script can't access at least one of the "
                          "keys");
    QTest::newRow("script command denied")
            << QByteArrayList { "~*", "+eval" }
            << QByteArrayList { "EVAL", "return redis.pcall('get','x')", "0" }
            << QByteArray("-ERR The user executing the script can't run this command or "
                          "subcommand\r\n");
    QTest::newRow("no-auth commands always")
            << QByteArrayList {} << QByteArrayList { "AUTH", "t", "pw" } << Ok;
}

void TestAcl::permissions()
{
    QFETCH(QByteArrayList, rules);
    QFETCH(QByteArrayList, command);
    QFETCH(QByteArray, expected);
    const QByteArray qkv = runAs(m_qkv.port(), rules, command);
    QVERIFY2(qkv.startsWith(expected), qkv.constData());
    QCOMPARE(qkv, runAs(m_redis.port(), rules, command));
}

void TestAcl::deletedUserIsDisconnected()
{
    RespClient admin;
    QVERIFY(admin.connectTo(m_qkv.port()));
    QCOMPARE(admin.call({ "ACL", "SETUSER", "gone", "on", "nopass", "+@all", "~*" }), Ok);
    RespClient a;
    RespClient b;
    QVERIFY(a.connectTo(m_qkv.port()));
    QVERIFY(b.connectTo(m_qkv.port()));
    QCOMPARE(a.call({ "AUTH", "gone", "x" }), Ok);
    QCOMPARE(b.call({ "AUTH", "gone", "x" }), Ok);
    // Changing the user keeps its clients; deleting it closes them, the caller after its reply.
    QCOMPARE(admin.call({ "ACL", "SETUSER", "gone", "-get" }), Ok);
    QCOMPARE(b.call({ "PING" }), QByteArray("+PONG\r\n"));
    QCOMPARE(a.call({ "ACL", "DELUSER", "gone" }), QByteArray(":1\r\n"));
    QTRY_VERIFY(!a.isConnected());
    QCOMPARE(b.call({ "PING" }), QByteArray());
    QTRY_VERIFY(!b.isConnected());
    QCOMPARE(admin.call({ "PING" }), QByteArray("+PONG\r\n"));
}

void TestAcl::aclLoadDisconnectsRemovedUsers()
{
    ServerProcess qkv;
    QString error;
    const QString aclFile = qkv.dir() + QStringLiteral("/users.acl");
    QFile file(aclFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("user default on nopass ~* &* +@all\nuser keep on nopass +@all ~*\n");
    file.close();
    QVERIFY2(qkv.startQkv(QStringLiteral(QKV_SERVER_PATH), &error,
                          { QStringLiteral("--aclfile"), aclFile }),
             qPrintable(error));
    RespClient kept;
    RespClient added;
    QVERIFY(kept.connectTo(qkv.port()));
    QVERIFY(added.connectTo(qkv.port()));
    QCOMPARE(added.call({ "ACL", "SETUSER", "added", "on", "nopass", "+@all" }), Ok);
    QCOMPARE(added.call({ "AUTH", "added", "x" }), Ok);
    QCOMPARE(kept.call({ "AUTH", "keep", "x" }), Ok);
    QCOMPARE(kept.call({ "ACL", "LOAD" }), Ok);
    // Every user but default is a new object after a load: Redis closes all their clients.
    QTRY_VERIFY(!kept.isConnected());
    QCOMPARE(added.call({ "PING" }), QByteArray());
    RespClient admin;
    QVERIFY(admin.connectTo(qkv.port()));
    QCOMPARE(admin.call({ "ACL", "USERS" }), QByteArray("*2\r\n$7\r\ndefault\r\n$4\r\nkeep\r\n"));
}

void TestAcl::logEntryFields()
{
    RespClient client;
    QVERIFY(client.connectTo(m_qkv.port()));
    QCOMPARE(client.call({ "ACL", "SETUSER", "logged", "on", "nopass", "~k*", "+@all" }), Ok);
    QCOMPARE(client.call({ "ACL", "LOG", "RESET" }), Ok);
    QCOMPARE(client.call({ "AUTH", "logged", "x" }), Ok);
    QCOMPARE(client.call({ "MULTI" }), Ok);
    QVERIFY(client.call({ "GET", "other" }).startsWith("-NOPERM"));
    QVERIFY(client.call({ "GET", "other" }).startsWith("-NOPERM"));
    client.call({ "DISCARD" });
    const QByteArray log = client.call({ "ACL", "LOG" });
    QVERIFY2(log.startsWith("*1\r\n*14\r\n"), log.constData());
    QCOMPARE(fieldAfter(log, "count"), QByteArray(":2"));
    QCOMPARE(fieldAfter(log, "reason"), QByteArray("$3\r\nkey"));
    QCOMPARE(fieldAfter(log, "context"), QByteArray("$5\r\nmulti"));
    QCOMPARE(fieldAfter(log, "object"), QByteArray("$5\r\nother"));
    QCOMPARE(fieldAfter(log, "username"), QByteArray("$6\r\nlogged"));
    QVERIFY(fieldAfter(log, "age-seconds").startsWith("$"));
    QVERIFY(fieldAfter(log, "client-info").contains(" cmd=get user=logged "));
    QCOMPARE(client.call({ "AUTH", "default", "x" }), Ok);
    QCOMPARE(client.call({ "ACL", "DELUSER", "logged" }), QByteArray(":1\r\n"));
}

void TestAcl::passwordsAreRedacted()
{
    for (quint16 port : { m_redis.port(), m_qkv.port() }) {
        RespClient monitor;
        RespClient client;
        QVERIFY(monitor.connectTo(port));
        QVERIFY(client.connectTo(port));
        QCOMPARE(monitor.call({ "MONITOR" }), Ok);
        QCOMPARE(client.call({ "CONFIG", "SET", "slowlog-log-slower-than", "0" }), Ok);
        QCOMPARE(client.call({ "SLOWLOG", "RESET" }), Ok);
        QCOMPARE(client.call({ "ACL", "SETUSER", "r", "on", ">topsecret", "+@all" }), Ok);
        QCOMPARE(client.call({ "AUTH", "r", "topsecret" }), Ok);
        QVERIFY(client.call({ "HELLO", "2", "AUTH", "r", "topsecret" }).startsWith("*14"));
        QCOMPARE(client.call({ "ECHO", "end" }), QByteArray("$3\r\nend\r\n"));
        const QByteArray slowlog = client.call({ "SLOWLOG", "GET", "10" });
        QCOMPARE(client.call({ "CONFIG", "SET", "slowlog-log-slower-than", "10000" }), Ok);
        QByteArray monitored;
        while (!monitored.contains("\"end\""))
            monitored += monitor.readReply();
        QVERIFY2(!monitored.contains("topsecret"), monitored.constData());
        QVERIFY2(monitored.contains("\"AUTH\" \"(redacted)\" \"(redacted)\""),
                 monitored.constData());
        QVERIFY2(!monitored.contains("SETUSER"), monitored.constData()); // admin: not shown
        QVERIFY2(!slowlog.contains("topsecret"), slowlog.constData());
        QVERIFY2(slowlog.contains("$7\r\nSETUSER\r\n$10\r\n(redacted)\r\n$10\r\n(redacted)"),
                 slowlog.constData());
        QCOMPARE(client.call({ "AUTH", "default", "x" }), Ok);
        QCOMPARE(client.call({ "ACL", "DELUSER", "r" }), QByteArray(":1\r\n"));
    }
}

void TestAcl::requirepassIsTheDefaultPassword()
{
    RespClient admin;
    QVERIFY(admin.connectTo(m_qkv.port()));
    QCOMPARE(admin.call({ "CONFIG", "SET", "requirepass", "s3cret" }), Ok);
    const QByteArray list = admin.call({ "ACL", "LIST" });
    QVERIFY2(list.contains(QByteArray("user default on #" + hashOf("s3cret") + " ~* &* +@all")),
             list.constData());
    RespClient client;
    QVERIFY(client.connectTo(m_qkv.port()));
    QCOMPARE(client.call({ "GET", "k" }), QByteArray("-NOAUTH Authentication required.\r\n"));
    QCOMPARE(client.call({ "AUTH", "s3cret" }), Ok);
    QCOMPARE(admin.call({ "CONFIG", "SET", "requirepass", "" }), Ok);
    QVERIFY(admin.call({ "ACL", "LIST" }).contains("user default on nopass ~* &* +@all"));
}

void TestAcl::usersFromConfigFile()
{
    ServerProcess qkv;
    QString error;
    const QString config = qkv.dir() + QStringLiteral("/qkv.conf");
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("user alice on >wonderland ~cache:* (~x +get) -@all +get\n");
    file.close();
    QVERIFY2(qkv.startQkv(QStringLiteral(QKV_SERVER_PATH), &error,
                          { QStringLiteral("--include"), config }),
             qPrintable(error));
    RespClient client;
    QVERIFY(client.connectTo(qkv.port()));
    QCOMPARE(client.call({ "AUTH", "alice", "wonderland" }), Ok);
    QCOMPARE(client.call({ "GET", "cache:1" }), QByteArray("$-1\r\n"));
    QCOMPARE(client.call({ "GET", "x" }), QByteArray("$-1\r\n"));
    QVERIFY(client.call({ "SET", "cache:1", "v" }).startsWith("-NOPERM"));
    const QByteArray line = "user alice on #" + hashOf("wonderland")
            + " ~cache:* resetchannels -@all +get (~x resetchannels -@all +get)";
    QCOMPARE(client.call({ "AUTH", "default", "x" }), Ok);
    QVERIFY2(client.call({ "ACL", "LIST" }).contains(line), line.constData());

    // A user line Redis refuses stops the server at start-up.
    ServerProcess refused;
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("user bob on +nosuch\n");
    file.close();
    QVERIFY(!refused.startQkv(QStringLiteral(QKV_SERVER_PATH), &error,
                              { QStringLiteral("--include"), config }));
}

void TestAcl::aclFileLoadAndSave()
{
    ServerProcess qkv;
    QString error;
    const QString aclFile = qkv.dir() + QStringLiteral("/users.acl");
    QFile file(aclFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("# users\nuser bob on >builder ~* +@all\n");
    file.close();
    QVERIFY2(qkv.startQkv(QStringLiteral(QKV_SERVER_PATH), &error,
                          { QStringLiteral("--aclfile"), aclFile }),
             qPrintable(error));
    RespClient client;
    QVERIFY(client.connectTo(qkv.port()));
    QCOMPARE(client.call({ "ACL", "SETUSER", "carol", "on", "nopass", "%R~r*", "+@read" }), Ok);
    QCOMPARE(client.call({ "ACL", "SAVE" }), Ok);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    file.close();
    QCOMPARE(saved,
             "user bob on #" + hashOf("builder")
                     + " ~* resetchannels +@all\n"
                       "user carol on nopass %R~r* resetchannels -@all +@read\n"
                       "user default on nopass ~* &* +@all\n");

    // A file with an error changes nothing.
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("user dave on +nosuch\n");
    file.close();
    QVERIFY(client.call({ "ACL", "LOAD" }).startsWith("-ERR Error loading ACLs"));
    QCOMPARE(client.call({ "ACL", "USERS" }),
             QByteArray("*3\r\n$3\r\nbob\r\n$5\r\ncarol\r\n$7\r\ndefault\r\n"));

    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("user default on nopass ~* &* +@all\nuser erin on nopass +ping\n");
    file.close();
    QCOMPARE(client.call({ "ACL", "LOAD" }), Ok);
    QCOMPARE(client.call({ "ACL", "USERS" }), QByteArray("*2\r\n$7\r\ndefault\r\n$4\r\nerin\r\n"));
    QCOMPARE(client.call({ "AUTH", "erin", "x" }), Ok);
    QCOMPARE(client.call({ "PING" }), QByteArray("+PONG\r\n"));
}

template<typename Check>
void TestAcl::compareStarted(const QStringList &arguments, const QByteArray &fileName,
                             const QByteArray &fileText, Check check)
{
    ServerProcess qkv;
    ServerProcess redis;
    const auto start = [&](ServerProcess &server, bool isRedis) {
        const QString path = server.dir() + QLatin1Char('/') + QString::fromUtf8(fileName);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(fileText) != fileText.size())
            return false;
        file.close();
        QStringList args = arguments;
        args.replaceInStrings(QStringLiteral("<file>"), path);
        QString error;
        return isRedis ? server.startRedis(&error, args)
                       : server.startQkv(QStringLiteral(QKV_SERVER_PATH), &error, args);
    };
    QVERIFY(start(qkv, false));
    QVERIFY(start(redis, true));
    RespClient qkvClient;
    RespClient redisClient;
    QVERIFY(qkvClient.connectTo(qkv.port()));
    QVERIFY(redisClient.connectTo(redis.port()));
    check(qkvClient, redisClient);
}

// acl-pubsub-default in the configuration file applies to its user lines, wherever it is in the
// file, and to users made later.
void TestAcl::pubsubDefaultFromConfigFile()
{
    compareStarted({ QStringLiteral("--include"), QStringLiteral("<file>") }, "users.conf",
                   "user alice on nopass ~* +@all (+get)\nacl-pubsub-default allchannels\n",
                   [](RespClient &qkv, RespClient &redis) {
                       for (RespClient *client : { &qkv, &redis })
                           QCOMPARE(client->call({ "ACL", "SETUSER", "bob" }), Ok);
                       const QByteArray list = redis.call({ "ACL", "LIST" });
                       QCOMPARE(qkv.call({ "ACL", "LIST" }), list);
                       QVERIFY2(list.contains("user alice on nopass ~* &* +@all (&* -@all +get)")
                                        && list.contains("user bob off &* -@all"),
                                list.constData());
                       QCOMPARE(qkv.call({ "CONFIG", "GET", "acl-pubsub-default" }),
                                redis.call({ "CONFIG", "GET", "acl-pubsub-default" }));
                   });
}

// The users of an aclfile are made with acl-pubsub-default as it is when they are loaded.
void TestAcl::pubsubDefaultForLoadedUsers()
{
    compareStarted({ QStringLiteral("--aclfile"), QStringLiteral("<file>"),
                     QStringLiteral("--acl-pubsub-default"), QStringLiteral("allchannels") },
                   "users.acl", "user carol on nopass +ping\n",
                   [](RespClient &qkv, RespClient &redis) {
                       QByteArray lists;
                       for (RespClient *client : { &qkv, &redis }) {
                           QByteArray both = client->call({ "ACL", "LIST" });
                           client->call({ "CONFIG", "SET", "acl-pubsub-default", "resetchannels" });
                           client->call({ "ACL", "LOAD" });
                           both += client->call({ "ACL", "LIST" });
                           if (lists.isEmpty())
                               lists = both;
                           else
                               QCOMPARE(both, lists);
                       }
                       QVERIFY2(lists.contains("user carol on nopass &* -@all +ping")
                                        && lists.contains(
                                                "user carol on nopass resetchannels -@all +ping"),
                                lists.constData());
                   });
}

QTEST_GUILESS_MAIN(TestAcl)
#include "tst_acl.moc"
