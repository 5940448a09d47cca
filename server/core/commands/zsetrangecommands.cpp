// Sorted-set range commands: ZRANGE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX
// ZREVRANGEBYLEX ZRANGESTORE (Redis's zrangeGenericCommand and its result handlers),
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX, ZCOUNT and ZLEXCOUNT.
#include "zsetcommands.h"

#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "pubsub/keyspaceevents.h"
#include "store/keyspace.h"

#include <memory>
#include <utility>

using namespace CommandUtil;
using namespace ZSetCommands;

namespace {

bool parseScoreRangeOrReply(Connection &c, QByteArrayView min, QByteArrayView max,
                            ZScoreRange *range)
{
    if (ZSetValue::parseScoreRange(min, max, range))
        return true;
    c.reply().error("ERR min or max is not a float");
    return false;
}

bool parseLexRangeOrReply(Connection &c, QByteArrayView min, QByteArrayView max, ZLexRange *range)
{
    if (ZSetValue::parseLexRange(min, max, range))
        return true;
    c.reply().error("ERR min or max not valid string range item");
    return false;
}

void zcountCommand(Connection &c)
{
    ZScoreRange range;
    KeyEntry *entry = nullptr;
    if (parseScoreRangeOrReply(c, c.arg(2), c.arg(3), &range)
        && lookupTypedRead(c, c.arg(1), ValueType::ZSet, &entry))
        c.reply().integer(entry ? entry->as<ZSetValue>()->count(range) : 0);
}

void zlexcountCommand(Connection &c)
{
    ZLexRange range;
    KeyEntry *entry = nullptr;
    if (parseLexRangeOrReply(c, c.arg(2), c.arg(3), &range)
        && lookupTypedRead(c, c.arg(1), ValueType::ZSet, &entry))
        c.reply().integer(entry ? entry->as<ZSetValue>()->countLex(range) : 0);
}

// --- ZRANGE and its variants -----------------------------------------------------------------

enum class RangeType { Auto, Rank, Score, Lex };
enum class Direction { Auto, Forward, Reverse };

// One range query, parsed (Redis's zrangeGenericCommand's options and bounds).
struct RangeQuery
{
    RangeType type = RangeType::Auto;
    bool reverse = false;
    bool withScores = false;
    long long offset = 0;
    long long limit = -1; // negative: no limit
    long long start = 0;  // rank ranges
    long long end = 0;
    ZScoreRange score;
    ZLexRange lex;
};

// Where a range goes (Redis's zrange_result_handler): to the client, or into a new sorted set
// stored at a destination key (ZRANGESTORE).
class RangeSink
{
public:
    RangeSink(Connection &c, const RangeQuery &query, const QByteArrayView *destination)
        : m_c(c)
        , m_query(query)
        , m_destination(destination)
    { }

