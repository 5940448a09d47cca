// Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE, SINTER
// SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE, SSCAN.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "scanutil.h"
#include "store/keyspace.h"
#include "store/setvalue.h"

#include <algorithm>
#include <climits>
#include <memory>
#include <vector>

using namespace CommandUtil;

namespace {

using Element = SetValue::Element;

// Redis's SPOP_MOVE_STRATEGY_MUL: when fewer than count / 5 members would stay, SPOP builds
// the set of those that stay and replies the rest of the old one, rather than drawing count.
constexpr quint64 SpopMoveStrategyMultiplier = 5;

qint64 maxIntsetEntries(Connection &c)
{
    return c.server().config().setMaxIntsetEntries;
}

void replyMember(Connection &c, const Element &member)
{
    char buffer[24];
    c.reply().bulk(member.text(buffer));
}

// Every member of set as a bulk string, in the set's order.
void replyMembers(Connection &c, const SetValue &set)
{
    set.forEach([&](const Element &member) {
        replyMember(c, member);
        return true;
    });
}

// After members were taken out of the set at key by the command whose event this is: the key
// goes when the set is empty (as every Redis set command does), else its watchers are told.
void afterRemoval(Connection &c, QByteArrayView key, const SetValue &set, const char *event)
{
    KeyspaceEvents::notify(c, KeyspaceEvents::Set, event, key);
    if (set.length() == 0) {
        c.db().remove(key);
        KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", key);
    } else {
        c.db().signalModified(key);
    }
}

// The sets at keys first .. first + count - 1, read as Redis's set operations read them
// (lookupKeyRead: hits and misses count); a missing key is nullptr, an empty set. False after
// replying WRONGTYPE for the first key of another type.
bool lookupSets(Connection &c, qsizetype first, qsizetype count,
                std::vector<const SetValue *> *sets)
{
    sets->reserve(size_t(count));
    for (qsizetype j = first; j < first + count; ++j) {
        KeyEntry *entry = nullptr;
        if (!lookupTypedRead(c, c.arg(j), ValueType::Set, &entry))
            return false;
        sets->push_back(entry ? entry->as<SetValue>() : nullptr);
    }
    return true;
}

// The end of the STORE variants: result (nullptr: empty) replaces destination, whose TTL goes
// (Redis's setKey), or destination is deleted when result is empty; replies the result's size.
void storeSet(Connection &c, QByteArrayView destination, std::unique_ptr<SetValue> result,
              const char *event)
{
    const qsizetype size = result ? result->length() : 0;
    if (size == 0)
        result.reset();
    storeResult(c, destination, ValueType::Set, std::move(result), KeyspaceEvents::Set, event);
    c.reply().integer(size);
}

// SINTER, SMEMBERS, SINTERSTORE (destination not null) and SINTERCARD (cardinalityOnly,
// stopping at limit unless it is 0): Redis's sinterGenericCommand. The members of the
// smallest set are tested against the others; a missing key makes the result empty. A stored
// result starts as an intset, so its encoding is what its members allow.
void sinterGeneric(Connection &c, qsizetype first, qsizetype count, QByteArrayView destination,
                   bool cardinalityOnly = false, quint64 limit = 0)
{
    std::vector<const SetValue *> sets;
    if (!lookupSets(c, first, count, &sets))
        return;
    const bool store = !destination.isNull();
    if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
        if (store)
            storeSet(c, destination, nullptr, "sinterstore");
        else if (cardinalityOnly)
            c.reply().integer(0);
        else
            c.reply().setHeader(0);
        return;
    }
    std::stable_sort(sets.begin(), sets.end(), [](const SetValue *a, const SetValue *b) {
        return a->length() < b->length();
    });
    const SetValue *smallest = sets.front();
    auto inEveryOther = [&](const Element &member) {
        return std::all_of(sets.begin() + 1, sets.end(), [&](const SetValue *set) {
            return set == smallest || set->contains(member);
        });
    };

