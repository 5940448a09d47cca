// Seeded random differential test: random commands, valid and invalid, over a small key set in
// two databases, sent to a live redis-server and to qkv-server; the replies must agree. Every
// type (strings, hashes, lists, sets, sorted sets) shares the keys k0..k9, so WRONGTYPE is
// frequent; commands run inside and outside MULTI; CONFIG SET now and then drops the encoding
// thresholds so that conversions happen, and sets them back. Some commands run inside EVAL,
// through redis.pcall, so that scripts' reply conversions are compared as well.
//
// Replies are compared byte for byte, except where Redis's own answer is not a function of the
// commands: the order of a hash table (compared sorted, after asking redis for the key's
// encoding), random members (SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER: the count and each
// member checked against the key's content read just before), and BYLEX ranges on a skip list
// whose scores differ (Redis's answer depends on its random levels: compared by type). A
// command whose effect is random (SPOP, ZREMRANGEBYLEX or ZRANGESTORE BYLEX on such a skip
// list) is followed by a DEL of the keys it wrote, on both servers, so that they agree again.
//
// The seed is fixed so that CI runs what was soaked here; QKV_SEED=random draws a new one
// (printed, QKV_SEED=N replays it); steps: QKV_RANDOM_STEPS (default DefaultSteps). A
// divergence prints the 30 commands before it (QKV_RANDOM_HISTORY=N: more); QKV_RANDOM_STATS=1
// prints what the run exercised (comparison rules, encodings, errors, redis's commandstats).
#include "common/respclient.h"
#include "common/respframe.h"
#include "common/serverprocess.h"

#include <QByteArrayList>
#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
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
constexpr int DefaultSteps = 40000;

// How a command's replies are compared.
enum class Compare {
    Raw,
    SortedArray, // the top-level elements sorted, in runs of Step::group
    Scan,        // a complete scan: [cursor, elements], the elements sorted in runs of Step::group
    Ttl,
    Pttl,
    Shape, // type, nullness and element count
    Type,  // RESP type only
    Lex,   // raw, unless Step::stateKeys[0] is a skip list with different scores: then Type
    // SUNION, SDIFF: Redis builds the result as a new set and replies in its order: raw when
    // that set is an intset (integers only, at most set-max-intset-entries), else sorted
    NewSet,
    Random, // members drawn at random, checked against Step::stateKeys[0]'s content
};

struct Step
{
    QByteArrayList args;
    Compare compare = Compare::Raw;
    // The keys whose state (read from redis just before the command) decides the comparison:
    // for SortedArray, Scan and Shape the rule applies only when one of them is a hash table or
    // skip list; otherwise the reply's order is the commands' own (a listpack's insertion
    // order, an intset's ascending order) and it is compared raw.
    QByteArrayList stateKeys {};
    int group = 1; // elements per sorted run: 2 for field/value and member/score pairs
    // Keys deleted on both servers after a command whose effect was random (Lex, SPOP).
    QByteArrayList resync {};
};

// The value types, for the keys each prefers.
enum class Family { Hash, List, Set, ZSet, Stream };

// Draws random commands. Keys k0..k9 (and k10, k11 for streams); values, numbers and options mix
// valid and invalid ones.
class Generator
{
public:
    explicit Generator(quint64 seed)
        : m_random(seed)
    { }

