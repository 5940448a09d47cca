// Hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HDEL HEXISTS HLEN HSTRLEN
// HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN (Redis's t_hash.c).
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "scanutil.h"
#include "store/hashvalue.h"
#include "store/keyspace.h"

#include <climits>
#include <cmath>
#include <memory>

using namespace CommandUtil;

namespace {

HashValue::Limits limitsOf(const Connection &c)
{
    const ServerConfig &config = c.server().config();
    return { config.hashMaxListpackEntries, config.hashMaxListpackValue };
}

// The hash at argument 1 for reading: false after replying WRONGTYPE; *hash is nullptr when
// the key is missing.
bool lookupHashRead(Connection &c, HashValue **hash)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::Hash, &entry))
        return false;
    *hash = entry ? entry->as<HashValue>() : nullptr;
    return true;
}

// Redis's hashTypeLookupWriteOrCreate: the hash at argument 1, created empty when missing
// (a created hash always gets its field: no caller can fail after creating it); nullptr
// after replying WRONGTYPE.
HashValue *lookupWriteOrCreate(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::Hash, &entry))
        return nullptr;
    if (!entry)
        entry = c.db().setObject(c.arg(1), ValueType::Hash, std::make_unique<HashValue>());
    return entry->as<HashValue>();
}

// HSET and HMSET (Redis's hsetCommand): field/value pairs; HSET replies how many fields were
// added, HMSET +OK.
void hsetGeneric(Connection &c, bool countAdded)
{
    if (c.argc() % 2 == 1) {
        c.reply().error("ERR wrong number of arguments for '" + c.commandName() + "' command");
        return;
    }
    const quint64 changesBefore = c.db().changes();
    HashValue *hash = lookupWriteOrCreate(c);
    if (!hash)
        return;
    const HashValue::Limits limits = limitsOf(c);
    const QByteArrayView *args = c.args().data();
    hash->prepareWrite(args + 2, args + c.argc(), limits);
    qsizetype added = 0;
    for (qsizetype j = 2; j < c.argc(); j += 2)
        added += hash->set(c.arg(j), c.arg(j + 1), limits);
    c.db().signalModified(c.arg(1));
    KeyspaceEvents::notify(c, KeyspaceEvents::Hash, "hset", c.arg(1));
    c.db().countChangesSince(changesBefore, quint64((c.argc() - 2) / 2));
    if (countAdded)
        c.reply().integer(added);
    else
        c.reply().ok();
}

void hsetCommand(Connection &c)
{
    hsetGeneric(c, true);
}

void hmsetCommand(Connection &c)
{
    hsetGeneric(c, false);
}

void hsetnxCommand(Connection &c)
{
    HashValue *hash = lookupWriteOrCreate(c);
    if (!hash)
        return;
    if (hash->contains(c.arg(2))) {
        c.reply().integer(0);
        return;
    }
    const HashValue::Limits limits = limitsOf(c);
    const QByteArrayView *args = c.args().data();
    hash->prepareWrite(args + 2, args + 4, limits);
    hash->set(c.arg(2), c.arg(3), limits);
    c.db().signalModified(c.arg(1));
    KeyspaceEvents::notify(c, KeyspaceEvents::Hash, "hset", c.arg(1));
    c.reply().integer(1);
}

// Redis's addHashFieldToReply: the value as a bulk string, or a null when hash or field is
// missing.
void replyField(Connection &c, HashValue *hash, QByteArrayView field)
{
    HashValue::Value value;
    if (!hash || !hash->get(field, &value)) {
        c.reply().null();
        return;
    }
    char buffer[24];
    c.reply().bulk(value.text(buffer));
}

void hgetCommand(Connection &c)
{
    HashValue *hash = nullptr;
    if (lookupHashRead(c, &hash))
        replyField(c, hash, c.arg(2));
}

void hmgetCommand(Connection &c)
{
    HashValue *hash = nullptr;
    if (!lookupHashRead(c, &hash))
        return;
    c.reply().arrayHeader(c.argc() - 2);
    for (qsizetype j = 2; j < c.argc(); ++j)
        replyField(c, hash, c.arg(j));
}

// HGETALL (a map of fields to values), HKEYS and HVALS (arrays): Redis's
// genericHgetallCommand.
void hgetallGeneric(Connection &c, bool fields, bool values)
{
    HashValue *hash = nullptr;
    if (!lookupHashRead(c, &hash))
        return;
    const qsizetype length = hash ? hash->length() : 0;
    if (fields && values)
        c.reply().mapHeader(length);
    else
        c.reply().arrayHeader(length);
    if (!hash)
        return;
    hash->forEach([&](QByteArrayView field, QByteArrayView value) {
        if (fields)
            c.reply().bulk(field);
        if (values)
            c.reply().bulk(value);
    });
}

void hgetallCommand(Connection &c)
{
    hgetallGeneric(c, true, true);
}

void hkeysCommand(Connection &c)
{
    hgetallGeneric(c, true, false);
}

void hvalsCommand(Connection &c)
{
    hgetallGeneric(c, false, true);
}

void hdelCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::Hash, &entry))
        return;
    qsizetype deleted = 0;
    if (entry) {
        const quint64 changesBefore = c.db().changes();
        HashValue *hash = entry->as<HashValue>();
        for (qsizetype j = 2; j < c.argc(); ++j) {
            if (!hash->remove(c.arg(j)))
                continue;
            ++deleted;
            if (hash->length() == 0)
                break;
        }
        const bool emptied = hash->length() == 0;
        if (emptied)
            c.db().remove(c.arg(1));
        else if (deleted)
            c.db().signalModified(c.arg(1));
        if (deleted)
            KeyspaceEvents::notify(c, KeyspaceEvents::Hash, "hdel", c.arg(1));
        if (emptied)
            KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", c.arg(1));
        c.db().countChangesSince(changesBefore, quint64(deleted));
    }
    c.reply().integer(deleted);
}

void hlenCommand(Connection &c)
{
    HashValue *hash = nullptr;
    if (lookupHashRead(c, &hash))
        c.reply().integer(hash ? hash->length() : 0);
}

void hexistsCommand(Connection &c)
{
    HashValue *hash = nullptr;
    if (lookupHashRead(c, &hash))
        c.reply().integer(hash && hash->contains(c.arg(2)) ? 1 : 0);
}

void hstrlenCommand(Connection &c)
{
    HashValue *hash = nullptr;
    if (!lookupHashRead(c, &hash))
        return;
    HashValue::Value value;
    char buffer[24];
    // An integer kept by the listpack counts its digits, as Redis's sdigits10.
    c.reply().integer(hash && hash->get(c.arg(2), &value) ? value.text(buffer).size() : 0);
}

void hincrbyCommand(Connection &c)
{
    long long increment = 0;
    if (!parseLongLong(c, c.arg(3), &increment))
        return;
    HashValue *hash = lookupWriteOrCreate(c);
    if (!hash)
        return;
    long long value = 0;
    HashValue::Value current;
    if (hash->get(c.arg(2), &current) && !current.toLongLong(&value)) {
        c.reply().error("ERR hash value is not an integer");
        return;
    }
    if ((increment < 0 && value < 0 && increment < LLONG_MIN - value)
        || (increment > 0 && value > 0 && increment > LLONG_MAX - value)) {
        c.reply().error("ERR increment or decrement would overflow");
        return;
    }
    value += increment;
    hash->set(c.arg(2), Numbers::fromLongLong(value), limitsOf(c));
    c.db().signalModified(c.arg(1));
    KeyspaceEvents::notify(c, KeyspaceEvents::Hash, "hincrby", c.arg(1));
    c.reply().integer(value);
}

void hincrbyfloatCommand(Connection &c)
{
    long double increment = 0;
    if (!parseLongDouble(c, c.arg(3), &increment))
        return;
    if (std::isnan(increment) || std::isinf(increment)) {
        c.reply().error("ERR value is NaN or Infinity");
        return;
    }
    HashValue *hash = lookupWriteOrCreate(c);
    if (!hash)
        return;
    long double value = 0;
    HashValue::Value current;
    if (hash->get(c.arg(2), &current)) {
        if (current.isInteger)
            value = static_cast<long double>(current.integer);
        else if (!Numbers::toLongDouble(current.string, &value)) {
            c.reply().error("ERR hash value is not a float");
            return;
        }
    }
    value += increment;
    if (std::isnan(value) || std::isinf(value)) {
        c.reply().error("ERR increment would produce NaN or Infinity");
        return;
    }
    const QByteArray text = Numbers::fromLongDouble(value);
    hash->set(c.arg(2), text, limitsOf(c));
    c.db().signalModified(c.arg(1));
    KeyspaceEvents::notify(c, KeyspaceEvents::Hash, "hincrbyfloat", c.arg(1));
    // Logged by its result, as Redis does: float arithmetic may differ where it is replayed.
    c.propagateAs({ "HSET", c.arg(1), c.arg(2), text });
    c.reply().bulk(text);
}

// HRANDFIELD key count [WITHVALUES] (Redis's hrandfieldWithCountCommand). A negative count
// allows repeats; a positive one asks for distinct fields, the whole hash (in order) when it
// has no more than count. With values, RESP2 gets a flat array and RESP3 an array of pairs.
void hrandfieldWithCount(Connection &c, long long count, bool withValues)
{
    HashValue *hash = nullptr;
    if (!lookupHashRead(c, &hash))
        return;
    if (!hash || count == 0) {
        c.reply().arrayHeader(0);
        return;
    }
    const bool pairs = withValues && c.protocol() >= 3;
    const qsizetype perElement = withValues && !pairs ? 2 : 1;
    auto replyPair = [&](QByteArrayView field, QByteArrayView value) {
        if (pairs)
            c.reply().arrayHeader(2);
        c.reply().bulk(field);
        if (withValues)
            c.reply().bulk(value);
    };
    if (count < 0 || count == 1) {
        const quint64 picks = count < 0 ? quint64(-count) : 1;
        c.reply().arrayHeader(qsizetype(picks) * perElement);
        hash->visitRandomPairs(picks, replyPair);
        return;
    }
    const qsizetype size = hash->length();
    if (count >= size) {
        c.reply().arrayHeader(size * perElement);
        hash->forEach(replyPair);
        return;
    }
    c.reply().arrayHeader(qsizetype(count) * perElement);
    hash->visitRandomUniquePairs(qsizetype(count), replyPair);
}

