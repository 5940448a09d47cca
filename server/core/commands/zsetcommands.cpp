// Sorted-set commands: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK, ZPOPMIN ZPOPMAX
// ZMPOP and the blocking BZPOPMIN BZPOPMAX BZMPOP, ZRANDMEMBER and ZSCAN. The range commands
// (ZRANGE and its variants, ZRANGESTORE, ZREMRANGEBY*, ZCOUNT, ZLEXCOUNT) are in
// zsetrangecommands.cpp; ZUNION, ZINTER, ZDIFF and their STORE forms in zsetopcommands.cpp.
#include "zsetcommands.h"

#include "commandtable.h"
#include "commandutil.h"
#include "net/blockrequest.h"
#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "scanutil.h"
#include "store/keyspace.h"

#include <QRandomGenerator>
#include <QSet>
#include <QVarLengthArray>

#include <climits>

using namespace CommandUtil;

namespace ZSetCommands {

ZSetValue::Limits limits(Connection &c)
{
    const ServerConfig &config = c.server().config();
    return ZSetValue::Limits { config.zsetMaxListpackEntries, config.zsetMaxListpackValue };
}

bool parseScoreOrReply(Connection &c, QByteArrayView text, double *score, const char *error)
{
    if (ZSetValue::parseScore(text, score))
        return true;
    c.reply().error("ERR " + QByteArray(error));
    return false;
}

void replyMembersHeader(Connection &c, qsizetype count, bool withScores)
{
    c.reply().arrayHeader(withScores && c.reply().protocol() == 2 ? count * 2 : count);
}

void replyMember(Connection &c, QByteArrayView member, double score, bool withScores)
{
    ReplyWriter &r = c.reply();
    if (withScores && r.protocol() > 2)
        r.arrayHeader(2);
    r.bulk(member);
    if (withScores)
        r.doubleValue(score);
}

void afterRemoval(Connection &c, QByteArrayView key, const ZSetValue *zset, const char *event)
{
    KeyspaceEvents::notify(c, KeyspaceEvents::ZSet, event, key);
    if (zset->length() == 0) {
        c.db().remove(key);
        KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", key);
    } else {
        c.db().signalModified(key);
    }
}

void popGeneric(Connection &c, QByteArrayView key, KeyEntry *entry, PopEnd where, long long count,
                PopReply style)
{
    ReplyWriter &r = c.reply();
    if (count == 0) {
        r.arrayHeader(0);
        return;
    }
    if (count == -1)
        count = 1;
    auto *zset = entry->as<ZSetValue>();
    const qsizetype popped = qsizetype(qMin<long long>(count, zset->length()));
    const bool nested = style == PopReply::Nested || style == PopReply::KeyNested;
    switch (style) {
    case PopReply::Flat: r.arrayHeader(popped * 2); break;
    case PopReply::Nested: r.arrayHeader(popped); break;
    case PopReply::KeyFlat:
        r.arrayHeader(popped * 2 + 1);
        r.bulk(key);
        break;
    case PopReply::KeyNested:
        r.arrayHeader(2);
        r.bulk(key);
        r.arrayHeader(popped);
        break;
    }
    for (qsizetype i = 0; i < popped; ++i) {
        const qsizetype rank = where == PopEnd::Max ? zset->length() - 1 : 0;
        const ZSetValue::Iterator it = zset->atRank(rank);
        if (nested)
            r.arrayHeader(2);
        r.bulk(it.member());
        r.doubleValue(it.score());
        zset->removeRangeByRank(rank, rank);
    }
    afterRemoval(c, key, zset, where == PopEnd::Max ? "zpopmax" : "zpopmin");
}

} // namespace ZSetCommands

using namespace ZSetCommands;

