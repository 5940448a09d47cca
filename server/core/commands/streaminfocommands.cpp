// XINFO STREAM [FULL [COUNT]], GROUPS, CONSUMERS and HELP (Redis 7.0's xinfoCommand and
// xinfoReplyWithStreamInfo).
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "streamutil.h"

#include <optional>

using namespace CommandUtil;
using namespace StreamUtil;

namespace {

using Group = StreamValue::Group;

// Redis's streamReplyWithCGLag and the entries-read field.
void replyGroupCounters(Connection &c, const StreamValue &stream, const Group &group)
{
    ReplyWriter &r = c.reply();
    r.bulk("entries-read");
    if (group.entriesRead != StreamValue::InvalidEntriesRead)
        r.integer(group.entriesRead);
    else
        r.null();
    r.bulk("lag");
    if (const std::optional<long long> lag = stream.lag(group))
        r.integer(*lag);
    else
        r.null();
}

// The stream of XINFO's argument 2: "-ERR no such key" when missing.
StreamValue *xinfoStream(Connection &c)
{
    StreamValue *stream = nullptr;
    if (!lookupStreamRead(c, c.arg(2), &stream))
        return nullptr;
    if (!stream)
        c.reply().error("ERR no such key");
    return stream;
}

// XINFO STREAM key [FULL [COUNT count]]
void xinfoStreamCommand(Connection &c)
{
    StreamValue *stream = xinfoStream(c);
    if (!stream)
        return;
    const bool full = c.argc() > 3;
    long long count = 10;
    if (full
        && (!argIs(c.arg(3), "FULL") || (c.argc() != 4 && c.argc() != 6)
            || (c.argc() == 6 && !argIs(c.arg(4), "COUNT")))) {
        replySubcommandSyntaxError(c);
        return;
    }
    if (c.argc() == 6) {
        if (!parseLongLong(c, c.arg(5), &count))
            return;
        if (count < 0)
            count = 10;
    }
    ReplyWriter &r = c.reply();
    r.mapHeader(full ? 9 : 10);
    r.bulk("length");
    r.integer(stream->length());
    r.bulk("radix-tree-keys");
    r.integer(qsizetype(stream->nodes().size()));
    r.bulk("radix-tree-nodes");
    r.integer(stream->radixTreeNodes());
    r.bulk("last-generated-id");
    replyId(c, stream->lastId());
    r.bulk("max-deleted-entry-id");
    replyId(c, stream->maxDeletedId());
    r.bulk("entries-added");
    r.integer(qint64(stream->entriesAdded()));
    r.bulk("recorded-first-entry-id");
    replyId(c, stream->firstId());
    if (!full) {
        r.bulk("groups");
        r.integer(qsizetype(stream->groups().size()));
        for (const bool last : { false, true }) {
            r.bulk(last ? "last-entry" : "first-entry");
            bool found = false;
            stream->range({}, StreamId::max(), last, 1, [&](const StreamValue::Entry &entry) {
                found = true;
                replyEntry(c, entry);
            });
            if (!found)
                r.null();
        }
        return;
    }
    r.bulk("entries");
    replyRange(c, *stream, {}, StreamId::max(), qsizetype(count), false);
    r.bulk("groups");
    r.arrayHeader(qsizetype(stream->groups().size()));
    const auto limited = [&](size_t size) {
        return count ? qMin<qsizetype>(qsizetype(size), qsizetype(count)) : qsizetype(size);
    };
    for (const auto &[name, group] : stream->groups()) {
        r.mapHeader(7);
        r.bulk("name");
        r.bulk(name);
        r.bulk("last-delivered-id");
        replyId(c, group->lastId);
        replyGroupCounters(c, *stream, *group);
        r.bulk("pel-count");
        r.integer(qsizetype(group->pending.size()));
        r.bulk("pending");
        r.arrayHeader(limited(group->pending.size()));
        qsizetype written = 0;
        for (auto it = group->pending.begin();
             it != group->pending.end() && written < limited(group->pending.size());
             ++it, ++written) {
            r.arrayHeader(4);
            replyId(c, it->first);
            r.bulk(it->second.consumer->name);
            r.integer(it->second.deliveryTime);
            r.integer(qint64(it->second.deliveryCount));
        }
        r.bulk("consumers");
        r.arrayHeader(qsizetype(group->consumers.size()));
        for (const auto &[consumerName, consumer] : group->consumers) {
            r.mapHeader(4);
            r.bulk("name");
            r.bulk(consumerName);
            r.bulk("seen-time");
            r.integer(consumer->seenTime);
            r.bulk("pel-count");
            r.integer(qsizetype(consumer->pending.size()));
            r.bulk("pending");
            r.arrayHeader(limited(consumer->pending.size()));
            written = 0;
            for (auto it = consumer->pending.begin();
                 it != consumer->pending.end() && written < limited(consumer->pending.size());
                 ++it, ++written) {
                r.arrayHeader(3);
                replyId(c, it->first);
                r.integer(it->second->deliveryTime);
                r.integer(qint64(it->second->deliveryCount));
            }
        }
    }
}

// XINFO GROUPS key
void xinfoGroupsCommand(Connection &c)
{
    StreamValue *stream = xinfoStream(c);
    if (!stream)
        return;
    ReplyWriter &r = c.reply();
    r.arrayHeader(qsizetype(stream->groups().size()));
    for (const auto &[name, group] : stream->groups()) {
        r.mapHeader(6);
        r.bulk("name");
        r.bulk(name);
        r.bulk("consumers");
        r.integer(qsizetype(group->consumers.size()));
        r.bulk("pending");
        r.integer(qsizetype(group->pending.size()));
        r.bulk("last-delivered-id");
        replyId(c, group->lastId);
        replyGroupCounters(c, *stream, *group);
    }
}

// XINFO CONSUMERS key group
void xinfoConsumersCommand(Connection &c)
{
    StreamValue *stream = xinfoStream(c);
    if (!stream)
        return;
    Group *group = stream->group(c.arg(3));
    if (!group) {
        c.reply().error("NOGROUP No such consumer group '" + cString(c.arg(3)).toByteArray()
                        + "' for key name '" + cString(c.arg(2)).toByteArray() + "'");
        return;
    }
    ReplyWriter &r = c.reply();
    r.arrayHeader(qsizetype(group->consumers.size()));
    for (const auto &[name, consumer] : group->consumers) {
        r.mapHeader(3);
        r.bulk("name");
        r.bulk(name);
        r.bulk("pending");
        r.integer(qsizetype(consumer->pending.size()));
        r.bulk("idle");
        r.integer(qMax<qint64>(0, c.now() - consumer->seenTime));
    }
}

void xinfoHelpCommand(Connection &c)
{
    replyHelp(c, "XINFO",
              { "CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.", "GROUPS <key>",
                "    Show the stream consumer groups.", "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream." });
}

} // namespace

void registerStreamInfoCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Stream = AclCategory::Stream;
    Command xinfo { "xinfo", -2, 0, nullptr };
    const auto infoSub = [](const char *name, int arity, CommandHandler handler) {
        return Command { name, arity, ReadOnly, handler, 2, 2, 1 }.acl(Stream).keys(
                { { RO | Access, 2 } });
    };
    xinfo.subcommands.push_back(infoSub("stream", -3, xinfoStreamCommand));
    xinfo.subcommands.push_back(infoSub("groups", 3, xinfoGroupsCommand));
    xinfo.subcommands.push_back(
            infoSub("consumers", 4, xinfoConsumersCommand).withTips({ "nondeterministic_output" }));
    xinfo.subcommands.push_back(
            Command { "help", 2, Loading | Stale, xinfoHelpCommand }.acl(Stream));
    table.add(std::move(xinfo));
}