    Step next()
    {
        // Transactions stay short, so that most of them run rather than abort.
        Step step = m_inMulti && chance(12)
                ? Step { { oneOf<QByteArray>({ "EXEC", "EXEC", "EXEC", "DISCARD" }) } }
                : command();
        // Inside MULTI, EXEC's array holds the queued replies, compared byte for byte: only
        // commands whose replies are compared raw are queued.
        while (m_inMulti && step.compare != Compare::Raw)
            step = command();
        // Now and then break the arity on purpose (error replies are always compared raw);
        // seldom inside MULTI, where it aborts the whole transaction.
        const int mutate = pick(m_inMulti ? 150 : 40);
        if (mutate == 0 && step.args.size() > 1)
            step.args.removeLast();
        else if (mutate == 1)
            step.args.append(value());
        const QByteArray name = step.args.first().toUpper();
        // Now and then the command runs inside a script, its reply converted to Lua and back
        // (transaction commands, which scripts refuse, would desynchronise m_inMulti).
        if (step.compare == Compare::Raw && chance(8)
            && !QByteArrayList { "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH" }.contains(name))
            step.args = QByteArrayList { "EVAL", "return redis.pcall(unpack(ARGV))", "0" }
                    + step.args;
        // Follow the transaction state as the servers will: any EXEC ends it, even one Redis
        // rejects for its arity (EXECABORT); DISCARD with arguments leaves it open.
        if (step.args.size() == 1 && name == "MULTI")
            m_inMulti = true;
        else if (name == "EXEC" || (step.args.size() == 1 && name == "DISCARD"))
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

    Step command()
    {
        const int family = pick(100);
        if (family < 34)
            return stringCommand();
        if (family < 47)
            return hashCommand();
        if (family < 59)
            return listCommand();
        if (family < 72)
            return setCommand();
        if (family < 88)
            return zsetCommand();
        if (family < 94)
            return streamCommand();
        return otherCommand();
    }

    // Keys k0..k9: k8 and k9 are the strings' own (each aggregate type has two of k0..k7, see
    // familyKey()), but any key comes up often enough that every command meets every type.
    QByteArray key() { return "k" + QByteArray::number(chance(75) ? 8 + pick(2) : pick(10)); }
    QByteArray anyKey() { return "k" + QByteArray::number(pick(10)); }

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

    // Strings, keys, expiry, transactions: the first generator, on all the keys.
    Step stringCommand()
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
            bool complete = false; // the default COUNT 10 may stop short of the ten keys
            if (chance(50))
                args << "MATCH" << pattern();
            if (chance(60)) {
                const QByteArray count
                        = oneOf<QByteArray>({ "1000", "1000", "0", "-1", "abc", "2" });
                complete = count == "1000";
                args << "COUNT" << count;
            }
            if (chance(30))
                args << "TYPE"
                     << oneOf<QByteArray>(
                                { "string", "list", "hash", "set", "zset", "STRING", "nosuch" });
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

    // ---------------------------------------------------------------- shared pools

    // A key of the family mostly (so that values grow and convert), any key otherwise (so that
    // WRONGTYPE is frequent).
    QByteArray familyKey(Family family)
    {
        if (!chance(85))
            return anyKey();
        // Streams have keys of their own, k10 and k11, which only stream commands name.
        return "k"
                + QByteArray::number(2 * int(family) + (family == Family::Stream ? 2 : 0)
                                     + pick(2));
    }

    // How often a member is an integer: k4 is mostly an intset, k6 a sorted set of numbers.
    static int integerShare(const QByteArray &key)
    {
        return key == "k4" ? 97 : key == "k6" ? 50 : 30;
    }

    // Members, fields and list elements: a small pool so that commands find them again.
    // Integers in several widths (intsets), strings that only look like numbers, binary ones,
    // and a long one that passes the 64-byte listpack limit on its own.
    QByteArray member(int integerPercent)
    {
        // clang-format off
        static const std::vector<QByteArray> integers = {
            "0", "1", "2", "3", "5", "7", "10", "-1", "-5", "42", "100", "1000", "65536", "-70000",
            "4294967296", "9223372036854775807", "-9223372036854775808",
        };
        static const std::vector<QByteArray> words = {
            "a", "b", "c", "d", "e", "f", "g", "A", "", "x y", "007", "+1", "1.5", "-0", "hello",
            QByteArray("\0z", 2), "\xff", "b\r\n",
        };
        // clang-format on
        if (chance(integerPercent > 90 ? 0 : 2))
            return QByteArray(65, chance(50) ? 'm' : 'n');
        return chance(integerPercent) ? oneOf(integers) : oneOf(words);
    }
    QByteArray memberOf(const QByteArray &key) { return member(integerShare(key)); }

    QByteArrayList members(const QByteArray &key, int most)
    {
        QByteArrayList out;
        for (int i = pick(most) + 1; i > 0; --i)
            out << memberOf(key);
        return out;
    }

    QByteArray fieldValue()
    {
        if (chance(40))
            return member(100);
        return chance(70) ? member(0) : value();
    }

    // Scores: valid ones with ties, infinities and fractions that do not add up exactly;
    // invalid ones now and then.
    QByteArray score()
    {
        // clang-format off
        static const std::vector<QByteArray> valid = {
            "0", "1", "1", "2", "2", "3", "5", "10", "100", "-1", "-2.5", "1.5", "0.1", "0.2",
            "0.3", "inf", "-inf", "+inf", "1e3", "-0", "0x10", "1e-5", "1e20", "9007199254740993",
            "3.0000000000000004", "1.7976931348623157e308", "-4.9e-324",
        };
        static const std::vector<QByteArray> invalid = {
            "abc", "nan", "", "1e400", " 1", "(1", "1,5", "--1",
        };
        // clang-format on
        return chance(95) ? oneOf(valid) : oneOf(invalid);
    }

    QByteArray scoreBound()
    {
        // clang-format off
        static const std::vector<QByteArray> bounds = {
            "-inf", "+inf", "inf", "0", "1", "(1", "2", "(2", "1.5", "(1.5", "3", "(3", "-1",
            "(-1", "10", "100", "(inf", "(-inf", "1e3", " 2", "(", "abc", "nan", "((1", "[1",
        };
        // clang-format on
        return oneOf(bounds);
    }

    QByteArray lexBound(const QByteArray &key)
    {
        // clang-format off
        static const std::vector<QByteArray> special = {
            "-", "+", "-", "+", "a", "", "[", "(", "-a", "+b", "*",
        };
        // clang-format on
        if (chance(75))
            return (chance(50) ? "[" : "(") + memberOf(key);
        return oneOf(special);
    }

    QByteArray index()
    {
        // clang-format off
        static const std::vector<QByteArray> indexes = {
            "0", "0", "1", "2", "3", "-1", "-1", "-2", "-3", "5", "10", "-10", "-100", "100",
            "abc", "1.5", "", "9223372036854775807", "-9223372036854775808",
        };
        // clang-format on
        return oneOf(indexes);
    }

    // Counts for pops, LIMIT and the like.
    QByteArray count()
    {
        // clang-format off
        static const std::vector<QByteArray> counts = {
            "0", "1", "1", "2", "3", "5", "10", "-1", "-5", "abc", "1.5", "100",
            "9223372036854775807",
        };
        // clang-format on
        return oneOf(counts);
    }

    // Counts for the random commands: no big negative one (Redis would draw that many).
    QByteArray randomCount()
    {
        // clang-format off
        static const std::vector<QByteArray> counts = {
            "0", "1", "2", "3", "5", "8", "20", "-1", "-2", "-5", "-20", "abc", "1.5", "-0",
            "9223372036854775807", "-9223372036854775808",
        };
        // clang-format on
        return oneOf(counts);
    }

    QByteArray timeout()
    {
        static const std::vector<QByteArray> timeouts
                = { "0", "0", "1", "0.5", "0.01", "-1", "abc", "", "1e3", "inf" };
        return oneOf(timeouts);
    }

    // numkeys followed by the keys: the right count mostly, else zero, negative, invalid, one
    // too many (an option word becomes a key) or one too few (a key becomes an option).
    QByteArrayList numberedKeys(Family family)
    {
        const int n = pick(3) + 1;
        QByteArrayList out;
        switch (pick(14)) {
        case 0: out << "0"; break;
        case 1: out << "-1"; break;
        case 2: out << "abc"; break;
        case 3: out << QByteArray::number(n + 1); break;
        case 4: out << QByteArray::number(n - 1); break;
        default: out << QByteArray::number(n); break;
        }
        for (int i = 0; i < n; ++i)
            out << (family == Family::ZSet ? zsetOpKey() : familyKey(family));
        return out;
    }

    // A key for ZUNION and friends, which also take plain sets.
    QByteArray zsetOpKey() { return chance(80) ? familyKey(Family::ZSet) : familyKey(Family::Set); }

    QByteArray memberPattern()
    {
        // clang-format off
        static const std::vector<QByteArray> patterns = {
            "*", "a*", "*a*", "1*", "?", "[a-c]", "[0-9]*", "x*", "-*", "*\\*", "[", "h*",
        };
        // clang-format on
        return oneOf(patterns);
    }

    // HSCAN, SSCAN, ZSCAN. A listpack or intset replies whole whatever the cursor: raw. A hash
    // table only from cursor 0 with a COUNT above its size is the same on both servers (one
    // call, cursor 0): sorted (Differ::scanCompletes() checks the size); otherwise by shape.
    Step scan(const char *name, Family family, int group)
    {
        const QByteArray k = familyKey(family);
        const bool fromZero = chance(85);
        QByteArrayList args { name, k,
                              fromZero ? QByteArray("0")
                                       : oneOf<QByteArray>({ "1", "5", "abc", "-1",
                                                             "18446744073709551615",
                                                             "18446744073709551616" }) };
        if (chance(40))
            args << "MATCH" << memberPattern();
        bool complete = false;
        if (chance(80)) {
            const QByteArray count
                    = oneOf<QByteArray>({ "1000", "1000", "1000", "1", "2", "0", "-1", "x" });
            complete = count == "1000";
            args << "COUNT" << count;
        }
        if (chance(4))
            args << "NOVALUES";
        return { args, complete && fromZero ? Compare::Scan : Compare::Shape, { k }, group };
    }

    // A member checked against the key's content: HRANDFIELD, SRANDMEMBER, SPOP, ZRANDMEMBER.
    Step randomMembers(const char *name, Family family, const char *withValues)
    {
        const QByteArray k = familyKey(family);
        QByteArrayList args { name, k };
        if (chance(75)) {
            args << randomCount();
            if (withValues && chance(50))
                args << (chance(90) ? QByteArray(withValues) : QByteArray("FOO"));
        }
        Step step { args, Compare::Random, { k } };
        if (args.first() == "SPOP")
            step.resync = { k };
        return step;
    }

    // A family's key deleted now and then: a key another type took over comes back to it.
    Step restart(const QByteArray &key)
    {
        return { { oneOf<QByteArray>({ "DEL", "UNLINK" }), key } };
    }

    // Many members at once, past the default thresholds too (512 hash fields and intset
    // members, 128 sorted set members), so that big values convert without CONFIG SET.
    Step bulk(Family family, const QByteArray &key)
    {
        const int n = oneOf<int>({ 6, 20, 130, 520 });
        const bool integers = chance(integerShare(key));
        static const char *const names[] = { "HSET", "RPUSH", "SADD", "ZADD" };
        QByteArrayList args { names[int(family)], key };
        for (int i = 0; i < n; ++i) {
            const QByteArray name
                    = integers ? QByteArray::number(i * 7 - 100) : "m" + QByteArray::number(i);
            if (family == Family::ZSet)
                args << QByteArray::number(pick(5)) + (chance(20) ? ".5" : "");
            args << name;
            if (family == Family::Hash)
                args << QByteArray::number(i);
        }
        return { args };
    }

    // ---------------------------------------------------------------- streams

    // Explicit ids only ("*" answers the clock): small milliseconds so that entries collide,
    // "ms-*", the special ones, and invalid ones now and then.
    QByteArray streamId()
    {
        const int kind = pick(100);
        if (kind < 70)
            return QByteArray::number(pick(40)) + '-' + QByteArray::number(pick(4));
        if (kind < 80)
            return QByteArray::number(pick(40));
        if (kind < 86)
            return QByteArray::number(pick(40)) + "-*";
        return oneOf<QByteArray>({ "0-0", "-", "+", "$", ">", "abc", "1-x", "-1",
                                   "18446744073709551615-18446744073709551615" });
    }
    QByteArray rangeId()
    {
        if (chance(30))
            return oneOf<QByteArray>({ "-", "+" });
        return (chance(15) ? "(" : "") + streamId();
    }
    QByteArray groupName() { return oneOf<QByteArray>({ "g1", "g1", "g2", "nog" }); }
    QByteArray consumerName() { return oneOf<QByteArray>({ "c1", "c1", "c2", "c3" }); }
    QByteArrayList streamIds(int most)
    {
        QByteArrayList out;
        for (int i = pick(most) + 1; i > 0; --i)
            out << streamId();
        return out;
    }
    QByteArrayList trimOptions()
    {
        QByteArrayList out { chance(60) ? "MAXLEN" : "MINID" };
        if (chance(50))
            out << oneOf<QByteArray>({ "~", "=" });
        out << (out.first() == "MAXLEN" ? QByteArray::number(pick(12) - 1) : streamId());
        if (chance(15))
            out << "LIMIT" << QByteArray::number(pick(5));
        return out;
    }

    Step streamCommand()
    {
        const QByteArray k = familyKey(Family::Stream);
        if (chance(3))
            return restart(k);
        switch (pick(30)) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4: {
            QByteArrayList args { "XADD", k };
            if (chance(10))
                args << "NOMKSTREAM";
            if (chance(20))
                args += trimOptions();
            args << streamId();
            for (int i = pick(3) + 1; i > 0; --i)
                args << oneOf<QByteArray>({ "f1", "f2", "f3", "5" }) << fieldValue();
            return { args };
        }
        case 5: return { { "XLEN", k } };
        case 6:
        case 7: {
            const bool rev = chance(30);
            QByteArrayList args { rev ? "XREVRANGE" : "XRANGE", k, rangeId(), rangeId() };
            if (chance(40))
                args << "COUNT" << oneOf<QByteArray>({ "0", "1", "2", "5", "-1", "x" });
            return { args };
        }
        case 8: return { QByteArrayList { "XDEL", k } + streamIds(3) };
        case 9: return { QByteArrayList { "XTRIM", k } + trimOptions() };
        case 10:
        case 11: {
            QByteArrayList args { "XGROUP", "CREATE", k, groupName(),
                                  chance(30) ? QByteArray("$") : streamId() };
            if (chance(50))
                args << "MKSTREAM";
            if (chance(15))
                args << "ENTRIESREAD" << QByteArray::number(pick(6) - 1);
            return { args };
        }
        case 12: {
            QByteArrayList args { "XGROUP", "SETID", k, groupName(),
                                  chance(30) ? QByteArray("$") : streamId() };
            if (chance(20))
                args << "ENTRIESREAD" << QByteArray::number(pick(6) - 1);
            return { args };
        }
        case 13: return { { "XGROUP", "DESTROY", k, groupName() } };
        case 14:
            return { { "XGROUP", oneOf<QByteArray>({ "CREATECONSUMER", "DELCONSUMER" }), k,
                       groupName(), consumerName() } };
        case 15:
        case 16:
        case 17: {
            QByteArrayList args { "XREADGROUP", "GROUP", groupName(), consumerName() };
            if (chance(40))
                args << "COUNT" << QByteArray::number(pick(4));
            if (chance(15))
                args << "NOACK";
            args << "STREAMS" << k << (chance(70) ? QByteArray(">") : streamId());
            return { args };
        }
        case 18: {
            QByteArrayList args { "XREAD" };
            if (chance(40))
                args << "COUNT" << QByteArray::number(pick(4));
            args << "STREAMS" << k << streamId();
            return { args };
        }
        case 19:
        case 20: return { QByteArrayList { "XACK", k, groupName() } + streamIds(3) };
        case 21: return { { "XPENDING", k, groupName() } };
        case 22: {
            QByteArrayList args { "XPENDING", k,         groupName(),
                                  rangeId(),  rangeId(), QByteArray::number(pick(5)) };
            if (chance(30))
                args << consumerName();
            return { args, Compare::Shape }; // idle times
        }
        case 23: {
            QByteArrayList args = QByteArrayList { "XCLAIM", k, groupName(), consumerName(), "0" }
                    + streamIds(3);
            if (chance(30))
                args << "FORCE";
            if (chance(50))
                args << "JUSTID";
            if (chance(20))
                args << "RETRYCOUNT" << QByteArray::number(pick(3));
            return { args };
        }
        case 24: {
            QByteArrayList args { "XAUTOCLAIM", k, groupName(), consumerName(), "0", rangeId() };
            if (chance(50))
                args << "COUNT" << QByteArray::number(pick(4));
            if (chance(50))
                args << "JUSTID";
            return { args };
        }
        case 25:
        case 26: return { { "XINFO", "STREAM", k } };
        case 27: return { { "XINFO", "GROUPS", k } };
        case 28: return { { "XINFO", "CONSUMERS", k, groupName() }, Compare::Shape }; // idle
        default: {
            QByteArrayList args { "XSETID", k, streamId() };
            if (chance(30))
                args << "ENTRIESADDED" << QByteArray::number(pick(20));
            if (chance(20))
                args << "MAXDELETEDID" << streamId();
            return { args };
        }
        }
    }

