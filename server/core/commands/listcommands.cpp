// List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT LREM LTRIM
// LPOS LMOVE RPOPLPUSH LMPOP, and the blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.
//
// The pops and moves are split as Redis's t_list.c splits them, so that the blocking forms
// serve a client with the same code once it is woken: popAndReply (a single bulk),
// popRangeAndReply (Redis's listPopRangeAndReplyWithKey and popGenericCommand's COUNT form),
// moveAndReply (lmoveGenericCommand's pop + lmoveHandlePush), parseMpopArguments (LMPOP's
// numkeys, LEFT|RIGHT and COUNT, with the parts ZMPOP shares in CommandUtil) and parseListEnd
// (LEFT|RIGHT).
#include "commandtable.h"
#include "commandutil.h"
#include "net/blockrequest.h"
#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "store/keyspace.h"
#include "store/listvalue.h"

#include <climits>
#include <vector>

using namespace CommandUtil;

namespace {

using End = ListValue::End;

// Redis's getListPositionFromObjectOrReply: LEFT is the head, RIGHT the tail.
bool parseListEnd(Connection &c, QByteArrayView arg, End *end)
{
    if (argIs(arg, "LEFT"))
        *end = End::Head;
    else if (argIs(arg, "RIGHT"))
        *end = End::Tail;
    else {
        replySyntaxError(c);
        return false;
    }
    return true;
}

// A new, empty list at key, its nodes shaped by today's list-max-listpack-size (Redis's
// createQuicklistObject + dbAdd).
KeyEntry *createList(Connection &c, QByteArrayView key)
{
    return c.db().setObject(key, ValueType::List,
                            std::make_unique<ListValue>(c.server().config().listMaxListpackSize));
}

void replyElement(Connection &c, const Listpack::Element &element)
{
    char buffer[24];
    c.reply().bulk(element.text(buffer));
}

// Redis's listElementsRemoved: after a pop (or LTRIM: event), an empty list goes with its
// key, and the key's watchers are told either way. Returns whether the key was deleted.
bool listElementsRemoved(Connection &c, QByteArrayView key, const ListValue &list,
                         const char *event)
{
    KeyspaceEvents::notify(c, KeyspaceEvents::List, event, key);
    const bool deleted = list.length() == 0;
    if (deleted) {
        c.db().remove(key);
        KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", key);
    }
    c.db().signalModified(key);
    return deleted;
}

const char *popEvent(End where)
{
    return where == End::Head ? "lpop" : "rpop";
}

const char *pushEvent(End where)
{
    return where == End::Head ? "lpush" : "rpush";
}

// Redis's addListRangeReply: the elements from start to end (negative: from the end), both
// included and clamped to the list, as an array; reverse walks from end to start.
void addListRangeReply(Connection &c, const ListValue &list, long long start, long long end,
                       bool reverse)
{
    const long long length = list.length();
    if (start < 0)
        start += length;
    if (end < 0)
        end += length;
    if (start < 0)
        start = 0;
    if (start > end || start >= length) {
        c.reply().arrayHeader(0);
        return;
    }
    if (end >= length)
        end = length - 1;
    long long count = end - start + 1;
    c.reply().arrayHeader(count);
    ListValue::Iterator it = list.iteratorAt(reverse ? end : start);
    for (; count--; reverse ? it.previous() : it.next())
        replyElement(c, it.element());
}

// LPOP/RPOP without COUNT, and BLPOP/BRPOP once served (after their own [key] header): one
// element from `where` of key's list (entry, not empty) as a bulk string, then removed.
// Returns whether the key was deleted.
bool popAndReply(Connection &c, QByteArrayView key, KeyEntry *entry, End where)
{
    auto *list = entry->as<ListValue>();
    replyElement(c, list->at(where));
    list->pop(where);
    return listElementsRemoved(c, key, *list, popEvent(where));
}

// Up to count (> 0) elements from `where` of key's list (entry, not empty), in the order they
// come off, as an array, or as [key, array] when withKey (Redis's listPopRangeAndReplyWithKey
// for LMPOP and BLMPOP); then removed. Returns whether the key was deleted.
bool popRangeAndReply(Connection &c, QByteArrayView key, KeyEntry *entry, End where,
                      long long count, bool withKey)
{
    auto *list = entry->as<ListValue>();
    const long long taken = qMin<long long>(count, list->length());
    if (withKey) {
        c.reply().arrayHeader(2);
        c.reply().bulk(key);
    }
    if (where == End::Head)
        addListRangeReply(c, *list, 0, taken - 1, false);
    else
        addListRangeReply(c, *list, -taken, -1, true);
    list->removeRange(where == End::Head ? 0 : -taken, taken);
    return listElementsRemoved(c, key, *list, popEvent(where));
}

// Redis's pushGenericCommand: LPUSH RPUSH, and with xx (LPUSHX RPUSHX) only onto a list that
// exists.
void pushGeneric(Connection &c, End where, bool xx)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::List, &entry))
        return;
    const quint64 changesBefore = c.db().changes();
    if (!entry) {
        if (xx) {
            c.reply().integer(0);
            return;
        }
        entry = createList(c, c.arg(1));
    }
    auto *list = entry->as<ListValue>();
    for (qsizetype j = 2; j < c.argc(); ++j)
        list->push(where, c.arg(j));
    c.reply().integer(list->length());
    c.db().signalModified(c.arg(1));
    KeyspaceEvents::notify(c, KeyspaceEvents::List, pushEvent(where), c.arg(1));
    c.db().countChangesSince(changesBefore, quint64(c.argc() - 2));
}

