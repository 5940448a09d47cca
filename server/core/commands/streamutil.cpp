#include "streamutil.h"

#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "pubsub/keyspaceevents.h"
#include "store/keyspace.h"

#include <vector>

namespace StreamUtil {

StreamValue::Limits limitsOf(const Connection &c)
{
    const ServerConfig &config = c.server().config();
    return { config.streamNodeMaxBytes, config.streamNodeMaxEntries };
}

bool parseIdOrReply(Connection &c, QByteArrayView text, StreamId *id, quint64 missingSeq,
                    bool strict, bool *seqGiven)
{
    if (StreamId::parse(text, id, missingSeq, strict, seqGiven))
        return true;
    c.reply().error("ERR Invalid stream ID specified as stream command argument");
    return false;
}

bool parseIntervalId(Connection &c, QByteArrayView text, StreamId *id, bool *exclusive,
                     quint64 missingSeq)
{
    *exclusive = text.size() > 1 && text[0] == '(';
    if (*exclusive)
        return parseIdOrReply(c, text.sliced(1), id, missingSeq, true);
    return parseIdOrReply(c, text, id, missingSeq, false);
}

void replyId(Connection &c, StreamId id)
{
    c.reply().bulk(id.toString());
}

void replyEntry(Connection &c, const StreamValue::Entry &entry)
{
    ReplyWriter &r = c.reply();
    r.arrayHeader(2);
    replyId(c, entry.id);
    r.arrayHeader(2 * entry.pairCount());
    for (qsizetype i = 0; i < entry.pairCount(); ++i) {
        r.bulk(entry.field(i));
        r.bulk(entry.value(i));
    }
}

namespace {

bool streamOf(KeyEntry *entry, StreamValue **stream)
{
    *stream = entry ? entry->as<StreamValue>() : nullptr;
    return true;
}

} // namespace

bool lookupStreamRead(Connection &c, QByteArrayView key, StreamValue **stream)
{
    KeyEntry *entry = nullptr;
    return CommandUtil::lookupTypedRead(c, key, ValueType::Stream, &entry)
            && streamOf(entry, stream);
}

bool lookupStreamWrite(Connection &c, QByteArrayView key, StreamValue **stream)
{
    KeyEntry *entry = nullptr;
    return CommandUtil::lookupTypedWrite(c, key, ValueType::Stream, &entry)
            && streamOf(entry, stream);
}

StreamValue *createStream(Connection &c, QByteArrayView key)
{
    return c.db()
            .setObject(key, ValueType::Stream, std::make_unique<StreamValue>())
            ->as<StreamValue>();
}

StreamValue::Consumer *consumerFor(Connection &c, StreamValue::Group &group, QByteArrayView name,
                                   QByteArrayView key, bool *created)
{
    StreamValue::Consumer *consumer = StreamValue::consumer(group, name);
    if (created)
        *created = !consumer;
    if (!consumer) {
        consumer = StreamValue::createConsumer(group, name, c.now());
        c.db().signalModified(key);
        KeyspaceEvents::notify(c, KeyspaceEvents::Stream, "xgroup-createconsumer", key);
    }
    consumer->seenTime = c.now();
    return consumer;
}

void replyNoGroup(Connection &c, QByteArrayView key, QByteArrayView group, const char *suffix)
{
    c.reply().error("NOGROUP No such key '" + CommandUtil::cString(key).toByteArray()
                    + "' or consumer group '" + CommandUtil::cString(group).toByteArray() + "'"
                    + suffix);
}

void propagateClaim(Connection &c, QByteArrayView key, QByteArrayView groupName,
                    const StreamValue::Group &group, StreamId id, const StreamValue::Nack &nack)
{
    if (!c.isPropagating())
        return;
    const QByteArray idText = id.toString();
    const QByteArray time = QByteArray::number(nack.deliveryTime);
    const QByteArray count = QByteArray::number(nack.deliveryCount);
    const QByteArray lastId = group.lastId.toString();
    c.propagateAs({ "XCLAIM", key, groupName, nack.consumer->name, "0", idText, "TIME", time,
                    "RETRYCOUNT", count, "FORCE", "JUSTID", "LASTID", lastId });
}

void propagateGroupPosition(Connection &c, QByteArrayView key, QByteArrayView groupName,
                            const StreamValue::Group &group)
{
    if (!c.isPropagating())
        return;
    const QByteArray lastId = group.lastId.toString();
    const QByteArray entriesRead = QByteArray::number(group.entriesRead);
    c.propagateAs({ "XGROUP", "SETID", key, groupName, lastId, "ENTRIESREAD", entriesRead });
}

qsizetype replyRange(Connection &c, StreamValue &stream, StreamId start, StreamId end,
                     qsizetype count, bool reverse, const Delivery *delivery)
{
    // The length comes first in the reply: one pass finds the entries, the second writes them.
    qsizetype found = 0;
    StreamId edge;
    stream.range(start, end, reverse, count, [&](const StreamValue::Entry &entry) {
        ++found;
        edge = entry.id;
    });
    c.reply().arrayHeader(found);
    if (found == 0)
        return 0;
    stream.range(reverse ? edge : start, reverse ? end : edge, reverse, count,
                 [&](const StreamValue::Entry &entry) {
                     if (delivery) {
                         stream.advanceGroup(*delivery->group, entry.id);
                         if (!delivery->noAck) {
                             StreamValue::Nack &nack = StreamValue::pend(
                                     *delivery->group, entry.id, delivery->consumer, c.now());
                             nack.deliveryTime = c.now();
                             nack.deliveryCount = 1;
                             propagateClaim(c, delivery->key, delivery->groupName, *delivery->group,
                                            entry.id, nack);
                         }
                     }
                     replyEntry(c, entry);
                 });
    // Without pending entries, nothing else tells a replay where the group is.
    if (delivery && delivery->noAck) {
        if (delivery->consumerCreated && c.isPropagating())
            c.propagateAs({ "XGROUP", "CREATECONSUMER", delivery->key, delivery->groupName,
                            delivery->consumer->name });
        propagateGroupPosition(c, delivery->key, delivery->groupName, *delivery->group);
    }
    return found;
}

void replyConsumerHistory(Connection &c, StreamValue &stream, StreamId start, qsizetype count,
                          StreamValue::Consumer &consumer)
{
    std::vector<std::pair<StreamId, StreamValue::Nack *>> pending;
    for (auto it = consumer.pending.lower_bound(start);
         it != consumer.pending.end() && (count == 0 || qsizetype(pending.size()) < count); ++it)
        pending.emplace_back(it->first, it->second);
    ReplyWriter &r = c.reply();
    r.arrayHeader(qsizetype(pending.size()));
    for (const auto &[id, nack] : pending) {
        bool found = false;
        stream.range(id, id, false, 1, [&](const StreamValue::Entry &entry) {
            found = true;
            replyEntry(c, entry);
        });
        if (found) {
            nack->deliveryTime = c.now();
            ++nack->deliveryCount;
        } else {
            r.arrayHeader(2);
            replyId(c, id);
            r.nullArray();
        }
    }
}

} // namespace StreamUtil