    // ---------------------------------------------------------------- hashes

    Step hashCommand()
    {
        const QByteArray k = familyKey(Family::Hash);
        if (chance(5))
            return restart(k);
        if (chance(1))
            return bulk(Family::Hash, k);
        switch (pick(22)) {
        case 0:
        case 1:
        case 2:
        case 3: {
            QByteArrayList args { chance(85) ? "HSET" : "HMSET", k };
            for (int i = pick(4) + 1; i > 0; --i)
                args << memberOf(k) << fieldValue();
            return { args };
        }
        case 4: return { { "HSETNX", k, memberOf(k), fieldValue() } };
        case 5:
        case 6: return { { "HGET", k, memberOf(k) } };
        case 7: return { QByteArrayList { "HMGET", k } + members(k, 4) };
        case 8: return { { "HGETALL", k }, Compare::SortedArray, { k }, 2 };
        case 9: return { { "HKEYS", k }, Compare::SortedArray, { k } };
        case 10: return { { "HVALS", k }, Compare::SortedArray, { k } };
        case 11:
        case 12: return { QByteArrayList { "HDEL", k } + members(k, 3) };
        case 13: return { { "HEXISTS", k, memberOf(k) } };
        case 14: return { { "HLEN", k } };
        case 15: return { { "HSTRLEN", k, memberOf(k) } };
        case 16: return { { "HINCRBY", k, memberOf(k), chance(70) ? integer() : fieldValue() } };
        case 17: {
            // clang-format off
            static const std::vector<QByteArray> increments = {
                "1.5", "-0.5", "0.1", "3", "1e-20", "5.0e3", "1e308", "inf", "abc", "", "-0",
            };
            // clang-format on
            return { { "HINCRBYFLOAT", k, memberOf(k),
                       chance(80) ? oneOf(increments) : fieldValue() } };
        }
        case 18:
        case 19: return randomMembers("HRANDFIELD", Family::Hash, "WITHVALUES");
        default: return scan("HSCAN", Family::Hash, 2);
        }
    }

