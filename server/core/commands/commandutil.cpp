#include "commandutil.h"

#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "store/keyspace.h"

#include <climits>
#include <cmath>

namespace CommandUtil {

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), b.data(), size_t(a.size())) == 0;
}

QByteArrayView cString(QByteArrayView arg)
{
    const qsizetype nul = arg.indexOf('\0');
    return nul < 0 ? arg : arg.first(nul);
}

bool argIs(QByteArrayView arg, const char *option)
{
    return equalsIgnoreCase(cString(arg), QByteArrayView(option));
}

bool parseLongLong(Connection &c, QByteArrayView text, long long *value)
{
    if (Numbers::toLongLong(text, value))
        return true;
    c.reply().error("ERR value is not an integer or out of range");
    return false;
}

bool parseLongLongInRange(Connection &c, QByteArrayView text, long long min, long long max,
                          const QByteArray &error, long long *value)
{
    if (!parseLongLong(c, text, value))
        return false;
    if (*value < min || *value > max) {
        c.reply().error(error);
        return false;
    }
    return true;
}

bool parseRangeOrReply(Connection &c, QByteArrayView text, long long min, long long max,
                       const char *error, long long *value)
{
    if (Numbers::toLongLong(text, value) && *value >= min && *value <= max)
        return true;
    c.reply().error("ERR " + QByteArray(error));
    return false;
}

bool parseInt(Connection &c, QByteArrayView text, int *value, const char *error)
{
    long long parsed = 0;
    if (!Numbers::toLongLong(text, &parsed)) {
        c.reply().error("ERR "
                        + QByteArray(error ? error : "value is not an integer or out of range"));
        return false;
    }
    if (parsed < INT_MIN || parsed > INT_MAX) {
        c.reply().error(error ? "ERR " + QByteArray(error)
                              : QByteArrayLiteral("ERR value is out of range, value must between "
                                                  "-2147483648 and 2147483647"));
        return false;
    }
    *value = int(parsed);
    return true;
}

bool parseLongDouble(Connection &c, QByteArrayView text, long double *value)
{
    if (Numbers::toLongDouble(text, value))
        return true;
    c.reply().error("ERR value is not a valid float");
    return false;
}

bool parseDbIndex(Connection &c, QByteArrayView text, int *index)
{
    if (!parseInt(c, text, index))
        return false;
    if (*index < 0 || *index >= c.server().databaseCount()) {
        c.reply().error("ERR DB index is out of range");
        return false;
    }
    return true;
}

KeyEntry *lookupReadNoTouch(Connection &c, QByteArrayView key)
{
    KeyEntry *entry = c.db().find(key, c.now());
    if (entry) {
        ++c.server().stats().keyspaceHits;
    } else {
        ++c.server().stats().keyspaceMisses;
        KeyspaceEvents::notify(c, KeyspaceEvents::KeyMiss, "keymiss", key);
    }
    return entry;
}

KeyEntry *lookupRead(Connection &c, QByteArrayView key)
{
    KeyEntry *entry = lookupReadNoTouch(c, key);
    if (entry)
        c.db().touch(entry);
    return entry;
}

KeyEntry *lookupWrite(Connection &c, QByteArrayView key)
{
    KeyEntry *entry = c.db().find(key, c.now());
    if (entry)
        c.db().touch(entry);
    return entry;
}

namespace {

bool typeOrReply(Connection &c, KeyEntry *found, ValueType type, KeyEntry **entry)
{
    if (found && found->type != type) {
        replyWrongType(c);
        return false;
    }
    *entry = found;
    return true;
}

} // namespace

bool lookupTypedRead(Connection &c, QByteArrayView key, ValueType type, KeyEntry **entry)
{
    return typeOrReply(c, lookupRead(c, key), type, entry);
}

bool lookupTypedWrite(Connection &c, QByteArrayView key, ValueType type, KeyEntry **entry)
{
    return typeOrReply(c, lookupWrite(c, key), type, entry);
}

bool lookupStringRead(Connection &c, QByteArrayView key, KeyEntry **entry)
{
    return lookupTypedRead(c, key, ValueType::String, entry);
}

bool lookupStringWrite(Connection &c, QByteArrayView key, KeyEntry **entry)
{
    return lookupTypedWrite(c, key, ValueType::String, entry);
}

bool checkStringLength(Connection &c, qint64 size, qint64 append)
{
    // Unsigned addition, as Redis does, so that an overflow shows as a smaller total.
    const qint64 total = qint64(quint64(size) + quint64(append));
    if (total > c.server().config().protoMaxBulkLength || total < size || total < append) {
        c.reply().error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return false;
    }
    return true;
}

void replyInvalidExpireTime(Connection &c)
{
    c.reply().error("ERR invalid expire time in '" + c.commandName() + "' command");
}

bool expireTimeOrReply(Connection &c, QByteArrayView text, bool seconds, bool relative, qint64 *at)
{
    long long value = 0;
    if (!parseLongLong(c, text, &value))
        return false;
    if (value <= 0 || (seconds && value > LLONG_MAX / 1000)) {
        replyInvalidExpireTime(c);
        return false;
    }
    if (seconds)
        value *= 1000;
    if (relative) {
        // Redis adds with wrap-around and rejects a result <= 0; the same without the UB.
        if (value > LLONG_MAX - c.now()) {
            replyInvalidExpireTime(c);
            return false;
        }
        value += c.now();
    }
    *at = value;
    return true;
}

