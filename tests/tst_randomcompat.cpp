// Seeded random differential test: thousands of random commands, valid and invalid, over a
// small key set in two databases, sent to a live redis-server and to qkv-server; the raw
// replies must be identical. The seed is fixed so that CI runs what was soaked here;
// QKV_SEED=random draws a new one (printed, QKV_SEED=N replays it); steps:
// QKV_RANDOM_STEPS (default 6000).
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QByteArrayList>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>

namespace {

using Reply = RespFrame::Value;

QByteArray printable(const QByteArray &bytes)
{
    return RespFrame::escaped(bytes).left(400);
}

// A blocking client for one server that also parses each reply.
class Client
{
public:
    bool connectTo(quint16 port) { return m_client.connectTo(port); }
    // Sends one command and returns its raw reply (empty on timeout or closed connection).
    QByteArray call(const QByteArrayList &args, Reply *parsed)
    {
        const QByteArray raw = m_client.call(args, 10000);
        *parsed = Reply();
        if (!raw.isNull())
            RespFrame::parse(raw, 0, parsed);
        return raw;
    }

private:
    RespClient m_client;
};

constexpr quint64 DefaultSeed = 20261125;

// How a command's replies are compared.
enum class Compare { Raw, SortedArray, Scan, Ttl, Pttl, Shape };

struct Step
{
    QByteArrayList args;
    Compare compare = Compare::Raw;
};

// Draws random commands. Keys k0..k7; values, numbers and options mix valid and invalid ones.
class Generator
{
public:
    explicit Generator(quint64 seed)
        : m_random(seed)
    { }

    Step next()
    {
        Step step = command();
        // Inside MULTI, EXEC's array holds the queued replies, compared byte for byte: only
        // commands whose replies are compared raw are queued.
        while (m_inMulti && step.compare != Compare::Raw)
            step = command();
        // Now and then break the arity on purpose (error replies are always compared raw).
        const int mutate = pick(40);
        if (mutate == 0 && step.args.size() > 1)
            step.args.removeLast();
        else if (mutate == 1)
            step.args.append(value());
        // Follow the transaction state as the servers will (a rejected EXEC discards too).
        const QByteArray name = step.args.first().toUpper();
        if (name == "MULTI" && step.args.size() == 1)
            m_inMulti = true;
        else if (name == "EXEC" || (name == "DISCARD" && step.args.size() == 1))
            m_inMulti = false;
        return step;
    }

private:
    int pick(int n) { return int(m_random.bounded(n)); }
    template<typename T> const T &oneOf(const std::vector<T> &items)
    {
        return items[size_t(pick(int(items.size())))];
    }
    bool chance(int percent) { return pick(100) < percent; }

    QByteArray key() { return "k" + QByteArray::number(pick(8)); }

    QByteArray value()
    {
        // clang-format off
        static const std::vector<QByteArray> values = {
            "", "0", "1", "-1", "10", "42", "-7", "abc", "3.14", "-2.5", "1e3", "5.0e3", " 1",
            "1 ", "+5", "007", "0x10", "inf", "-inf", "nan", "a b", QByteArray("a\0b", 3),
            "9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "18446744073709551616", "1.7976931348623157e308", "0.1", "hello", "\r\n", "-0",
            "12345678901234567890", ".5", "5.", "1e-20",
        };
        // clang-format on
        if (chance(15)) {
            QByteArray bytes;
            const int length = pick(12);
            for (int i = 0; i < length; ++i)
                bytes += char(pick(256));
            return bytes;
        }
        return oneOf(values);
    }

    QByteArray integer()
    {
        // clang-format off
        static const std::vector<QByteArray> numbers = {
            "0", "1", "-1", "2", "5", "10", "-10", "100", "1000", "abc", "1.5", "", " 1",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "+1", "01",
        };
        // clang-format on
        return oneOf(numbers);
    }