void lpushCommand(Connection &c)
{
    pushGeneric(c, End::Head, false);
}

void rpushCommand(Connection &c)
{
    pushGeneric(c, End::Tail, false);
}

void lpushxCommand(Connection &c)
{
    pushGeneric(c, End::Head, true);
}

void rpushxCommand(Connection &c)
{
    pushGeneric(c, End::Tail, true);
}

// Redis's popGenericCommand: LPOP/RPOP key [count]. Without a count: one bulk string (nil when
// the key is missing); with one: an array (a nil array when missing, empty for count 0).
void popGeneric(Connection &c, End where)
{
    if (c.argc() > 3) {
        c.reply().error("ERR wrong number of arguments for '" + c.commandName() + "' command");
        return;
    }
    const bool hasCount = c.argc() == 3;
    long long count = 0;
    if (hasCount
        && !parseRangeOrReply(c, c.arg(2), 0, LLONG_MAX, "value is out of range, must be positive",
                              &count))
        return;
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::List, &entry))
        return;
    if (!entry) {
        if (hasCount)
            c.reply().nullArray();
        else
            c.reply().null();
    } else if (!hasCount) {
        popAndReply(c, c.arg(1), entry, where);
    } else if (count == 0) {
        c.reply().arrayHeader(0);
    } else {
        popRangeAndReply(c, c.arg(1), entry, where, count, false);
    }
}

void lpopCommand(Connection &c)
{
    popGeneric(c, End::Head);
}

void rpopCommand(Connection &c)
{
    popGeneric(c, End::Tail);
}

void llenCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (lookupTypedRead(c, c.arg(1), ValueType::List, &entry))
        c.reply().integer(entry ? entry->as<ListValue>()->length() : 0);
}

void lrangeCommand(Connection &c)
{
    long long start = 0;
    long long end = 0;
    if (!parseLongLong(c, c.arg(2), &start) || !parseLongLong(c, c.arg(3), &end))
        return;
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::List, &entry))
        return;
    if (entry)
        addListRangeReply(c, *entry->as<ListValue>(), start, end, false);
    else
        c.reply().arrayHeader(0);
}