namespace {

// The sorted set at key for writing, created (as ZADD creates it) when missing.
ZSetValue *createZSet(Connection &c, QByteArrayView key, qsizetype firstMemberLength)
{
    // The entry may hold the value in place of the block created here: ask it where it is.
    return c.db()
            .setObject(key, ValueType::ZSet, ZSetValue::create(firstMemberLength, limits(c)))
            ->as<ZSetValue>();
}

// ZADD and ZINCRBY (Redis's zaddGenericCommand): options, then the pairs' shape, then option
// conflicts, then every score, then the key.
void zaddGeneric(Connection &c, unsigned flags)
{
    qsizetype scoreIndex = 2;
    bool changed = false;
    for (; scoreIndex < c.argc(); ++scoreIndex) {
        const QByteArrayView option = c.arg(scoreIndex);
        if (argIs(option, "nx"))
            flags |= ZSetValue::AddNx;
        else if (argIs(option, "xx"))
            flags |= ZSetValue::AddXx;
        else if (argIs(option, "ch"))
            changed = true;
        else if (argIs(option, "incr"))
            flags |= ZSetValue::AddIncr;
        else if (argIs(option, "gt"))
            flags |= ZSetValue::AddGt;
        else if (argIs(option, "lt"))
            flags |= ZSetValue::AddLt;
        else
            break;
    }
    const qsizetype arguments = c.argc() - scoreIndex;
    if (arguments % 2 || arguments == 0) {
        replySyntaxError(c);
        return;
    }
    const qsizetype elements = arguments / 2;
    const bool nx = flags & ZSetValue::AddNx;
    const bool incr = flags & ZSetValue::AddIncr;
    if (nx && (flags & ZSetValue::AddXx)) {
        c.reply().error("ERR XX and NX options at the same time are not compatible");
        return;
    }
    if ((nx && (flags & (ZSetValue::AddGt | ZSetValue::AddLt)))
        || ((flags & ZSetValue::AddGt) && (flags & ZSetValue::AddLt))) {
        c.reply().error("ERR GT, LT, and/or NX options at the same time are not compatible");
        return;
    }
    if (incr && elements > 1) {
        c.reply().error("ERR INCR option supports a single increment-element pair");
        return;
    }
    QVarLengthArray<double, 16> scores(elements);
    for (qsizetype j = 0; j < elements; ++j) {
        if (!parseScoreOrReply(c, c.arg(scoreIndex + 2 * j), &scores[j]))
            return;
    }

    const QByteArrayView key = c.arg(1);
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, key, ValueType::ZSet, &entry))
        return;
    qsizetype added = 0;
    qsizetype updated = 0;
    qsizetype processed = 0;
    double score = 0;
    const quint64 changesBefore = c.db().changes();
    if (entry || !(flags & ZSetValue::AddXx)) {
        ZSetValue *zset
                = entry ? entry->as<ZSetValue>() : createZSet(c, key, c.arg(scoreIndex + 1).size());
        const ZSetValue::Limits limits = ZSetCommands::limits(c);
        for (qsizetype j = 0; j < elements; ++j) {
            const auto result
                    = zset->add(c.arg(scoreIndex + 2 * j + 1), scores[j], flags, limits, &score);
            if (result == ZSetValue::AddResult::NotANumber) {
                c.reply().error("ERR resulting score is not a number (NaN)");
                return;
            }
            added += result == ZSetValue::AddResult::Added;
            updated += result == ZSetValue::AddResult::Updated;
            processed += result != ZSetValue::AddResult::Skipped;
        }
        if (added || updated) {
            c.db().signalModified(key);
            KeyspaceEvents::notify(c, KeyspaceEvents::ZSet, incr ? "zincr" : "zadd", key);
        }
        c.db().countChangesSince(changesBefore, quint64(added + updated));
    }
    if (!incr)
        c.reply().integer(changed ? added + updated : added);
    else if (processed)
        c.reply().doubleValue(score);
    else
        c.reply().null();
}

void zaddCommand(Connection &c)
{
    zaddGeneric(c, 0);
}

void zincrbyCommand(Connection &c)
{
    zaddGeneric(c, ZSetValue::AddIncr);
}

void zremCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::ZSet, &entry))
        return;
    qsizetype deleted = 0;
    if (entry) {
        const quint64 changesBefore = c.db().changes();
        auto *zset = entry->as<ZSetValue>();
        for (qsizetype j = 2; j < c.argc() && zset->length(); ++j)
            deleted += zset->remove(c.arg(j));
        if (deleted)
            afterRemoval(c, c.arg(1), zset, "zrem");
        c.db().countChangesSince(changesBefore, quint64(deleted));
    }
    c.reply().integer(deleted);
}

void zcardCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (lookupTypedRead(c, c.arg(1), ValueType::ZSet, &entry))
        c.reply().integer(entry ? entry->as<ZSetValue>()->length() : 0);
}

void zscoreCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::ZSet, &entry))
        return;
    double score = 0;
    if (entry && entry->as<ZSetValue>()->score(c.arg(2), &score))
        c.reply().doubleValue(score);
    else
        c.reply().null();
}

void zmscoreCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::ZSet, &entry))
        return;
    c.reply().arrayHeader(c.argc() - 2);
    for (qsizetype j = 2; j < c.argc(); ++j) {
        double score = 0;
        if (entry && entry->as<ZSetValue>()->score(c.arg(j), &score))
            c.reply().doubleValue(score);
        else
            c.reply().null();
    }
}