    if (cardinalityOnly) {
        quint64 found = 0;
        smallest->forEach([&](const Element &member) {
            found += inEveryOther(member);
            return limit == 0 || found < limit;
        });
        c.reply().integer(qint64(found));
    } else if (store) {
        auto result = std::make_unique<SetValue>();
        const qint64 maxEntries = maxIntsetEntries(c);
        smallest->forEach([&](const Element &member) {
            if (inEveryOther(member))
                result->add(member, maxEntries);
            return true;
        });
        storeSet(c, destination, std::move(result), "sinterstore");
    } else if (std::all_of(sets.begin() + 1, sets.end(),
                           [&](const SetValue *set) { return set == smallest; })) {
        // SMEMBERS (or one key repeated): all of it, so the length is known up front.
        c.reply().setHeader(smallest->length());
        replyMembers(c, *smallest);
    } else {
        // Redis defers the length; the members found are kept (views) until it is known.
        std::vector<Element> found;
        smallest->forEach([&](const Element &member) {
            if (inEveryOther(member))
                found.push_back(member);
            return true;
        });
        c.reply().setHeader(qsizetype(found.size()));
        for (const Element &member : found)
            replyMember(c, member);
    }
}

// SDIFF of sets (sets[0] present) into result, with Redis's choice between its two algorithms
// (sunionDiffGenericCommand): testing each member of the first set against the others,
// O(N*M), or adding the first set and removing every other, O(total size). The choice shows:
// the second leaves a hash table where the first would have built an intset.
void diffInto(SetValue *result, std::vector<const SetValue *> &sets, qint64 maxEntries)
{
    qint64 testWork = 0;
    qint64 subtractWork = 0;
    for (const SetValue *set : sets) {
        if (set) {
            testWork += sets[0]->length();
            subtractWork += set->length();
        }
    }
    // Testing has better constants and stops early on common members: it gets an advantage.
    if (testWork / 2 <= subtractWork) {
        // Biggest first, where a member of the first set is likeliest to be found soon.
        std::stable_sort(sets.begin() + 1, sets.end(), [](const SetValue *a, const SetValue *b) {
            return (a ? a->length() : 0) > (b ? b->length() : 0);
        });
        const SetValue *firstSet = sets[0];
        sets[0]->forEach([&](const Element &member) {
            const bool elsewhere
                    = std::any_of(sets.begin() + 1, sets.end(), [&](const SetValue *set) {
                          return set && (set == firstSet || set->contains(member));
                      });
            if (!elsewhere)
                result->add(member, maxEntries);
            return true;
        });
        return;
    }
    for (size_t j = 0; j < sets.size() && (j == 0 || result->length() > 0); ++j) {
        if (!sets[j])
            continue;
        sets[j]->forEach([&](const Element &member) {
            if (j == 0)
                result->add(member, maxEntries);
            else
                result->remove(member);
            return true;
        });
    }
}

enum class SetOperation { Union, Diff };

// SUNION, SDIFF and their STORE variants (destination not null): Redis's
// sunionDiffGenericCommand. The result is built in a new set that starts as an intset, then
// replied in its own order (an intset result is sorted) or stored.
void sunionDiffGeneric(Connection &c, qsizetype first, qsizetype count, QByteArrayView destination,
                       SetOperation operation)
{
    std::vector<const SetValue *> sets;
    if (!lookupSets(c, first, count, &sets))
        return;
    auto result = std::make_unique<SetValue>();
    const qint64 maxEntries = maxIntsetEntries(c);
    if (operation == SetOperation::Union) {
        for (const SetValue *set : sets) {
            if (!set)
                continue;
            set->forEach([&](const Element &member) {
                result->add(member, maxEntries);
                return true;
            });
        }
    } else if (sets[0]) {
        diffInto(result.get(), sets, maxEntries);
    }
    if (!destination.isNull()) {
        storeSet(c, destination, std::move(result),
                 operation == SetOperation::Union ? "sunionstore" : "sdiffstore");
        return;
    }
    c.reply().setHeader(result->length());
    replyMembers(c, *result);
}

void saddCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::Set, &entry))
        return;
    const quint64 changesBefore = c.db().changes();
    std::unique_ptr<SetValue> created;
    SetValue *set = entry ? entry->as<SetValue>() : (created = SetValue::createFor(c.arg(2))).get();
    const qint64 maxEntries = maxIntsetEntries(c);
    long long added = 0;
    for (qsizetype j = 2; j < c.argc(); ++j)
        added += set->add(c.arg(j), maxEntries);
    if (created)
        c.db().setObject(c.arg(1), ValueType::Set, std::move(created));
    else if (added)
        c.db().signalModified(c.arg(1));
    if (added)
        KeyspaceEvents::notify(c, KeyspaceEvents::Set, "sadd", c.arg(1));
    c.db().countChangesSince(changesBefore, quint64(added));
    c.reply().integer(added);
}

void sremCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::Set, &entry))
        return;
    long long removed = 0;
    if (entry) {
        const quint64 changesBefore = c.db().changes();
        SetValue *set = entry->as<SetValue>();
        for (qsizetype j = 2; j < c.argc(); ++j)
            removed += set->remove(c.arg(j));
        if (removed)
            afterRemoval(c, c.arg(1), *set, "srem");
        c.db().countChangesSince(changesBefore, quint64(removed));
    }
    c.reply().integer(removed);
}

void smoveCommand(Connection &c)
{
    KeyEntry *source = lookupWrite(c, c.arg(1));
    KeyEntry *destination = lookupWrite(c, c.arg(2));
    // A missing source answers 0 before any type is checked; then both types are, before
    // anything moves.
    if (!source) {
        c.reply().integer(0);
        return;
    }
    if (source->type != ValueType::Set || (destination && destination->type != ValueType::Set)) {
        replyWrongType(c);
        return;
    }
    SetValue *from = source->as<SetValue>();
    const QByteArrayView member = c.arg(3);
    if (source == destination) {
        c.reply().integer(from->contains(member));
        return;
    }
    if (!from->remove(member)) {
        c.reply().integer(0);
        return;
    }
    afterRemoval(c, c.arg(1), *from, "srem");
    const qint64 maxEntries = maxIntsetEntries(c);
    if (destination) {
        if (!destination->as<SetValue>()->add(member, maxEntries)) {
            c.reply().integer(1);
            return;
        }
        c.db().signalModified(c.arg(2));
    } else {
        std::unique_ptr<SetValue> created = SetValue::createFor(member);
        created->add(member, maxEntries);
        c.db().setObject(c.arg(2), ValueType::Set, std::move(created));
    }
    KeyspaceEvents::notify(c, KeyspaceEvents::Set, "sadd", c.arg(2));
    c.reply().integer(1);
}

void sismemberCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::Set, &entry))
        return;
    c.reply().integer(entry && entry->as<SetValue>()->contains(c.arg(2)));
}

void smismemberCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::Set, &entry))
        return;
    // A missing key is an empty set: all zeros.
    c.reply().arrayHeader(c.argc() - 2);
    for (qsizetype j = 2; j < c.argc(); ++j)
        c.reply().integer(entry && entry->as<SetValue>()->contains(c.arg(j)));
}

void scardCommand(Connection &c)
{
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::Set, &entry))
        return;
    c.reply().integer(entry ? entry->as<SetValue>()->length() : 0);
}

void smembersCommand(Connection &c)
{
    sinterGeneric(c, 1, 1, QByteArrayView());
}

