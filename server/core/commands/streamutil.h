#pragma once

#include "store/streamid.h"
#include "store/streamvalue.h"

#include <QByteArrayView>

class Connection;

// What the stream command families share (Redis's t_stream.c helpers): id parsing with its
// error, the entry replies, and streamReplyWithRange, which XRANGE, XREAD and XREADGROUP (and
// their blocked forms) answer with.
namespace StreamUtil {

// The node limits from the configuration (stream-node-max-bytes, -entries).
StreamValue::Limits limitsOf(const Connection &c);

// StreamId::parse that replies "-ERR Invalid stream ID specified as stream command argument".
bool parseIdOrReply(Connection &c, QByteArrayView text, StreamId *id, quint64 missingSeq,
                    bool strict, bool *seqGiven = nullptr);
// Redis's streamParseIntervalIDOrReply: an id, or "(id" for an exclusive bound (strict).
bool parseIntervalId(Connection &c, QByteArrayView text, StreamId *id, bool *exclusive,
                     quint64 missingSeq);
void replyId(Connection &c, StreamId id);
// [id, [field, value, ...]]
void replyEntry(Connection &c, const StreamValue::Entry &entry);

// The stream at key for reading or writing: false after replying WRONGTYPE; *stream is
// nullptr when the key is missing.
bool lookupStreamRead(Connection &c, QByteArrayView key, StreamValue **stream);
bool lookupStreamWrite(Connection &c, QByteArrayView key, StreamValue **stream);
// A new, empty stream at key (XADD, XGROUP CREATE ... MKSTREAM).
StreamValue *createStream(Connection &c, QByteArrayView key);

// The consumer of group, created when missing (Redis's streamCreateConsumer, with its
// "xgroup-createconsumer" event; *created says so), seen now.
StreamValue::Consumer *consumerFor(Connection &c, StreamValue::Group &group, QByteArrayView name,
                                   QByteArrayView key, bool *created = nullptr);
// "-NOGROUP No such key '<key>' or consumer group '<group>'" and what follows it.
void replyNoGroup(Connection &c, QByteArrayView key, QByteArrayView group, const char *suffix = "");

// What the group commands log instead of themselves (Redis 7.0's streamPropagateXCLAIM and
// streamPropagateGroupID), so that a replay rebuilds the same pending entries whatever the
// time: "XCLAIM key group <owner> 0 id TIME <delivery> RETRYCOUNT <count> FORCE JUSTID LASTID
// <group's last id>" for one pending entry, and "XGROUP SETID key group <last id> ENTRIESREAD
// <n>" for the group's position.
void propagateClaim(Connection &c, QByteArrayView key, QByteArrayView groupName,
                    const StreamValue::Group &group, StreamId id, const StreamValue::Nack &nack);
void propagateGroupPosition(Connection &c, QByteArrayView key, QByteArrayView groupName,
                            const StreamValue::Group &group);

// Delivering to a consumer group (XREADGROUP): each entry sent moves the group's last id on
// and, without NOACK, becomes pending for the consumer, logged as XCLAIM; with NOACK the
// group's new position is logged, after the consumer when this delivery created it.
struct Delivery
{
    StreamValue::Group *group = nullptr;
    StreamValue::Consumer *consumer = nullptr;
    bool noAck = false;
    QByteArrayView key;
    QByteArrayView groupName;
    bool consumerCreated = false;
};

// Redis's streamReplyWithRange: an array of the entries with start <= id <= end, at most count
// (0: all), descending when reverse. Returns how many.
qsizetype replyRange(Connection &c, StreamValue &stream, StreamId start, StreamId end,
                     qsizetype count, bool reverse, const Delivery *delivery = nullptr);
// Redis's streamReplyWithRangeFromConsumerPEL (XREADGROUP with an id): the consumer's pending
// entries from start on, each delivered once more; a deleted one as [id, nil].
void replyConsumerHistory(Connection &c, StreamValue &stream, StreamId start, qsizetype count,
                          StreamValue::Consumer &consumer);

} // namespace StreamUtil
