// Command metadata: for every command and subcommand qkv lists in COMMAND LIST, COMMAND INFO
// and COMMAND DOCS must be what a live redis-server 7.0 replies, byte for byte, in RESP2 and
// in RESP3. Run it after adding command rows: a failing row is the command, and the message
// shows where the replies part and both of them, escaped.
//
// One thing is not compared byte for byte: the order of a container's subcommands. Redis
// lists them in the order of a dict seeded at random on each start (two redis-servers differ),
// qkv in its table's order. So for a container both replies have their subcommands sorted by
// name first, and only the subcommands both servers have are kept; each of those is compared
// whole in its own row, and a subcommand only qkv has fails in its own row.
#include "commands/commanddocs.h"
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>

#include <algorithm>

namespace {

// Commands whose replies cannot be Redis's, with the reason. A row listed here is skipped
// (with the reason) while the replies differ and fails once they agree, so that the list
// never outlives its reasons. Keep it short: a difference that a row can fix is a bug.
const QHash<QByteArray, const char *> Exceptions = {
    { "exit", "qkv's own command (QUIT for the lab), which Redis does not have" },
    { "client|setinfo", "CLIENT SETINFO arrived in Redis 7.2; the reference is 7.0" },
};

// Differences that are bugs still to fix, expected to fail (QEXPECT_FAIL): a row listed here
// that passes is reported as XPASS, a failure, so that it is taken off once fixed.
const QHash<QByteArray, const char *> KnownBugs = {};

// The fields of a COMMAND INFO entry (Redis's addReplyCommandInfo), for failure messages.
const char *const InfoFields[] = { "name", "arity",          "flags", "first key", "last key",
                                   "step", "acl categories", "tips",  "key specs", "subcommands" };

// The bytes of a parsed reply: the inverse of RespFrame::parse (which drops attributes, and
// there are none here).
QByteArray encode(const RespFrame::Value &value)
{
    const QByteArray type(1, value.type);
    switch (value.type) {
    case '$':
    case '=':
    case '!':
        if (value.null)
            return type + "-1\r\n";
        return type + QByteArray::number(value.text.size()) + "\r\n" + value.text + "\r\n";
    case '*':
    case '~':
    case '>':
    case '%': {
        if (value.null)
            return type + "-1\r\n";
        const qsizetype count = qsizetype(value.items.size()) / (value.type == '%' ? 2 : 1);
        QByteArray out = type + QByteArray::number(count) + "\r\n";
        for (const RespFrame::Value &item : value.items)
            out += encode(item);
        return out;
    }
    default: return type + value.text + "\r\n";
    }
}

// The subcommand container of a COMMAND INFO or COMMAND DOCS reply about one container
// command, or nullptr. INFO: [[name, arity, ..., [subentry...]]], each subentry starting with
// its name. DOCS: {name: {..., "subcommands": {subname: doc...}}} (flat pairs in RESP2).
RespFrame::Value *subcommands(RespFrame::Value &reply, bool docs)
{
    if (reply.items.size() != (docs ? 2 : 1))
        return nullptr;
    RespFrame::Value &entry = reply.items.back();
    if (!docs)
        return entry.items.size() == std::size(InfoFields) ? &entry.items.back() : nullptr;
    for (size_t i = 0; i + 1 < entry.items.size(); i += 2) {
        if (entry.items[i].text == "subcommands")
            return &entry.items[i + 1];
    }
    return nullptr;
}

// The subcommands of a container as (name, the items that make up its entry).
using Entries = std::vector<std::pair<QByteArray, std::vector<RespFrame::Value>>>;

Entries entries(const RespFrame::Value &container, bool docs)
{
    Entries list;
    const size_t step = docs ? 2 : 1;
    for (size_t i = 0; i + step <= container.items.size(); i += step) {
        const RespFrame::Value &first = container.items[i];
        list.emplace_back(
                docs                          ? first.text
                        : first.items.empty() ? QByteArray()
                                              : first.items[0].text,
                std::vector<RespFrame::Value>(container.items.begin() + qsizetype(i),
                                              container.items.begin() + qsizetype(i + step)));
    }
    return list;
}

QSet<QByteArray> names(const Entries &list)
{
    QSet<QByteArray> set;
    for (const auto &entry : list)
        set.insert(entry.first);
    return set;
}

// The container's entries sorted by name, restricted to keep.
void normalize(RespFrame::Value *container, const Entries &list, const QSet<QByteArray> &keep)
{
    Entries kept;
    std::copy_if(list.begin(), list.end(), std::back_inserter(kept),
                 [&](const auto &entry) { return keep.contains(entry.first); });
    std::sort(kept.begin(), kept.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    container->items.clear();
    for (auto &entry : kept)
        std::move(entry.second.begin(), entry.second.end(), std::back_inserter(container->items));
}

// Both replies with their subcommands in comparable form (see the top of the file). Returns
// false, leaving them alone, when either is not a reply about one container.
bool normalizeSubcommands(QByteArray *expected, QByteArray *actual, bool docs)
{
    RespFrame::Value redis;
    RespFrame::Value qkv;
    if (RespFrame::parse(*expected, 0, &redis) != expected->size()
        || RespFrame::parse(*actual, 0, &qkv) != actual->size())
        return false;
    RespFrame::Value *redisSubs = subcommands(redis, docs);
    RespFrame::Value *qkvSubs = subcommands(qkv, docs);
    if (!redisSubs || !qkvSubs)
        return false;
    const Entries redisEntries = entries(*redisSubs, docs);
    const Entries qkvEntries = entries(*qkvSubs, docs);
    const QSet<QByteArray> common = names(redisEntries) & names(qkvEntries);
    normalize(redisSubs, redisEntries, common);
    normalize(qkvSubs, qkvEntries, common);
    *expected = encode(redis);
    *actual = encode(qkv);
    return true;
}

bool isInfoEntry(const RespFrame::Value &value)
{
    return value.type == '*' && value.items.size() == std::size(InfoFields)
            && value.items[0].type == '$' && value.items[1].type == ':';
}

// A RESP3 map, or a RESP2 array that stands for one (field names at the even places).
bool isMap(const RespFrame::Value &value)
{
    if (value.type == '%')
        return true;
    if (value.type != '*' || value.items.size() % 2)
        return false;
    for (size_t i = 0; i < value.items.size(); i += 2) {
        if (value.items[i].type != '$')
            return false;
    }
    return !value.items.empty();
}

// The name of a child in a failure message: a COMMAND INFO field, a map field, or an index.
QByteArray childLabel(const RespFrame::Value &parent, size_t i)
{
    if (isInfoEntry(parent))
        return InfoFields[i];
    if (isMap(parent)) {
        return i % 2 ? parent.items[i - 1].text
                     : "(name of field " + QByteArray::number(qulonglong(i / 2)) + ")";
    }
    if (isInfoEntry(parent.items[i]))
        return parent.items[i].items[0].text;
    return "[" + QByteArray::number(qulonglong(i)) + "]";
}

// Where two parsed replies first differ, in the order of their bytes: the path from the top
// ("zunionstore > key specs > [1] > find_keys > type"), and the two values there. Empty when
// they are equal.
QByteArray firstDifference(const RespFrame::Value &a, const RespFrame::Value &b,
                           const RespFrame::Value **atA, const RespFrame::Value **atB)
{
    *atA = &a;
    *atB = &b;
    if (a.type != b.type || a.null != b.null || a.text != b.text
        || a.items.size() != b.items.size())
        return QByteArrayLiteral("(top)");
    for (size_t i = 0; i < a.items.size(); ++i) {
        const QByteArray below = firstDifference(a.items[i], b.items[i], atA, atB);
        if (!below.isEmpty())
            return childLabel(a, i) + (below == "(top)" ? QByteArray() : " > " + below);
    }
    return QByteArray();
}

QByteArray shortened(const QByteArray &bytes)
{
    constexpr qsizetype Limit = 300; // QtTest cuts a QVERIFY2 message at 1024 bytes
    const QByteArray text = RespFrame::escaped(bytes);
    return text.size() <= Limit ? text : text.left(Limit) + "...";
}

// Where two different replies part, for a failure message that QtTest shows whole.
QByteArray where(const QByteArray &expected, const QByteArray &actual)
{
    qsizetype offset = 0;
    while (offset < expected.size() && offset < actual.size() && expected[offset] == actual[offset])
        ++offset;
    const QByteArray atByte = "at byte " + QByteArray::number(offset);
    RespFrame::Value redis;
    RespFrame::Value qkv;
    if (RespFrame::parse(expected, 0, &redis) == expected.size()
        && RespFrame::parse(actual, 0, &qkv) == actual.size()) {
        const RespFrame::Value *redisPart = nullptr;
        const RespFrame::Value *qkvPart = nullptr;
        const QByteArray path = firstDifference(redis, qkv, &redisPart, &qkvPart);
        return atByte + ", in " + path + "\n   redis: " + shortened(encode(*redisPart))
                + "\n     qkv: " + shortened(encode(*qkvPart));
    }
    const qsizetype from = qMax<qsizetype>(0, offset - 40);
    return atByte + "\n   redis: ..." + shortened(expected.mid(from, 120)) + "\n     qkv: ..."
            + shortened(actual.mid(from, 120));
}

} // namespace

class TestCommandMeta : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void resource();
    void count();
    void info_data();
    void info();
    void docs_data();
    void docs();
    void cleanupTestCase();

private:
    void addRows();
    // Empty when both servers reply the same to COMMAND <subcommand> <name> in RESP2 and in
    // RESP3, else where they differ, for a failure message; *whole then has both replies,
    // escaped (QtTest cuts a failure message at 1024 bytes, so they go to the log first).
    QByteArray difference(const QByteArray &subcommand, const QByteArray &name, QByteArray *whole);
    void compare(const QByteArray &subcommand, int *identical);