    // Expiry amounts that cannot run out during the test: far future, past, zero or invalid.
    QByteArray relativeTime(bool seconds)
    {
        // clang-format off
        static const std::vector<QByteArray> secondsPool = {
            "1000", "100000", "0", "-1", "-100", "abc", "1.5", "9223372036854775807",
            "9223372036854775", "-9223372036854775808", "500000",
        };
        // clang-format on
        // clang-format off
        static const std::vector<QByteArray> msPool = {
            "1000000", "100000000", "0", "-1", "abc", "9223372036854775807", "500000000", "",
        };
        // clang-format on
        return oneOf(seconds ? secondsPool : msPool);
    }

    QByteArray absoluteTime(bool seconds)
    {
        // clang-format off
        static const std::vector<QByteArray> secondsPool = {
            "4102444800", "4102444801", "1", "0", "-5", "abc", "9223372036854775807",
            "9223372036854775", "4200000000",
        };
        // clang-format on
        // clang-format off
        static const std::vector<QByteArray> msPool = {
            "4102444800000", "4102444800123", "1", "0", "-5", "x", "9223372036854775807",
            "4200000000000",
        };
        // clang-format on
        return oneOf(seconds ? secondsPool : msPool);
    }

    QByteArrayList setOptions(bool forGetex)
    {
        QByteArrayList options;
        const int count = pick(4);
        for (int i = 0; i < count; ++i) {
            switch (pick(forGetex ? 7 : 10)) {
            case 0: options << "EX" << relativeTime(true); break;
            case 1: options << "PX" << relativeTime(false); break;
            case 2: options << "EXAT" << absoluteTime(true); break;
            case 3: options << "PXAT" << absoluteTime(false); break;
            case 4: options << "PERSIST"; break;
            case 5: options << (chance(50) ? "ex" : "FOO"); break;
            case 6: options << "KEEPTTL"; break;
            case 7: options << "NX"; break;
            case 8: options << "XX"; break;
            default: options << "GET"; break;
            }
        }
        return options;
    }

    QByteArrayList expireOptions()
    {
        static const std::vector<QByteArray> options = { "NX", "XX", "GT", "LT", "nx", "FOO" };
        QByteArrayList out;
        const int count = pick(10) < 6 ? 0 : pick(3) + 1;
        for (int i = 0; i < count; ++i)
            out << oneOf(options);
        return out;
    }

    // GT and LT compare the new expiry, counted from the server's clock in milliseconds, with
    // one set a few commands earlier: the same relative amount set twice is "greater" only
    // if the clock ticked in between, which the two servers see at different moments. Such
    // replies are compared by type; the expiries differ by a millisecond at most.
    Step relativeExpire(const QByteArray &name, bool seconds)
    {
        const QByteArrayList options = expireOptions();
        const bool racy = options.contains("GT") || options.contains("LT");
        return { QByteArrayList { name, key(), relativeTime(seconds) } + options,
                 racy ? Compare::Shape : Compare::Raw };
    }

    // Bit offsets, small ones mostly (strings stay short: the largest legal offset would make
    // a 512 MB value), "#n" for BITFIELD, and invalid ones.
    QByteArray bitOffset()
    {
        // clang-format off
        static const std::vector<QByteArray> offsets = {
            "0", "1", "7", "8", "13", "31", "64", "100", "-1", "x", "#0", "#1", "#3", "4294967296",
        };
        // clang-format on
        return oneOf(offsets);
    }

    QByteArray pattern()
    {
        // clang-format off
        static const std::vector<QByteArray> patterns = {
            "*", "k*", "k?", "k[0-3]", "k[^0-3]", "k[135]", "x*", "*1", "k\\1", "k[", "[k]*", "?",
        };
        // clang-format on
        return oneOf(patterns);
    }

    QByteArray db()
    {
        static const std::vector<QByteArray> dbs
                = { "0", "1", "1", "0", "16", "-1", "abc", "4294967296" };
        return oneOf(dbs);
    }

