#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>

#include <climits>

class Connection;
struct KeyEntry;
enum class ValueType : quint8;

// What SCAN, HSCAN, SSCAN and ZSCAN share (Redis's scanGenericCommand): the cursor, the
// options, the loop over a hash table's buckets and the filtered reply.
namespace ScanUtil {

struct Options
{
    long long count = 10;
    QByteArrayView pattern; // null: every element
    QByteArrayView type;    // SCAN only
    bool hasType = false;
};

// Redis's parseScanCursorOrReply (strtoul rules); replies "-ERR invalid cursor" on failure.
bool parseCursor(Connection &c, QByteArrayView text, quint64 *cursor);
// The options from argument `first` on: MATCH, COUNT (>= 1) and, when allowType, TYPE.
// Replies Redis's error on failure.
bool parseOptions(Connection &c, qsizetype first, bool allowType, Options *options);
// HSCAN's, SSCAN's and ZSCAN's start (Redis's hscan/sscan/zscanCommand): the cursor is checked
// before the key is looked up, the options after it; a missing key replies an empty scan.
// True, with *cursor, *entry and *options, when there is a value of type to scan.
bool startKeyScan(Connection &c, ValueType type, quint64 *cursor, KeyEntry **entry,
                  Options *options);

// dictScan's loop: whole buckets at a time (step(cursor) visits one and returns the next
// cursor) until `count` items or 10 * count steps.
template<typename Step>
quint64 scanBuckets(quint64 cursor, long long count, const QByteArrayList &items, Step step)
{
    long long steps = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        cursor = step(cursor);
    } while (cursor && steps-- && items.size() < count);
    return cursor;
}

// Whether element passes MATCH.
bool matches(const Options &options, QByteArrayView element);
// The items that pass MATCH: single elements, or field/value pairs (pairs) whose field is
// matched and whose value goes with it.
QByteArrayList filter(const QByteArrayList &items, const Options &options, bool pairs);
// Replies [cursor, items], every item a bulk string in RESP2 and RESP3 alike.
void reply(Connection &c, quint64 cursor, const QByteArrayList &items);
// The reply to a scan of a missing key: cursor 0, nothing.
void replyEmpty(Connection &c);

} // namespace ScanUtil
