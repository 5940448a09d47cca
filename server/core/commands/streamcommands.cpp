// Stream commands: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID, and XREAD / XREADGROUP with
// their blocking forms (one routine, as Redis's xreadCommand). The consumer group commands are
// in streamgroupcommands.cpp.
#include "commandtable.h"
#include "commandutil.h"
#include "net/blockrequest.h"
#include "net/connection.h"
#include "net/server.h"
#include "pubsub/keyspaceevents.h"
#include "scripting/scripting.h"
#include "store/keyspace.h"
#include "streamutil.h"

#include <algorithm>
#include <climits>
#include <vector>

using namespace CommandUtil;
using namespace StreamUtil;

namespace {

using Trim = StreamValue::Trim;

// Redis's XREAD_BLOCKED_DEFAULT_COUNT: a blocked XREAD without COUNT gets at most this many.
constexpr long long BlockedDefaultCount = 1000;

// Redis's streamParseAddOrTrimArgsOrReply, from argument 2 on: the trimming options of XTRIM,
// and for XADD also NOMKSTREAM and the id (*idIndex, 0 for "*"; *id, *seqGiven). *approxArg
// is where the trim's argument is. Replies and returns false on an error.
struct AddOptions
{
    Trim trim;
    bool noMakeStream = false;
    qsizetype idIndex = 0;
    StreamId id;
    bool seqGiven = true;
};

bool parseAddOrTrim(Connection &c, bool xadd, AddOptions *options)
{
    Trim &trim = options->trim;
    bool limitGiven = false;
    qsizetype i = 2;
    for (; i < c.argc(); ++i) {
        const qsizetype more = c.argc() - 1 - i;
        const QByteArrayView opt = c.arg(i);
        const bool maxLen = argIs(opt, "MAXLEN");
        if (xadd && cString(opt) == "*") {
            options->idIndex = i;
            break;
        } else if ((maxLen || argIs(opt, "MINID")) && more) {
            if (trim.strategy != Trim::Strategy::None) {
                c.reply().error("ERR syntax error, MAXLEN and MINID options at the same time are "
                                "not compatible");
                return false;
            }
            trim.approximate = false;
            const QByteArrayView next = cString(c.arg(i + 1));
            if (more >= 2 && next == "~") {
                trim.approximate = true;
                ++i;
            } else if (more >= 2 && next == "=") {
                ++i;
            }
            if (maxLen) {
                if (!parseLongLong(c, c.arg(i + 1), &trim.maxLen))
                    return false;
                if (trim.maxLen < 0) {
                    c.reply().error("ERR The MAXLEN argument must be >= 0.");
                    return false;
                }
                trim.strategy = Trim::Strategy::MaxLen;
            } else {
                if (!parseIdOrReply(c, c.arg(i + 1), &trim.minId, 0, true))
                    return false;
                trim.strategy = Trim::Strategy::MinId;
            }
            ++i;
        } else if (argIs(opt, "LIMIT") && more) {
            if (!parseLongLong(c, c.arg(i + 1), &trim.limit))
                return false;
            if (trim.limit < 0) {
                c.reply().error("ERR The LIMIT argument must be >= 0.");
                return false;
            }
            limitGiven = true;
            ++i;
        } else if (xadd && argIs(opt, "NOMKSTREAM")) {
            options->noMakeStream = true;
        } else if (xadd) {
            if (!parseIdOrReply(c, opt, &options->id, 0, true, &options->seqGiven))
                return false;
            options->idIndex = i;
            break;
        } else {
            replySyntaxError(c);
            return false;
        }
    }
    if (xadd && options->idIndex == 0)
        options->idIndex = i; // ran out of arguments: the arity check below fails
    if (trim.limit && trim.strategy == Trim::Strategy::None) {
        c.reply().error(
                "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        return false;
    }
    if (!xadd && trim.strategy == Trim::Strategy::None) {
        c.reply().error("ERR syntax error, XTRIM must be called with a trimming strategy");
        return false;
    }
    if (c.mustObey()) {
        // The log's trims are the exact ones that were done (see propagateExactly), which
        // Redis writes with the user's LIMIT still beside them.
        trim.limit = 0;
    } else if (limitGiven) {
        if (!trim.approximate) {
            c.reply().error("ERR syntax error, LIMIT cannot be used without the special ~ option");
            return false;
        }
    } else if (trim.approximate) {
        // Without LIMIT an approximate trim does at most 100 nodes' worth of work.
        trim.limit = 100 * c.server().config().streamNodeMaxEntries;
        if (trim.limit <= 0)
            trim.limit = 10000;
        else if (trim.limit > 1000000)
            trim.limit = 1000000;
    } else {
        trim.limit = 0;
    }
    return true;
}

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ...
// XADD and XTRIM as the append-only file logs them (Redis's streamRewriteApproxSpecifier and
// streamRewriteTrimArgument, and the id XADD generated): a replay must give the same stream,
// so an approximate trim becomes the exact one it did (the length, or the first id, it left),
// and `*` or `ms-*` becomes the id that was added. `added` is null for XTRIM.
void propagateExactly(Connection &c, const AddOptions &options, const StreamValue &stream,
                      const StreamId *added)
{
    if (!c.server().isPropagating())
        return;
    std::vector<QByteArray> words { c.arg(0).toByteArray(), c.arg(1).toByteArray() };
    if (options.noMakeStream)
        words.push_back("NOMKSTREAM");
    const Trim &trim = options.trim;
    if (trim.strategy != Trim::Strategy::None) {
        const bool maxLen = trim.strategy == Trim::Strategy::MaxLen;
        words.push_back(maxLen ? "MAXLEN" : "MINID");
        words.push_back("=");
        StreamId first = trim.minId;
        if (!maxLen && trim.approximate)
            stream.edgeId(true, &first);
        words.push_back(
                maxLen ? QByteArray::number(trim.approximate ? stream.length() : trim.maxLen)
                       : first.toString());
    }
    if (added) {
        words.push_back(added->toString());
        for (qsizetype i = options.idIndex + 1; i < c.argc(); ++i)
            words.push_back(c.arg(i).toByteArray());
    }
    c.propagateAs(std::vector<QByteArrayView>(words.begin(), words.end()));
}

void xaddCommand(Connection &c)
{
    AddOptions options;
    if (!parseAddOrTrim(c, true, &options))
        return;
    const qsizetype fieldsAt = options.idIndex + 1;
    const qsizetype pairArgs = c.argc() - fieldsAt;
    if (pairArgs < 2 || pairArgs % 2 == 1) {
        c.reply().error("ERR wrong number of arguments for 'xadd' command");
        return;
    }
    const bool idGiven = cString(c.arg(options.idIndex)) != "*";
    if (idGiven && options.seqGiven && options.id.isZero()) {
        c.reply().error("ERR The ID specified in XADD must be greater than 0-0");
        return;
    }
    StreamValue *stream = nullptr;
    if (!lookupStreamWrite(c, c.arg(1), &stream))
        return;
    if (!stream) {
        if (options.noMakeStream) {
            c.reply().null();
            return;
        }
        stream = createStream(c, c.arg(1));
    }
    if (stream->lastId() == StreamId::max()) {
        c.reply().error("ERR The stream has exhausted the last possible ID, unable to add more "
                        "items");
        return;
    }
    StreamId added;
    const StreamValue::AppendStatus status = stream->append(
            c.args().data() + fieldsAt, pairArgs / 2, idGiven ? &options.id : nullptr,
            options.seqGiven, c.now(), limitsOf(c), &added);
    if (status == StreamValue::AppendStatus::IdTooSmall) {
        c.reply().error("ERR The ID specified in XADD is equal or smaller than the target stream "
                        "top item");
        return;
    }
    if (status == StreamValue::AppendStatus::TooLarge) {
        c.reply().error("ERR Elements are too large to be stored");
        return;
    }
    replyId(c, added);
    c.db().signalModified(c.arg(1));
    KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xadd", c.arg(1));
    if (stream->trim(options.trim))
        KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xtrim", c.arg(1));
    propagateExactly(c, options, *stream, &added);
    c.db().signalReady(c.arg(1));
}

void xlenCommand(Connection &c)
{
    StreamValue *stream = nullptr;
    if (lookupStreamRead(c, c.arg(1), &stream))
        c.reply().integer(stream ? stream->length() : 0);
}

// XRANGE key start end [COUNT count] and XREVRANGE key end start [COUNT count] (Redis's
// xrangeGenericCommand).
void xrangeGeneric(Connection &c, bool reverse)
{
    StreamId start;
    StreamId end;
    bool exclusive = false;
    if (!parseIntervalId(c, c.arg(reverse ? 3 : 2), &start, &exclusive, 0))
        return;
    if (exclusive && !start.increment()) {
        c.reply().error("ERR invalid start ID for the interval");
        return;
    }
    if (!parseIntervalId(c, c.arg(reverse ? 2 : 3), &end, &exclusive, StreamId::max().seq))
        return;
    if (exclusive && !end.decrement()) {
        c.reply().error("ERR invalid end ID for the interval");
        return;
    }
    long long count = -1;
    for (qsizetype j = 4; j < c.argc(); ++j) {
        if (argIs(c.arg(j), "COUNT") && j + 1 < c.argc()) {
            if (!parseLongLong(c, c.arg(j + 1), &count))
                return;
            if (count < 0)
                count = 0;
            ++j;
        } else {
            replySyntaxError(c);
            return;
        }
    }
    StreamValue *stream = nullptr;
    if (!lookupStreamRead(c, c.arg(1), &stream))
        return;
    if (!stream) {
        c.reply().arrayHeader(0);
        return;
    }
    if (count == 0) {
        c.reply().nullArray();
        return;
    }
    replyRange(c, *stream, start, end, count < 0 ? 0 : qsizetype(count), reverse);
}

void xrangeCommand(Connection &c)
{
    xrangeGeneric(c, false);
}

void xrevrangeCommand(Connection &c)
{
    xrangeGeneric(c, true);
}

// XDEL key id [id ...]
void xdelCommand(Connection &c)
{
    StreamValue *stream = nullptr;
    if (!lookupStreamWrite(c, c.arg(1), &stream))
        return;
    if (!stream) {
        c.reply().integer(0);
        return;
    }
    std::vector<StreamId> ids(size_t(c.argc() - 2));
    for (qsizetype j = 2; j < c.argc(); ++j) {
        if (!parseIdOrReply(c, c.arg(j), &ids[size_t(j - 2)], 0, true))
            return;
    }
    const quint64 changesBefore = c.db().changes();
    long long deleted = 0;
    for (StreamId id : ids)
        deleted += stream->remove(id);
    if (deleted) {
        c.db().signalModified(c.arg(1));
        KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xdel", c.arg(1));
        c.db().countChangesSince(changesBefore, quint64(deleted));
    }
    c.reply().integer(deleted);
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void xtrimCommand(Connection &c)
{
    AddOptions options;
    if (!parseAddOrTrim(c, false, &options))
        return;
    StreamValue *stream = nullptr;
    if (!lookupStreamWrite(c, c.arg(1), &stream))
        return;
    if (!stream) {
        c.reply().integer(0);
        return;
    }
    const quint64 changesBefore = c.db().changes();
    const long long deleted = stream->trim(options.trim);
    if (deleted) {
        propagateExactly(c, options, *stream, nullptr);
        KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xtrim", c.arg(1));
        c.db().signalModified(c.arg(1));
        c.db().countChangesSince(changesBefore, quint64(deleted));
    }
    c.reply().integer(deleted);
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void xsetidCommand(Connection &c)
{
    StreamId id;
    if (!parseIdOrReply(c, c.arg(2), &id, 0, true))
        return;
    long long entriesAdded = -1;
    StreamId maxDeleted;
    for (qsizetype i = 3; i < c.argc(); i += 2) {
        const bool more = i + 1 < c.argc();
        if (argIs(c.arg(i), "ENTRIESADDED") && more) {
            if (!parseLongLong(c, c.arg(i + 1), &entriesAdded))
                return;
            if (entriesAdded < 0) {
                c.reply().error("ERR entries_added must be positive");
                return;
            }
        } else if (argIs(c.arg(i), "MAXDELETEDID") && more) {
            if (!parseIdOrReply(c, c.arg(i + 1), &maxDeleted, 0, true))
                return;
            if (id < maxDeleted) {
                c.reply().error("ERR The ID specified in XSETID is smaller than the provided "
                                "max_deleted_entry_id");
                return;
            }
        } else {
            replySyntaxError(c);
            return;
        }
    }
    StreamValue *stream = nullptr;
    if (!lookupStreamWrite(c, c.arg(1), &stream))
        return;
    if (!stream) {
        c.reply().error("ERR no such key");
        return;
    }
    if (stream->length() > 0) {
        if (id < stream->lastValidId()) {
            c.reply().error("ERR The ID specified in XSETID is smaller than the target stream top "
                            "item");
            return;
        }
        if (entriesAdded != -1 && stream->length() > entriesAdded) {
            c.reply().error("ERR The entries_added specified in XSETID is smaller than the target "
                            "stream length");
            return;
        }
    }
    if (id < stream->maxDeletedId()) {
        c.reply().error("ERR The ID specified in XSETID is smaller than current "
                        "max_deleted_entry_id");
        return;
    }
    stream->setLastId(id);
    if (entriesAdded != -1)
        stream->setEntriesAdded(quint64(entriesAdded));
    if (!maxDeleted.isZero())
        stream->setMaxDeletedId(maxDeleted);
    c.reply().ok();
    c.db().signalModified(c.arg(1));
    KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xsetid", c.arg(1));
}

// ---- XREAD and XREADGROUP (Redis's xreadCommand) ----

// A blocked XREAD or XREADGROUP offered key (Redis 7.0's serveClientsBlockedOnStreamKey and
// unblockDeletedStreamReadgroupClients).
bool wakeStreamReader(Connection &c, const BlockRequest &request, QByteArrayView key,
                      KeyEntry *entry)
{
    const bool grouped = !request.group.isNull();
    if (!entry || entry->type != ValueType::Stream) {
        if (grouped)
            c.reply().error("UNBLOCKED the stream key no longer exists");
        return grouped;
    }
    StreamValue *stream = entry->as<StreamValue>();
    StreamId after;
    for (size_t i = 0; i < request.keys.size(); ++i) {
        if (request.keys[i] == key)
            after = request.streamIds[i];
    }
    StreamValue::Group *group = nullptr;
    if (grouped) {
        group = stream->group(request.group);
        if (!group) {
            c.reply().error("NOGROUP the consumer group this client was blocked on no longer "
                            "exists");
            return true;
        }
        after = group->lastId;
    }
    if (stream->lastId() <= after)
        return false;
    StreamId start = after;
    start.increment();
    Delivery delivery { group, nullptr, request.noAck, key, request.group };
    if (group)
        delivery.consumer
                = consumerFor(c, *group, request.consumer, key, &delivery.consumerCreated);
    if (c.reply().protocol() == 2) {
        c.reply().arrayHeader(1);
        c.reply().arrayHeader(2);
    } else {
        c.reply().mapHeader(1);
    }
    c.reply().bulk(key);
    replyRange(c, *stream, start, StreamId::max(), qsizetype(request.count), false,
               group ? &delivery : nullptr);
    if (group)
        c.db().signalModified(key);
    return true;
}

struct ReadOptions
{
    qint64 timeoutAt = -1; // -1: no BLOCK
    long long count = 0;
    qsizetype streamsAt = 0;
    qsizetype streamCount = 0;
    QByteArrayView group;
    QByteArrayView consumer;
    bool grouped = false;
    bool noAck = false;
};

bool parseReadOptions(Connection &c, bool xreadgroup, ReadOptions *o)
{
    for (qsizetype i = 1; i < c.argc(); ++i) {
        const qsizetype more = c.argc() - i - 1;
        const QByteArrayView opt = c.arg(i);
        if (argIs(opt, "BLOCK") && more) {
            // Redis 7.0 refuses BLOCK from a script outright (in MULTI it reads without
            // waiting), naming the command as the script spelled it.
            if (c.server().scripting().isScriptClient(c)) {
                c.reply().error("ERR " + c.arg(0).toByteArray()
                                + " command is not allowed with BLOCK option from scripts");
                return false;
            }
            ++i;
            if (!parseMillisecondTimeout(c, c.arg(i), &o->timeoutAt))
                return false;
        } else if (argIs(opt, "COUNT") && more) {
            ++i;
            if (!parseLongLong(c, c.arg(i), &o->count))
                return false;
            if (o->count < 0)
                o->count = 0;
        } else if (argIs(opt, "STREAMS") && more) {
            o->streamsAt = i + 1;
            o->streamCount = c.argc() - o->streamsAt;
            if (o->streamCount % 2 != 0) {
                // Redis 7.0 names XREAD and '$' whichever of the two was called.
                c.reply().error("ERR Unbalanced XREAD list of streams: for each stream key an ID "
                                "or '$' must be specified.");
                return false;
            }
            o->streamCount /= 2;
            break;
        } else if (argIs(opt, "GROUP") && more >= 2) {
            if (!xreadgroup) {
                c.reply().error("ERR The GROUP option is only supported by XREADGROUP. You "
                                "called XREAD instead.");
                return false;
            }
            o->grouped = true;
            o->group = c.arg(i + 1);
            o->consumer = c.arg(i + 2);
            i += 2;
        } else if (argIs(opt, "NOACK")) {
            if (!xreadgroup) {
                c.reply().error("ERR The NOACK option is only supported by XREADGROUP. You "
                                "called XREAD instead.");
                return false;
            }
            o->noAck = true;
        } else {
            replySyntaxError(c);
            return false;
        }
    }
    if (o->streamsAt == 0) {
        replySyntaxError(c);
        return false;
    }
    if (xreadgroup && !o->grouped) {
        c.reply().error("ERR Missing GROUP option for XREADGROUP");
        return false;
    }
    return true;
}

void xreadGeneric(Connection &c, bool xreadgroup)
{
    ReadOptions o;
    if (!parseReadOptions(c, xreadgroup, &o))
        return;
    const size_t n = size_t(o.streamCount);
    // ">" is kept as the greatest id, as Redis does.
    std::vector<StreamId> ids(n);
    std::vector<StreamValue::Group *> groups(n, nullptr);
    for (size_t i = 0; i < n; ++i) {
        const QByteArrayView key = c.arg(o.streamsAt + qsizetype(i));
        const QByteArrayView idArg = c.arg(o.streamsAt + o.streamCount + qsizetype(i));
        StreamValue *stream = nullptr;
        if (!lookupStreamRead(c, key, &stream))
            return;
        if (o.grouped) {
            groups[i] = stream ? stream->group(o.group) : nullptr;
            if (!groups[i]) {
                replyNoGroup(c, key, o.group, " in XREADGROUP with GROUP option");
                return;
            }
        }
        if (cString(idArg) == "$") {
            if (xreadgroup) {
                c.reply().error("ERR The $ ID is meaningless in the context of XREADGROUP: you "
                                "want to read the history of this consumer by specifying a "
                                "proper ID, or use the > ID to get new messages. The $ ID would "
                                "just return an empty result set.");
                return;
            }
            ids[i] = stream ? stream->lastId() : StreamId();
        } else if (cString(idArg) == ">") {
            if (!xreadgroup) {
                c.reply().error("ERR The > ID can be specified only when calling XREADGROUP "
                                "using the GROUP <group> <consumer> option.");
                return;
            }
            ids[i] = StreamId::max();
        } else if (!parseIdOrReply(c, idArg, &ids[i], 0, true)) {
            return;
        }
    }

    // Which streams answer now: with a group, any id but ">" (the consumer's history) and ">"
    // when the stream has entries past the group's last id; without, entries past the id.
    std::vector<bool> serve(n, false);
    std::vector<bool> history(n, false);
    qsizetype served = 0;
    for (size_t i = 0; i < n; ++i) {
        KeyEntry *entry = c.db().find(c.arg(o.streamsAt + qsizetype(i)), c.now());
        if (!entry)
            continue;
        StreamValue *stream = entry->as<StreamValue>();
        if (groups[i]) {
            if (ids[i] != StreamId::max()) {
                serve[i] = history[i] = true;
            } else if (stream->length() && stream->lastValidId() > groups[i]->lastId) {
                serve[i] = true;
                ids[i] = groups[i]->lastId;
            }
        } else if (stream->length() && stream->lastValidId() > ids[i]) {
            serve[i] = true;
        }
        served += serve[i];
    }
    // The consumer is created (and seen) by the streams that answer.
    std::vector<StreamValue::Consumer *> consumers(n, nullptr);
    std::vector<bool> created(n, false);
    bool logged = false; // whether a delivery is logged (as XCLAIM or XGROUP SETID)
    for (size_t i = 0; i < n; ++i) {
        if (groups[i] && serve[i]) {
            bool isNew = false;
            consumers[i] = consumerFor(c, *groups[i], o.consumer, c.arg(o.streamsAt + qsizetype(i)),
                                       &isNew);
            created[i] = isNew;
            logged = logged || !history[i];
        }
    }
    // Redis 7.0 logs XREADGROUP only as what it delivered: a consumer it merely created, or
    // its history delivered again, is not logged.
    if (xreadgroup && !logged)
        c.preventPropagation();
    if (served) {
        ReplyWriter &r = c.reply();
        if (r.protocol() == 2)
            r.arrayHeader(served);
        else
            r.mapHeader(served);
        for (size_t i = 0; i < n; ++i) {
            if (!serve[i])
                continue;
            const QByteArrayView key = c.arg(o.streamsAt + qsizetype(i));
            StreamValue *stream = c.db().find(key, c.now())->as<StreamValue>();
            if (r.protocol() == 2)
                r.arrayHeader(2);
            r.bulk(key);
            StreamId start = ids[i];
            start.increment();
            if (history[i]) {
                replyConsumerHistory(c, *stream, start, qsizetype(o.count), *consumers[i]);
            } else {
                const Delivery delivery {
                    groups[i], consumers[i], o.noAck, key, o.group, created[i]
                };
                replyRange(c, *stream, start, StreamId::max(), qsizetype(o.count), false,
                           groups[i] ? &delivery : nullptr);
            }
            if (groups[i])
                c.db().signalModified(key);
        }
        return;
    }
    if (o.timeoutAt == -1 || c.isInExec()) {
        c.reply().nullArray();
        return;
    }
    BlockRequest request;
    request.type = ValueType::Stream;
    for (size_t i = 0; i < n; ++i) {
        QByteArray key = c.arg(o.streamsAt + qsizetype(i)).toByteArray();
        if (std::find(request.keys.begin(), request.keys.end(), key) != request.keys.end())
            continue; // the first id given for a key counts, as in Redis's blockForKeys
        request.keys.push_back(std::move(key));
        request.streamIds.push_back(ids[i]);
    }
    request.timeoutAt = o.timeoutAt;
    request.wake = wakeStreamReader;
    request.count = o.count ? o.count : BlockedDefaultCount;
    if (o.grouped) {
        request.group = o.group.toByteArray();
        request.consumer = o.consumer.toByteArray();
        request.noAck = o.noAck;
    }
    c.block(std::move(request));
}

void xreadCommand(Connection &c)
{
    xreadGeneric(c, false);
}

void xreadgroupCommand(Connection &c)
{
    xreadGeneric(c, true);
}

} // namespace

void registerStreamCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Stream = AclCategory::Stream;
    const std::vector<KeySpec> read { { RO | Access, 1 } };
    table.add(Command { "xadd", -5, Write | DenyOom | Fast, xaddCommand, 1, 1, 1 }
                      .acl(Stream)
                      .withTips({ "nondeterministic_output" })
                      .keys({ { RW | Update, 1, 0, 1, 0,
                                "UPDATE instead of INSERT because of the optional trimming "
                                "feature" } }));
    table.add(Command { "xlen", 2, ReadOnly | Fast, xlenCommand, 1, 1, 1 }.acl(Stream).keys(
            { { RO, 1 } }));
    table.add(Command { "xrange", -4, ReadOnly, xrangeCommand, 1, 1, 1 }.acl(Stream).keys(read));
    table.add(Command { "xrevrange", -4, ReadOnly, xrevrangeCommand, 1, 1, 1 }.acl(Stream).keys(
            read));
    table.add(Command { "xdel", -3, Write | Fast, xdelCommand, 1, 1, 1 }.acl(Stream).keys(
            { { RW | Delete, 1 } }));
    table.add(Command { "xtrim", -4, Write, xtrimCommand, 1, 1, 1 }
                      .acl(Stream)
                      .withTips({ "nondeterministic_output" })
                      .keys({ { RW | Delete, 1 } }));
    table.add(Command { "xsetid", -3, Write | DenyOom | Fast, xsetidCommand, 1, 1, 1 }
                      .acl(Stream)
                      .keys({ { RW | Update, 1 } }));
    table.add(Command { "xread", -4, ReadOnly | CommandFlag::Blocking | MovableKeys, xreadCommand }
                      .acl(Stream)
                      .keys({ keywordSpec(RO | Access, "STREAMS", 1, -1, 1, 2) }));
    table.add(Command { "xreadgroup", -7, Write | CommandFlag::Blocking | MovableKeys,
                        xreadgroupCommand }
                      .acl(Stream)
                      .keys({ keywordSpec(RO | Access, "STREAMS", 4, -1, 1, 2) }));
}