namespace {

// The tail of both timeout parsers: milliseconds from now to an absolute time, 0 staying 0.
bool absoluteTimeoutOrReply(Connection &c, long long ms, qint64 *timeoutAt)
{
    if (ms < 0) {
        c.reply().error("ERR timeout is negative");
        return false;
    }
    // A sum past LLONG_MAX wraps negative in Redis: a blocked client is never timed out, and
    // a pause ends at once. 0 means both here.
    *timeoutAt = ms == 0 || ms > LLONG_MAX - c.now() ? 0 : ms + c.now();
    return true;
}

} // namespace

bool parseBlockTimeout(Connection &c, QByteArrayView text, qint64 *timeoutAt)
{
    long double seconds = 0;
    if (!Numbers::toLongDouble(text, &seconds)) {
        c.reply().error("ERR timeout is not a float or out of range");
        return false;
    }
    // Redis converts with a plain cast: what does not fit a long long becomes LLONG_MIN on
    // x86 (so 1e100 and inf are "negative"), and -0.5 ms rounds up to 0, waiting for ever.
    const long double ms = std::ceil(seconds * 1000);
    const long long value = ms >= -9223372036854775808.0L && ms < 9223372036854775808.0L
            ? static_cast<long long>(ms)
            : LLONG_MIN;
    return absoluteTimeoutOrReply(c, value, timeoutAt);
}

bool parseMillisecondTimeout(Connection &c, QByteArrayView text, qint64 *timeoutAt)
{
    long long value = 0;
    if (!Numbers::toLongLong(text, &value)) {
        c.reply().error("ERR timeout is not an integer or out of range");
        return false;
    }
    return absoluteTimeoutOrReply(c, value, timeoutAt);
}

void replySyntaxError(Connection &c)
{
    c.reply().error("ERR syntax error");
}

void storeResult(Connection &c, QByteArrayView destination, ValueType type,
                 std::unique_ptr<Aggregate> result, int eventClass, const char *event)
{
    if (result) {
        c.db().setObject(destination, type, std::move(result));
        KeyspaceEvents::notify(c, eventClass, event, destination);
    } else if (c.db().remove(destination)) {
        KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", destination);
    }
}

void replySubcommandSyntaxError(Connection &c)
{
    const QByteArrayView sub = cString(c.arg(1));
    c.reply().error("ERR unknown subcommand or wrong number of arguments for '"
                    + sub.first(qMin(sub.size(), qsizetype(128))).toByteArray() + "'. Try "
                    + cString(c.arg(0)).toByteArray().toUpper() + " HELP.");
}

void replyHelp(Connection &c, const char *command, std::initializer_list<const char *> lines)
{
    ReplyWriter &r = c.reply();
    r.arrayHeader(qsizetype(lines.size()) + 3);
    r.simple(QByteArray(QByteArray(command)
                        + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    for (const char *line : lines)
        r.simple(line);
    r.simple("HELP");
    r.simple("    Prints this help.");
}

void replyWrongType(Connection &c)
{
    c.reply().error("WRONGTYPE Operation against a key holding the wrong kind of value");
}

bool findFirstOfType(Connection &c, qsizetype firstKey, long long numkeys, ValueType type,
                     qsizetype *keyIndex, KeyEntry **entry)
{
    for (qsizetype j = firstKey; j < firstKey + numkeys; ++j) {
        if (!lookupTypedWrite(c, c.arg(j), type, entry))
            return false;
        if (*entry) {
            *keyIndex = j;
            return true;
        }
    }
    return true;
}

bool parseRandomCount(Connection &c, const char *withWord, long long *count, bool *with)
{
    if (!parseLongLongInRange(c, c.arg(2), -LLONG_MAX, LLONG_MAX,
                              "ERR value is out of range, value must between "
                              "-9223372036854775807 and 9223372036854775807",
                              count))
        return false;
    if (c.argc() > 4 || (c.argc() == 4 && !argIs(c.arg(3), withWord))) {
        replySyntaxError(c);
        return false;
    }
    *with = c.argc() == 4;
    if (*with && (*count < -LLONG_MAX / 2 || *count > LLONG_MAX / 2)) {
        c.reply().error("ERR value is out of range");
        return false;
    }
    return true;
}

bool parseMpopNumkeys(Connection &c, qsizetype numkeysIndex, long long *numkeys)
{
    if (!parseRangeOrReply(c, c.arg(numkeysIndex), 1, LLONG_MAX, "numkeys should be greater than 0",
                           numkeys))
        return false;
    if (*numkeys >= c.argc() - numkeysIndex - 1) {
        replySyntaxError(c);
        return false;
    }
    return true;
}

bool parseMpopCount(Connection &c, qsizetype from, long long *count)
{
    *count = -1;
    for (qsizetype j = from; j < c.argc(); ++j) {
        if (*count == -1 && argIs(c.arg(j), "COUNT") && j + 1 < c.argc()) {
            if (!parseRangeOrReply(c, c.arg(++j), 1, LLONG_MAX, "count should be greater than 0",
                                   count))
                return false;
        } else {
            replySyntaxError(c);
            return false;
        }
    }
    if (*count == -1)
        *count = 1;
    return true;
}

} // namespace CommandUtil