// LINDEX looks the key up before it reads the index: a missing key is nil whatever the index.
void lindexCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::List, &entry))
        return;
    if (!entry) {
        c.reply().null();
        return;
    }
    long long index = 0;
    if (!parseLongLong(c, c.arg(2), &index))
        return;
    const ListValue::Iterator it = entry->as<ListValue>()->iteratorAt(index);
    if (it.isValid())
        replyElement(c, it.element());
    else
        c.reply().null();
}

void lsetCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::List, &entry))
        return;
    if (!entry) {
        c.reply().error("ERR no such key");
        return;
    }
    long long index = 0;
    if (!parseLongLong(c, c.arg(2), &index))
        return;
    auto *list = entry->as<ListValue>();
    const ListValue::Iterator it = list->iteratorAt(index);
    if (!it.isValid()) {
        c.reply().error("ERR index out of range");
        return;
    }
    list->replace(it, c.arg(3));
    c.reply().ok();
    c.db().signalModified(c.arg(1));
    KeyspaceEvents::notify(c, KeyspaceEvents::List, "lset", c.arg(1));
}

// LINSERT key BEFORE|AFTER pivot element: next to the first element equal to pivot, from the
// head; -1 when there is none.
void linsertCommand(Connection &c)
{
    bool after = false;
    if (argIs(c.arg(2), "AFTER"))
        after = true;
    else if (!argIs(c.arg(2), "BEFORE")) {
        replySyntaxError(c);
        return;
    }
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::List, &entry))
        return;
    if (!entry) {
        c.reply().integer(0);
        return;
    }
    auto *list = entry->as<ListValue>();
    ListValue::Iterator it = list->first();
    while (it.isValid() && !it.element().equals(c.arg(3)))
        it.next();
    if (!it.isValid()) {
        c.reply().integer(-1);
        return;
    }
    list->insert(it, c.arg(4), after);
    c.db().signalModified(c.arg(1));
    KeyspaceEvents::notify(c, KeyspaceEvents::List, "linsert", c.arg(1));
    c.reply().integer(list->length());
}

// LTRIM keeps the range LRANGE would return; an empty range empties (and deletes) the list.
// The key counts as changed even when nothing went, as in Redis.
void ltrimCommand(Connection &c)
{
    long long start = 0;
    long long end = 0;
    if (!parseLongLong(c, c.arg(2), &start) || !parseLongLong(c, c.arg(3), &end))
        return;
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::List, &entry))
        return;
    if (!entry) {
        c.reply().ok();
        return;
    }
    auto *list = entry->as<ListValue>();
    const long long length = list->length();
    if (start < 0)
        start += length;
    if (end < 0)
        end += length;
    if (start < 0)
        start = 0;
    long long fromHead = length;
    long long fromTail = 0;
    if (start <= end && start < length) {
        end = qMin(end, length - 1);
        fromHead = start;
        fromTail = length - end - 1;
    }
    list->removeRange(0, fromHead);
    list->removeRange(-fromTail, fromTail);
    listElementsRemoved(c, c.arg(1), *list, "ltrim");
    c.reply().ok();
}