    // Starts a result of count elements. announced: the length Redis knows before it walks
    // (rank ranges) or -1; a store into a listpack that would pass it starts as a skip list.
    void begin(qsizetype announced, qsizetype count)
    {
        if (!m_destination) {
            replyMembersHeader(m_c, count, m_query.withScores);
            return;
        }
        m_limits = limits(m_c);
        m_zset = std::make_unique<ZSetValue>();
        if (announced > m_limits.maxEntries)
            m_zset->convertToSkipList();
    }
    void put(const ZSetValue::Iterator &it)
    {
        if (!m_destination)
            replyMember(m_c, it.member(), m_query.withScores ? it.score() : 0, m_query.withScores);
        else
            m_zset->add(it.member(), it.score(), 0, m_limits);
    }
    // Ends a result of count elements: a store replies the count and replaces the destination,
    // or deletes it when the result is empty.
    void finish(qsizetype count)
    {
        if (!m_destination)
            return;
        m_c.reply().integer(count);
        if (!count)
            m_zset.reset();
        storeResult(m_c, *m_destination, ValueType::ZSet, std::move(m_zset), KeyspaceEvents::ZSet,
                    "zrangestore");
    }

private:
    Connection &m_c;
    const RangeQuery &m_query;
    const QByteArrayView *m_destination;
    ZSetValue::Limits m_limits;
    std::unique_ptr<ZSetValue> m_zset;
};

void step(ZSetValue::Iterator &it, bool reverse)
{
    if (reverse)
        it.prev();
    else
        it.next();
}

// The first element a score or member range query returns (Redis's walk: from the lowest
// element in range, or the highest when reversed, past `offset` elements).
ZSetValue::Iterator rangeStart(const ZSetValue &zset, const RangeQuery &q)
{
    ZSetValue::Iterator it;
    if (q.type == RangeType::Score)
        it = q.reverse ? zset.lastInRange(q.score) : zset.firstInRange(q.score);
    else
        it = q.reverse ? zset.lastInLexRange(q.lex) : zset.firstInLexRange(q.lex);
    for (long long skip = q.offset; skip > 0 && it.isValid(); --skip)
        step(it, q.reverse);
    return it;
}

// How many elements a score or member range query returns. Redis walks from the start of the
// range and stops at the first element out of range in its direction, or after `limit`; a
// negative offset skips every element. Scores are sorted, so a skip list counts a score range
// from ranks in O(log n); anything else is walked as Redis walks it, so that member ranges over
// mixed scores end where Redis's do.
qsizetype rangeCount(const ZSetValue &zset, const RangeQuery &q)
{
    if (q.offset < 0 || (q.offset > 0 && q.offset >= zset.length()))
        return 0;
    if (q.type == RangeType::Score && !zset.isListpack()) {
        const qsizetype available = qMax<qsizetype>(0, zset.count(q.score) - qsizetype(q.offset));
        return q.limit < 0 ? available : qMin(available, qsizetype(q.limit));
    }
    qsizetype n = 0;
    for (ZSetValue::Iterator it = rangeStart(zset, q); it.isValid() && (q.limit < 0 || n < q.limit);
         step(it, q.reverse)) {
        const bool inRange = q.type == RangeType::Score
                ? (q.reverse ? q.score.aboveMin(it.score()) : q.score.belowMax(it.score()))
                : (q.reverse ? q.lex.aboveMin(it.member()) : q.lex.belowMax(it.member()));
        if (!inRange)
            break;
        ++n;
    }
    return n;
}

void rangeGeneric(RangeSink &sink, const ZSetValue &zset, const RangeQuery &q)
{
    if (q.type == RangeType::Rank) {
        // Redis's genericZrangebyrankCommand: negative ranks from the end, clamped.
        const long long length = zset.length();
        long long start = q.start < 0 ? q.start + length : q.start;
        long long end = q.end < 0 ? q.end + length : q.end;
        start = qMax(start, 0LL);
        if (start > end || start >= length) {
            sink.begin(0, 0);
            sink.finish(0);
            return;
        }
        end = qMin(end, length - 1);
        const qsizetype count = end - start + 1;
        sink.begin(count, count);
        ZSetValue::Iterator it = zset.atRank(qsizetype(q.reverse ? length - 1 - start : start));
        for (qsizetype i = 0; i < count; ++i, step(it, q.reverse))
            sink.put(it);
        sink.finish(count);
        return;
    }
    const qsizetype count = rangeCount(zset, q);
    sink.begin(-1, count);
    ZSetValue::Iterator it = count ? rangeStart(zset, q) : ZSetValue::Iterator();
    for (qsizetype i = 0; i < count; ++i, step(it, q.reverse))
        sink.put(it);
    sink.finish(count);
}

// Redis's zrangeGenericCommand: the key at argument `first`, its two bounds after it, then
// the options. `type` and `direction` are fixed by the command, or Auto for ZRANGE's own
// BYSCORE, BYLEX and REV. A store (ZRANGESTORE) takes the destination from argument 1.
void zrangeGeneric(Connection &c, qsizetype first, bool store, RangeType type, Direction direction)
{
    RangeQuery q;
    for (qsizetype j = first + 3; j < c.argc(); ++j) {
        const QByteArrayView option = c.arg(j);
        const qsizetype left = c.argc() - j - 1;
        if (!store && argIs(option, "withscores")) {
            q.withScores = true;
        } else if (argIs(option, "limit") && left >= 2) {
            if (!parseLongLong(c, c.arg(j + 1), &q.offset)
                || !parseLongLong(c, c.arg(j + 2), &q.limit))
                return;
            j += 2;
        } else if (direction == Direction::Auto && argIs(option, "rev")) {
            direction = Direction::Reverse;
        } else if (type == RangeType::Auto && argIs(option, "bylex")) {
            type = RangeType::Lex;
        } else if (type == RangeType::Auto && argIs(option, "byscore")) {
            type = RangeType::Score;
        } else {
            replySyntaxError(c);
            return;
        }
    }
    q.type = type == RangeType::Auto ? RangeType::Rank : type;
    q.reverse = direction == Direction::Reverse;
    if (q.limit != -1 && q.type == RangeType::Rank) {
        c.reply().error("ERR syntax error, LIMIT is only supported in combination with either "
                        "BYSCORE or BYLEX");
        return;
    }
    if (q.withScores && q.type == RangeType::Lex) {
        c.reply().error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return;
    }
    // Reversed score and member ranges are given max first.
    QByteArrayView min = c.arg(first + 1);
    QByteArrayView max = c.arg(first + 2);
    if (q.reverse && q.type != RangeType::Rank)
        std::swap(min, max);
    switch (q.type) {
    case RangeType::Auto:
    case RangeType::Rank:
        if (!parseLongLong(c, min, &q.start) || !parseLongLong(c, max, &q.end))
            return;
        break;
    case RangeType::Score:
        if (!parseScoreRangeOrReply(c, min, max, &q.score))
            return;
        break;
    case RangeType::Lex:
        if (!parseLexRangeOrReply(c, min, max, &q.lex))
            return;
        break;
    }

    const QByteArrayView destination = c.arg(1);
    RangeSink sink(c, q, store ? &destination : nullptr);
    KeyEntry *entry = lookupRead(c, c.arg(first));
    if (!entry) {
        if (store) {
            sink.begin(-1, 0);
            sink.finish(0);
        } else {
            c.reply().arrayHeader(0);
        }
        return;
    }
    if (entry->type != ValueType::ZSet) {
        replyWrongType(c);
        return;
    }
    rangeGeneric(sink, *entry->as<ZSetValue>(), q);
}

void zrangeCommand(Connection &c)
{
    zrangeGeneric(c, 1, false, RangeType::Auto, Direction::Auto);
}

void zrangestoreCommand(Connection &c)
{
    zrangeGeneric(c, 2, true, RangeType::Auto, Direction::Auto);
}

void zrevrangeCommand(Connection &c)
{
    zrangeGeneric(c, 1, false, RangeType::Rank, Direction::Reverse);
}

void zrangebyscoreCommand(Connection &c)
{
    zrangeGeneric(c, 1, false, RangeType::Score, Direction::Forward);
}

void zrevrangebyscoreCommand(Connection &c)
{
    zrangeGeneric(c, 1, false, RangeType::Score, Direction::Reverse);
}

void zrangebylexCommand(Connection &c)
{
    zrangeGeneric(c, 1, false, RangeType::Lex, Direction::Forward);
}

void zrevrangebylexCommand(Connection &c)
{
    zrangeGeneric(c, 1, false, RangeType::Lex, Direction::Reverse);
}

// --- ZREMRANGEBY* ----------------------------------------------------------------------------

// Redis's zremrangeGenericCommand: the bounds are parsed before the key is looked up.
void zremrangeGeneric(Connection &c, RangeType type)
{
    long long start = 0;
    long long end = 0;
    ZScoreRange score;
    ZLexRange lex;
    switch (type) {
    case RangeType::Score:
        if (!parseScoreRangeOrReply(c, c.arg(2), c.arg(3), &score))
            return;
        break;
    case RangeType::Lex:
        if (!parseLexRangeOrReply(c, c.arg(2), c.arg(3), &lex))
            return;
        break;
    default:
        if (!parseLongLong(c, c.arg(2), &start) || !parseLongLong(c, c.arg(3), &end))
            return;
        break;
    }
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::ZSet, &entry))
        return;
    if (!entry) {
        c.reply().integer(0);
        return;
    }
    auto *zset = entry->as<ZSetValue>();
    qsizetype deleted = 0;
    switch (type) {
    case RangeType::Score: deleted = zset->removeRangeByScore(score); break;
    case RangeType::Lex: deleted = zset->removeRangeByLex(lex); break;
    default: {
        const long long length = zset->length();
        if (start < 0)
            start += length;
        if (end < 0)
            end += length;
        start = qMax(start, 0LL);
        if (start > end || start >= length) {
            c.reply().integer(0);
            return;
        }
        end = qMin(end, length - 1);
        deleted = zset->removeRangeByRank(qsizetype(start), qsizetype(end));
        break;
    }
    }
    const char *event = type == RangeType::Score ? "zremrangebyscore"
            : type == RangeType::Lex             ? "zremrangebylex"
                                                 : "zremrangebyrank";
    if (deleted)
        afterRemoval(c, c.arg(1), zset, event);
    c.reply().integer(deleted);
}

