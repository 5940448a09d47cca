// Keyspace commands: whole keys and databases, whatever their type.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "pubsub/keyspaceevents.h"
#include "scanutil.h"
#include "store/globmatch.h"
#include "store/keyspace.h"

#include <climits>

using namespace CommandUtil;

namespace {

// DEL and UNLINK: each existing key counts once, however often it is named.
void delGeneric(Connection &c, Deletion reason)
{
    long long deleted = 0;
    for (qsizetype j = 1; j < c.argc(); ++j) {
        // find() first so that an expired key counts as missing, not deleted.
        if (lookupWrite(c, c.arg(j)) && c.db().remove(c.arg(j), reason)) {
            KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", c.arg(j));
            ++deleted;
        }
    }
    c.reply().integer(deleted);
}

void delCommand(Connection &c)
{
    delGeneric(c, Deletion::User);
}

void unlinkCommand(Connection &c)
{
    delGeneric(c, Deletion::Unlink);
}

// EXISTS and TOUCH: repeated keys count each time; only TOUCH is an access (as in Redis,
// where EXISTS looks up with LOOKUP_NOTOUCH).
void existsGeneric(Connection &c, bool touch)
{
    long long count = 0;
    for (qsizetype j = 1; j < c.argc(); ++j) {
        if (touch ? lookupRead(c, c.arg(j)) : lookupReadNoTouch(c, c.arg(j)))
            ++count;
    }
    c.reply().integer(count);
}

void existsCommand(Connection &c)
{
    existsGeneric(c, false);
}

void touchCommand(Connection &c)
{
    existsGeneric(c, true);
}

void typeCommand(Connection &c)
{
    const KeyEntry *entry = lookupReadNoTouch(c, c.arg(1));
    c.reply().simple(entry ? typeName(entry->type) : QByteArrayLiteral("none"));
}

// RENAME and RENAMENX (Redis's renameGenericCommand).
void renameGeneric(Connection &c, bool nx)
{
    const QByteArrayView from = c.arg(1);
    const QByteArrayView to = c.arg(2);
    if (!lookupWrite(c, from)) {
        c.reply().error("ERR no such key");
        return;
    }
    if (from == to) {
        if (nx)
            c.reply().integer(0);
        else
            c.reply().ok();
        return;
    }
    if (nx && lookupWrite(c, to)) {
        c.reply().integer(0);
        return;
    }
    lookupWrite(c, to); // an expired destination is deleted (and counted) first
    c.db().rename(from, to);
    KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "rename_from", from);
    KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "rename_to", to);
    if (nx)
        c.reply().integer(1);
    else
        c.reply().ok();
}

void renameCommand(Connection &c)
{
    renameGeneric(c, false);
}

void renamenxCommand(Connection &c)
{
    renameGeneric(c, true);
}

void keysCommand(Connection &c)
{
    const QByteArrayView pattern = c.arg(1);
    const bool all = pattern == "*";
    const qint64 now = c.now();
    QByteArrayList keys;
    // Expired keys are skipped, not deleted, so that KEYS does not modify while it iterates.
    c.db().forEach([&](const KeyEntry &entry) {
        if (entry.isExpired(now))
            return;
        if (all || globMatch(pattern, entry.key()))
            keys.append(entry.key().toByteArray());
    });
    c.reply().arrayHeader(keys.size());
    for (const QByteArray &key : std::as_const(keys))
        c.reply().bulk(key);
}

void scanCommand(Connection &c)
{
    quint64 cursor = 0;
    ScanUtil::Options options;
    if (!ScanUtil::parseCursor(c, c.arg(1), &cursor)
        || !ScanUtil::parseOptions(c, 2, true, &options))
        return;
    QByteArrayList keys;
    cursor = ScanUtil::scanBuckets(cursor, options.count, keys, [&](quint64 at) {
        return c.db().scan(at,
                           [&](const KeyEntry &entry) { keys.append(entry.key().toByteArray()); });
    });
    QByteArrayList kept;
    for (const QByteArray &key : std::as_const(keys)) {
        if (!ScanUtil::matches(options, key))
            continue;
        // Expired keys are filtered out and deleted, as Redis does; listing is not an access.
        const KeyEntry *entry = c.db().find(key, c.now());
        if (!entry)
            continue;
        if (options.hasType && !equalsIgnoreCase(typeName(entry->type), options.type))
            continue;
        kept.append(key);
    }
    ScanUtil::reply(c, cursor, kept);
}

void randomkeyCommand(Connection &c)
{
    // Expired keys that come up are deleted and another one is drawn; drawing a key is not an
    // access to it.
    while (const KeyEntry *entry = c.db().randomEntry()) {
        const QByteArray key = entry->key().toByteArray();
        if (c.db().find(key, c.now())) {
            c.reply().bulk(key);
            return;
        }
    }
    c.reply().null();
}

void dbsizeCommand(Connection &c)
{
    c.reply().integer(c.db().size());
}