// LREM key count element: count > 0 removes that many from the head, < 0 from the tail, 0 all.
void lremCommand(Connection &c)
{
    long long toRemove = 0;
    if (!parseLongLong(c, c.arg(2), &toRemove))
        return;
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::List, &entry))
        return;
    if (!entry) {
        c.reply().integer(0);
        return;
    }
    auto *list = entry->as<ListValue>();
    const End towards = toRemove < 0 ? End::Head : End::Tail;
    // -LLONG_MIN does not exist; as a count it means "all of them" in all but name.
    const unsigned long long limit = toRemove < 0 ? 0ULL - quint64(toRemove) : quint64(toRemove);
    unsigned long long removed = 0;
    ListValue::Iterator it = towards == End::Tail ? list->first() : list->last();
    while (it.isValid()) {
        if (!it.element().equals(c.arg(3))) {
            towards == End::Tail ? it.next() : it.previous();
            continue;
        }
        it = list->erase(it, towards);
        if (++removed == limit)
            break;
    }
    if (removed) {
        c.db().signalModified(c.arg(1));
        KeyspaceEvents::notify(c, KeyspaceEvents::List, "lrem", c.arg(1));
    }
    if (list->length() == 0) {
        c.db().remove(c.arg(1));
        KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", c.arg(1));
    }
    c.reply().integer(qint64(removed));
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]: the indexes of matches,
// counted from the head whichever way the search goes.
void lposCommand(Connection &c)
{
    long long rank = 1;
    long long count = -1; // -1: no COUNT, reply one index (or nil)
    long long maxlen = 0;
    for (qsizetype j = 3; j < c.argc(); ++j) {
        const QByteArrayView option = c.arg(j);
        const bool moreArgs = j + 1 < c.argc();
        if (argIs(option, "RANK") && moreArgs) {
            if (!parseLongLong(c, c.arg(++j), &rank))
                return;
            if (rank == 0) {
                c.reply().error("ERR RANK can't be zero: use 1 to start from the first match, "
                                "2 from the second ... or use negative to start from the end "
                                "of the list");
                return;
            }
        } else if (argIs(option, "COUNT") && moreArgs) {
            if (!parseRangeOrReply(c, c.arg(++j), 0, LLONG_MAX, "COUNT can't be negative", &count))
                return;
        } else if (argIs(option, "MAXLEN") && moreArgs) {
            if (!parseRangeOrReply(c, c.arg(++j), 0, LLONG_MAX, "MAXLEN can't be negative",
                                   &maxlen))
                return;
        } else {
            replySyntaxError(c);
            return;
        }
    }
    // A negative rank searches from the tail. Redis negates it as a C long, so LLONG_MIN stays
    // negative: every match then counts as past the rank (done here in wrapping arithmetic).
    End direction = End::Tail;
    if (rank < 0) {
        rank = qint64(0ULL - quint64(rank));
        direction = End::Head;
    }

    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::List, &entry))
        return;
    if (!entry) {
        if (count != -1)
            c.reply().arrayHeader(0);
        else
            c.reply().null();
        return;
    }
    const auto *list = entry->as<ListValue>();
    const long long length = list->length();
    ListValue::Iterator it = direction == End::Tail ? list->first() : list->last();
    std::vector<long long> indexes; // only with COUNT
    long long found = -1;
    long long matches = 0;
    for (long long index = 0; it.isValid() && (maxlen == 0 || index < maxlen); ++index) {
        if (it.element().equals(c.arg(2))) {
            ++matches;
            if (matches >= rank) {
                const long long at = direction == End::Tail ? index : length - index - 1;
                if (count == -1) {
                    found = at;
                    break;
                }
                indexes.push_back(at);
                const auto past = qint64(quint64(matches) - quint64(rank) + 1);
                if (count && past >= count)
                    break;
            }
        }
        direction == End::Tail ? it.next() : it.previous();
    }
    if (count != -1) {
        c.reply().arrayHeader(qsizetype(indexes.size()));
        for (const long long index : indexes)
            c.reply().integer(index);
    } else if (found != -1) {
        c.reply().integer(found);
    } else {
        c.reply().null();
    }
}

// Redis's lmoveGenericCommand after its lookups, and BLMOVE/BRPOPLPUSH once served: one
// element from `from` of the source list (sourceEntry, not empty) onto `to` of destination
// (destinationEntry: a list, or null to create one), replied as a bulk string. Source and
// destination may be the same list (a rotation). Returns whether the source key was deleted.
bool moveAndReply(Connection &c, QByteArrayView source, KeyEntry *sourceEntry,
                  QByteArrayView destination, KeyEntry *destinationEntry, End from, End to)
{
    auto *sourceList = sourceEntry->as<ListValue>();
    char buffer[24];
    // A copy: pushing onto the same list would move the bytes the view points at.
    const QByteArray value = sourceList->at(from).text(buffer).toByteArray();
    sourceList->pop(from);
    if (!destinationEntry)
        destinationEntry = createList(c, destination);
    destinationEntry->as<ListValue>()->push(to, value);
    c.db().signalModified(destination);
    KeyspaceEvents::notify(c, KeyspaceEvents::List, pushEvent(to), destination);
    c.reply().bulk(value);
    return listElementsRemoved(c, source, *sourceList, popEvent(from));
}