    // ---------------------------------------------------------------- lists

    QByteArray side()
    {
        return oneOf<QByteArray>({ "LEFT", "RIGHT", "LEFT", "RIGHT", "left", "UP" });
    }

    Step listCommand()
    {
        const QByteArray k = familyKey(Family::List);
        if (chance(5))
            return restart(k);
        if (chance(1))
            return bulk(Family::List, k);
        switch (pick(24)) {
        case 0:
        case 1:
        case 2:
        case 3:
            return { QByteArrayList { oneOf<QByteArray>({ "LPUSH", "RPUSH" }), k }
                     + members(k, 4) };
        case 4:
            return { QByteArrayList { oneOf<QByteArray>({ "LPUSHX", "RPUSHX" }), k }
                     + members(k, 3) };
        case 5:
        case 6: {
            QByteArrayList args { oneOf<QByteArray>({ "LPOP", "RPOP" }), k };
            if (chance(40))
                args << count();
            return { args };
        }
        case 7: return { { "LLEN", k } };
        case 8:
        case 9: return { { "LRANGE", k, index(), index() } };
        case 10: return { { "LINDEX", k, index() } };
        case 11: return { { "LSET", k, index(), memberOf(k) } };
        case 12:
            return { { "LINSERT", k, oneOf<QByteArray>({ "BEFORE", "AFTER", "before", "FOO" }),
                       memberOf(k), memberOf(k) } };
        case 13:
            return { { "LREM", k, oneOf<QByteArray>({ "0", "1", "2", "-1", "-2", "abc", "100" }),
                       memberOf(k) } };
        case 14: return { { "LTRIM", k, index(), index() } };
        case 15:
        case 16: {
            QByteArrayList args { "LPOS", k, memberOf(k) };
            for (int i = pick(4); i > 0; --i) {
                switch (pick(4)) {
                case 0:
                    args << "RANK"
                         << oneOf<QByteArray>({ "1", "2", "-1", "-2", "0", "abc",
                                                "-9223372036854775808", "9223372036854775807" });
                    break;
                case 1: args << "COUNT" << oneOf<QByteArray>({ "0", "1", "2", "-1", "abc" }); break;
                case 2:
                    args << "MAXLEN" << oneOf<QByteArray>({ "0", "1", "2", "5", "-1", "abc" });
                    break;
                default: args << oneOf<QByteArray>({ "FOO", "rank" }); break;
                }
            }
            return { args };
        }
        case 17:
        case 18: return { { "LMOVE", k, familyKey(Family::List), side(), side() } };
        case 19: return { { "RPOPLPUSH", k, familyKey(Family::List) } };
        case 20:
        case 21: {
            QByteArrayList args = QByteArrayList { "LMPOP" } + numberedKeys(Family::List);
            args << side();
            if (chance(50))
                args << "COUNT" << count();
            return { args };
        }
        default: return { { "LRANGE", k, "0", "-1" } };
        }
    }

    // ---------------------------------------------------------------- sets

    Step setCommand()
    {
        const QByteArray k = familyKey(Family::Set);
        if (chance(5))
            return restart(k);
        if (chance(1))
            return bulk(Family::Set, k);
        auto keys = [this](QByteArrayList first) {
            for (int i = pick(3); i > 0; --i)
                first << familyKey(Family::Set);
            return first;
        };
        switch (pick(26)) {
        case 0:
        case 1:
        case 2:
        case 3: return { QByteArrayList { "SADD", k } + members(k, 5) };
        case 4:
        case 5: return { QByteArrayList { "SREM", k } + members(k, 3) };
        case 6:
        case 7: return { { "SMEMBERS", k }, Compare::SortedArray, { k } };
        case 8: return { { "SISMEMBER", k, memberOf(k) } };
        case 9: return { QByteArrayList { "SMISMEMBER", k } + members(k, 4) };
        case 10: return { { "SCARD", k } };
        case 11: return randomMembers("SPOP", Family::Set, nullptr);
        case 12:
        case 13: return randomMembers("SRANDMEMBER", Family::Set, nullptr);
        case 14: return { { "SMOVE", k, familyKey(Family::Set), memberOf(k) } };
        case 15: {
            // An intset as the smallest set gives ascending order: raw unless a hash table.
            const QByteArrayList args = keys({ "SINTER", k });
            return { args, Compare::SortedArray, args.mid(1) };
        }
        case 16: {
            QByteArrayList args = QByteArrayList { "SINTERCARD" } + numberedKeys(Family::Set);
            if (chance(40))
                args << "LIMIT" << oneOf<QByteArray>({ "0", "1", "2", "-1", "abc" });
            return { args };
        }
        case 17:
        case 18: return { keys({ oneOf<QByteArray>({ "SUNION", "SDIFF" }), k }), Compare::NewSet };
        case 19:
        case 20:
        case 21:
            return { keys({ oneOf<QByteArray>({ "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE" }),
                            familyKey(Family::Set), k }) };
        default: return scan("SSCAN", Family::Set, 1);
        }
    }

