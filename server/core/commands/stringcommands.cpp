// String commands.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "store/keyspace.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

using namespace CommandUtil;
using KeyspaceEvents::notify;

namespace {

enum SetFlag : unsigned {
    SetNx = 1 << 0,
    SetXx = 1 << 1,
    SetGet = 1 << 2,
    SetKeepTtl = 1 << 3,
    SetEx = 1 << 4,
    SetPx = 1 << 5,
    SetExAt = 1 << 6,
    SetPxAt = 1 << 7,
    SetPersist = 1 << 8,
};
constexpr unsigned AnyExpire = SetEx | SetPx | SetExAt | SetPxAt;

// SET's and GETEX's options (Redis's parseExtendedStringArgumentsOrReply), from argument
// `first` on: NX/XX exclusive, one kind of expiry (repeating the same one is accepted),
// KEEPTTL/PERSIST with none. `forSet` selects which options exist. Replies on error.
bool parseStringOptions(Connection &c, qsizetype first, bool forSet, unsigned *flags,
                        QByteArrayView *expire)
{
    for (qsizetype j = first; j < c.argc(); ++j) {
        const QByteArrayView option = c.arg(j);
        const bool hasNext = j + 1 < c.argc();
        auto expiryOption = [&](unsigned flag) {
            if ((*flags & (SetKeepTtl | SetPersist)) || (*flags & AnyExpire & ~flag) || !hasNext)
                return false;
            *flags |= flag;
            *expire = c.arg(++j);
            return true;
        };
        auto plainOption = [&](unsigned flag, unsigned excludes, bool allowed) {
            if (!allowed || (*flags & excludes))
                return false;
            *flags |= flag;
            return true;
        };
        bool ok;
        if (argIs(option, "NX"))
            ok = plainOption(SetNx, SetXx, forSet);
        else if (argIs(option, "XX"))
            ok = plainOption(SetXx, SetNx, forSet);
        else if (argIs(option, "GET"))
            ok = plainOption(SetGet, 0, forSet);
        else if (argIs(option, "KEEPTTL"))
            ok = plainOption(SetKeepTtl, AnyExpire, forSet);
        else if (argIs(option, "PERSIST"))
            ok = plainOption(SetPersist, AnyExpire, !forSet);
        else if (argIs(option, "EX"))
            ok = expiryOption(SetEx);
        else if (argIs(option, "PX"))
            ok = expiryOption(SetPx);
        else if (argIs(option, "EXAT"))
            ok = expiryOption(SetExAt);
        else if (argIs(option, "PXAT"))
            ok = expiryOption(SetPxAt);
        else
            ok = false;
        if (!ok) {
            replySyntaxError(c);
            return false;
        }
    }
    return true;
}

bool expireFromFlags(Connection &c, QByteArrayView expire, unsigned flags, qint64 *at)
{
    return expireTimeOrReply(c, expire, flags & (SetEx | SetExAt), flags & (SetEx | SetPx), at);
}

// Replies the key's value as GET does; false when it replied an error (wrong type).
bool replyValue(Connection &c, QByteArrayView key)
{
    KeyEntry *entry = nullptr;
    if (!lookupStringRead(c, key, &entry))
        return false;
    if (entry)
        c.reply().bulk(entry->string());
    else
        c.reply().null();
    return true;
}

enum class SetReply { OkOrNull, OneOrZero };

// The one SET behind SET, SETNX, SETEX, PSETEX (Redis's setGenericCommand): `expire` is the
// time argument (null for none), validated before anything else happens.
void setGeneric(Connection &c, unsigned flags, QByteArrayView key, QByteArrayView value,
                QByteArrayView expire, SetReply replies)
{
    qint64 expireAt = -1;
    if (!expire.isNull() && !expireFromFlags(c, expire, flags, &expireAt))
        return;
    if ((flags & SetGet) && !replyValue(c, key))
        return;
    // Looked up even without NX/XX: an expired key must go before KEEPTTL could keep its TTL.
    const bool found = lookupWrite(c, key);
    if (((flags & SetNx) && found) || ((flags & SetXx) && !found)) {
        if (flags & SetGet)
            return;
        if (replies == SetReply::OneOrZero)
            c.reply().integer(0);
        else
            c.reply().null();
        return;
    }
    c.db().setString(key, value, expireAt, flags & SetKeepTtl);
    notify(c, KeyspaceEvents::String, "set", key);
    // Redis 7.0 logs any relative or second time as SET key value PXAT <ms>.
    if (expireAt >= 0 && !(flags & SetPxAt))
        c.propagateAs({ "SET", key, value, "PXAT", QByteArray::number(expireAt) });
    if (expireAt >= 0)
        notify(c, KeyspaceEvents::Generic, "expire", key);
    if (flags & SetGet)
        return;
    if (replies == SetReply::OneOrZero)
        c.reply().integer(1);
    else
        c.reply().ok();
}

void setCommand(Connection &c)
{
    unsigned flags = 0;
    QByteArrayView expire;
    if (parseStringOptions(c, 3, true, &flags, &expire))
        setGeneric(c, flags, c.arg(1), c.arg(2), expire, SetReply::OkOrNull);
}

void setnxCommand(Connection &c)
{
    setGeneric(c, SetNx, c.arg(1), c.arg(2), QByteArrayView(), SetReply::OneOrZero);
}

void setexCommand(Connection &c)
{
    setGeneric(c, SetEx, c.arg(1), c.arg(3), c.arg(2), SetReply::OkOrNull);
}

void psetexCommand(Connection &c)
{
    setGeneric(c, SetPx, c.arg(1), c.arg(3), c.arg(2), SetReply::OkOrNull);
}

void getCommand(Connection &c)
{
    replyValue(c, c.arg(1));
}

void getsetCommand(Connection &c)
{
    if (replyValue(c, c.arg(1))) {
        c.db().setString(c.arg(1), c.arg(2));
        notify(c, KeyspaceEvents::String, "set", c.arg(1));
    }
}

void getdelCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupStringRead(c, c.arg(1), &entry))
        return;
    if (!entry) {
        c.reply().null();
        return;
    }
    c.reply().bulk(entry->string());
    c.db().remove(c.arg(1));
    notify(c, KeyspaceEvents::Generic, "del", c.arg(1));
    c.propagateAs({ "DEL", c.arg(1) });
}

