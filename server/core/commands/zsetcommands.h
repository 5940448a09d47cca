#pragma once

#include "store/zsetvalue.h"

#include <QByteArrayView>

class CommandTable;
class Connection;
struct KeyEntry;

// What the sorted-set command files share (zsetcommands.cpp, zsetrangecommands.cpp,
// zsetopcommands.cpp) and what the blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP) reuse.
namespace ZSetCommands {

// The listpack limits from the configuration (zset-max-listpack-entries, -value).
ZSetValue::Limits limits(Connection &c);

// Redis's getDoubleFromObjectOrReply: ZSetValue::parseScore, else replies
// "-ERR <error>" and returns false.
bool parseScoreOrReply(Connection &c, QByteArrayView text, double *score,
                       const char *error = "value is not a valid float");

// A reply of count members, with their scores when withScores: a flat array of member, score
// in RESP2, an array of [member, score] pairs in RESP3 (Redis's ZRANGE ... WITHSCORES).
void replyMembersHeader(Connection &c, qsizetype count, bool withScores);
void replyMember(Connection &c, QByteArrayView member, double score, bool withScores);

// Which end a pop takes from.
enum class PopEnd { Min, Max };
// How a pop replies (Redis's genericZpopCommand's emitkey and use_nested_array):
// Flat      [member, score, member, score...]      ZPOPMIN/ZPOPMAX (RESP2, or no count)
// Nested    [[member, score], ...]                 ZPOPMIN/ZPOPMAX with a count in RESP3
// KeyFlat   [key, member, score]                   BZPOPMIN/BZPOPMAX
// KeyNested [key, [[member, score], ...]]          ZMPOP/BZMPOP
enum class PopReply { Flat, Nested, KeyFlat, KeyNested };

// After elements were removed from the sorted set at key by the command whose event this is:
// the key goes when it is empty, else WATCH is told it changed.
void afterRemoval(Connection &c, QByteArrayView key, const ZSetValue *zset, const char *event);

// Redis's genericZpopCommand once it has found its key: pops up to count elements (-1: one)
// from the `where` end of entry (a sorted set, the value of key), replies them in style,
// deletes the key when it empties or tells WATCH it changed. A count of 0 replies an empty
// array and pops nothing. The caller has looked key up for writing and checked its type.
void popGeneric(Connection &c, QByteArrayView key, KeyEntry *entry, PopEnd where, long long count,
                PopReply style);

// ZRANGE and its variants, ZRANGESTORE, ZREMRANGEBY*, ZCOUNT, ZLEXCOUNT (zsetrangecommands.cpp).
void registerZSetRangeCommands(CommandTable &table);
// ZUNION ZINTER ZDIFF ZINTERCARD ZUNIONSTORE ZINTERSTORE ZDIFFSTORE (zsetopcommands.cpp).
void registerZSetOpCommands(CommandTable &table);

} // namespace ZSetCommands