    Step command()
    {
        switch (pick(64)) {
        case 0:
        case 1:
        case 2: return { QByteArrayList { "SET", key(), value() } + setOptions(false) };
        case 3: return { { "SETNX", key(), value() } };
        case 4: return { { "SETEX", key(), relativeTime(true), value() } };
        case 5: return { { "PSETEX", key(), relativeTime(false), value() } };
        case 6:
        case 7: return { { "GET", key() } };
        case 8: return { { "GETSET", key(), value() } };
        case 9: return { { "GETDEL", key() } };
        case 10: return { QByteArrayList { "GETEX", key() } + setOptions(true) };
        case 11: {
            QByteArrayList args { "MGET" };
            for (int i = pick(4) + 1; i > 0; --i)
                args << key();
            return { args };
        }
        case 12:
        case 13: {
            QByteArrayList args { chance(50) ? "MSET" : "MSETNX" };
            for (int i = pick(3) + 1; i > 0; --i)
                args << key() << value();
            return { args };
        }
        case 14:
        case 15: return { { oneOf<QByteArray>({ "INCR", "DECR" }), key() } };
        case 16:
        case 17:
            return { { oneOf<QByteArray>({ "INCRBY", "DECRBY" }), key(),
                       chance(70) ? integer() : value() } };
        case 18: return { { "INCRBYFLOAT", key(), value() } };
        case 19: return { { "APPEND", key(), value() } };
        case 20: return { { "STRLEN", key() } };
        case 21: return { { "GETRANGE", key(), integer(), integer() } };
        case 22: {
            static const std::vector<QByteArray> offsets = {
                "0", "1", "3", "10", "100", "-1", "abc", "536870912", "9223372036854775807"
            };
            const QByteArray offset = oneOf(offsets);
            // A 512 MB string would be legal at 536870911 but is not worth allocating.
            return { { "SETRANGE", key(), offset, value() } };
        }
        case 23:
        case 24: {
            QByteArrayList args { oneOf<QByteArray>({ "DEL", "UNLINK", "EXISTS", "TOUCH" }) };
            for (int i = pick(3) + 1; i > 0; --i)
                args << key();
            return { args };
        }
        case 25: return { { "TYPE", key() } };
        case 26: return { { oneOf<QByteArray>({ "RENAME", "RENAMENX" }), key(), key() } };
        case 27: return { { "KEYS", pattern() }, Compare::SortedArray };
        case 28: {
            // Only a scan from cursor 0 with a COUNT above the key count is the same on both
            // servers; elsewhere cursors are the hash table's own business.
            const bool fromZero = chance(90);
            QByteArrayList args { "SCAN", fromZero ? QByteArray("0") : value() };
            bool complete = true;
            if (chance(50))
                args << "MATCH" << pattern();
            if (chance(60)) {
                const QByteArray count
                        = oneOf<QByteArray>({ "1000", "1000", "0", "-1", "abc", "2" });
                complete = count == "1000";
                args << "COUNT" << count;
            }
            if (chance(30))
                args << "TYPE" << oneOf<QByteArray>({ "string", "list", "STRING", "nosuch" });
            if (chance(5))
                args << "FOO";
            return { args, complete && fromZero ? Compare::Scan : Compare::Shape };
        }
        case 29: return { { "RANDOMKEY" }, Compare::Shape };
        case 30:
        case 31:
            // DBSIZE counts expired keys not yet reclaimed, and when active expiry reclaims
            // them differs between the servers; KEYS (which skips them) checks the content.
            if (chance(90))
                return { { "DBSIZE" }, Compare::Shape };
            return { { "FLUSHDB" } };
        case 32: {
            QByteArrayList args { "COPY", key(), key() };
            if (chance(40))
                args << "DB" << db();
            if (chance(40))
                args << "REPLACE";
            if (chance(5))
                args << "FOO";
            return { args };
        }
        case 33: return { { "MOVE", key(), db() } };
        case 34: return { { "SWAPDB", db(), db() } };
        case 35:
        case 36: return relativeExpire("EXPIRE", true);
        case 37: return relativeExpire("PEXPIRE", false);
        case 38:
            return { QByteArrayList { "EXPIREAT", key(), absoluteTime(true) } + expireOptions() };
        case 39:
            return { QByteArrayList { "PEXPIREAT", key(), absoluteTime(false) } + expireOptions() };
        case 40: return { { "TTL", key() }, Compare::Ttl };
        case 41: return { { "PTTL", key() }, Compare::Pttl };
        case 42:
            // Relative expiries were set a moment apart on the two servers.
            return chance(50) ? Step { { "EXPIRETIME", key() }, Compare::Ttl }
                              : Step { { "PEXPIRETIME", key() }, Compare::Pttl };
        case 43: return { { "PERSIST", key() } };
        case 44: return { { "SELECT", db() } };
        case 45:
            return { chance(50) ? QByteArrayList { "PING" } : QByteArrayList { "PING", value() } };
        case 46: return { { "ECHO", value() } };
        case 47: return { { oneOf<QByteArray>({ "NOSUCHCMD", "GETT", "sett" }), value(), key() } };
        case 48:
            // Switch protocols: HELLO's reply carries the client id, so only its shape counts.
            return { { "HELLO", oneOf<QByteArray>({ "2", "3", "3", "4", "x" }) }, Compare::Shape };
        case 49: return { { "FUNCTION", "FLUSH", oneOf<QByteArray>({ "SYNC", "ASYNC", "NOW" }) } };
        case 50: return { { "DEBUG", "OBJECT", key() } };
        case 51:
            return { { "SETBIT", key(), bitOffset(), oneOf<QByteArray>({ "0", "1", "2", "x" }) } };
        case 52: return { { "GETBIT", key(), bitOffset() } };
        case 53: {
            QByteArrayList args { chance(50) ? "BITCOUNT" : "BITPOS", key() };
            if (args[0] == "BITPOS")
                args << oneOf<QByteArray>({ "0", "1", "2" });
            if (chance(70))
                args << integer() << integer();
            if (chance(40))
                args << oneOf<QByteArray>({ "BIT", "BYTE", "bit", "FOO" });
            return { args };
        }
        case 54: {
            QByteArrayList args { "BITOP", oneOf<QByteArray>({ "AND", "OR", "XOR", "NOT", "FOO" }),
                                  key() };
            for (int i = pick(3) + 1; i > 0; --i)
                args << key();
            return { args };
        }
        case 55: {
            QByteArrayList args { chance(80) ? "BITFIELD" : "BITFIELD_RO", key() };
            for (int i = pick(3) + 1; i > 0; --i) {
                const QByteArray type
                        = oneOf<QByteArray>({ "i8", "u8", "i5", "u63", "i64", "u64", "x" });
                switch (pick(4)) {
                case 0: args << "GET" << type << bitOffset(); break;
                case 1: args << "SET" << type << bitOffset() << integer(); break;
                case 2: args << "INCRBY" << type << bitOffset() << integer(); break;
                default:
                    args << "OVERFLOW" << oneOf<QByteArray>({ "WRAP", "SAT", "FAIL", "x" });
                    break;
                }
            }
            return { args };
        }
        case 56: {
            QByteArrayList args { "LCS", key(), key() };
            if (chance(50))
                args << oneOf<QByteArray>({ "LEN", "IDX", "IDX", "FOO" });
            if (chance(30))
                args << "MINMATCHLEN" << integer();
            if (chance(30))
                args << "WITHMATCHLEN";
            return { args };
        }
        case 57: return { { "SUBSTR", key(), integer(), integer() } };
        case 58: return { { "MULTI" } };
        case 59: return { { oneOf<QByteArray>({ "EXEC", "EXEC", "DISCARD" }) } };
        case 60: {
            QByteArrayList args { "WATCH" };
            for (int i = pick(3) + 1; i > 0; --i)
                args << key();
            return { args };
        }
        case 61: return { { "UNWATCH" } };
        default: return { { "GET", key() } };
        }
    }