void getexCommand(Connection &c)
{
    unsigned flags = 0;
    QByteArrayView expire;
    if (!parseStringOptions(c, 2, false, &flags, &expire))
        return;
    // As in Redis, a missing key wins over a bad time: the time is checked after the lookup.
    KeyEntry *entry = nullptr;
    if (!lookupStringRead(c, c.arg(1), &entry))
        return;
    if (!entry) {
        c.reply().null();
        return;
    }
    qint64 expireAt = -1;
    if (!expire.isNull() && !expireFromFlags(c, expire, flags, &expireAt))
        return;
    c.reply().bulk(entry->string());
    // Logged as the change it made (Redis's getexCommand): DEL (UNLINK), PEXPIREAT or PERSIST.
    if ((flags & (SetExAt | SetPxAt)) && expireAt <= c.now()) {
        c.db().remove(c.arg(1));
        notify(c, KeyspaceEvents::Generic, "del", c.arg(1));
        c.propagateAs({ c.server().config().lazyfreeLazyExpire ? "UNLINK" : "DEL", c.arg(1) });
    } else if (!expire.isNull()) {
        c.db().setExpire(entry, expireAt);
        notify(c, KeyspaceEvents::Generic, "expire", c.arg(1));
        c.propagateAs({ "PEXPIREAT", c.arg(1), QByteArray::number(expireAt) });
    } else if ((flags & SetPersist) && entry->hasExpire()) {
        c.db().setExpire(entry, -1);
        notify(c, KeyspaceEvents::Generic, "persist", c.arg(1));
        c.propagateAs({ "PERSIST", c.arg(1) });
    }
}

void mgetCommand(Connection &c)
{
    c.reply().arrayHeader(c.argc() - 1);
    for (qsizetype j = 1; j < c.argc(); ++j) {
        const KeyEntry *entry = lookupRead(c, c.arg(j));
        if (entry && entry->type == ValueType::String)
            c.reply().bulk(entry->string());
        else
            c.reply().null();
    }
}

