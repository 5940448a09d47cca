// Sorted-set operations over several keys: ZUNION ZINTER ZDIFF ZINTERCARD and ZUNIONSTORE
// ZINTERSTORE ZDIFFSTORE (Redis's zunionInterDiffGenericCommand). Sets take part as sorted
// sets whose members all score 1.
#include "zsetcommands.h"

#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "store/dict.h"
#include "store/keyspace.h"
#include "store/setvalue.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

using namespace CommandUtil;
using namespace ZSetCommands;

namespace {

enum class SetOp { Union, Inter, Diff };
enum class AggregateMode { Sum, Min, Max };

// Redis's zunionInterAggregate: a sum that is NaN (inf + -inf) counts as 0.
void aggregate(double *target, double value, AggregateMode mode)
{
    switch (mode) {
    case AggregateMode::Sum:
        *target += value;
        if (std::isnan(*target))
            *target = 0;
        break;
    case AggregateMode::Min: *target = value < *target ? value : *target; break;
    case AggregateMode::Max: *target = value > *target ? value : *target; break;
    }
}

// One input key: a sorted set, a set (every member scores 1) or a missing key (empty).
class OpSource
{
public:
    OpSource() = default;
    explicit OpSource(const KeyEntry *entry)
        : m_entry(entry)
    { }

    const KeyEntry *entry() const { return m_entry; }
    double weight = 1;

    qsizetype length() const
    {
        if (!m_entry)
            return 0;
        return isZSet() ? zset()->length() : set()->length();
    }
    // Calls visit(member, score) for each element until it returns false.
    template<typename Visit> void forEach(Visit visit) const
    {
        if (!m_entry)
            return;
        if (isZSet()) {
            for (ZSetValue::Iterator it = zset()->atRank(0); it.isValid(); it.next()) {
                if (!visit(it.member(), it.score()))
                    return;
            }
            return;
        }
        char buffer[24];
        set()->forEach(
                [&](const SetValue::Element &member) { return visit(member.text(buffer), 1.0); });
    }
    // The score of member here into *score; false when absent.
    bool find(QByteArrayView member, double *score) const
    {
        if (!m_entry)
            return false;
        if (isZSet())
            return zset()->score(member, score);
        if (!set()->contains(member))
            return false;
        *score = 1;
        return true;
    }

private:
    bool isZSet() const { return m_entry->type == ValueType::ZSet; }
    const ZSetValue *zset() const { return m_entry->as<ZSetValue>(); }
    const SetValue *set() const { return m_entry->as<SetValue>(); }

    const KeyEntry *m_entry = nullptr;
};

// One member of a result with its score: a single block, the member's bytes after it.
struct ResultNode
{
    ResultNode *next;
    double score;
    quint32 length;

    QByteArrayView key() const
    {
        return QByteArrayView(reinterpret_cast<const char *>(this + 1), length);
    }
};

void freeResultNode(ResultNode *node)
{
    std::free(node);
}

// The result being computed (Redis builds it as a zset, and its union accumulator as a dict):
// members and scores, unordered until sorted().
class ResultSet
{
public:
    ResultSet() = default;
    ResultSet(const ResultSet &) = delete;
    ResultSet &operator=(const ResultSet &) = delete;
    ~ResultSet() { m_index.clear(freeResultNode); }