// SPOP is logged as SREMs of the members it drew, at most 1024 a command (Redis's
// spopWithCountCommand batches).
void propagatePopped(Connection &c, const std::vector<QByteArray> &members)
{
    constexpr size_t Batch = 1024;
    for (size_t from = 0; from < members.size(); from += Batch) {
        std::vector<QByteArrayView> argv { "SREM", c.arg(1) };
        argv.insert(argv.end(), members.begin() + qsizetype(from),
                    members.begin() + qsizetype(qMin(members.size(), from + Batch)));
        c.propagateAs(argv);
    }
}

// SPOP key count (Redis's spopWithCountCommand): a set reply (RESP3 `~`). The whole set when
// count reaches its size (then the key goes); else count members drawn one by one, or, when
// few would stay, the set of those that stay is drawn instead and becomes the value (its
// encoding chosen afresh: an intset again if they allow it), the key keeping its TTL.
void spopWithCountCommand(Connection &c)
{
    long long count = 0;
    if (!parseRangeOrReply(c, c.arg(2), 0, LLONG_MAX, "value is out of range, must be positive",
                           &count))
        return;
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::Set, &entry))
        return;
    if (!entry || count == 0) {
        c.reply().setHeader(0);
        return;
    }
    SetValue *set = entry->as<SetValue>();
    const quint64 size = quint64(set->length());
    // Notified before the reply, as Redis does (a RESP3 client sees its own push first).
    KeyspaceEvents::notify(c, KeyspaceEvents::Set, "spop", c.arg(1));
    if (quint64(count) >= size) {
        // Redis replies SUNION of the key (looking it up again), then deletes it.
        sunionDiffGeneric(c, 1, 1, QByteArrayView(), SetOperation::Union);
        c.db().remove(c.arg(1));
        KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", c.arg(1));
        c.propagateAs({ "DEL", c.arg(1) });
        return;
    }
    const bool propagating = c.isPropagating();
    std::vector<QByteArray> popped;
    char buffer[24];
    c.reply().setHeader(count);
    const quint64 remaining = size - quint64(count);
    if (remaining * SpopMoveStrategyMultiplier > quint64(count)) {
        for (long long n = 0; n < count; ++n) {
            const Element member = set->randomMember();
            replyMember(c, member);
            if (propagating)
                popped.push_back(member.text(buffer).toByteArray());
            set->remove(member);
        }
    } else {
        std::unique_ptr<SetValue> kept;
        const qint64 maxEntries = maxIntsetEntries(c);
        for (quint64 n = 0; n < remaining; ++n) {
            const Element member = set->randomMember();
            if (!kept) {
                char buffer[24];
                kept = SetValue::createFor(member.text(buffer));
            }
            kept->add(member, maxEntries);
            set->remove(member);
        }
        replyMembers(c, *set);
        if (propagating) {
            set->forEach([&](const Element &member) {
                popped.push_back(member.text(buffer).toByteArray());
                return true;
            });
        }
        set->swap(*kept);
    }
    c.db().signalModified(c.arg(1));
    propagatePopped(c, popped);
}

void spopCommand(Connection &c)
{
    if (c.argc() == 3) {
        spopWithCountCommand(c);
        return;
    }
    if (c.argc() > 3) {
        replySyntaxError(c);
        return;
    }
    KeyEntry *entry = nullptr;
    if (!lookupTypedWrite(c, c.arg(1), ValueType::Set, &entry))
        return;
    if (!entry) {
        c.reply().null();
        return;
    }
    SetValue *set = entry->as<SetValue>();
    const Element member = set->randomMember();
    replyMember(c, member);
    char buffer[24];
    c.propagateAs({ "SREM", c.arg(1), member.text(buffer) });
    set->remove(member);
    afterRemoval(c, c.arg(1), *set, "spop");
}