// MSET and MSETNX: key/value pairs; MSETNX sets nothing if any key exists.
void msetGeneric(Connection &c, bool nx)
{
    if (c.argc() % 2 == 0) {
        c.reply().error("ERR wrong number of arguments for '" + c.commandName() + "' command");
        return;
    }
    if (nx) {
        for (qsizetype j = 1; j < c.argc(); j += 2) {
            if (lookupWrite(c, c.arg(j))) {
                c.reply().integer(0);
                return;
            }
        }
    }
    // Redis's setKey looks each key up first: an expired key is deleted (and counted).
    for (qsizetype j = 1; j < c.argc(); j += 2) {
        lookupWrite(c, c.arg(j));
        c.db().setString(c.arg(j), c.arg(j + 1));
        notify(c, KeyspaceEvents::String, "set", c.arg(j));
    }
    if (nx)
        c.reply().integer(1);
    else
        c.reply().ok();
}

void msetCommand(Connection &c)
{
    msetGeneric(c, false);
}

void msetnxCommand(Connection &c)
{
    msetGeneric(c, true);
}

// INCR-family result: an existing key keeps its TTL, a missing one is created without one.
// encoding is how Redis makes the result's object (an integer or a formatted float).
void storeNumber(Connection &c, KeyEntry *entry, const QByteArray &text, StringEncoding encoding,
                 const char *event)
{
    if (entry) {
        c.db().replaceString(entry, text, encoding);
        c.db().signalModified(c.arg(1));
    } else {
        entry = c.db().setString(c.arg(1), text);
        c.db().setEncoding(entry, encoding);
    }
    notify(c, KeyspaceEvents::String, event, c.arg(1));
}

// The one INCR behind INCR, DECR, INCRBY, DECRBY (Redis's incrDecrCommand): the value must
// be a 64-bit integer and stay one; the key keeps its TTL.
void incrDecr(Connection &c, long long increment)
{
    KeyEntry *entry = nullptr;
    if (!lookupStringWrite(c, c.arg(1), &entry))
        return;
    long long value = 0;
    if (entry && !parseLongLong(c, entry->string(), &value))
        return;
    if ((increment < 0 && value < 0 && increment < LLONG_MIN - value)
        || (increment > 0 && value > 0 && increment > LLONG_MAX - value)) {
        c.reply().error("ERR increment or decrement would overflow");
        return;
    }
    value += increment;
    const QByteArray text = Numbers::fromLongLong(value);
    // createStringObjectFromLongLongForValue: a shared integer or an int, as SET would make.
    storeNumber(c, entry, text, Keyspace::encodingOf(text), "incrby");
    c.reply().integer(value);
}

void incrCommand(Connection &c)
{
    incrDecr(c, 1);
}

void decrCommand(Connection &c)
{
    incrDecr(c, -1);
}

void incrbyCommand(Connection &c)
{
    long long increment = 0;
    if (parseLongLong(c, c.arg(2), &increment))
        incrDecr(c, increment);
}

void decrbyCommand(Connection &c)
{
    long long decrement = 0;
    if (!parseLongLong(c, c.arg(2), &decrement))
        return;
    // -LLONG_MIN does not exist.
    if (decrement == LLONG_MIN) {
        c.reply().error("ERR decrement would overflow");
        return;
    }
    incrDecr(c, -decrement);
}

void incrbyfloatCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupStringWrite(c, c.arg(1), &entry))
        return;
    long double value = 0;
    long double increment = 0;
    if ((entry && !parseLongDouble(c, entry->string(), &value))
        || !parseLongDouble(c, c.arg(2), &increment))
        return;
    value += increment;
    if (std::isnan(value) || std::isinf(value)) {
        c.reply().error("ERR increment would produce NaN or Infinity");
        return;
    }
    const QByteArray text = Numbers::fromLongDouble(value);
    storeNumber(c, entry, text, Keyspace::createdEncoding(text.size()), "incrbyfloat");
    c.reply().bulk(text);
    // Logged by its result, as Redis does: float arithmetic may differ where it is replayed.
    c.propagateAs({ "SET", c.arg(1), text, "KEEPTTL" });
}

void appendCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupStringWrite(c, c.arg(1), &entry))
        return;
    if (!entry) {
        c.db().setString(c.arg(1), c.arg(2));
        notify(c, KeyspaceEvents::String, "append", c.arg(1));
        c.reply().integer(c.arg(2).size());
        return;
    }
    if (!checkStringLength(c, entry->string().size(), c.arg(2).size()))
        return;
    QByteArray &text = c.db().unshareString(entry); // even when appending nothing, as Redis does
    text.append(c.arg(2).data(), c.arg(2).size());
    c.db().signalModified(c.arg(1));
    notify(c, KeyspaceEvents::String, "append", c.arg(1));
    c.reply().integer(text.size());
}

void strlenCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (lookupStringRead(c, c.arg(1), &entry))
        c.reply().integer(entry ? entry->string().size() : 0);
}

void getrangeCommand(Connection &c)
{
    long long start = 0;
    long long end = 0;
    if (!parseLongLong(c, c.arg(2), &start) || !parseLongLong(c, c.arg(3), &end))
        return;
    KeyEntry *entry = nullptr;
    if (!lookupStringRead(c, c.arg(1), &entry))
        return;
    const long long length = entry ? entry->string().size() : 0;
    // Negative indexes count from the end; the range is then clamped to the string.
    if (start < 0 && end < 0 && start > end) {
        c.reply().bulk(QByteArrayView(""));
        return;
    }
    if (start < 0)
        start += length;
    if (end < 0)
        end += length;
    start = qMax(start, 0LL);
    end = qMax(end, 0LL);
    if (end >= length)
        end = length - 1;
    if (start > end || length == 0)
        c.reply().bulk(QByteArrayView(""));
    else
        c.reply().bulk(entry->string().sliced(start, end - start + 1));
}