void lmoveGeneric(Connection &c, End from, End to)
{
    KeyEntry *sourceEntry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::List, &sourceEntry))
        return;
    if (!sourceEntry) {
        c.reply().null();
        return;
    }
    KeyEntry *destinationEntry = nullptr;
    if (lookupTypedWrite(c, c.arg(2), ValueType::List, &destinationEntry))
        moveAndReply(c, c.arg(1), sourceEntry, c.arg(2), destinationEntry, from, to);
}

void lmoveCommand(Connection &c)
{
    End from = End::Head;
    End to = End::Head;
    if (parseListEnd(c, c.arg(3), &from) && parseListEnd(c, c.arg(4), &to))
        lmoveGeneric(c, from, to);
}

void rpoplpushCommand(Connection &c)
{
    lmoveGeneric(c, End::Tail, End::Head);
}

// LMPOP's and BLMPOP's arguments from numkeys (at numkeysIndex) on (Redis's
// lmpopGenericCommand): numkeys >= 1 keys, LEFT|RIGHT, then an optional COUNT >= 1 (1 when
// absent). Replies Redis's error and returns false on failure.
bool parseMpopArguments(Connection &c, qsizetype numkeysIndex, long long *numkeys, End *where,
                        long long *count)
{
    return parseMpopNumkeys(c, numkeysIndex, numkeys)
            && parseListEnd(c, c.arg(numkeysIndex + qsizetype(*numkeys) + 1), where)
            && parseMpopCount(c, numkeysIndex + qsizetype(*numkeys) + 2, count);
}

// Redis's mpopGenericCommand: pops from the first list among the keys, replying [key,
// elements]; a nil array when there is none.
void mpopGeneric(Connection &c, qsizetype firstKey, long long numkeys, End where, long long count)
{
    qsizetype keyIndex = 0;
    KeyEntry *entry = nullptr;
    if (!findFirstOfType(c, firstKey, numkeys, ValueType::List, &keyIndex, &entry))
        return;
    if (entry)
        popRangeAndReply(c, c.arg(keyIndex), entry, where, count, true);
    else
        c.reply().nullArray();
}

void lmpopCommand(Connection &c)
{
    long long numkeys = 0;
    End where = End::Head;
    long long count = 0;
    if (parseMpopArguments(c, 1, &numkeys, &where, &count))
        mpopGeneric(c, 2, numkeys, where, count);
}

// ---- Blocking forms (Redis 7.0's blockingPopGenericCommand and blmoveGenericCommand): with
// elements in a key they run as their non-blocking form; otherwise the client waits for the
// keys (Connection::block) and is served by servePop/serveMove once one is a list again, or
// gets a nil array when the timeout passes. Inside a transaction they never wait.

// BLPOP/BRPOP ([key, element]; count 0) and BLMPOP ([key, elements]; count >= 1), from a list
// that has elements.
void blockingPopReply(Connection &c, QByteArrayView key, KeyEntry *entry, End where,
                      long long count)
{
    // Logged as the pop it did (Redis's "replicate it as [LR]POP instead of B[LR]POP"), which
    // never blocks when the file is replayed.
    const char *pop = where == End::Head ? "LPOP" : "RPOP";
    if (count > 0)
        c.propagateAs({ pop, key, QByteArray::number(count) });
    else
        c.propagateAs({ pop, key });
    if (count > 0) {
        popRangeAndReply(c, key, entry, where, count, true);
        return;
    }
    c.reply().arrayHeader(2);
    c.reply().bulk(key);
    popAndReply(c, key, entry, where);
}

void servePop(Connection &c, const BlockRequest &request, QByteArrayView key, KeyEntry *entry)
{
    blockingPopReply(c, key, entry, End(request.from), request.count);
}