    qsizetype size() const { return m_index.size(); }
    ResultNode *find(QByteArrayView member) { return m_index.find(member); }
    // Adds member, which must be absent.
    void add(QByteArrayView member, double score)
    {
        auto *node = static_cast<ResultNode *>(
                std::malloc(sizeof(ResultNode) + size_t(member.size())));
        if (!node)
            throw std::bad_alloc();
        node->next = nullptr;
        node->score = score;
        node->length = quint32(member.size());
        if (!member.isEmpty())
            std::memcpy(node + 1, member.data(), size_t(member.size()));
        m_index.insert(node);
    }
    void remove(QByteArrayView member)
    {
        if (ResultNode *node = m_index.take(member))
            freeResultNode(node);
    }
    // The members in sorted-set order: by score, then by member bytes. Views into this set.
    std::vector<ZSetValue::Entry> sorted() const
    {
        std::vector<ZSetValue::Entry> entries;
        entries.reserve(size_t(size()));
        m_index.forEach([&entries](const ResultNode &node) {
            entries.push_back({ node.key(), node.score });
        });
        std::sort(entries.begin(), entries.end(),
                  [](const ZSetValue::Entry &a, const ZSetValue::Entry &b) {
                      if (a.score != b.score)
                          return a.score < b.score;
                      return ZLexRange::compareMembers(a.member, b.member) < 0;
                  });
        return entries;
    }

private:
    Dict<ResultNode> m_index;
};

void unionOf(std::vector<OpSource> &sources, AggregateMode mode, ResultSet *result)
{
    for (const OpSource &source : sources) {
        source.forEach([&](QByteArrayView member, double elementScore) {
            double score = source.weight * elementScore;
            if (std::isnan(score))
                score = 0;
            if (ResultNode *node = result->find(member))
                aggregate(&node->score, score, mode);
            else
                result->add(member, score);
            return true;
        });
    }
}

// The members of the first (smallest) source found in every other one. With a result, they
// are added to it; without, they are only counted, up to limit (0: no limit).
qsizetype intersectionOf(std::vector<OpSource> &sources, AggregateMode mode, ResultSet *result,
                         long long limit)
{
    qsizetype cardinality = 0;
    const OpSource &first = sources.front();
    first.forEach([&](QByteArrayView member, double elementScore) {
        double score = first.weight * elementScore;
        if (std::isnan(score))
            score = 0;
        for (size_t k = 1; k < sources.size(); ++k) {
            double value = 0;
            if (!sources[k].find(member, &value))
                return true;
            aggregate(&score, value * sources[k].weight, mode);
        }
        ++cardinality;
        if (result)
            result->add(member, score);
        return !(limit && cardinality >= limit);
    });
    return cardinality;
}

// The members of the first source in no other one. As Redis's zdiff, it either looks each
// member of the first up in the others (algorithm 1) or copies the first and removes what the
// others hold (algorithm 2), whichever costs less; a key given twice leaves nothing.
void differenceOf(std::vector<OpSource> &sources, ResultSet *result)
{
    const OpSource &first = sources.front();
    if (first.length() == 0)
        return;
    long long lookups = 0;
    long long visits = 0;
    for (size_t k = 0; k < sources.size(); ++k) {
        if (k > 0 && sources[k].entry() == first.entry())
            return;
        lookups += first.length();
        visits += sources[k].length();
    }
    if (lookups / 2 <= visits) {
        // The biggest sets first: a member is most likely found there.
        std::stable_sort(
                sources.begin() + 1, sources.end(),
                [](const OpSource &a, const OpSource &b) { return a.length() > b.length(); });
        first.forEach([&](QByteArrayView member, double score) {
            double ignored = 0;
            const bool elsewhere
                    = std::any_of(sources.begin() + 1, sources.end(), [&](const OpSource &source) {
                          return source.find(member, &ignored);
                      });
            if (!elsewhere)
                result->add(member, score);
            return true;
        });
        return;
    }
    first.forEach([&](QByteArrayView member, double score) {
        result->add(member, score);
        return true;
    });
    for (size_t k = 1; k < sources.size() && result->size(); ++k) {
        sources[k].forEach([&](QByteArrayView member, double) {
            result->remove(member);
            return result->size() > 0;
        });
    }
}

// Redis's zunionInterDiffGenericCommand: numkeys at numkeysIndex, the keys after it, then the
// options (WEIGHTS and AGGREGATE but for ZDIFF, WITHSCORES without a destination, LIMIT for
// ZINTERCARD only). Keys are looked up, and their types checked, before the options are read.
void zsetOpGeneric(Connection &c, qsizetype numkeysIndex, bool store, SetOp op,
                   bool cardinalityOnly)
{
    long long count = 0;
    if (!parseLongLong(c, c.arg(numkeysIndex), &count))
        return;
    if (count < 1) {
        c.reply().error("ERR at least 1 input key is needed for '" + c.commandName() + "' command");
        return;
    }
    if (count > c.argc() - (numkeysIndex + 1)) {
        replySyntaxError(c);
        return;
    }
    std::vector<OpSource> sources;
    sources.reserve(size_t(count));
    qsizetype j = numkeysIndex + 1;
    for (; j < numkeysIndex + 1 + count; ++j) {
        const KeyEntry *entry = lookupRead(c, c.arg(j));
        if (entry && entry->type != ValueType::ZSet && entry->type != ValueType::Set) {
            replyWrongType(c);
            return;
        }
        sources.emplace_back(entry);
    }

    AggregateMode mode = AggregateMode::Sum;
    bool withScores = false;
    long long limit = 0;
    while (j < c.argc()) {
        const qsizetype remaining = c.argc() - j;
        const bool weighted = op != SetOp::Diff && !cardinalityOnly;
        if (weighted && remaining >= count + 1 && argIs(c.arg(j), "weights")) {
            ++j;
            for (OpSource &source : sources) {
                if (!parseScoreOrReply(c, c.arg(j++), &source.weight,
                                       "weight value is not a float"))
                    return;
            }
        } else if (weighted && remaining >= 2 && argIs(c.arg(j), "aggregate")) {
            const QByteArrayView name = c.arg(j + 1);
            if (argIs(name, "sum"))
                mode = AggregateMode::Sum;
            else if (argIs(name, "min"))
                mode = AggregateMode::Min;
            else if (argIs(name, "max"))
                mode = AggregateMode::Max;
            else {
                replySyntaxError(c);
                return;
            }
            j += 2;
        } else if (!store && !cardinalityOnly && argIs(c.arg(j), "withscores")) {
            withScores = true;
            ++j;
        } else if (cardinalityOnly && remaining >= 2 && argIs(c.arg(j), "limit")) {
            if (!Numbers::toLongLong(c.arg(j + 1), &limit) || limit < 0) {
                c.reply().error("ERR LIMIT can't be negative");
                return;
            }
            j += 2;
        } else {
            replySyntaxError(c);
            return;
        }
    }

    // The smallest input first: an intersection walks it, a union grows from it.
    if (op != SetOp::Diff) {
        std::stable_sort(sources.begin(), sources.end(), [](const OpSource &a, const OpSource &b) {
            return a.length() < b.length();
        });
    }
    if (cardinalityOnly) {
        c.reply().integer(sources.front().length() ? intersectionOf(sources, mode, nullptr, limit)
                                                   : 0);
        return;
    }
    ResultSet result;
    switch (op) {
    case SetOp::Union: unionOf(sources, mode, &result); break;
    case SetOp::Inter:
        if (sources.front().length())
            intersectionOf(sources, mode, &result, 0);
        break;
    case SetOp::Diff: differenceOf(sources, &result); break;
    }

    const std::vector<ZSetValue::Entry> entries = result.sorted();
    if (store) {
        const QByteArrayView destination = c.arg(1);
        c.reply().integer(qsizetype(entries.size()));
        static const char *const events[] = { "zunionstore", "zinterstore", "zdiffstore" };
        storeResult(c, destination, ValueType::ZSet,
                    entries.empty() ? nullptr : ZSetValue::fromSorted(entries, limits(c)),
                    KeyspaceEvents::ZSet, events[int(op)]);
        return;
    }
    replyMembersHeader(c, qsizetype(entries.size()), withScores);
    for (const ZSetValue::Entry &entry : entries)
        replyMember(c, entry.member, entry.score, withScores);
}

void zunionCommand(Connection &c)
{
    zsetOpGeneric(c, 1, false, SetOp::Union, false);
}

void zinterCommand(Connection &c)
{
    zsetOpGeneric(c, 1, false, SetOp::Inter, false);
}

void zdiffCommand(Connection &c)
{
    zsetOpGeneric(c, 1, false, SetOp::Diff, false);
}

void zintercardCommand(Connection &c)
{
    zsetOpGeneric(c, 1, false, SetOp::Inter, true);
}

void zunionstoreCommand(Connection &c)
{
    zsetOpGeneric(c, 2, true, SetOp::Union, false);
}

void zinterstoreCommand(Connection &c)
{
    zsetOpGeneric(c, 2, true, SetOp::Inter, false);
}

void zdiffstoreCommand(Connection &c)
{
    zsetOpGeneric(c, 2, true, SetOp::Diff, false);
}

} // namespace

void ZSetCommands::registerZSetOpCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Z = AclCategory::SortedSet;
    // The input keys follow numkeys (a "keynum" key spec), after the destination if any.
    const std::vector<KeySpec> read { keynumSpec(RO | Access, 1, 0, 1, 1) };
    const std::vector<KeySpec> store { { OW | Update, 1 }, keynumSpec(RO | Access, 2, 0, 1, 1) };
    auto row = [&](const char *name, int arity, quint32 flags, CommandHandler handler, int key,
                   const std::vector<KeySpec> &keys) {
        table.add(Command { name, arity, flags | MovableKeys, handler, key, key, key }.acl(Z).keys(
                keys));
    };
    row("zunion", -3, ReadOnly, zunionCommand, 0, read);
    row("zinter", -3, ReadOnly, zinterCommand, 0, read);
    row("zdiff", -3, ReadOnly, zdiffCommand, 0, read);
    row("zintercard", -3, ReadOnly, zintercardCommand, 0, read);
    row("zunionstore", -4, Write | DenyOom, zunionstoreCommand, 1, store);
    row("zinterstore", -4, Write | DenyOom, zinterstoreCommand, 1, store);
    row("zdiffstore", -4, Write | DenyOom, zdiffstoreCommand, 1, store);
}