void zrankGeneric(Connection &c, bool reverse)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::ZSet, &entry))
        return;
    const qsizetype rank = entry ? entry->as<ZSetValue>()->rank(c.arg(2), reverse) : -1;
    if (rank >= 0)
        c.reply().integer(rank);
    else
        c.reply().null();
}

void zrankCommand(Connection &c)
{
    zrankGeneric(c, false);
}

void zrevrankCommand(Connection &c)
{
    zrankGeneric(c, true);
}

// --- pops ------------------------------------------------------------------------------------

// ZPOPMIN and ZPOPMAX (Redis's zpopMinMaxCommand): key [count].
void zpopMinMax(Connection &c, PopEnd where)
{
    if (c.argc() > 3) {
        replySyntaxError(c);
        return;
    }
    long long count = -1;
    if (c.argc() == 3
        && !parseRangeOrReply(c, c.arg(2), 0, LLONG_MAX, "value is out of range, must be positive",
                              &count))
        return;
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::ZSet, &entry))
        return;
    if (!entry) {
        c.reply().arrayHeader(0);
        return;
    }
    const bool nested = c.reply().protocol() > 2 && count != -1;
    popGeneric(c, c.arg(1), entry, where, count, nested ? PopReply::Nested : PopReply::Flat);
}

void zpopminCommand(Connection &c)
{
    zpopMinMax(c, PopEnd::Min);
}

void zpopmaxCommand(Connection &c)
{
    zpopMinMax(c, PopEnd::Max);
}