    ServerProcess m_redis;
    ServerProcess m_qkv;
    // [0] speaks RESP2, [1] RESP3 (HELLO 3).
    RespClient m_redisClients[2];
    RespClient m_qkvClients[2];
    QByteArrayList m_names; // qkv's COMMAND LIST
    QSet<QByteArray> m_containers;
    int m_infoIdentical = 0;
    int m_docsIdentical = 0;
    QElapsedTimer m_timer;
};

void TestCommandMeta::initTestCase()
{
    m_timer.start();
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
    for (int resp3 = 0; resp3 < 2; ++resp3) {
        QVERIFY(m_redisClients[resp3].connectTo(m_redis.port()));
        QVERIFY(m_qkvClients[resp3].connectTo(m_qkv.port()));
    }
    QVERIFY(m_redisClients[1].call({ "HELLO", "3" }).startsWith('%'));
    QVERIFY(m_qkvClients[1].call({ "HELLO", "3" }).startsWith('%'));

    const QByteArray list = m_qkvClients[0].call({ "COMMAND", "LIST" });
    RespFrame::Value reply;
    QVERIFY2(RespFrame::parse(list, 0, &reply) == list.size() && reply.type == '*',
             RespFrame::escaped(list).constData());
    for (const RespFrame::Value &name : reply.items) {
        m_names.append(name.text);
        if (name.text.contains('|'))
            m_containers.insert(name.text.left(name.text.indexOf('|')));
    }
    QVERIFY(m_names.size() > 100);
}

