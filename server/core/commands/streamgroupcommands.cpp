// Consumer group commands: XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP), XACK,
// XPENDING, XCLAIM, XAUTOCLAIM, as Redis 7.0's t_stream.c answers them. XREADGROUP shares
// XREAD's routine in streamcommands.cpp; XINFO is in streaminfocommands.cpp.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "pubsub/keyspaceevents.h"
#include "store/keyspace.h"
#include "streamutil.h"

#include <climits>
#include <vector>

using namespace CommandUtil;
using namespace StreamUtil;

namespace {

using Group = StreamValue::Group;
using Nack = StreamValue::Nack;

// ---- XGROUP (Redis's xgroupCommand, one handler per subcommand over a shared preamble) ----

// XGROUP CREATE and SETID's id (argument 4): `$` is the stream's last id, 0-0 for a stream
// MKSTREAM is about to make; strict refuses "-" and "+" (CREATE does, SETID does not).
bool parseGroupId(Connection &c, const StreamValue *stream, bool strict, StreamId *id)
{
    if (cString(c.arg(4)) == "$") {
        *id = stream ? stream->lastId() : StreamId();
        return true;
    }
    return parseIdOrReply(c, c.arg(4), id, 0, strict);
}

// The stream (argument 2) and group (argument 3) of an XGROUP subcommand, with Redis's errors:
// a missing key (unless mkstream), and for SETID/CREATECONSUMER/DELCONSUMER a missing group.
bool xgroupTarget(Connection &c, bool mkstream, bool needGroup, StreamValue **stream, Group **group)
{
    if (!lookupStreamWrite(c, c.arg(2), stream))
        return false;
    *group = *stream ? (*stream)->group(c.arg(3)) : nullptr;
    if (mkstream)
        return true;
    if (!*stream) {
        c.reply().error("ERR The XGROUP subcommand requires the key to exist. Note that for "
                        "CREATE you may want to use the MKSTREAM option to create an empty "
                        "stream automatically.");
        return false;
    }
    if (needGroup && !*group) {
        c.reply().error("NOGROUP No such consumer group '" + cString(c.arg(3)).toByteArray()
                        + "' for key name '" + cString(c.arg(2)).toByteArray() + "'");
        return false;
    }
    return true;
}

// ENTRIESREAD's value: >= 0, or -1 for unknown.
bool parseEntriesRead(Connection &c, QByteArrayView text, long long *entriesRead)
{
    if (!parseLongLong(c, text, entriesRead))
        return false;
    if (*entriesRead < 0 && *entriesRead != StreamValue::InvalidEntriesRead) {
        c.reply().error("ERR value for ENTRIESREAD must be positive or -1");
        return false;
    }
    return true;
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
void xgroupCreateCommand(Connection &c)
{
    bool mkstream = false;
    long long entriesRead = StreamValue::InvalidEntriesRead;
    for (qsizetype i = 5; i < c.argc();) {
        if (argIs(c.arg(i), "MKSTREAM")) {
            mkstream = true;
            ++i;
        } else if (argIs(c.arg(i), "ENTRIESREAD") && i + 1 < c.argc()) {
            if (!parseEntriesRead(c, c.arg(i + 1), &entriesRead))
                return;
            i += 2;
        } else {
            replySubcommandSyntaxError(c);
            return;
        }
    }
    if (c.argc() > 8) {
        replySubcommandSyntaxError(c);
        return;
    }
    StreamValue *stream = nullptr;
    Group *group = nullptr;
    if (!xgroupTarget(c, mkstream, false, &stream, &group))
        return;
    StreamId id;
    if (!parseGroupId(c, stream, true, &id))
        return;
    if (!stream)
        stream = createStream(c, c.arg(2));
    if (!stream->createGroup(c.arg(3), id, entriesRead)) {
        c.reply().error("BUSYGROUP Consumer Group name already exists");
        return;
    }
    c.reply().ok();
    c.db().signalModified(c.arg(2));
    KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xgroup-create", c.arg(2));
}

// XGROUP SETID key group id|$ [ENTRIESREAD entries-read]
void xgroupSetidCommand(Connection &c)
{
    if (c.argc() != 5 && c.argc() != 7) {
        replySubcommandSyntaxError(c);
        return;
    }
    StreamValue *stream = nullptr;
    Group *group = nullptr;
    if (!xgroupTarget(c, false, true, &stream, &group))
        return;
    StreamId id;
    if (!parseGroupId(c, stream, false, &id))
        return;
    long long entriesRead = StreamValue::InvalidEntriesRead;
    if (c.argc() == 7) {
        if (!argIs(c.arg(5), "ENTRIESREAD")) {
            replySubcommandSyntaxError(c);
            return;
        }
        if (!parseEntriesRead(c, c.arg(6), &entriesRead))
            return;
    }
    group->lastId = id;
    group->entriesRead = entriesRead;
    c.reply().ok();
    c.db().signalModified(c.arg(2));
    KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xgroup-setid", c.arg(2));
}

// XGROUP DESTROY key group: the group's blocked readers fail (-NOGROUP) once woken.
void xgroupDestroyCommand(Connection &c)
{
    StreamValue *stream = nullptr;
    Group *group = nullptr;
    if (!xgroupTarget(c, false, false, &stream, &group))
        return;
    if (!group) {
        c.reply().integer(0);
        return;
    }
    stream->destroyGroup(c.arg(3));
    c.reply().integer(1);
    c.db().signalModified(c.arg(2));
    KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xgroup-destroy", c.arg(2));
    c.db().signalReady(c.arg(2));
}

// XGROUP CREATECONSUMER key group consumer
void xgroupCreateconsumerCommand(Connection &c)
{
    StreamValue *stream = nullptr;
    Group *group = nullptr;
    if (!xgroupTarget(c, false, true, &stream, &group))
        return;
    const bool created = StreamValue::createConsumer(*group, c.arg(4), c.now());
    if (created) {
        c.db().signalModified(c.arg(2));
        KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xgroup-createconsumer", c.arg(2));
    }
    c.reply().integer(created ? 1 : 0);
}

// XGROUP DELCONSUMER key group consumer: replies how many entries it had pending.
void xgroupDelconsumerCommand(Connection &c)
{
    StreamValue *stream = nullptr;
    Group *group = nullptr;
    if (!xgroupTarget(c, false, true, &stream, &group))
        return;
    const long long pending = StreamValue::deleteConsumer(*group, c.arg(4));
    if (pending >= 0) {
        c.db().signalModified(c.arg(2));
        KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xgroup-delconsumer", c.arg(2));
    }
    c.reply().integer(pending < 0 ? 0 : pending);
}

void xgroupHelpCommand(Connection &c)
{
    replyHelp(c, "XGROUP",
              { "CREATE <key> <groupname> <id|$> [option]",
                "    Create a new consumer group. Options are:", "    * MKSTREAM",
                "      Create the empty stream if it does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set the group's entries_read counter (internal use).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Create a new consumer in the specified group.",
                "DELCONSUMER <key> <groupname> <consumer>", "    Remove the specified consumer.",
                "DESTROY <key> <groupname>", "    Remove the specified group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the current group ID and entries_read counter." });
}

// The stream and group of XACK, XPENDING, XCLAIM, XAUTOCLAIM (arguments 1 and 2), read: false
// after WRONGTYPE; *group null when the key or the group is missing.
bool lookupGroup(Connection &c, StreamValue **stream, Group **group)
{
    if (!lookupStreamRead(c, c.arg(1), stream))
        return false;
    *group = *stream ? (*stream)->group(c.arg(2)) : nullptr;
    return true;
}

// XACK key group id [id ...]: all ids are checked before any is acknowledged.
void xackCommand(Connection &c)
{
    StreamValue *stream = nullptr;
    Group *group = nullptr;
    if (!lookupGroup(c, &stream, &group))
        return;
    if (!group) {
        c.reply().integer(0);
        return;
    }
    std::vector<StreamId> ids(size_t(c.argc() - 3));
    for (qsizetype j = 3; j < c.argc(); ++j) {
        if (!parseIdOrReply(c, c.arg(j), &ids[size_t(j - 3)], 0, true))
            return;
    }
    long long acknowledged = 0;
    for (StreamId id : ids) {
        if (StreamValue::acknowledge(*group, id)) {
            ++acknowledged;
            c.db().signalModified(c.arg(1));
        }
    }
    c.reply().integer(acknowledged);
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
void xpendingCommand(Connection &c)
{
    const bool summary = c.argc() == 3;
    if (!summary && (c.argc() < 6 || c.argc() > 9)) {
        replySyntaxError(c);
        return;
    }
    StreamId start;
    StreamId end;
    long long count = 0;
    long long minIdle = 0;
    QByteArrayView consumerName;
    bool hasConsumer = false;
    if (!summary) {
        qsizetype at = 3;
        if (argIs(c.arg(3), "IDLE")) {
            if (!parseLongLong(c, c.arg(4), &minIdle))
                return;
            if (c.argc() < 8) {
                replySyntaxError(c);
                return;
            }
            at += 2;
        }
        if (!parseLongLong(c, c.arg(at + 2), &count))
            return;
        if (count < 0)
            count = 0;
        bool exclusive = false;
        if (!parseIntervalId(c, c.arg(at), &start, &exclusive, 0))
            return;
        if (exclusive && !start.increment()) {
            c.reply().error("ERR invalid start ID for the interval");
            return;
        }
        if (!parseIntervalId(c, c.arg(at + 1), &end, &exclusive, StreamId::max().seq))
            return;
        if (exclusive && !end.decrement()) {
            c.reply().error("ERR invalid end ID for the interval");
            return;
        }
        if (at + 3 < c.argc()) {
            hasConsumer = true;
            consumerName = c.arg(at + 3);
        }
    }
    StreamValue *stream = nullptr;
    Group *group = nullptr;
    if (!lookupGroup(c, &stream, &group))
        return;
    if (!group) {
        replyNoGroup(c, c.arg(1), c.arg(2));
        return;
    }
    ReplyWriter &r = c.reply();
    if (summary) {
        r.arrayHeader(4);
        r.integer(qsizetype(group->pending.size()));
        if (group->pending.empty()) {
            r.null();
            r.null();
            r.nullArray();
            return;
        }
        replyId(c, group->pending.begin()->first);
        replyId(c, group->pending.rbegin()->first);
        qsizetype owners = 0;
        for (const auto &[name, consumer] : group->consumers)
            owners += !consumer->pending.empty();
        r.arrayHeader(owners);
        for (const auto &[name, consumer] : group->consumers) {
            if (consumer->pending.empty())
                continue;
            r.arrayHeader(2);
            r.bulk(name);
            r.bulk(QByteArray::number(qsizetype(consumer->pending.size())));
        }
        return;
    }
    const qint64 now = c.now();
    std::vector<std::pair<StreamId, const Nack *>> rows;
    auto collect = [&](StreamId id, const Nack &nack) {
        if (minIdle && now - nack.deliveryTime < minIdle)
            return;
        rows.emplace_back(id, &nack);
    };
    if (hasConsumer) {
        StreamValue::Consumer *consumer = StreamValue::consumer(*group, consumerName);
        if (!consumer) {
            r.arrayHeader(0);
            return;
        }
        for (auto it = consumer->pending.lower_bound(start);
             count && it != consumer->pending.end() && it->first <= end; ++it) {
            const size_t before = rows.size();
            collect(it->first, *it->second);
            count -= qint64(rows.size() - before);
        }
    } else {
        for (auto it = group->pending.lower_bound(start);
             count && it != group->pending.end() && it->first <= end; ++it) {
            const size_t before = rows.size();
            collect(it->first, it->second);
            count -= qint64(rows.size() - before);
        }
    }
    r.arrayHeader(qsizetype(rows.size()));
    for (const auto &[id, nack] : rows) {
        r.arrayHeader(4);
        replyId(c, id);
        r.bulk(nack->consumer->name);
        r.integer(qMax<qint64>(0, now - nack->deliveryTime));
        r.integer(qint64(nack->deliveryCount));
    }
}

// Gives the pending entry id to consumer (XCLAIM, XAUTOCLAIM): delivered at time, its count
// set to retryCount (>= 0) or counted once more unless justId; replies the entry (or its id).
void claimAndReply(Connection &c, StreamValue &stream, StreamId id, Nack &nack,
                   StreamValue::Consumer *consumer, qint64 time, long long retryCount, bool justId)
{
    if (nack.consumer != consumer) {
        if (nack.consumer)
            nack.consumer->pending.erase(id);
        consumer->pending.emplace(id, &nack);
        nack.consumer = consumer;
    }
    nack.deliveryTime = time;
    if (retryCount >= 0)
        nack.deliveryCount = quint64(retryCount);
    else if (!justId)
        ++nack.deliveryCount;
    if (justId) {
        replyId(c, id);
    } else {
        bool found = false;
        stream.range(id, id, false, 1, [&](const StreamValue::Entry &entry) {
            found = true;
            replyEntry(c, entry);
        });
        if (!found)
            c.reply().null();
    }
    c.db().signalModified(c.arg(1));
}

// What XCLAIM and XAUTOCLAIM do with a pending entry they look at.
enum class PendingAction { Claim, Drop };

// The claiming consumer (c.arg(3), created at the first claim) and the options of one XCLAIM
// or XAUTOCLAIM; each entry is logged as an XCLAIM of its new state, as Redis 7.0 does, and a
// dropped one (its entry deleted from the stream) as an XCLAIM of the state it had.
struct ClaimTarget
{
    Connection &c;
    StreamValue &stream;
    Group &group;
    qint64 time;
    long long retryCount;
    bool justId;
    StreamValue::Consumer *consumer = nullptr;

    void apply(StreamId id, PendingAction action)
    {
        const auto it = group.pending.find(id);
        if (action == PendingAction::Drop) {
            if (it == group.pending.end())
                return; // an id given twice
            propagateClaim(c, c.arg(1), c.arg(2), group, id, it->second);
            StreamValue::acknowledge(group, id);
            c.db().signalModified(c.arg(1));
            return;
        }
        Nack &nack = it->second;
        if (!consumer)
            consumer = consumerFor(c, group, c.arg(3), c.arg(1));
        claimAndReply(c, stream, id, nack, consumer, time, retryCount, justId);
        propagateClaim(c, c.arg(1), c.arg(2), group, id, nack);
    }
};

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds]
// [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
void xclaimCommand(Connection &c)
{
    StreamValue *stream = nullptr;
    Group *group = nullptr;
    if (!lookupGroup(c, &stream, &group))
        return;
    if (!group) {
        replyNoGroup(c, c.arg(1), c.arg(2));
        return;
    }
    long long minIdle = 0;
    if (!parseRangeOrReply(c, c.arg(4), LLONG_MIN, LLONG_MAX,
                           "Invalid min-idle-time argument for XCLAIM", &minIdle))
        return;
    if (minIdle < 0)
        minIdle = 0;
    std::vector<StreamId> ids;
    qsizetype j = 5;
    for (StreamId id; j < c.argc() && StreamId::parse(c.arg(j), &id, 0, true); ++j)
        ids.push_back(id);
    const qint64 now = c.now();
    long long deliveryTime = -1;
    long long retryCount = -1;
    bool force = false;
    bool justId = false;
    StreamId lastId;
    for (; j < c.argc(); ++j) {
        const bool more = j + 1 < c.argc();
        const QByteArrayView opt = c.arg(j);
        if (argIs(opt, "FORCE")) {
            force = true;
        } else if (argIs(opt, "JUSTID")) {
            justId = true;
        } else if (argIs(opt, "IDLE") && more) {
            if (!parseRangeOrReply(c, c.arg(++j), LLONG_MIN, LLONG_MAX,
                                   "Invalid IDLE option argument for XCLAIM", &deliveryTime))
                return;
            deliveryTime = now - deliveryTime;
        } else if (argIs(opt, "TIME") && more) {
            if (!parseRangeOrReply(c, c.arg(++j), LLONG_MIN, LLONG_MAX,
                                   "Invalid TIME option argument for XCLAIM", &deliveryTime))
                return;
        } else if (argIs(opt, "RETRYCOUNT") && more) {
            if (!parseRangeOrReply(c, c.arg(++j), LLONG_MIN, LLONG_MAX,
                                   "Invalid RETRYCOUNT option argument for XCLAIM", &retryCount))
                return;
        } else if (argIs(opt, "LASTID") && more) {
            if (!parseIdOrReply(c, c.arg(++j), &lastId, 0, true))
                return;
        } else {
            c.reply().error("ERR Unrecognized XCLAIM option '" + cString(opt).toByteArray() + "'");
            return;
        }
    }
    const bool advanced = lastId > group->lastId;
    if (advanced) {
        group->lastId = lastId;
        c.db().signalModified(c.arg(1));
    }
    // A time in the future, or before the epoch, is taken as now rather than refused.
    if (deliveryTime < 0 || deliveryTime > now)
        deliveryTime = now;
    // The reply's length is known only at the end: what to do with each id is decided first,
    // then done in the ids' order, which is the order it is logged in.
    std::vector<std::pair<StreamId, PendingAction>> actions;
    qsizetype claims = 0;
    for (StreamId id : ids) {
        auto it = group->pending.find(id);
        if (!stream->contains(id)) {
            if (it != group->pending.end())
                actions.emplace_back(id, PendingAction::Drop);
            continue;
        }
        if (force && it == group->pending.end())
            it = group->pending.emplace(id, Nack { now, 1, nullptr }).first;
        if (it == group->pending.end())
            continue;
        if (it->second.consumer && minIdle && now - it->second.deliveryTime < minIdle)
            continue;
        actions.emplace_back(id, PendingAction::Claim);
        ++claims;
    }
    c.reply().arrayHeader(claims);
    ClaimTarget target { c, *stream, *group, deliveryTime, retryCount, justId };
    for (const auto &[id, action] : actions)
        target.apply(id, action);
    // The logged claims carry the new last id (LASTID); without any, it is logged alone.
    if (advanced && actions.empty())
        propagateGroupPosition(c, c.arg(1), c.arg(2), *group);
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]: [next cursor,
// claimed entries, ids of pending entries that were deleted from the stream].
void xautoclaimCommand(Connection &c)
{
    // Redis's attempts_factor: at most 10 pending entries looked at per one claimed.
    constexpr long long AttemptsFactor = 10;
    long long minIdle = 0;
    if (!parseRangeOrReply(c, c.arg(4), LLONG_MIN, LLONG_MAX,
                           "Invalid min-idle-time argument for XAUTOCLAIM", &minIdle))
        return;
    if (minIdle < 0)
        minIdle = 0;
    StreamId start;
    bool exclusive = false;
    if (!parseIntervalId(c, c.arg(5), &start, &exclusive, 0))
        return;
    if (exclusive && !start.increment()) {
        c.reply().error("ERR invalid start ID for the interval");
        return;
    }
    long long count = 100;
    bool justId = false;
    for (qsizetype j = 6; j < c.argc(); ++j) {
        if (argIs(c.arg(j), "COUNT") && j + 1 < c.argc()) {
            if (!parseRangeOrReply(c, c.arg(j + 1), 1, LLONG_MAX / 16, "COUNT must be > 0", &count))
                return;
            ++j;
        } else if (argIs(c.arg(j), "JUSTID")) {
            justId = true;
        } else {
            replySyntaxError(c);
            return;
        }
    }
    StreamValue *stream = nullptr;
    Group *group = nullptr;
    if (!lookupGroup(c, &stream, &group))
        return;
    if (!group) {
        replyNoGroup(c, c.arg(1), c.arg(2));
        return;
    }
    const qint64 now = c.now();
    long long attempts = count * AttemptsFactor;
    std::vector<std::pair<StreamId, PendingAction>> actions;
    std::vector<StreamId> deleted;
    qsizetype claims = 0;
    auto it = group->pending.lower_bound(start);
    while (attempts-- > 0 && count > 0 && it != group->pending.end()) {
        const StreamId id = it->first;
        // A deleted entry counts towards COUNT as a claimed one does (Redis 7.0).
        if (!stream->contains(id)) {
            actions.emplace_back(id, PendingAction::Drop);
            deleted.push_back(id);
            --count;
        } else if (!minIdle || now - it->second.deliveryTime >= minIdle) {
            actions.emplace_back(id, PendingAction::Claim);
            ++claims;
            --count;
        }
        ++it;
    }
    const StreamId cursor = it == group->pending.end() ? StreamId() : it->first;
    ReplyWriter &r = c.reply();
    r.arrayHeader(3);
    replyId(c, cursor);
    r.arrayHeader(claims);
    ClaimTarget target { c, *stream, *group, now, -1, justId };
    for (const auto &[id, action] : actions)
        target.apply(id, action);
    r.arrayHeader(qsizetype(deleted.size()));
    for (StreamId id : deleted)
        replyId(c, id);
}

} // namespace

void registerStreamGroupCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Stream = AclCategory::Stream;
    const char *const nondeterministic = "nondeterministic_output";

    Command xgroup { "xgroup", -2, 0, nullptr };
    const auto groupSub = [](const char *name, int arity, quint32 flags, CommandHandler handler,
                             quint32 keyFlags) {
        return Command { name, arity, flags, handler, 2, 2, 1 }.acl(Stream).keys(
                { { keyFlags, 2 } });
    };
    xgroup.subcommands.push_back(
            groupSub("create", -5, Write | DenyOom, xgroupCreateCommand, RW | Insert));
    xgroup.subcommands.push_back(
            groupSub("setid", -5, Write, xgroupSetidCommand, RW | KeyFlag::Update));
    xgroup.subcommands.push_back(
            groupSub("destroy", 4, Write, xgroupDestroyCommand, RW | KeyFlag::Delete));
    xgroup.subcommands.push_back(groupSub("createconsumer", 5, Write | DenyOom,
                                          xgroupCreateconsumerCommand, RW | Insert));
    xgroup.subcommands.push_back(
            groupSub("delconsumer", 5, Write, xgroupDelconsumerCommand, RW | KeyFlag::Delete));
    xgroup.subcommands.push_back(
            Command { "help", 2, Loading | Stale, xgroupHelpCommand }.acl(Stream));
    table.add(std::move(xgroup));

    table.add(Command { "xack", -4, Write | Fast, xackCommand, 1, 1, 1 }.acl(Stream).keys(
            { { RW | KeyFlag::Update, 1 } }));
    table.add(Command { "xpending", -3, ReadOnly, xpendingCommand, 1, 1, 1 }
                      .acl(Stream)
                      .withTips({ nondeterministic })
                      .keys({ { RO | Access, 1 } }));
    table.add(Command { "xclaim", -6, Write | Fast, xclaimCommand, 1, 1, 1 }
                      .acl(Stream)
                      .withTips({ nondeterministic })
                      .keys({ { RW | KeyFlag::Update, 1 } }));
    table.add(Command { "xautoclaim", -6, Write | Fast, xautoclaimCommand, 1, 1, 1 }
                      .acl(Stream)
                      .withTips({ nondeterministic })
                      .keys({ { RW | KeyFlag::Delete, 1 } }));
}