// FLUSHALL / FLUSHDB [ASYNC|SYNC]: without either, lazyfree-lazy-user-flush decides (Redis's
// getFlushCommandFlags). False after replying a syntax error.
bool parseFlushMode(Connection &c, bool *async)
{
    if (c.argc() == 1) {
        *async = c.server().config().lazyfreeLazyUserFlush;
        return true;
    }
    if (c.argc() == 2 && (argIs(c.arg(1), "ASYNC") || argIs(c.arg(1), "SYNC"))) {
        *async = argIs(c.arg(1), "ASYNC");
        return true;
    }
    replySyntaxError(c);
    return false;
}

void flushallCommand(Connection &c)
{
    bool async = false;
    if (!parseFlushMode(c, &async))
        return;
    c.server().flushAll(async);
    c.reply().ok();
}

void flushdbCommand(Connection &c)
{
    bool async = false;
    if (!parseFlushMode(c, &async))
        return;
    c.db().clear(async);
    c.server().tracking().invalidateAll();
    c.reply().ok();
}

void copyCommand(Connection &c)
{
    int target = c.dbIndex();
    bool replace = false;
    for (qsizetype j = 3; j < c.argc(); ++j) {
        if (argIs(c.arg(j), "REPLACE")) {
            replace = true;
        } else if (argIs(c.arg(j), "DB") && j + 1 < c.argc()) {
            if (!parseDbIndex(c, c.arg(++j), &target))
                return;
        } else {
            replySyntaxError(c);
            return;
        }
    }
    const QByteArrayView key = c.arg(1);
    const QByteArrayView newKey = c.arg(2);
    if (target == c.dbIndex() && key == newKey) {
        c.reply().error("ERR source and destination objects are the same");
        return;
    }
    if (!lookupRead(c, key)) {
        c.reply().integer(0);
        return;
    }
    Keyspace &destination = c.server().database(target);
    if (destination.find(newKey, c.now()) && !replace) {
        c.reply().integer(0);
        return;
    }
    c.db().copyTo(key, destination, newKey);
    KeyspaceEvents::notify(c.server(), KeyspaceEvents::Generic, "copy_to", newKey, target);
    c.reply().integer(1);
}

void moveCommand(Connection &c)
{
    int target = 0;
    if (!parseDbIndex(c, c.arg(2), &target))
        return;
    if (target == c.dbIndex()) {
        c.reply().error("ERR source and destination objects are the same");
        return;
    }
    const QByteArrayView key = c.arg(1);
    Keyspace &destination = c.server().database(target);
    if (!lookupWrite(c, key) || destination.find(key, c.now())) {
        c.reply().integer(0);
        return;
    }
    c.db().moveTo(key, destination);
    KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "move_from", key);
    KeyspaceEvents::notify(c.server(), KeyspaceEvents::Generic, "move_to", key, target);
    c.reply().integer(1);
}

void swapdbCommand(Connection &c)
{
    int first = 0;
    int second = 0;
    if (!parseInt(c, c.arg(1), &first, "invalid first DB index")
        || !parseInt(c, c.arg(2), &second, "invalid second DB index"))
        return;
    const int count = c.server().databaseCount();
    if (first < 0 || first >= count || second < 0 || second >= count) {
        c.reply().error("ERR DB index is out of range");
        return;
    }
    // Clients keep their index, so each now sees the other database's contents.
    if (first != second)
        c.server().database(first).swap(c.server().database(second));
    c.reply().ok();
}

// OBJECT's subcommands look the key up without touching it, so that asking does not reset
// the idle time it reports. A missing key replies null.
const KeyEntry *objectLookup(Connection &c)
{
    const KeyEntry *entry = lookupReadNoTouch(c, c.arg(2));
    if (!entry)
        c.reply().null();
    return entry;
}

void objectEncodingCommand(Connection &c)
{
    const KeyEntry *entry = objectLookup(c);
    if (!entry)
        return;
    if (entry->type != ValueType::String) {
        c.reply().bulk(entry->object()->encodingName());
        return;
    }
    switch (entry->encoding) {
    case StringEncoding::Raw: c.reply().bulk("raw"); return;
    case StringEncoding::Embstr: c.reply().bulk("embstr"); return;
    case StringEncoding::Int:
    case StringEncoding::SharedInt: c.reply().bulk("int"); return;
    }
}

void objectRefcountCommand(Connection &c)
{
    // Each key owns its value except Redis's shared integers, whose refcount is pinned at
    // OBJ_SHARED_REFCOUNT (INT_MAX).
    if (const KeyEntry *entry = objectLookup(c))
        c.reply().integer(entry->type == ValueType::String
                                          && entry->encoding == StringEncoding::SharedInt
                                  ? INT_MAX
                                  : 1);
}

// A key's access field holds either an idle clock or an LFU counter, by maxmemory-policy; the
// key is looked up first, so a missing one replies null under any policy.
bool lfuPolicy(Connection &c)
{
    return EvictionPolicies::isLfu(c.server().config().maxmemoryPolicy);
}