// ZMPOP's and BZMPOP's arguments from numkeys (at numkeysIndex) on (Redis's
// zmpopGenericCommand): numkeys >= 1 keys, MIN|MAX, then an optional COUNT >= 1 (1 when
// absent). Replies Redis's error and returns false on failure.
bool parseMpopArguments(Connection &c, qsizetype numkeysIndex, long long *numkeys, PopEnd *where,
                        long long *count)
{
    if (!parseMpopNumkeys(c, numkeysIndex, numkeys))
        return false;
    const QByteArrayView end = c.arg(numkeysIndex + qsizetype(*numkeys) + 1);
    if (argIs(end, "MIN")) {
        *where = PopEnd::Min;
    } else if (argIs(end, "MAX")) {
        *where = PopEnd::Max;
    } else {
        replySyntaxError(c);
        return false;
    }
    return parseMpopCount(c, numkeysIndex + qsizetype(*numkeys) + 2, count);
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: the first key holding a sorted set is
// popped; none replies a null array.
void zmpopCommand(Connection &c)
{
    long long numkeys = 0;
    PopEnd where = PopEnd::Min;
    long long count = 0;
    if (!parseMpopArguments(c, 1, &numkeys, &where, &count))
        return;
    qsizetype keyIndex = 0;
    KeyEntry *entry = nullptr;
    if (!findFirstOfType(c, 2, numkeys, ValueType::ZSet, &keyIndex, &entry))
        return;
    if (entry)
        popGeneric(c, c.arg(keyIndex), entry, where, count, PopReply::KeyNested);
    else
        c.reply().nullArray();
}

// ---- Blocking pops (Redis 7.0's blockingGenericZpopCommand): BZPOPMIN/BZPOPMAX reply
// [key, member, score] and BZMPOP [key, [[member, score]...]]. With a sorted set among the keys
// they pop at once; otherwise the client waits (Connection::block) and serveZpop pops for it,
// or it gets a nil array at its timeout. Inside a transaction they never wait.

// BZPOPMIN/BZPOPMAX/BZMPOP are logged as the ZPOPMIN/ZPOPMAX they did (count -1: none).
void propagateZpop(Connection &c, QByteArrayView key, PopEnd where, long long count)
{
    const char *pop = where == PopEnd::Min ? "ZPOPMIN" : "ZPOPMAX";
    if (count > 0)
        c.propagateAs({ pop, key, QByteArray::number(count) });
    else
        c.propagateAs({ pop, key });
}

void serveZpop(Connection &c, const BlockRequest &request, QByteArrayView key, KeyEntry *entry)
{
    propagateZpop(c, key, PopEnd(request.from), request.count);
    popGeneric(c, key, entry, PopEnd(request.from), request.count,
               request.withKey ? PopReply::KeyNested : PopReply::KeyFlat);
}

// count -1 is BZPOPMIN/BZPOPMAX's single element; nested is BZMPOP's reply.
void blockingZpopGeneric(Connection &c, qsizetype firstKey, long long numkeys, PopEnd where,
                         long long count, bool nested, qsizetype timeoutIndex)
{
    qint64 timeoutAt = 0;
    if (!parseBlockTimeout(c, c.arg(timeoutIndex), &timeoutAt))
        return;
    qsizetype keyIndex = 0;
    KeyEntry *entry = nullptr;
    if (!findFirstOfType(c, firstKey, numkeys, ValueType::ZSet, &keyIndex, &entry))
        return;
    if (entry) {
        propagateZpop(c, c.arg(keyIndex), where, count);
        popGeneric(c, c.arg(keyIndex), entry, where, count,
                   nested ? PopReply::KeyNested : PopReply::KeyFlat);
        return;
    }
    if (c.isInExec()) {
        c.reply().nullArray();
        return;
    }
    BlockRequest request;
    request.type = ValueType::ZSet;
    for (qsizetype j = firstKey; j < firstKey + numkeys; ++j)
        request.keys.push_back(c.arg(j).toByteArray());
    request.timeoutAt = timeoutAt;
    request.serve = serveZpop;
    request.from = int(where);
    request.count = count;
    request.withKey = nested;
    c.block(std::move(request));
}

void bzpopminCommand(Connection &c)
{
    blockingZpopGeneric(c, 1, c.argc() - 2, PopEnd::Min, -1, false, c.argc() - 1);
}

void bzpopmaxCommand(Connection &c)
{
    blockingZpopGeneric(c, 1, c.argc() - 2, PopEnd::Max, -1, false, c.argc() - 1);
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: the rest is checked before the
// timeout, as in Redis.
void bzmpopCommand(Connection &c)
{
    long long numkeys = 0;
    PopEnd where = PopEnd::Min;
    long long count = 0;
    if (parseMpopArguments(c, 2, &numkeys, &where, &count))
        blockingZpopGeneric(c, 3, numkeys, where, count, true, 1);
}

// --- ZRANDMEMBER -----------------------------------------------------------------------------

// Redis's ZRANDMEMBER_SUB_STRATEGY_MUL: a count within a third of the size draws at random
// until enough distinct members came up; above it, it picks from the whole set.
constexpr long long RandomSubStrategyMultiplier = 3;

quint64 randomBelow(quint64 n)
{
    return QRandomGenerator::global()->bounded(n);
}

// Redis's zrandmemberWithCountCommand: a negative count allows repeats; a positive one gives
// distinct members, all of them (in reverse order, as Redis's iterator walks) when it covers
// the set.
void zrandmemberWithCount(Connection &c, long long requested, bool withScores)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::ZSet, &entry))
        return;
    if (!entry || requested == 0) {
        c.reply().arrayHeader(0);
        return;
    }
    const ZSetValue &zset = *entry->as<ZSetValue>();
    const qsizetype size = zset.length();
    const bool unique = requested > 0;
    const quint64 count = unique ? quint64(requested) : quint64(0) - quint64(requested);
    auto put = [&](const ZSetValue::Iterator &it) {
        replyMember(c, it.member(), withScores ? it.score() : 0, withScores);
    };

    if (!unique || count == 1) {
        replyMembersHeader(c, qsizetype(count), withScores);
        for (quint64 i = 0; i < count; ++i)
            put(zset.randomElement());
        return;
    }
    if (count >= quint64(size)) {
        replyMembersHeader(c, size, withScores);
        for (ZSetValue::Iterator it = zset.atRank(size - 1); it.isValid(); it.prev())
            put(it);
        return;
    }
    replyMembersHeader(c, qsizetype(count), withScores);
    if (zset.isListpack() || count * RandomSubStrategyMultiplier > quint64(size)) {
        // Selection sampling (Knuth's algorithm S): each member is kept with the probability
        // that leaves exactly count, in one walk.
        quint64 needed = count;
        quint64 left = quint64(size);
        for (ZSetValue::Iterator it = zset.atRank(0); needed; it.next(), --left) {
            if (randomBelow(left) < needed) {
                put(it);
                --needed;
            }
        }
        return;
    }
    QSet<QByteArray> picked;
    picked.reserve(qsizetype(count));
    while (quint64(picked.size()) < count) {
        const ZSetValue::Iterator it = zset.randomElement();
        const QByteArray member = it.member().toByteArray();
        if (picked.contains(member))
            continue;
        picked.insert(member);
        put(it);
    }
}