void zremrangebyrankCommand(Connection &c)
{
    zremrangeGeneric(c, RangeType::Rank);
}

void zremrangebyscoreCommand(Connection &c)
{
    zremrangeGeneric(c, RangeType::Score);
}

void zremrangebylexCommand(Connection &c)
{
    zremrangeGeneric(c, RangeType::Lex);
}

} // namespace

void ZSetCommands::registerZSetRangeCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Z = AclCategory::SortedSet;
    const std::vector<KeySpec> remove { { RW | Delete, 1 } };
    const std::vector<KeySpec> read { { RO | Access, 1 } };
    const std::vector<KeySpec> store { { OW | Update, 1 }, { RO | Access, 2 } };
    auto row = [&](const char *name, int arity, quint32 flags, CommandHandler handler,
                   const std::vector<KeySpec> &keys) {
        table.add(Command { name, arity, flags, handler, 1, 1, 1 }.acl(Z).keys(keys));
    };
    row("zcount", 4, ReadOnly | Fast, zcountCommand, read);
    row("zlexcount", 4, ReadOnly | Fast, zlexcountCommand, read);
    row("zrange", -4, ReadOnly, zrangeCommand, read);
    table.add(
            Command { "zrangestore", -5, Write | DenyOom, zrangestoreCommand, 1, 2, 1 }.acl(Z).keys(
                    store));
    row("zrevrange", -4, ReadOnly, zrevrangeCommand, read);
    row("zrangebyscore", -4, ReadOnly, zrangebyscoreCommand, read);
    row("zrevrangebyscore", -4, ReadOnly, zrevrangebyscoreCommand, read);
    row("zrangebylex", -4, ReadOnly, zrangebylexCommand, read);
    row("zrevrangebylex", -4, ReadOnly, zrevrangebylexCommand, read);
    row("zremrangebyrank", 4, Write, zremrangebyrankCommand, remove);
    row("zremrangebyscore", 4, Write, zremrangebyscoreCommand, remove);
    row("zremrangebylex", 4, Write, zremrangebylexCommand, remove);
}
