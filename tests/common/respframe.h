#pragma once

#include <QByteArray>

#include <vector>

// Test helpers shared by the tests that talk to real servers over sockets.
namespace RespFrame {

// A parsed reply, for tests that compare replies by meaning rather than by bytes.
struct Value
{
    char type = 0;
    QByteArray text; // simple, error, integer, double, bulk or verbatim payload
    bool null = false;
    std::vector<Value> items; // aggregates; a map's keys and values alternate
};

// End offset of the RESP2/RESP3 reply starting at pos, or -1 while it is incomplete. Fills
// *out when given. An attribute is skipped: the value is the reply it describes.
qsizetype parse(const QByteArray &buffer, qsizetype pos, Value *out);
inline qsizetype replyEnd(const QByteArray &buffer, qsizetype pos)
{
    return parse(buffer, pos, nullptr);
}
// The shape of a reply for nondeterministic values: type byte, plus the count of aggregates.
QByteArray shape(const QByteArray &reply);
// The reply with the elements of its top-level aggregate sorted, in runs of `group` elements
// (2: field/value pairs; a RESP3 map always sorts by pair), for replies whose order is a
// hash table's (SMEMBERS of a hashtable set, HGETALL of a big hash). Other replies as given.
QByteArray sortedElements(const QByteArray &reply, int group = 1);
// Printable form for failure messages: \r \n and non-ASCII escaped.
QByteArray escaped(const QByteArray &bytes);
// Decodes \r \n \t \xHH \\ escapes of the compat files' raw: lines.
QByteArray unescape(const QByteArray &text);
// Empty when the two transcripts are equal, else the first differing entry, escaped, for a
// failure message.
QByteArray difference(const QList<QByteArray> &expected, const QList<QByteArray> &actual);
// Encodes arguments as a RESP multibulk request.
QByteArray request(const QList<QByteArray> &args);

// Reading everything a command caused (several replies, pushes, messages to a subscriber):
// send `PING sentinel` after it and read until its reply. pingReplyStart() is the offset of
// that reply when buffer ends with it after whole frames, else -1. It accepts the bulk string
// a client gets and the [pong, sentinel] array of a RESP2 subscriber.
qsizetype pingReplyStart(const QByteArray &buffer, const QByteArray &sentinel);
// The offset of the sentinel's reply among whole frames wherever it is, its end in *end, or -1:
// for pushes that may come after it (an invalidation from the expire cycle, say).
qsizetype pingReplyAnywhere(const QByteArray &buffer, const QByteArray &sentinel, qsizetype *end);

} // namespace RespFrame