void zrandmemberCommand(Connection &c)
{
    if (c.argc() >= 3) {
        long long count = 0;
        bool withScores = false;
        if (!parseRandomCount(c, "WITHSCORES", &count, &withScores))
            return;
        zrandmemberWithCount(c, count, withScores);
        return;
    }
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::ZSet, &entry))
        return;
    if (entry)
        c.reply().bulk(entry->as<ZSetValue>()->randomElement().member());
    else
        c.reply().null();
}

// --- ZSCAN -----------------------------------------------------------------------------------

void zscanCommand(Connection &c)
{
    quint64 cursor = 0;
    KeyEntry *entry = nullptr;
    ScanUtil::Options options;
    if (!ScanUtil::startKeyScan(c, ValueType::ZSet, &cursor, &entry, &options))
        return;
    const ZSetValue &zset = *entry->as<ZSetValue>();
    QByteArrayList items;
    auto collect = [&items](QByteArrayView member, QByteArrayView score) {
        items.append(member.toByteArray());
        items.append(score.toByteArray());
    };
    // Redis doubles COUNT for a skip list's dict ("we return key / value for this type"): it
    // counts members and scores alike.
    const long long count = options.count > LLONG_MAX / 2 ? LLONG_MAX : options.count * 2;
    if (zset.isListpack())
        cursor = zset.scan(0, collect);
    else
        cursor = ScanUtil::scanBuckets(cursor, count, items,
                                       [&](quint64 at) { return zset.scan(at, collect); });
    ScanUtil::reply(c, cursor, ScanUtil::filter(items, options, true));
}

} // namespace

void registerZSetCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Z = AclCategory::SortedSet;
    const std::vector<KeySpec> insert { { RW | Update, 1 } };
    const std::vector<KeySpec> update { { RW | Access | Update, 1 } };
    const std::vector<KeySpec> remove { { RW | Delete, 1 } };
    const std::vector<KeySpec> pop { { RW | Access | Delete, 1 } };
    const std::vector<KeySpec> length { { RO, 1 } };
    const std::vector<KeySpec> read { { RO | Access, 1 } };
    auto row = [&](const char *name, int arity, quint32 flags, CommandHandler handler,
                   const std::vector<KeySpec> &keys) {
        table.add(Command { name, arity, flags, handler, 1, 1, 1 }.acl(Z).keys(keys));
    };
    row("zadd", -4, Write | DenyOom | Fast, zaddCommand, insert);
    row("zincrby", 4, Write | DenyOom | Fast, zincrbyCommand, update);
    row("zrem", -3, Write | Fast, zremCommand, remove);
    row("zcard", 2, ReadOnly | Fast, zcardCommand, length);
    row("zscore", 3, ReadOnly | Fast, zscoreCommand, read);
    row("zmscore", -3, ReadOnly | Fast, zmscoreCommand, read);
    row("zrank", 3, ReadOnly | Fast, zrankCommand, read);
    row("zrevrank", 3, ReadOnly | Fast, zrevrankCommand, read);
    row("zpopmin", -2, Write | Fast, zpopminCommand, pop);
    row("zpopmax", -2, Write | Fast, zpopmaxCommand, pop);
    table.add(Command { "zrandmember", -2, ReadOnly, zrandmemberCommand, 1, 1, 1 }
                      .acl(Z)
                      .keys(read)
                      .withTips({ "nondeterministic_output" }));
    table.add(Command { "zscan", -3, ReadOnly, zscanCommand, 1, 1, 1 }.acl(Z).keys(read).withTips(
            { "nondeterministic_output" }));
    table.add(Command { "zmpop", -4, Write | MovableKeys, zmpopCommand, 0, 0, 0 }.acl(Z).keys(
            { keynumSpec(RW | Access | Delete, 1, 0, 1, 1) }));
    const std::vector<KeySpec> popAll { { RW | Access | Delete, 1, -2 } };
    constexpr quint32 BlockingPop = Write | NoScript | CommandFlag::Blocking | Fast;
    table.add(
            Command { "bzpopmin", -3, BlockingPop, bzpopminCommand, 1, -2, 1 }.acl(Z).keys(popAll));
    table.add(
            Command { "bzpopmax", -3, BlockingPop, bzpopmaxCommand, 1, -2, 1 }.acl(Z).keys(popAll));
    table.add(Command { "bzmpop", -5, Write | CommandFlag::Blocking | MovableKeys, bzmpopCommand }
                      .acl(Z)
                      .keys({ keynumSpec(RW | Access | Delete, 2, 0, 1, 1) }));
    registerZSetRangeCommands(table);
    registerZSetOpCommands(table);
}