    // ---------------------------------------------------------------- sorted sets

    Step zadd(const QByteArray &k)
    {
        QByteArrayList args { "ZADD", k };
        bool incr = false;
        if (chance(30)) {
            static const std::vector<QByteArray> options
                    = { "NX", "XX", "GT", "LT", "CH", "CH", "INCR", "gt", "ch" };
            for (int i = pick(3) + 1; i > 0; --i) {
                args << oneOf(options);
                incr = incr || args.last() == "INCR";
            }
        }
        for (int i = incr && chance(85) ? 1 : pick(5) + 1; i > 0; --i)
            args << score() << memberOf(k);
        if (chance(3))
            args << score();
        return { args };
    }

    QByteArray limitOffset() { return oneOf<QByteArray>({ "0", "0", "1", "2", "-1", "5", "abc" }); }
    QByteArray limitCount() { return oneOf<QByteArray>({ "1", "2", "3", "-1", "-1", "0", "abc" }); }

    // ZRANGE and ZRANGESTORE in all their forms: by rank, score or member, REV, LIMIT,
    // WITHSCORES, in any order, with wrong combinations now and then.
    Step zrange(bool store)
    {
        QByteArrayList args { store ? "ZRANGESTORE" : "ZRANGE" };
        const QByteArray destination = familyKey(Family::ZSet);
        const QByteArray source = familyKey(Family::ZSet);
        if (store)
            args << destination;
        args << source;
        const int by = pick(3);
        const int bounds = chance(5) ? pick(3) : by;
        for (int i = 0; i < 2; ++i)
            args << (bounds == 0 ? index() : bounds == 1 ? scoreBound() : lexBound(source));
        std::vector<QByteArrayList> options;
        if (by == 1)
            options.push_back({ chance(90) ? "BYSCORE" : "byscore" });
        else if (by == 2)
            options.push_back({ "BYLEX" });
        if (chance(30))
            options.push_back({ "REV" });
        if (chance(by ? 40 : 5))
            options.push_back({ "LIMIT", limitOffset(), limitCount() });
        if (chance(store ? 5 : 30))
            options.push_back({ "WITHSCORES" });
        if (chance(3))
            options.push_back({ oneOf<QByteArray>({ "FOO", "BYSCORE", "BYLEX", "LIMIT" }) });
        // Any order of the options (a fixed-size shuffle driven by the seeded generator).
        for (size_t i = options.size(); i > 1; --i)
            std::swap(options[i - 1], options[size_t(pick(int(i)))]);
        for (const QByteArrayList &option : options)
            args += option;
        if (by != 2 && !args.contains("BYLEX"))
            return { args };
        Step step { args, Compare::Lex, { source } };
        if (store)
            step.resync = { destination };
        return step;
    }

    // ZUNION ZINTER ZDIFF, their STORE forms and ZINTERCARD.
    Step zsetOperation()
    {
        static const std::vector<QByteArray> names
                = { "ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE" };
        const QByteArray name = oneOf(names);
        QByteArrayList args { name };
        if (name.endsWith("STORE"))
            args << familyKey(Family::ZSet);
        const QByteArrayList keys = numberedKeys(Family::ZSet);
        args += keys;
        const bool diff = name.startsWith("ZDIFF");
        if (chance(diff ? 5 : 35)) {
            args << "WEIGHTS";
            const qsizetype n = keys.size() - 1 - (chance(10) ? 1 : 0);
            for (qsizetype i = 0; i < n; ++i)
                args << oneOf<QByteArray>(
                        { "1", "2", "0", "-1", "0.5", "3", "inf", "-inf", "abc" });
        }
        if (chance(diff ? 5 : 35))
            args << "AGGREGATE" << oneOf<QByteArray>({ "SUM", "MIN", "MAX", "max", "FOO" });
        if (!name.endsWith("STORE") ? chance(50) : chance(5))
            args << "WITHSCORES";
        return { args };
    }