// LCS: the longest common subsequence of two strings, as Redis's lcsCommand computes it (the
// same table and the same walk back through it, so that ties pick the same characters and
// ranges).
void lcsCommand(Connection &c)
{
    const KeyEntry *first = lookupRead(c, c.arg(1));
    const KeyEntry *second = lookupRead(c, c.arg(2));
    if ((first && first->type != ValueType::String)
        || (second && second->type != ValueType::String)) {
        c.reply().error("ERR The specified keys must contain string values");
        return;
    }
    const QByteArray a = first ? first->string().toByteArray() : QByteArray();
    const QByteArray b = second ? second->string().toByteArray() : QByteArray();

    bool wantIdx = false;
    bool wantLen = false;
    bool withMatchLen = false;
    long long minMatchLen = 0;
    for (qsizetype j = 3; j < c.argc(); ++j) {
        const QByteArrayView option = c.arg(j);
        if (argIs(option, "IDX")) {
            wantIdx = true;
        } else if (argIs(option, "LEN")) {
            wantLen = true;
        } else if (argIs(option, "WITHMATCHLEN")) {
            withMatchLen = true;
        } else if (argIs(option, "MINMATCHLEN") && j + 1 < c.argc()) {
            if (!parseLongLong(c, c.arg(++j), &minMatchLen))
                return;
            minMatchLen = qMax(minMatchLen, 0LL);
        } else {
            replySyntaxError(c);
            return;
        }
    }
    if (wantIdx && wantLen) {
        c.reply().error("ERR If you want both the length and indexes, please just use IDX.");
        return;
    }
    if (a.size() >= qsizetype(UINT32_MAX - 1) || b.size() >= qsizetype(UINT32_MAX - 1)) {
        c.reply().error("ERR String too long for LCS");
        return;
    }
    const auto aLength = quint32(a.size());
    const auto bLength = quint32(b.size());
    // The table is transient but may be huge: Redis caps it at proto-max-bulk-len bytes.
    const quint64 cells = quint64(aLength + 1) * quint64(bLength + 1);
    if (cells > quint64(c.server().config().protoMaxBulkLength) / sizeof(quint32)) {
        c.reply().error("ERR Insufficient memory, transient memory for LCS exceeds "
                        "proto-max-bulk-len");
        return;
    }
    std::unique_ptr<quint32[]> table(new (std::nothrow) quint32[cells]);
    if (!table) {
        c.reply().error("ERR Insufficient memory, failed allocating transient memory for LCS");
        return;
    }
    // lcs(i, j): the LCS length of a's first i bytes and b's first j bytes.
    auto lcs = [&](quint32 i, quint32 j) -> quint32 & {
        return table[j + quint64(i) * (bLength + 1)];
    };
    for (quint32 i = 0; i <= aLength; ++i) {
        for (quint32 j = 0; j <= bLength; ++j) {
            if (i == 0 || j == 0)
                lcs(i, j) = 0;
            else if (a[i - 1] == b[j - 1])
                lcs(i, j) = lcs(i - 1, j - 1) + 1;
            else
                lcs(i, j) = qMax(lcs(i - 1, j), lcs(i, j - 1));
        }
    }
    const quint32 length = lcs(aLength, bLength);
    if (wantLen) {
        c.reply().integer(length);
        return;
    }

    // Walk back from the end, collecting the common bytes and the ranges of contiguous
    // matches (aStart == aLength: no range open).
    struct Match
    {
        quint32 aStart, aEnd, bStart, bEnd;
    };
    std::vector<Match> matches;
    QByteArray common(qsizetype(length), Qt::Uninitialized);
    Match range { aLength, 0, 0, 0 };
    for (quint32 i = aLength, j = bLength, index = length; i > 0 && j > 0;) {
        bool closeRange = false;
        if (a[i - 1] == b[j - 1]) {
            common[--index] = a[i - 1];
            if (range.aStart == aLength) {
                range = { i - 1, i - 1, j - 1, j - 1 };
            } else if (range.aStart == i && range.bStart == j) {
                --range.aStart;
                --range.bStart;
            } else {
                closeRange = true;
            }
            closeRange = closeRange || range.aStart == 0 || range.bStart == 0;
            --i;
            --j;
        } else {
            if (lcs(i - 1, j) > lcs(i, j - 1))
                --i;
            else
                --j;
            closeRange = range.aStart != aLength;
        }
        if (closeRange) {
            if (range.aEnd - range.aStart + 1 >= minMatchLen)
                matches.push_back(range);
            range.aStart = aLength;
        }
    }
    if (!wantIdx) {
        c.reply().bulk(common);
        return;
    }
    c.reply().mapHeader(2);
    c.reply().bulk("matches");
    c.reply().arrayHeader(qsizetype(matches.size()));
    for (const Match &match : matches) {
        c.reply().arrayHeader(withMatchLen ? 3 : 2);
        c.reply().arrayHeader(2);
        c.reply().integer(match.aStart);
        c.reply().integer(match.aEnd);
        c.reply().arrayHeader(2);
        c.reply().integer(match.bStart);
        c.reply().integer(match.bEnd);
        if (withMatchLen)
            c.reply().integer(match.aEnd - match.aStart + 1);
    }
    c.reply().bulk("len");
    c.reply().integer(length);
}

void setrangeCommand(Connection &c)
{
    long long offset = 0;
    if (!parseLongLong(c, c.arg(2), &offset))
        return;
    if (offset < 0) {
        c.reply().error("ERR offset is out of range");
        return;
    }
    const QByteArrayView value = c.arg(3);
    KeyEntry *entry = nullptr;
    if (!lookupStringWrite(c, c.arg(1), &entry))
        return;
    if (value.isEmpty()) {
        // Setting nothing creates nothing and changes nothing.
        c.reply().integer(entry ? entry->string().size() : 0);
        return;
    }
    if (!checkStringLength(c, offset, value.size()))
        return;
    if (!entry)
        entry = c.db().setString(c.arg(1), QByteArrayView());
    QByteArray &text = c.db().unshareString(entry);
    if (text.size() < offset + value.size())
        text.append(QByteArray(qsizetype(offset + value.size()) - text.size(), '\0'));
    std::memcpy(text.data() + offset, value.data(), size_t(value.size()));
    c.db().signalModified(c.arg(1));
    notify(c, KeyspaceEvents::String, "setrange", c.arg(1));
    c.reply().integer(text.size());
}

} // namespace

void registerStringCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Str = AclCategory::String;
    table.add(Command { "set", -3, Write | DenyOom, setCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Access | Update | VariableFlags, 1, 0, 1, 0,
                "RW and ACCESS due to the optional `GET` argument" } }));
    table.add(Command { "setnx", 3, Write | DenyOom | Fast, setnxCommand, 1, 1, 1 }.acl(Str).keys(
            { { OW | Insert, 1 } }));
    table.add(Command { "setex", 4, Write | DenyOom, setexCommand, 1, 1, 1 }.acl(Str).keys(
            { { OW | Update, 1 } }));
    table.add(Command { "psetex", 4, Write | DenyOom, psetexCommand, 1, 1, 1 }.acl(Str).keys(
            { { OW | Update, 1 } }));
    table.add(Command { "get", 2, ReadOnly | Fast, getCommand, 1, 1, 1 }.acl(Str).keys(
            { { RO | Access, 1 } }));
    table.add(Command { "getset", 3, Write | DenyOom | Fast, getsetCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Access | Update, 1 } }));
    table.add(Command { "getdel", 2, Write | Fast, getdelCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Access | Delete, 1 } }));
    table.add(Command { "getex", -2, Write | Fast, getexCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Access | Update, 1, 0, 1, 0, "RW and UPDATE because it changes the TTL" } }));
    table.add(Command { "mget", -2, ReadOnly | Fast, mgetCommand, 1, -1, 1 }
                      .acl(Str)
                      .keys({ { RO | Access, 1, -1 } })
                      .withTips({ "request_policy:multi_shard" }));
    table.add(Command { "mset", -3, Write | DenyOom, msetCommand, 1, -1, 2 }
                      .acl(Str)
                      .keys({ { OW | Update, 1, -1, 2 } })
                      .withTips({ "request_policy:multi_shard", "response_policy:all_succeeded" }));
    table.add(Command { "msetnx", -3, Write | DenyOom, msetnxCommand, 1, -1, 2 }
                      .acl(Str)
                      .keys({ { OW | Insert, 1, -1, 2 } })
                      .withTips({ "request_policy:multi_shard", "response_policy:agg_min" }));
    table.add(Command { "incr", 2, Write | DenyOom | Fast, incrCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Access | Update, 1 } }));
    table.add(Command { "decr", 2, Write | DenyOom | Fast, decrCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Access | Update, 1 } }));
    table.add(Command { "incrby", 3, Write | DenyOom | Fast, incrbyCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Access | Update, 1 } }));
    table.add(Command { "decrby", 3, Write | DenyOom | Fast, decrbyCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Access | Update, 1 } }));
    table.add(Command { "incrbyfloat", 3, Write | DenyOom | Fast, incrbyfloatCommand, 1, 1, 1 }
                      .acl(Str)
                      .keys({ { RW | Access | Update, 1 } }));
    table.add(Command { "append", 3, Write | DenyOom | Fast, appendCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Insert, 1 } }));
    table.add(Command { "strlen", 2, ReadOnly | Fast, strlenCommand, 1, 1, 1 }.acl(Str).keys(
            { { RO, 1 } }));
    table.add(Command { "getrange", 4, ReadOnly, getrangeCommand, 1, 1, 1 }.acl(Str).keys(
            { { RO | Access, 1 } }));
    // SUBSTR is GETRANGE's old name, kept by Redis with its own row.
    table.add(Command { "substr", 4, ReadOnly, getrangeCommand, 1, 1, 1 }.acl(Str).keys(
            { { RO | Access, 1 } }));
    table.add(Command { "lcs", -3, ReadOnly, lcsCommand, 1, 2, 1 }.acl(Str).keys(
            { { RO | Access, 1, 1 } }));
    table.add(Command { "setrange", 4, Write | DenyOom, setrangeCommand, 1, 1, 1 }.acl(Str).keys(
            { { RW | Update, 1 } }));
}