// The JSON resource is linked into qkvcore's users (this test is one) and comes from the same
// Redis release as the reference.
void TestCommandMeta::resource()
{
    QVERIFY2(CommandDocs::find("get"), "no COMMAND DOCS data: :/qkv/commanddocs.json not linked");
    QVERIFY(CommandDocs::find("client|list"));
    QVERIFY(!CommandDocs::find("nosuchcommand"));
    const QByteArray info = m_redisClients[0].call({ "INFO", "server" });
    const qsizetype at = info.indexOf("redis_version:") + 14;
    const QByteArray version = info.mid(at, info.indexOf("\r\n", at) - at);
    if (CommandDocs::redisVersion() != version) {
        qWarning("resources/commanddocs.json is from redis-server %s, the reference is %s: "
                 "if DOCS rows differ, regenerate it with scripts/gendocs.py",
                 CommandDocs::redisVersion().constData(), version.constData());
    }
    QVERIFY(CommandDocs::redisVersion().startsWith("7.0."));
}

// COMMAND COUNT, COMMAND, COMMAND INFO and COMMAND DOCS (without names) and COMMAND LIST all
// tell of the same commands.
void TestCommandMeta::count()
{
    const QByteArrayList topLevel = [this] {
        QByteArrayList list;
        for (const QByteArray &name : std::as_const(m_names)) {
            if (!name.contains('|'))
                list.append(name);
        }
        return list;
    }();
    QCOMPARE(QSet<QByteArray>(m_names.begin(), m_names.end()).size(), m_names.size());
    for (const QByteArray &container : std::as_const(m_containers))
        QVERIFY2(topLevel.contains(container), container.constData());
    const QByteArray count = ":" + QByteArray::number(topLevel.size()) + "\r\n";
    QCOMPARE(m_qkvClients[0].call({ "COMMAND", "COUNT" }), count);
    for (const QByteArrayList &request :
         QList<QByteArrayList> { { "COMMAND" }, { "COMMAND", "INFO" }, { "COMMAND", "DOCS" } }) {
        RespFrame::Value reply;
        const QByteArray bytes = m_qkvClients[1].call(request);
        QCOMPARE(RespFrame::parse(bytes, 0, &reply), bytes.size());
        const size_t perCommand = reply.type == '%' ? 2 : 1;
        QCOMPARE(qsizetype(reply.items.size() / perCommand), topLevel.size());
    }
}