    QRandomGenerator m_random;
    bool m_inMulti = false;
};

bool sameShape(const Reply &a, const Reply &b)
{
    return a.type == b.type && a.null == b.null && a.items.size() == b.items.size();
}

QByteArrayList sortedTexts(const std::vector<Reply> &items)
{
    QByteArrayList texts;
    for (const Reply &item : items)
        texts << item.text;
    std::sort(texts.begin(), texts.end());
    return texts;
}

// True when the two replies agree under the step's comparison rule.
bool agree(Compare compare, const QByteArray &rawA, const Reply &a, const QByteArray &rawB,
           const Reply &b)
{
    if (rawA == rawB)
        return true;
    if (a.type != b.type || (a.type == '-' && rawA != rawB))
        return false;
    switch (compare) {
    case Compare::Raw: return false;
    case Compare::Shape: return sameShape(a, b);
    case Compare::SortedArray:
        return sameShape(a, b) && sortedTexts(a.items) == sortedTexts(b.items);
    case Compare::Scan:
        // A COUNT well above the key count finishes in one call on both servers.
        return sameShape(a, b) && a.items.size() == 2 && a.items[0].text == b.items[0].text
                && sameShape(a.items[1], b.items[1])
                && sortedTexts(a.items[1].items) == sortedTexts(b.items[1].items);
    case Compare::Ttl:
    case Compare::Pttl: {
        // The two servers see the command a moment apart.
        const qint64 x = a.text.toLongLong();
        const qint64 y = b.text.toLongLong();
        const qint64 tolerance = compare == Compare::Ttl ? 1 : 2000;
        return a.type == ':' && x >= 0 && y >= 0 && qAbs(x - y) <= tolerance;
    }
    }
    return false;
}

} // namespace