void hrandfieldCommand(Connection &c)
{
    if (c.argc() >= 3) {
        long long count = 0;
        bool withValues = false;
        if (!parseRandomCount(c, "WITHVALUES", &count, &withValues))
            return;
        hrandfieldWithCount(c, count, withValues);
        return;
    }
    HashValue *hash = nullptr;
    if (!lookupHashRead(c, &hash))
        return;
    if (!hash) {
        c.reply().null();
        return;
    }
    hash->visitRandomPairs(1, [&](QByteArrayView field, QByteArrayView) { c.reply().bulk(field); });
}

void hscanCommand(Connection &c)
{
    quint64 cursor = 0;
    KeyEntry *entry = nullptr;
    ScanUtil::Options options;
    if (!ScanUtil::startKeyScan(c, ValueType::Hash, &cursor, &entry, &options))
        return;
    const HashValue *hash = entry->as<HashValue>();
    QByteArrayList items;
    auto collect = [&](QByteArrayView field, QByteArrayView value) {
        items.append(field.toByteArray());
        items.append(value.toByteArray());
    };
    // Redis doubles COUNT for a hash table ("we return key / value for this type"): it counts
    // fields and values alike.
    const long long count = options.count > LLONG_MAX / 2 ? LLONG_MAX : options.count * 2;
    cursor = ScanUtil::scanBuckets(cursor, count, items,
                                   [&](quint64 at) { return hash->scan(at, collect); });
    ScanUtil::reply(c, cursor, ScanUtil::filter(items, options, true));
}

} // namespace

void registerHashCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 H = AclCategory::Hash;
    const std::vector<KeySpec> read { { RO | Access, 1 } };
    const std::vector<KeySpec> readMeta { { RO, 1 } };
    const std::vector<KeySpec> update { { RW | Update, 1 } };
    const std::vector<KeySpec> increment { { RW | Access | Update, 1 } };
    const char *unordered = "nondeterministic_output_order";
    const char *random = "nondeterministic_output";
    table.add(Command { "hset", -4, Write | DenyOom | Fast, hsetCommand, 1, 1, 1 }.acl(H).keys(
            update));
    table.add(Command { "hsetnx", 4, Write | DenyOom | Fast, hsetnxCommand, 1, 1, 1 }.acl(H).keys(
            { { RW | Insert, 1 } }));
    table.add(Command { "hmset", -4, Write | DenyOom | Fast, hmsetCommand, 1, 1, 1 }.acl(H).keys(
            update));
    table.add(Command { "hget", 3, ReadOnly | Fast, hgetCommand, 1, 1, 1 }.acl(H).keys(read));
    table.add(Command { "hmget", -3, ReadOnly | Fast, hmgetCommand, 1, 1, 1 }.acl(H).keys(read));
    table.add(
            Command { "hgetall", 2, ReadOnly, hgetallCommand, 1, 1, 1 }.acl(H).keys(read).withTips(
                    { unordered }));
    table.add(Command { "hkeys", 2, ReadOnly, hkeysCommand, 1, 1, 1 }.acl(H).keys(read).withTips(
            { unordered }));
    table.add(Command { "hvals", 2, ReadOnly, hvalsCommand, 1, 1, 1 }.acl(H).keys(read).withTips(
            { unordered }));
    table.add(Command { "hdel", -3, Write | Fast, hdelCommand, 1, 1, 1 }.acl(H).keys(
            { { RW | Delete, 1 } }));
    table.add(Command { "hexists", 3, ReadOnly | Fast, hexistsCommand, 1, 1, 1 }.acl(H).keys(
            readMeta));
    table.add(Command { "hlen", 2, ReadOnly | Fast, hlenCommand, 1, 1, 1 }.acl(H).keys(readMeta));
    table.add(Command { "hstrlen", 3, ReadOnly | Fast, hstrlenCommand, 1, 1, 1 }.acl(H).keys(
            readMeta));
    table.add(Command { "hincrby", 4, Write | DenyOom | Fast, hincrbyCommand, 1, 1, 1 }.acl(H).keys(
            increment));
    table.add(Command { "hincrbyfloat", 4, Write | DenyOom | Fast, hincrbyfloatCommand, 1, 1, 1 }
                      .acl(H)
                      .keys(increment));
    table.add(Command { "hrandfield", -2, ReadOnly, hrandfieldCommand, 1, 1, 1 }
                      .acl(H)
                      .keys(read)
                      .withTips({ random }));
    table.add(Command { "hscan", -3, ReadOnly, hscanCommand, 1, 1, 1 }.acl(H).keys(read).withTips(
            { random }));
}