void objectIdletimeCommand(Connection &c)
{
    const KeyEntry *entry = objectLookup(c);
    if (!entry)
        return;
    if (lfuPolicy(c))
        c.reply().error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please "
                        "note that when switching between policies at runtime LRU and LFU data "
                        "will take some time to adjust.");
    else
        c.reply().integer(c.db().idleSeconds(entry));
}

void objectFreqCommand(Connection &c)
{
    const KeyEntry *entry = objectLookup(c);
    if (!entry)
        return;
    if (lfuPolicy(c))
        c.reply().integer(c.db().lfuCount(entry));
    else
        c.reply().error("ERR An LFU maxmemory policy is not selected, access frequency not "
                        "tracked. Please note that when switching between policies at runtime "
                        "LRU and LFU data will take some time to adjust.");
}

void objectHelpCommand(Connection &c)
{
    replyHelp(c, "OBJECT",
              { "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.", "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.", "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>." });
}

} // namespace

void registerKeyspaceCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Ks = AclCategory::Keyspace;
    constexpr quint32 Dangerous = AclCategory::Dangerous;
    const std::vector<const char *> sumOverShards { "request_policy:multi_shard",
                                                    "response_policy:agg_sum" };
    const std::vector<const char *> allShardsSucceed { "request_policy:all_shards",
                                                       "response_policy:all_succeeded" };
    table.add(Command { "del", -2, Write, delCommand, 1, -1, 1 }
                      .acl(Ks)
                      .keys({ { RM | Delete, 1, -1 } })
                      .withTips(sumOverShards));
    table.add(Command { "unlink", -2, Write | Fast, unlinkCommand, 1, -1, 1 }
                      .acl(Ks)
                      .keys({ { RM | Delete, 1, -1 } })
                      .withTips(sumOverShards));
    table.add(Command { "exists", -2, ReadOnly | Fast, existsCommand, 1, -1, 1 }
                      .acl(Ks)
                      .keys({ { RO, 1, -1 } })
                      .withTips(sumOverShards));
    table.add(Command { "touch", -2, ReadOnly | Fast, touchCommand, 1, -1, 1 }
                      .acl(Ks)
                      .keys({ { RO, 1, -1 } })
                      .withTips(sumOverShards));
    table.add(Command { "type", 2, ReadOnly | Fast, typeCommand, 1, 1, 1 }.acl(Ks).keys(
            { { RO, 1 } }));
    table.add(Command { "rename", 3, Write, renameCommand, 1, 2, 1 }.acl(Ks).keys(
            { { RW | Access | Delete, 1 }, { OW | Update, 2 } }));
    table.add(Command { "renamenx", 3, Write | Fast, renamenxCommand, 1, 2, 1 }.acl(Ks).keys(
            { { RW | Access | Delete, 1 }, { OW | Insert, 2 } }));
    table.add(Command { "keys", 2, ReadOnly, keysCommand }
                      .acl(Ks | Dangerous)
                      .withTips({ "request_policy:all_shards", "nondeterministic_output_order" }));
    table.add(Command { "scan", -2, ReadOnly, scanCommand }.acl(Ks).withTips(
            { "nondeterministic_output", "request_policy:special" }));
    table.add(Command { "randomkey", 1, ReadOnly, randomkeyCommand }.acl(Ks).withTips(
            { "request_policy:all_shards", "nondeterministic_output" }));
    table.add(Command { "dbsize", 1, ReadOnly | Fast, dbsizeCommand }.acl(Ks).withTips(
            { "request_policy:all_shards", "response_policy:agg_sum" }));
    table.add(Command { "flushall", -1, Write, flushallCommand }
                      .acl(Ks | Dangerous)
                      .withTips(allShardsSucceed));
    table.add(Command { "flushdb", -1, Write, flushdbCommand }
                      .acl(Ks | Dangerous)
                      .withTips(allShardsSucceed));
    table.add(Command { "copy", -3, Write | DenyOom, copyCommand, 1, 2, 1 }.acl(Ks).keys(
            { { RO | Access, 1 }, { OW | Update, 2 } }));
    table.add(Command { "move", 3, Write | Fast, moveCommand, 1, 1, 1 }.acl(Ks).keys(
            { { RW | Access | Update, 1 } }));
    table.add(Command { "swapdb", 3, Write | Fast, swapdbCommand }.acl(Ks | Dangerous));

    // Every OBJECT subcommand but HELP reads one key (argument 2).
    const auto objectKeySubcommand = [&](const char *name, CommandHandler handler) {
        return Command { name, 3, ReadOnly, handler, 2, 2, 1 }
                .acl(Ks)
                .keys({ { RO, 2 } })
                .withTips({ "nondeterministic_output" });
    };
    Command object { "object", -2, 0, nullptr };
    object.subcommands = {
        objectKeySubcommand("encoding", objectEncodingCommand),
        objectKeySubcommand("freq", objectFreqCommand),
        objectKeySubcommand("idletime", objectIdletimeCommand),
        objectKeySubcommand("refcount", objectRefcountCommand),
        Command { "help", 2, Loading | Stale, objectHelpCommand }.acl(Ks),
    };
    table.add(std::move(object));
}