class TestRandomCompat : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void randomCommands();

private:
    ServerProcess m_redis;
    ServerProcess m_qkv;
};

void TestRandomCompat::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    QVERIFY2(ServerProcess::startPair(&m_redis, &m_qkv, QStringLiteral(QKV_SERVER_PATH), &error),
             qPrintable(error));
}

void TestRandomCompat::randomCommands()
{
    const QByteArray seedText = qgetenv("QKV_SEED");
    const quint64 seed = seedText.isEmpty() ? DefaultSeed
            : seedText == "random"          ? QRandomGenerator::system()->generate64()
                                            : seedText.toULongLong();
    const int steps = qEnvironmentVariableIsSet("QKV_RANDOM_STEPS")
            ? qEnvironmentVariableIntValue("QKV_RANDOM_STEPS")
            : 6000;
    qInfo("seed %llu (replay with QKV_SEED=%llu), %d steps", seed, seed, steps);

    Client redis;
    Client qkv;
    QVERIFY(redis.connectTo(m_redis.port()));
    QVERIFY(qkv.connectTo(m_qkv.port()));
    Reply ignored;
    QCOMPARE(redis.call({ "FLUSHALL" }, &ignored), QByteArray("+OK\r\n"));
    QCOMPARE(qkv.call({ "FLUSHALL" }, &ignored), QByteArray("+OK\r\n"));

    Generator generator(seed);
    int divergences = 0;
    QByteArrayList recent; // printed with the first divergence, to see how the state drifted
    for (int i = 0; i < steps; ++i) {
        const Step step = generator.next();
        recent.append(QByteArray::number(i) + ": " + printable(step.args.join(' ')));
        if (recent.size() > 25)
            recent.removeFirst();
        Reply a;
        Reply b;
        const QByteArray rawA = redis.call(step.args, &a);
        const QByteArray rawB = qkv.call(step.args, &b);
        QVERIFY2(!rawA.isEmpty(), "no reply from redis-server");
        QVERIFY2(!rawB.isEmpty(), "no reply from qkv-server");
        if (agree(step.compare, rawA, a, rawB, b))
            continue;
        if (++divergences == 1)
            qWarning("commands before the first divergence:\n  %s",
                     recent.join("\n  ").constData());
        if (divergences <= 30) {
            qWarning("step %d: %s\n  redis: %s\n  qkv:   %s", i,
                     printable(step.args.join(' ')).constData(), printable(rawA).constData(),
                     printable(rawB).constData());
        }
    }
    qInfo("%d steps, %d divergences", steps, divergences);
    QCOMPARE(divergences, 0);
}

QTEST_GUILESS_MAIN(TestRandomCompat)
#include "tst_randomcompat.moc"