// SRANDMEMBER key count (Redis's srandmemberWithCountCommand): an array (in RESP3 too). A
// negative count draws with repeats; a positive one gives distinct members, the whole set in
// its order when count reaches its size.
void srandmemberWithCountCommand(Connection &c)
{
    long long value = 0;
    if (!parseLongLongInRange(c, c.arg(2), -LLONG_MAX, LLONG_MAX,
                              "ERR value is out of range, value must between -9223372036854775807 "
                              "and 9223372036854775807",
                              &value))
        return;
    const bool distinct = value >= 0;
    const quint64 count = distinct ? quint64(value) : quint64(-value);
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::Set, &entry))
        return;
    if (!entry || count == 0) {
        c.reply().arrayHeader(0);
        return;
    }
    const SetValue *set = entry->as<SetValue>();
    auto reply = [&](const Element &member) { replyMember(c, member); };
    const quint64 size = quint64(set->length());
    if (!distinct || count == 1) {
        c.reply().arrayHeader(qsizetype(count));
        set->visitRandomMembers(count, reply);
    } else if (count >= size) {
        c.reply().arrayHeader(qsizetype(size));
        replyMembers(c, *set);
    } else {
        c.reply().arrayHeader(qsizetype(count));
        set->visitRandomUniqueMembers(qsizetype(count), reply);
    }
}

void srandmemberCommand(Connection &c)
{
    if (c.argc() == 3) {
        srandmemberWithCountCommand(c);
        return;
    }
    if (c.argc() > 3) {
        replySyntaxError(c);
        return;
    }
    KeyEntry *entry = nullptr;
    if (!lookupTypedRead(c, c.arg(1), ValueType::Set, &entry))
        return;
    if (!entry) {
        c.reply().null();
        return;
    }
    replyMember(c, entry->as<SetValue>()->randomMember());
}

void sinterCommand(Connection &c)
{
    sinterGeneric(c, 1, c.argc() - 1, QByteArrayView());
}

void sinterstoreCommand(Connection &c)
{
    sinterGeneric(c, 2, c.argc() - 2, c.arg(1));
}

// SINTERCARD numkeys key [key ...] [LIMIT limit] (Redis's sinterCardCommand).
void sintercardCommand(Connection &c)
{
    long long numkeys = 0;
    if (!parseRangeOrReply(c, c.arg(1), 1, LLONG_MAX, "numkeys should be greater than 0", &numkeys))
        return;
    if (numkeys > c.argc() - 2) {
        c.reply().error("ERR Number of keys can't be greater than number of args");
        return;
    }
    long long limit = 0;
    for (qsizetype j = 2 + qsizetype(numkeys); j < c.argc(); ++j) {
        if (!argIs(c.arg(j), "LIMIT") || j + 1 == c.argc()) {
            replySyntaxError(c);
            return;
        }
        if (!parseRangeOrReply(c, c.arg(++j), 0, LLONG_MAX, "LIMIT can't be negative", &limit))
            return;
    }
    sinterGeneric(c, 2, qsizetype(numkeys), QByteArrayView(), true, quint64(limit));
}

void sunionCommand(Connection &c)
{
    sunionDiffGeneric(c, 1, c.argc() - 1, QByteArrayView(), SetOperation::Union);
}

void sunionstoreCommand(Connection &c)
{
    sunionDiffGeneric(c, 2, c.argc() - 2, c.arg(1), SetOperation::Union);
}

void sdiffCommand(Connection &c)
{
    sunionDiffGeneric(c, 1, c.argc() - 1, QByteArrayView(), SetOperation::Diff);
}

void sdiffstoreCommand(Connection &c)
{
    sunionDiffGeneric(c, 2, c.argc() - 2, c.arg(1), SetOperation::Diff);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]: an intset replies whole with cursor 0.
void sscanCommand(Connection &c)
{
    quint64 cursor = 0;
    KeyEntry *entry = nullptr;
    ScanUtil::Options options;
    if (!ScanUtil::startKeyScan(c, ValueType::Set, &cursor, &entry, &options))
        return;
    const SetValue *set = entry->as<SetValue>();
    QByteArrayList items;
    char buffer[24];
    cursor = ScanUtil::scanBuckets(cursor, options.count, items, [&](quint64 at) {
        return set->scan(at, [&](const Element &member) {
            items.append(member.text(buffer).toByteArray());
        });
    });
    ScanUtil::reply(c, cursor, ScanUtil::filter(items, options, false));
}

} // namespace

void registerSetCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 S = AclCategory::Set;
    const std::vector<KeySpec> read { { RO, 1 } };
    const std::vector<KeySpec> access { { RO | Access, 1 } };
    const std::vector<KeySpec> readAll { { RO | Access, 1, -1 } };
    const char *const orderTip = "nondeterministic_output_order";
    const char *const outputTip = "nondeterministic_output";
    table.add(Command { "sadd", -3, Write | DenyOom | Fast, saddCommand, 1, 1, 1 }.acl(S).keys(
            { { RW | Insert, 1 } }));
    table.add(Command { "srem", -3, Write | Fast, sremCommand, 1, 1, 1 }.acl(S).keys(
            { { RW | Delete, 1 } }));
    table.add(Command { "smove", 4, Write | Fast, smoveCommand, 1, 2, 1 }.acl(S).keys(
            { { RW | Access | Delete, 1 }, { RW | Insert, 2 } }));
    table.add(Command { "sismember", 3, ReadOnly | Fast, sismemberCommand, 1, 1, 1 }.acl(S).keys(
            read));
    table.add(Command { "smismember", -3, ReadOnly | Fast, smismemberCommand, 1, 1, 1 }.acl(S).keys(
            access));
    table.add(Command { "scard", 2, ReadOnly | Fast, scardCommand, 1, 1, 1 }.acl(S).keys(read));
    table.add(Command { "smembers", 2, ReadOnly, smembersCommand, 1, 1, 1 }
                      .acl(S)
                      .keys(access)
                      .withTips({ orderTip }));
    table.add(Command { "spop", -2, Write | Fast, spopCommand, 1, 1, 1 }
                      .acl(S)
                      .keys({ { RW | Access | Delete, 1 } })
                      .withTips({ outputTip }));
    table.add(Command { "srandmember", -2, ReadOnly, srandmemberCommand, 1, 1, 1 }
                      .acl(S)
                      .keys(access)
                      .withTips({ outputTip }));
    table.add(Command { "sinter", -2, ReadOnly, sinterCommand, 1, -1, 1 }
                      .acl(S)
                      .keys(readAll)
                      .withTips({ orderTip }));
    table.add(Command { "sintercard", -3, ReadOnly | MovableKeys, sintercardCommand, 0, 0, 0 }
                      .acl(S)
                      .keys({ keynumSpec(RO | Access, 1, 0, 1, 1) }));
    table.add(Command { "sunion", -2, ReadOnly, sunionCommand, 1, -1, 1 }
                      .acl(S)
                      .keys(readAll)
                      .withTips({ orderTip }));
    table.add(
            Command { "sdiff", -2, ReadOnly, sdiffCommand, 1, -1, 1 }.acl(S).keys(readAll).withTips(
                    { orderTip }));
    const KeySpec sources { RO | Access, 2, -1 };
    table.add(Command { "sinterstore", -3, Write | DenyOom, sinterstoreCommand, 1, -1, 1 }
                      .acl(S)
                      .keys({ { RW | Update, 1 }, sources }));
    table.add(Command { "sunionstore", -3, Write | DenyOom, sunionstoreCommand, 1, -1, 1 }
                      .acl(S)
                      .keys({ { OW | Update, 1 }, sources }));
    table.add(
            Command { "sdiffstore", -3, Write | DenyOom, sdiffstoreCommand, 1, -1, 1 }.acl(S).keys(
                    { { OW | Update, 1 }, sources }));
    table.add(Command { "sscan", -3, ReadOnly, sscanCommand, 1, 1, 1 }.acl(S).keys(access).withTips(
            { outputTip }));
}