    Step zsetCommand()
    {
        const QByteArray k = familyKey(Family::ZSet);
        if (chance(5))
            return restart(k);
        if (chance(1))
            return bulk(Family::ZSet, k);
        switch (pick(44)) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4: return zadd(k);
        case 5: return { { "ZINCRBY", k, score(), memberOf(k) } };
        case 6:
        case 7: return { QByteArrayList { "ZREM", k } + members(k, 3) };
        case 8: return { { "ZCARD", k } };
        case 9: return { { "ZCOUNT", k, scoreBound(), scoreBound() } };
        case 10: return { { "ZLEXCOUNT", k, lexBound(k), lexBound(k) }, Compare::Lex, { k } };
        case 11: return { { "ZSCORE", k, memberOf(k) } };
        case 12: return { QByteArrayList { "ZMSCORE", k } + members(k, 4) };
        case 13: return { { oneOf<QByteArray>({ "ZRANK", "ZREVRANK" }), k, memberOf(k) } };
        case 14:
        case 15:
        case 16: return zrange(false);
        case 17: return zrange(true);
        case 18:
        case 19: {
            QByteArrayList args { oneOf<QByteArray>({ "ZRANGEBYSCORE", "ZREVRANGEBYSCORE" }), k,
                                  scoreBound(), scoreBound() };
            if (chance(40))
                args << "WITHSCORES";
            if (chance(30))
                args << "LIMIT" << limitOffset() << limitCount();
            if (chance(10))
                args << oneOf<QByteArray>({ "WITHSCORES", "FOO", "LIMIT" });
            return { args };
        }
        case 20:
        case 21: {
            QByteArrayList args { oneOf<QByteArray>({ "ZRANGEBYLEX", "ZREVRANGEBYLEX" }), k,
                                  lexBound(k), lexBound(k) };
            if (chance(30))
                args << "LIMIT" << limitOffset() << limitCount();
            if (chance(5))
                args << "WITHSCORES";
            return { args, Compare::Lex, { k } };
        }
        case 22: {
            QByteArrayList args { "ZREVRANGE", k, index(), index() };
            if (chance(40))
                args << oneOf<QByteArray>({ "WITHSCORES", "WITHSCORES", "withscores", "FOO" });
            return { args };
        }
        case 23: return { { "ZREMRANGEBYRANK", k, index(), index() } };
        case 24: return { { "ZREMRANGEBYSCORE", k, scoreBound(), scoreBound() } };
        case 25: {
            Step step { { "ZREMRANGEBYLEX", k, lexBound(k), lexBound(k) }, Compare::Lex, { k } };
            step.resync = { k };
            return step;
        }
        case 26:
        case 27: {
            QByteArrayList args { oneOf<QByteArray>({ "ZPOPMIN", "ZPOPMAX" }), k };
            if (chance(50))
                args << count();
            return { args };
        }
        case 28: {
            QByteArrayList args = QByteArrayList { "ZMPOP" } + numberedKeys(Family::ZSet);
            args << oneOf<QByteArray>({ "MIN", "MAX", "MIN", "MAX", "min", "FOO" });
            if (chance(50))
                args << "COUNT" << count();
            return { args };
        }
        case 29:
        case 30: return randomMembers("ZRANDMEMBER", Family::ZSet, "WITHSCORES");
        case 31:
        case 32:
        case 33:
        case 34: return zsetOperation();
        case 35: {
            QByteArrayList args = QByteArrayList { "ZINTERCARD" } + numberedKeys(Family::ZSet);
            if (chance(40))
                args << "LIMIT" << oneOf<QByteArray>({ "0", "1", "2", "-1", "abc" });
            return { args };
        }
        case 36:
        case 37: return scan("ZSCAN", Family::ZSet, 2);
        default: return { { "ZRANGE", k, "0", "-1", "WITHSCORES" } };
        }
    }

    // ---------------------------------------------------------------- the rest

    // CONFIG SET of an encoding threshold: its default more often than not, a small value (so
    // that conversions happen) or an invalid one otherwise; Redis's old names too.
    QByteArrayList configParameter()
    {
        struct Parameter
        {
            const char *name;
            const char *alias;
            std::vector<QByteArray> small;
            const char *fallback;
        };
        // clang-format off
        static const std::vector<Parameter> parameters = {
            { "hash-max-listpack-entries", "hash-max-ziplist-entries", { "0", "1", "2", "4" }, "512" },
            { "hash-max-listpack-value", "hash-max-ziplist-value", { "0", "1", "4", "8" }, "64" },
            { "set-max-intset-entries", "set-max-intset-entries", { "0", "1", "2", "4" }, "512" },
            { "zset-max-listpack-entries", "zset-max-ziplist-entries", { "0", "1", "2", "4" }, "128" },
            { "zset-max-listpack-value", "zset-max-ziplist-value", { "0", "1", "4", "8" }, "64" },
            { "list-max-listpack-size", "list-max-ziplist-size", { "1", "2", "4", "-1", "-5" }, "-2" },
        };
        static const std::vector<QByteArray> invalid = {
            "abc", "-1", "1kb", "", "1.5", "99999999999999999999",
        };
        // clang-format on
        const Parameter &parameter = oneOf(parameters);
        const QByteArray name = chance(85) ? parameter.name : parameter.alias;
        const int kind = pick(100);
        return { name,
                 kind < 60           ? QByteArray(parameter.fallback)
                         : kind < 92 ? oneOf(parameter.small)
                                     : oneOf(invalid) };
    }

    // The blocking commands, inside MULTI only, where they never block.
    Step blockingCommand()
    {
        const QByteArray list = familyKey(Family::List);
        const QByteArray zset = familyKey(Family::ZSet);
        switch (pick(8)) {
        case 0:
        case 1: {
            QByteArrayList args { oneOf<QByteArray>({ "BLPOP", "BRPOP" }), list };
            if (chance(50))
                args << familyKey(Family::List);
            return { args << timeout() };
        }
        case 2: return { { "BLMOVE", list, familyKey(Family::List), side(), side(), timeout() } };
        case 3: return { { "BRPOPLPUSH", list, familyKey(Family::List), timeout() } };
        case 4: {
            QByteArrayList args
                    = QByteArrayList { "BLMPOP", timeout() } + numberedKeys(Family::List);
            args << side();
            if (chance(50))
                args << "COUNT" << count();
            return { args };
        }
        case 5:
        case 6: {
            QByteArrayList args { oneOf<QByteArray>({ "BZPOPMIN", "BZPOPMAX" }), zset };
            if (chance(50))
                args << familyKey(Family::ZSet);
            return { args << timeout() };
        }
        default: {
            QByteArrayList args
                    = QByteArrayList { "BZMPOP", timeout() } + numberedKeys(Family::ZSet);
            args << oneOf<QByteArray>({ "MIN", "MAX", "max", "FOO" });
            if (chance(50))
                args << "COUNT" << count();
            return { args };
        }
        }
    }

    Step otherCommand()
    {
        switch (pick(16)) {
        case 0:
        case 1:
        case 2: return { { "TYPE", anyKey() } };
        case 3:
        case 4:
        case 5: return { { "OBJECT", "ENCODING", anyKey() } };
        case 6:
        case 7: {
            QByteArrayList args = QByteArrayList { "CONFIG", "SET" } + configParameter();
            if (chance(10))
                args += configParameter();
            return { args };
        }
        case 8: return { { "CONFIG", "GET", configParameter().first() } };
        case 9:
        case 10:
        case 11:
        case 12:
            if (m_inMulti)
                return blockingCommand();
            return { { "MULTI" } };
        default: return { { "MULTI" } };
        }
    }

    QRandomGenerator m_random;
    bool m_inMulti = false;
};

// The leaves of a reply, depth first: RESP3 pairs ([member, score]) read as RESP2's flat list.
void flatten(const Reply &reply, std::vector<const Reply *> *out)
{
    if (reply.items.empty() && !(reply.type == '*' || reply.type == '~' || reply.type == '%')) {
        out->push_back(&reply);
        return;
    }
    for (const Reply &item : reply.items)
        flatten(item, out);
}

bool sameShape(const Reply &a, const Reply &b)
{
    return a.type == b.type && a.null == b.null && a.items.size() == b.items.size();
}

// The elements in runs of `group` (field and value, member and score), sorted.
std::vector<QByteArrayList> sortedRuns(const std::vector<Reply> &items, int group)
{
    std::vector<const Reply *> leaves;
    for (const Reply &item : items)
        flatten(item, &leaves);
    std::vector<QByteArrayList> runs;
    for (size_t i = 0; i < leaves.size(); i += size_t(group)) {
        QByteArrayList run;
        for (size_t j = i; j < std::min(leaves.size(), i + size_t(group)); ++j)
            run << QByteArray(1, leaves[j]->type) + leaves[j]->text;
        runs.push_back(run);
    }
    std::sort(runs.begin(), runs.end());
    return runs;
}