// A destination that is no longer a list answers WRONGTYPE and ends the wait, as in Redis.
// BLMOVE and BRPOPLPUSH are logged as the LMOVE they did.
void propagateMove(Connection &c, QByteArrayView source, QByteArrayView destination, End from,
                   End to)
{
    auto side = [](End end) { return end == End::Head ? "LEFT" : "RIGHT"; };
    c.propagateAs({ "LMOVE", source, destination, side(from), side(to) });
}

void serveMove(Connection &c, const BlockRequest &request, QByteArrayView key, KeyEntry *entry)
{
    propagateMove(c, key, request.target, End(request.from), End(request.to));
    KeyEntry *destination = nullptr;
    if (lookupTypedWrite(c, request.target, ValueType::List, &destination))
        moveAndReply(c, key, entry, request.target, destination, End(request.from),
                     End(request.to));
}

void blockingPopGeneric(Connection &c, qsizetype firstKey, long long numkeys, End where,
                        long long count, qsizetype timeoutIndex)
{
    qint64 timeoutAt = 0;
    if (!parseBlockTimeout(c, c.arg(timeoutIndex), &timeoutAt))
        return;
    qsizetype keyIndex = 0;
    KeyEntry *entry = nullptr;
    if (!findFirstOfType(c, firstKey, numkeys, ValueType::List, &keyIndex, &entry))
        return;
    if (entry) {
        blockingPopReply(c, c.arg(keyIndex), entry, where, count);
        return;
    }
    if (c.isInExec()) {
        c.reply().nullArray();
        return;
    }
    BlockRequest request;
    request.type = ValueType::List;
    for (qsizetype j = firstKey; j < firstKey + numkeys; ++j)
        request.keys.push_back(c.arg(j).toByteArray());
    request.timeoutAt = timeoutAt;
    request.serve = servePop;
    request.from = int(where);
    request.count = count;
    c.block(std::move(request));
}

void blpopCommand(Connection &c)
{
    blockingPopGeneric(c, 1, c.argc() - 2, End::Head, 0, c.argc() - 1);
}

void brpopCommand(Connection &c)
{
    blockingPopGeneric(c, 1, c.argc() - 2, End::Tail, 0, c.argc() - 1);
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: the rest of the arguments are
// checked before the timeout, as in Redis.
void blmpopCommand(Connection &c)
{
    long long numkeys = 0;
    End where = End::Head;
    long long count = 0;
    if (parseMpopArguments(c, 2, &numkeys, &where, &count))
        blockingPopGeneric(c, 3, numkeys, where, count, 1);
}

void blmoveGeneric(Connection &c, End from, End to)
{
    qint64 timeoutAt = 0;
    if (!parseBlockTimeout(c, c.arg(c.argc() - 1), &timeoutAt))
        return;
    KeyEntry *source = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::List, &source))
        return;
    if (source) {
        propagateMove(c, c.arg(1), c.arg(2), from, to);
        lmoveGeneric(c, from, to);
        return;
    }
    if (c.isInExec()) {
        c.reply().null(); // Redis's addReplyNull here, unlike the timeout's nil array
        return;
    }
    BlockRequest request;
    request.type = ValueType::List;
    request.keys.push_back(c.arg(1).toByteArray());
    request.timeoutAt = timeoutAt;
    request.serve = serveMove;
    request.target = c.arg(2).toByteArray();
    request.from = int(from);
    request.to = int(to);
    c.block(std::move(request));
}

void blmoveCommand(Connection &c)
{
    End from = End::Head;
    End to = End::Head;
    if (parseListEnd(c, c.arg(3), &from) && parseListEnd(c, c.arg(4), &to))
        blmoveGeneric(c, from, to);
}

void brpoplpushCommand(Connection &c)
{
    blmoveGeneric(c, End::Tail, End::Head);
}

} // namespace

void registerListCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 List = AclCategory::List;
    const std::vector<KeySpec> insert { { RW | Insert, 1 } };
    const std::vector<KeySpec> pop { { RW | Access | Delete, 1 } };
    const std::vector<KeySpec> remove { { RW | Delete, 1 } };
    const std::vector<KeySpec> read { { RO | Access, 1 } };
    const std::vector<KeySpec> move { { RW | Access | Delete, 1 }, { RW | Insert, 2 } };
    table.add(Command { "lpush", -3, Write | DenyOom | Fast, lpushCommand, 1, 1, 1 }.acl(List).keys(
            insert));
    table.add(Command { "rpush", -3, Write | DenyOom | Fast, rpushCommand, 1, 1, 1 }.acl(List).keys(
            insert));
    table.add(
            Command { "lpushx", -3, Write | DenyOom | Fast, lpushxCommand, 1, 1, 1 }.acl(List).keys(
                    insert));
    table.add(
            Command { "rpushx", -3, Write | DenyOom | Fast, rpushxCommand, 1, 1, 1 }.acl(List).keys(
                    insert));
    table.add(Command { "lpop", -2, Write | Fast, lpopCommand, 1, 1, 1 }.acl(List).keys(pop));
    table.add(Command { "rpop", -2, Write | Fast, rpopCommand, 1, 1, 1 }.acl(List).keys(pop));
    table.add(Command { "llen", 2, ReadOnly | Fast, llenCommand, 1, 1, 1 }.acl(List).keys(
            { { RO, 1 } }));
    table.add(Command { "lrange", 4, ReadOnly, lrangeCommand, 1, 1, 1 }.acl(List).keys(read));
    table.add(Command { "lindex", 3, ReadOnly, lindexCommand, 1, 1, 1 }.acl(List).keys(read));
    table.add(Command { "lset", 4, Write | DenyOom, lsetCommand, 1, 1, 1 }.acl(List).keys(
            { { RW | Update, 1 } }));
    table.add(Command { "linsert", 5, Write | DenyOom, linsertCommand, 1, 1, 1 }.acl(List).keys(
            insert));
    table.add(Command { "lrem", 4, Write, lremCommand, 1, 1, 1 }.acl(List).keys(remove));
    table.add(Command { "ltrim", 4, Write, ltrimCommand, 1, 1, 1 }.acl(List).keys(remove));
    table.add(Command { "lpos", -3, ReadOnly, lposCommand, 1, 1, 1 }.acl(List).keys(read));
    table.add(Command { "lmove", 5, Write | DenyOom, lmoveCommand, 1, 2, 1 }.acl(List).keys(move));
    table.add(Command { "rpoplpush", 3, Write | DenyOom, rpoplpushCommand, 1, 2, 1 }.acl(List).keys(
            move));
    table.add(Command { "lmpop", -4, Write | MovableKeys, lmpopCommand }.acl(List).keys(
            { keynumSpec(RW | Access | Delete, 1, 0, 1, 1) }));

    constexpr quint32 BlockingWrite = Write | NoScript | CommandFlag::Blocking;
    const std::vector<KeySpec> popAll { { RW | Access | Delete, 1, -2 } };
    table.add(
            Command { "blpop", -3, BlockingWrite, blpopCommand, 1, -2, 1 }.acl(List).keys(popAll));
    table.add(
            Command { "brpop", -3, BlockingWrite, brpopCommand, 1, -2, 1 }.acl(List).keys(popAll));
    table.add(
            Command { "blmove", 6, BlockingWrite | DenyOom, blmoveCommand, 1, 2, 1 }.acl(List).keys(
                    move));
    table.add(Command { "brpoplpush", 4, BlockingWrite | DenyOom, brpoplpushCommand, 1, 2, 1 }
                      .acl(List)
                      .keys(move));
    table.add(Command { "blmpop", -5, Write | CommandFlag::Blocking | MovableKeys, blmpopCommand }
                      .acl(List)
                      .keys({ keynumSpec(RW | Access | Delete, 2, 0, 1, 1) }));
}