void TestCommandMeta::addRows()
{
    QTest::addColumn<QByteArray>("name");
    for (const QByteArray &name : std::as_const(m_names))
        QTest::newRow(name.constData()) << name;
}

QByteArray TestCommandMeta::difference(const QByteArray &subcommand, const QByteArray &name,
                                       QByteArray *whole)
{
    const bool docs = subcommand == "DOCS";
    for (int resp3 = 0; resp3 < 2; ++resp3) {
        const QByteArrayList request { "COMMAND", subcommand, name };
        QByteArray expected = m_redisClients[resp3].call(request);
        QByteArray actual = m_qkvClients[resp3].call(request);
        const bool normalized = m_containers.contains(name) && expected != actual
                && normalizeSubcommands(&expected, &actual, docs);
        if (expected == actual)
            continue;
        const QByteArray what = "COMMAND " + subcommand + " " + name
                + (resp3 ? " (RESP3" : " (RESP2")
                + (normalized ? ", subcommands sorted, only those both have)" : ")");
        *whole = what + ", whole replies:\n   redis: " + RespFrame::escaped(expected)
                + "\n     qkv: " + RespFrame::escaped(actual);
        return what + " differs " + where(expected, actual);
    }
    return {};
}

void TestCommandMeta::compare(const QByteArray &subcommand, int *identical)
{
    QFETCH(QByteArray, name);
    QByteArray whole;
    const QByteArray difference = this->difference(subcommand, name, &whole);
    if (const char *reason = Exceptions.value(name)) {
        QVERIFY2(!difference.isEmpty(),
                 qPrintable(QStringLiteral("%1 is identical now: remove it from Exceptions")
                                    .arg(QString::fromLatin1(name))));
        QSKIP(reason);
    }
    if (const char *bug = KnownBugs.value(name)) {
        QEXPECT_FAIL("", bug, Abort);
    } else if (!difference.isEmpty()) {
        qInfo("%s", whole.constData());
    }
    QVERIFY2(difference.isEmpty(), difference.constData());
    ++*identical;
}

void TestCommandMeta::info_data()
{
    addRows();
}

void TestCommandMeta::info()
{
    compare("INFO", &m_infoIdentical);
}

void TestCommandMeta::docs_data()
{
    addRows();
}

void TestCommandMeta::docs()
{
    compare("DOCS", &m_docsIdentical);
}

void TestCommandMeta::cleanupTestCase()
{
    qInfo("%d commands and subcommands compared: COMMAND INFO identical for %d, COMMAND DOCS "
          "for %d; %d listed exceptions, %d known bugs; %lld ms",
          int(m_names.size()), m_infoIdentical, m_docsIdentical, int(Exceptions.size()),
          int(KnownBugs.size()), m_timer.elapsed());
}

QTEST_GUILESS_MAIN(TestCommandMeta)
#include "tst_commandmeta.moc"