// True when the two replies agree under the rule.
bool agree(Compare compare, int group, const QByteArray &rawA, const Reply &a,
           const QByteArray &rawB, const Reply &b)
{
    if (rawA == rawB)
        return true;
    if (a.type != b.type || (a.type == '-' && rawA != rawB))
        return false;
    switch (compare) {
    case Compare::Raw:
    case Compare::Lex:
    case Compare::NewSet:
    case Compare::Random: return false;
    case Compare::Type: return true;
    case Compare::Shape: return sameShape(a, b);
    case Compare::SortedArray:
        return sameShape(a, b) && sortedRuns(a.items, group) == sortedRuns(b.items, group);
    case Compare::Scan:
        // A COUNT well above the key count finishes in one call on both servers.
        return sameShape(a, b) && a.items.size() == 2 && a.items[0].text == b.items[0].text
                && sameShape(a.items[1], b.items[1])
                && sortedRuns(a.items[1].items, group) == sortedRuns(b.items[1].items, group);
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

// A set's, hash's or sorted set's content before a random command: member -> value or score
// (nothing for a set).
using Content = QHash<QByteArray, Reply>;

// True when qkv's random members (b) are as valid as redis's (a): the same reply type and
// count, each a member of the key, with its value or score, distinct for a positive count.
bool agreeRandom(const QByteArrayList &args, const Content &content, const QByteArray &rawA,
                 const Reply &a, const QByteArray &rawB, const Reply &b)
{
    if (rawA == rawB)
        return true;
    if (!sameShape(a, b) || a.type == '-')
        return false;
    if (args.size() == 2) // one member, or nil
        return b.null || (b.type == '$' && content.contains(b.text));
    std::vector<const Reply *> leavesA;
    std::vector<const Reply *> leavesB;
    flatten(a, &leavesA);
    flatten(b, &leavesB);
    const size_t stride = args.size() >= 4 ? 2 : 1; // WITHVALUES, WITHSCORES
    if (leavesA.size() != leavesB.size() || leavesB.size() % stride != 0)
        return false;
    QSet<QByteArray> seen;
    bool distinct = true;
    for (size_t i = 0; i < leavesB.size(); i += stride) {
        const auto found = content.constFind(leavesB[i]->text);
        if (leavesB[i]->type != '$' || found == content.constEnd())
            return false;
        if (stride == 2
            && (leavesB[i + 1]->type != found->type || leavesB[i + 1]->text != found->text))
            return false;
        distinct = distinct && !seen.contains(leavesB[i]->text);
        seen.insert(leavesB[i]->text);
    }
    const bool unique = args.first().toUpper() == "SPOP" || !args.at(2).startsWith('-');
    return distinct || !unique;
}

// Both servers, the recent commands, and the divergences found so far.
class Differ
{
public:
    bool connect(quint16 redisPort, quint16 qkvPort)
    {
        return m_redis.connectTo(redisPort) && m_qkv.connectTo(qkvPort);
    }
    // Sends the step to both servers and compares the replies; false when a server did not
    // answer, or redis answered a probe with QUEUED (the generator lost track of MULTI).
    bool run(int index, const Step &step);
    // A command outside the random sequence, on both servers (a check of the state a random
    // command left, or with `compare` false a re-synchronisation, whose replies may differ);
    // false as run().
    bool both(const QByteArrayList &args, Reply *fromRedis, bool compare = true);
    int divergences() const { return m_divergences; }
    QByteArray recent() const { return m_recent.join("\n  "); }
    QByteArray failure() const { return m_failure; }
    // What the run exercised, for QKV_RANDOM_STATS: comparison rules as decided, encodings
    // seen, transactions run or aborted, and redis's own per-command counts.
    QByteArray statistics();

private:
    Reply probe(const QByteArrayList &args);
    bool isUnordered(const QByteArray &key);
    bool isLexUnordered(const QByteArray &key);
    bool readContent(const Step &step, Content *content);
    bool scanCompletes(const Step &step);
    void note(const QByteArray &line);
    void diverged(const QByteArray &what, const QByteArrayList &args, const QByteArray &rawA,
                  const QByteArray &rawB);

    Client m_redis;
    Client m_qkv;
    QByteArrayList m_recent; // printed with the first divergence, to see how the state drifted
    int m_divergences = 0;
    QByteArray m_failure;
    QMap<QByteArray, int> m_counts;
};

// A read on redis alone, outside MULTI, to decide how a reply is compared. Reads change
// nothing the test can see (no key in the test expires while it runs).
Reply Differ::probe(const QByteArrayList &args)
{
    Reply reply;
    const QByteArray raw = m_redis.call(args, &reply);
    if (raw.isEmpty())
        m_failure = "no reply from redis-server to " + printable(args.join(' '));
    else if (raw == "+QUEUED\r\n")
        m_failure = "the generator lost track of MULTI: " + printable(args.join(' '));
    return reply;
}

// A hash table (hash, set) or skip list (sorted set), whose iteration order is its own.
bool Differ::isUnordered(const QByteArray &key)
{
    const Reply encoding = probe({ "OBJECT", "ENCODING", key });
    ++m_counts["probed encoding " + encoding.text];
    return encoding.text == "hashtable" || encoding.text == "skiplist";
}

// A skip list whose scores differ: Redis's BYLEX lookups start from a place its random levels
// decide (the member order and the score order disagree), a listpack's are linear.
bool Differ::isLexUnordered(const QByteArray &key)
{
    if (probe({ "OBJECT", "ENCODING", key }).text != "skiplist")
        return false;
    const Reply first = probe({ "ZRANGE", key, "0", "0", "WITHSCORES" });
    const Reply last = probe({ "ZRANGE", key, "-1", "-1", "WITHSCORES" });
    std::vector<const Reply *> low;
    std::vector<const Reply *> high;
    flatten(first, &low);
    flatten(last, &high);
    return low.size() == 2 && high.size() == 2 && low[1]->text != high[1]->text;
}

// The content of the random command's key; false when it is not of the command's type (the
// error is then compared raw).
bool Differ::readContent(const Step &step, Content *content)
{
    const QByteArray name = step.args.first().toUpper();
    const QByteArray &key = step.stateKeys.first();
    const Reply reply = name == "HRANDFIELD" ? probe({ "HGETALL", key })
            : name == "ZRANDMEMBER"          ? probe({ "ZRANGE", key, "0", "-1", "WITHSCORES" })
                                             : probe({ "SMEMBERS", key });
    if (reply.type == '-')
        return false;
    std::vector<const Reply *> leaves;
    flatten(reply, &leaves);
    const bool pairs = name != "SPOP" && name != "SRANDMEMBER";
    for (size_t i = 0; i < leaves.size(); i += pairs ? 2 : 1)
        content->insert(leaves[i]->text, pairs && i + 1 < leaves.size() ? *leaves[i + 1] : Reply());
    return true;
}

bool Differ::both(const QByteArrayList &args, Reply *fromRedis, bool compare)
{
    note("   both: " + printable(args.join(' ')));
    Reply b;
    const QByteArray rawA = m_redis.call(args, fromRedis);
    const QByteArray rawB = m_qkv.call(args, &b);
    if (rawA.isEmpty() || rawB.isEmpty()) {
        m_failure = "no reply to " + printable(args.join(' '));
        return false;
    }
    if (compare && rawA != rawB)
        diverged("after it", args, rawA, rawB);
    return true;
}

void Differ::note(const QByteArray &line)
{
    static const int history = qEnvironmentVariableIsSet("QKV_RANDOM_HISTORY")
            ? qEnvironmentVariableIntValue("QKV_RANDOM_HISTORY")
            : 30;
    m_recent.append(line);
    if (m_recent.size() > history)
        m_recent.removeFirst();
}

void Differ::diverged(const QByteArray &what, const QByteArrayList &args, const QByteArray &rawA,
                      const QByteArray &rawB)
{
    if (++m_divergences == 1)
        qWarning("commands before the first divergence:\n  %s", recent().constData());
    if (m_divergences <= 30) {
        qWarning("%s: %s\n  redis: %s\n  qkv:   %s", what.constData(),
                 printable(args.join(' ')).constData(), printable(rawA).constData(),
                 printable(rawB).constData());
    }
}

QByteArray Differ::statistics()
{
    QByteArray out;
    for (auto it = m_counts.cbegin(); it != m_counts.cend(); ++it)
        out += "  " + it.key() + ": " + QByteArray::number(it.value()) + '\n';
    Reply ignored;
    m_redis.call({ "DISCARD" }, &ignored);
    const QByteArray info = m_redis.call({ "INFO", "commandstats" }, &ignored);
    return out + info;
}

// Whether an HSCAN, SSCAN or ZSCAN of a hash table from cursor 0 ends in one call on both
// servers: the key holds fewer elements than COUNT (Redis counts a hash's fields and a sorted
// set's members, not the values and scores it replies with them).
bool Differ::scanCompletes(const Step &step)
{
    const QByteArray name = step.args.first().toUpper();
    const QByteArray length = name == "HSCAN" ? "HLEN" : name == "SSCAN" ? "SCARD" : "ZCARD";
    const qsizetype at = step.args.lastIndexOf("COUNT");
    const long long count = at > 0 ? step.args.value(at + 1).toLongLong() : 10;
    return probe({ length, step.stateKeys.first() }).text.toLongLong() < count;
}

bool Differ::run(int index, const Step &step)
{
    note(QByteArray::number(index) + ": " + printable(step.args.join(' ')));
    // Decide the comparison from redis's state before the command.
    Compare compare = step.compare;
    bool randomEffect = false;
    Content content;
    qint64 intsetLimit = -1;
    if (compare == Compare::Lex) {
        randomEffect = isLexUnordered(step.stateKeys.first());
        compare = randomEffect ? Compare::Type : Compare::Raw;
    } else if (compare == Compare::Random) {
        if (!readContent(step, &content))
            compare = Compare::Raw;
    } else if (compare == Compare::NewSet) {
        std::vector<const Reply *> limit;
        const Reply config = probe({ "CONFIG", "GET", "set-max-intset-entries" });
        flatten(config, &limit);
        intsetLimit = limit.size() == 2 ? limit[1]->text.toLongLong() : -1;
    } else if (!step.stateKeys.isEmpty()) {
        const bool unordered
                = std::any_of(step.stateKeys.begin(), step.stateKeys.end(),
                              [this](const QByteArray &key) { return isUnordered(key); });
        if (!unordered)
            compare = Compare::Raw;
        else if (compare == Compare::Scan && !scanCompletes(step))
            compare = Compare::Shape;
    }
    if (!m_failure.isEmpty())
        return false;

    Reply a;
    Reply b;
    const QByteArray rawA = m_redis.call(step.args, &a);
    const QByteArray rawB = m_qkv.call(step.args, &b);
    if (rawA.isEmpty() || rawB.isEmpty()) {
        m_failure = QByteArray("no reply from ") + (rawA.isEmpty() ? "redis-server" : "qkv-server")
                + " to " + printable(step.args.join(' '));
        return false;
    }
    if (compare == Compare::NewSet) {
        const bool intset
                = a.type != '-' && qsizetype(a.items.size()) <= intsetLimit
                && std::all_of(a.items.begin(), a.items.end(), [](const Reply &item) {
                       bool ok = false;
                       return QByteArray::number(item.text.toLongLong(&ok)) == item.text && ok;
                   });
        compare = intset ? Compare::Raw : Compare::SortedArray;
    }
    static const char *const ruleNames[] = { "raw",   "sorted", "scan", "ttl",    "pttl",
                                             "shape", "type",   "lex",  "newset", "random" };
    ++m_counts[QByteArray("rule ") + ruleNames[int(compare)]];
    const QByteArray name = step.args.first().toUpper();
    if (name == "OBJECT" && a.type == '$')
        ++m_counts["encoding " + a.text];
    else if (name == "EXEC")
        ++m_counts[a.type == '*' && !a.null ? QByteArray("exec ran")
                                            : "exec " + printable(rawA.left(12))];
    else if (a.type == '-')
        ++m_counts["error " + name + ' ' + a.text.left(40)];
    const bool same = compare == Compare::Random ? agreeRandom(step.args, content, rawA, a, rawB, b)
                                                 : agree(compare, step.group, rawA, a, rawB, b);
    if (!same)
        diverged("step " + QByteArray::number(index), step.args, rawA, rawB);

    // SPOP drew different members on the two servers unless it took none or all of them: the
    // sizes left must agree, then the key goes on both.
    if (compare == Compare::Random && !step.resync.isEmpty() && a.type != '-') {
        std::vector<const Reply *> popped;
        flatten(a, &popped);
        Reply left;
        if (!a.null && !popped.empty() && !both({ "SCARD", step.resync.first() }, &left))
            return false;
        randomEffect = left.text.toLongLong() > 0;
    }
    if (randomEffect && a.type != '-') {
        for (const QByteArray &key : step.resync) {
            Reply ignored;
            if (!both({ "DEL", key }, &ignored, false))
                return false;
        }
    }
    return true;
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
            : DefaultSteps;
    qInfo("seed %llu (replay with QKV_SEED=%llu), %d steps", seed, seed, steps);

    Differ differ;
    QVERIFY(differ.connect(m_redis.port(), m_qkv.port()));
    Reply ignored;
    QVERIFY2(differ.both({ "FLUSHALL" }, &ignored), differ.failure().constData());
    Generator generator(seed);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < steps; ++i)
        if (!differ.run(i, generator.next()))
            QFAIL(QByteArray(differ.failure() + "\nafter:\n  " + differ.recent()).constData());
    qInfo("%d steps, %d divergences, %lld ms", steps, differ.divergences(), timer.elapsed());
    if (qEnvironmentVariableIsSet("QKV_RANDOM_STATS"))
        qInfo("%s", differ.statistics().constData());
    QCOMPARE(differ.divergences(), 0);
}

QTEST_GUILESS_MAIN(TestRandomCompat)
#include "tst_randomcompat.moc"
