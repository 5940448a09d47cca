// SORT and SORT_RO (Redis's sort.c): the elements of a list, set or sorted set, sorted by
// themselves or by weights read from other keys (BY), replied as they are or as other keys'
// values (GET), or stored as a list (STORE).
//
// The order of equal elements is part of the reply, so it is Redis's: its qsort (glibc's merge
// sort, stable) without LIMIT, its own partial quicksort (pqsort) for BY with a LIMIT.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "pubsub/keyspaceevents.h"
#include "store/hashvalue.h"
#include "store/keyspace.h"
#include "store/listvalue.h"
#include "store/setvalue.h"
#include "store/zsetvalue.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

using namespace CommandUtil;

namespace {

// SORT's arguments, as sortCommandGeneric's option loop leaves them.
struct SortOptions
{
    bool desc = false;
    bool alpha = false;
    // A BY pattern without '*' was given (BY nosort): the container's own order, no lookups.
    // It stays set whatever BY follows, as in Redis.
    bool dontSort = false;
    bool hasSortBy = false;
    bool store = false;
    long long limitStart = 0;
    long long limitCount = -1;
    QByteArrayView sortBy;   // the last BY pattern
    QByteArrayView storeKey; // the last STORE destination
    std::vector<QByteArrayView> getPatterns;
};

// Options from argument 2 on; false after replying an error (the first one found, as Redis
// stops at it). SORT_RO does not know STORE, so it is a syntax error there.
bool parseSortOptions(Connection &c, bool readOnly, SortOptions *options)
{
    for (qsizetype j = 2; j < c.argc(); ++j) {
        const QByteArrayView option = c.arg(j);
        const qsizetype more = c.argc() - j - 1;
        if (argIs(option, "ASC")) {
            options->desc = false;
        } else if (argIs(option, "DESC")) {
            options->desc = true;
        } else if (argIs(option, "ALPHA")) {
            options->alpha = true;
        } else if (argIs(option, "LIMIT") && more >= 2) {
            if (!parseLongLong(c, c.arg(j + 1), &options->limitStart)
                || !parseLongLong(c, c.arg(j + 2), &options->limitCount))
                return false;
            j += 2;
        } else if (!readOnly && argIs(option, "STORE") && more >= 1) {
            options->store = true;
            options->storeKey = c.arg(++j);
        } else if (argIs(option, "BY") && more >= 1) {
            options->hasSortBy = true;
            options->sortBy = c.arg(++j);
            // Redis looks for the '*' with strchr: up to the first NUL.
            if (!cString(options->sortBy).contains('*'))
                options->dontSort = true;
        } else if (argIs(option, "GET") && more >= 1) {
            options->getPatterns.push_back(c.arg(++j));
        } else {
            replySyntaxError(c);
            return false;
        }
    }
    return true;
}

/* A GET or BY pattern, taken apart once per command (Redis's lookupKeyByPattern does it for
 * every element, with C string functions, hence the NUL rules):
 * - "#" (up to a NUL) names the element itself;
 * - without '*' (before a NUL) it names nothing;
 * - else the first '*' is replaced by the element to make a key holding a string, or, when a
 *   "->" follows the '*' (before a NUL) with something after it, a key holding a hash and,
 *   after the arrow, the field (all the remaining bytes).
 */
class KeyPattern
{
public:
    explicit KeyPattern(QByteArrayView pattern)
    {
        const QByteArrayView text = cString(pattern);
        if (text == "#") {
            m_kind = Kind::Element;
            return;
        }
        const qsizetype star = text.indexOf('*');
        if (star < 0) {
            m_kind = Kind::Nothing;
            return;
        }
        m_kind = Kind::Key;
        m_prefix = pattern.first(star);
        const qsizetype arrow = text.indexOf("->", star + 1);
        if (arrow >= 0 && arrow + 2 < text.size()) {
            m_hasField = true;
            m_field = pattern.sliced(arrow + 2);
            m_suffix = pattern.sliced(star + 1, arrow - star - 1);
        } else {
            m_suffix = pattern.sliced(star + 1);
        }
    }

    // The value the pattern names for element into *value, read as Redis does (lookupKeyRead:
    // hits and misses count); false when there is none (no such key, another type, no such
    // field). The view lasts until the next lookup() or a change to the keyspace.
    bool lookup(Connection &c, QByteArrayView element, QByteArrayView *value)
    {
        if (m_kind != Kind::Key) {
            *value = element;
            return m_kind == Kind::Element;
        }
        m_key.resize(0);
        m_key.append(m_prefix).append(element).append(m_suffix);
        const KeyEntry *entry = lookupRead(c, m_key);
        if (!entry)
            return false;
        if (!m_hasField) {
            if (entry->type != ValueType::String)
                return false;
            *value = entry->string();
            return true;
        }
        HashValue::Value fieldValue;
        if (entry->type != ValueType::Hash || !entry->as<HashValue>()->get(m_field, &fieldValue))
            return false;
        *value = fieldValue.text(m_integer);
        return true;
    }

private:
    enum class Kind : quint8 { Element, Nothing, Key };

    Kind m_kind;
    bool m_hasField = false;
    QByteArrayView m_prefix;
    QByteArrayView m_suffix;
    QByteArrayView m_field;
    QByteArray m_key;   // the key being looked up, its buffer reused for every element
    char m_integer[24]; // a hash value its listpack holds as an integer, spelled
};

// Redis's numeric weight: strtod over the C string (up to a NUL) must read all of it, neither
// overflow nor underflow (ERANGE) and not give NaN. A missing weight is 0.
bool parseWeight(const char *text, double *score)
{
    errno = 0;
    char *end = nullptr;
    *score = std::strtod(text, &end);
    return *end == '\0' && errno != ERANGE && !std::isnan(*score);
}

// Bytes compared as unsigned, then the shorter first (Redis's compareStringObjects).
int compareBinary(QByteArrayView a, QByteArrayView b)
{
    const qsizetype n = qMin(a.size(), b.size());
    const int cmp = n ? std::memcmp(a.data(), b.data(), size_t(n)) : 0;
    if (cmp)
        return cmp;
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// One element to sort (Redis's redisSortObject). Its bytes, and for ALPHA with BY its weight,
// are copies in the command's arena, each followed by a NUL for strtod and strcoll: offsets,
// not pointers, because the arena grows while it is filled.
struct SortItem
{
    qsizetype offset;
    qsizetype length;
    double score = 0;
    qsizetype weightOffset = -1; // -1: the BY key is missing (it sorts first)
    qsizetype weightLength = 0;
};

/* The elements of one SORT and Redis's sortCompare over them: numbers by score, equal scores
 * by bytes; ALPHA by strcoll of the elements or of their BY weights (a missing weight first),
 * or by bytes when the result is STOREd (so that it does not depend on the locale); DESC
 * reverses it. strcoll collates by LC_COLLATE from the environment in both servers: Redis
 * calls setlocale(LC_COLLATE, "") and QCoreApplication applies the environment's locale.
 */
class SortVector
{
public:
    void reserve(qsizetype count) { m_items.reserve(size_t(count)); }
    void append(QByteArrayView element)
    {
        m_items.push_back({ m_arena.size(), element.size() });
        m_arena.append(element).append('\0');
    }
    void append(const Listpack::Element &element)
    {
        char buffer[24];
        append(element.text(buffer));
    }
    void setWeight(qsizetype index, QByteArrayView weight)
    {
        m_items[size_t(index)].weightOffset = m_arena.size();
        m_items[size_t(index)].weightLength = weight.size();
        m_arena.append(weight).append('\0');
    }
    void setScore(qsizetype index, double score) { m_items[size_t(index)].score = score; }

    qsizetype size() const { return qsizetype(m_items.size()); }
    QByteArrayView element(qsizetype index) const { return text(m_items[size_t(index)]); }
    const char *elementString(qsizetype index) const
    {
        return m_arena.constData() + m_items[size_t(index)].offset;
    }

    void setOrder(bool alpha, bool byPattern, bool binary, bool desc)
    {
        m_alpha = alpha;
        m_byPattern = byPattern;
        m_binary = binary;
        m_desc = desc;
    }
    // Redis's qsort: glibc's merge sort, so equal elements keep their order.
    void sort()
    {
        std::stable_sort(
                m_items.begin(), m_items.end(),
                [this](const SortItem &a, const SortItem &b) { return compare(a, b) < 0; });
    }
    // Redis's pqsort for BY with a LIMIT: only [left, right] is sure to be in order.
    void sortRange(qsizetype left, qsizetype right) { partialSort(0, size(), left, right); }

private:
    QByteArrayView text(const SortItem &item) const
    {
        return QByteArrayView(m_arena.constData() + item.offset, item.length);
    }

    int compare(const SortItem &a, const SortItem &b) const
    {
        int cmp;
        if (!m_alpha) {
            if (a.score != b.score)
                cmp = a.score > b.score ? 1 : -1;
            else
                cmp = compareBinary(text(a), text(b));
        } else if (m_byPattern) {
            if (a.weightOffset < 0 || b.weightOffset < 0) {
                cmp = (a.weightOffset < 0 ? 0 : 1) - (b.weightOffset < 0 ? 0 : 1);
            } else if (m_binary) {
                cmp = compareBinary(
                        QByteArrayView(m_arena.constData() + a.weightOffset, a.weightLength),
                        QByteArrayView(m_arena.constData() + b.weightOffset, b.weightLength));
            } else {
                cmp = std::strcoll(m_arena.constData() + a.weightOffset,
                                   m_arena.constData() + b.weightOffset);
            }
        } else if (m_binary) {
            cmp = compareBinary(text(a), text(b));
        } else {
            cmp = std::strcoll(m_arena.constData() + a.offset, m_arena.constData() + b.offset);
        }
        return m_desc ? -cmp : cmp;
    }

    int compareAt(qsizetype i, qsizetype j) const
    {
        return compare(m_items[size_t(i)], m_items[size_t(j)]);
    }
    void swapAt(qsizetype i, qsizetype j) { std::swap(m_items[size_t(i)], m_items[size_t(j)]); }

    // The middle one of three by value (Bentley and McIlroy's med3).
    qsizetype median(qsizetype a, qsizetype b, qsizetype c) const
    {
        if (compareAt(a, b) < 0)
            return compareAt(b, c) < 0 ? b : (compareAt(a, c) < 0 ? c : a);
        return compareAt(b, c) > 0 ? b : (compareAt(a, c) < 0 ? a : c);
    }

    void insertionSort(qsizetype first, qsizetype count)
    {
        for (qsizetype m = first + 1; m < first + count; ++m) {
            for (qsizetype l = m; l > first && compareAt(l - 1, l) > 0; --l)
                swapAt(l, l - 1);
        }
    }

    /* Redis's pqsort step by step (NetBSD's qsort, from Bentley and McIlroy's "Engineering a
     * Sort Function", skipping the partitions outside [left, right]), because with equal
     * weights the order it leaves is what SORT replies: the pivot (median of three, or of
     * three medians past 40 elements), the three-way partition with equal elements parked at
     * both ends then swapped to the middle, insertion sort below 7 elements; the lower part
     * recursively, the upper part in the loop. Redis 7.0's copy has no switch to insertion
     * sort after a partition that swapped nothing (NetBSD's swap_cnt): neither has this.
     */
    void partialSort(qsizetype first, qsizetype count, qsizetype left, qsizetype right)
    {
        const auto outside = [&](qsizetype from, qsizetype n) {
            return (left < from && right < from) || (left >= from + n && right >= from + n);
        };
        for (;;) {
            if (count < 7) {
                insertionSort(first, count);
                return;
            }
            qsizetype pm = first + count / 2;
            if (count > 7) {
                qsizetype pl = first;
                qsizetype pn = first + count - 1;
                if (count > 40) {
                    const qsizetype d = count / 8;
                    pl = median(pl, pl + d, pl + 2 * d);
                    pm = median(pm - d, pm, pm + d);
                    pn = median(pn - 2 * d, pn - d, pn);
                }
                pm = median(pl, pm, pn);
            }
            swapAt(first, pm);
            qsizetype pa = first + 1;
            qsizetype pb = pa;
            qsizetype pc = first + count - 1;
            qsizetype pd = pc;
            for (;;) {
                int cmp;
                while (pb <= pc && (cmp = compareAt(pb, first)) <= 0) {
                    if (cmp == 0)
                        swapAt(pa++, pb);
                    ++pb;
                }
                while (pb <= pc && (cmp = compareAt(pc, first)) >= 0) {
                    if (cmp == 0)
                        swapAt(pc, pd--);
                    --pc;
                }
                if (pb > pc)
                    break;
                swapAt(pb++, pc--);
            }
            const qsizetype end = first + count;
            qsizetype r = qMin(pa - first, pb - pa);
            for (qsizetype k = 0; k < r; ++k)
                swapAt(first + k, pb - r + k);
            r = qMin(pd - pc, end - pd - 1);
            for (qsizetype k = 0; k < r; ++k)
                swapAt(pb + k, end - r + k);
            if ((r = pb - pa) > 1 && !outside(first, r))
                partialSort(first, r, left, right);
            if ((r = pd - pc) <= 1)
                return;
            first = end - r;
            count = r;
            if (outside(first, count))
                return;
        }
    }

    std::vector<SortItem> m_items;
    QByteArray m_arena;
    bool m_alpha = false;
    bool m_byPattern = false;
    bool m_binary = false;
    bool m_desc = false;
};

// The elements of the list from index first on (towards the head when desc), count of them.
void loadListRange(SortVector &vector, const ListValue &list, qsizetype first, qsizetype count,
                   bool desc)
{
    vector.reserve(count);
    for (ListValue::Iterator it = list.iteratorAt(first); it.isValid() && count > 0; --count) {
        vector.append(it.element());
        if (desc)
            it.previous();
        else
            it.next();
    }
}

// The members of the skip list from rank first (0-based, from the highest score when desc),
// count of them.
void loadZSetRange(SortVector &vector, const ZSkipList &list, qsizetype first, qsizetype count,
                   bool desc)
{
    vector.reserve(count);
    const ZSkipList::Node *node = list.byRank(desc ? list.length() - first : first + 1);
    for (; node && count > 0; --count) {
        vector.append(node->member());
        node = desc ? node->backward : node->forward();
    }
}

// Every element of the value, in its own order: list order, a set's (ascending for an intset,
// table order for a hash table), a sorted set's by score (where Redis walks its dict: only
// elements that compare equal can show the difference).
void loadAll(SortVector &vector, const KeyEntry &entry)
{
    vector.reserve(entry.as<Aggregate>()->length());
    switch (entry.type) {
    case ValueType::List:
        loadListRange(vector, *entry.as<ListValue>(), 0, entry.as<ListValue>()->length(), false);
        break;
    case ValueType::Set:
        entry.as<SetValue>()->forEach([&](const SetValue::Element &member) {
            vector.append(member);
            return true;
        });
        break;
    default:
        for (const ZSkipList::Node *node = entry.as<ZSetValue>()->skipList()->first(); node;
             node = node->forward())
            vector.append(node->member());
        break;
    }
}

// The scores (or, for ALPHA with BY, the weights) of every element; false when one cannot be
// read as a number (Redis goes on with the others: the lookups all happen).
bool loadWeights(Connection &c, SortVector &vector, const SortOptions &options)
{
    bool numbers = true;
    std::optional<KeyPattern> sortBy;
    if (options.hasSortBy)
        sortBy.emplace(options.sortBy);
    else if (options.alpha)
        return true;   // the elements themselves are compared
    QByteArray number; // a weight copied to end in a NUL for strtod
    for (qsizetype j = 0; j < vector.size(); ++j) {
        double score = 0;
        if (!sortBy) {
            numbers = parseWeight(vector.elementString(j), &score) && numbers;
            vector.setScore(j, score);
            continue;
        }
        QByteArrayView weight;
        if (!sortBy->lookup(c, vector.element(j), &weight))
            continue;
        if (options.alpha) {
            vector.setWeight(j, weight);
            continue;
        }
        number.resize(0);
        number.append(weight);
        numbers = parseWeight(number.constData(), &score) && numbers;
        vector.setScore(j, score);
    }
    return numbers;
}

// The result, elements start..end of the sorted vector (or, with GET, what the patterns name
// for each), as an array: a missing value is a null.
void replyResult(Connection &c, const SortVector &vector, std::vector<KeyPattern> &gets,
                 qsizetype start, qsizetype end, qsizetype outputLength)
{
    ReplyWriter &r = c.reply();
    r.arrayHeader(outputLength);
    for (qsizetype j = start; j <= end; ++j) {
        if (gets.empty())
            r.bulk(vector.element(j));
        for (KeyPattern &get : gets) {
            QByteArrayView value;
            if (get.lookup(c, vector.element(j), &value))
                r.bulk(value);
            else
                r.null();
        }
    }
}

// STORE: the same result as a list at destination (a missing value is an empty string),
// replacing what was there and its expiry (Redis's setKey); an empty result deletes it.
// Replies the number of elements.
void storeResult(Connection &c, const SortVector &vector, std::vector<KeyPattern> &gets,
                 qsizetype start, qsizetype end, qsizetype outputLength, QByteArrayView destination)
{
    auto list = std::make_unique<ListValue>(c.server().config().listMaxListpackSize);
    for (qsizetype j = start; j <= end; ++j) {
        if (gets.empty())
            list->push(ListValue::End::Tail, vector.element(j));
        for (KeyPattern &get : gets) {
            QByteArrayView value;
            list->push(ListValue::End::Tail,
                       get.lookup(c, vector.element(j), &value) ? value : QByteArrayView(""));
        }
    }
    if (outputLength == 0)
        list.reset();
    CommandUtil::storeResult(c, destination, ValueType::List, std::move(list), KeyspaceEvents::List,
                             "sortstore");
    c.reply().integer(outputLength);
}

// The one SORT behind both (Redis's sortCommandGeneric).
void sortGeneric(Connection &c, bool readOnly)
{
    SortOptions options;
    if (!parseSortOptions(c, readOnly, &options))
        return;
    KeyEntry *entry = lookupRead(c, c.arg(1));
    if (entry && entry->type != ValueType::List && entry->type != ValueType::Set
        && entry->type != ValueType::ZSet) {
        replyWrongType(c);
        return;
    }
    // A set has no order of its own to keep: stored (so replicated) results of BY nosort are
    // sorted ALPHA instead.
    if (entry && entry->type == ValueType::Set && options.dontSort && options.store) {
        options.dontSort = false;
        options.alpha = true;
        options.hasSortBy = false;
    }
    // Redis converts a listpack sorted set for good before sorting it.
    if (entry && entry->type == ValueType::ZSet && entry->as<ZSetValue>()->isListpack())
        entry->as<ZSetValue>()->convertToSkipList();

    // LIMIT, clamped to the value as Redis 7.0.15 clamps it (no overflow on huge counts).
    const long long length = entry ? entry->as<Aggregate>()->length() : 0;
    long long start = qMin(qMax(options.limitStart, 0LL), length);
    const long long count = qMin(qMax(options.limitCount, -1LL), length);
    long long end = count < 0 ? length - 1 : start + count - 1;
    if (start >= length) {
        start = length - 1;
        end = length - 2;
    }
    if (end >= length)
        end = length - 1;

    SortVector vector;
    if (entry && options.dontSort && entry->type != ValueType::Set) {
        // Lists and sorted sets keep their order: only the range is read, from the end DESC
        // names, and the output range is all of it.
        if (end >= start) {
            if (entry->type == ValueType::List)
                loadListRange(vector, *entry->as<ListValue>(),
                              options.desc ? length - start - 1 : start, end - start + 1,
                              options.desc);
            else
                loadZSetRange(vector, *entry->as<ZSetValue>()->skipList(), start, end - start + 1,
                              options.desc);
            end -= start;
            start = 0;
        }
    } else if (entry) {
        loadAll(vector, *entry);
    }

    if (!options.dontSort) {
        // Redis sorts even then, but replies the error and nothing else.
        if (!loadWeights(c, vector, options)) {
            c.reply().error("ERR One or more scores can't be converted into double");
            return;
        }
        vector.setOrder(options.alpha, options.hasSortBy, options.store, options.desc);
        if (options.hasSortBy && (start != 0 || end != length - 1))
            vector.sortRange(start, end);
        else
            vector.sort();
    }

    std::vector<KeyPattern> gets(options.getPatterns.begin(), options.getPatterns.end());
    const qsizetype outputLength = (gets.empty() ? 1 : qsizetype(gets.size())) * (end - start + 1);
    if (options.store)
        storeResult(c, vector, gets, start, end, outputLength, options.storeKey);
    else
        replyResult(c, vector, gets, start, end, outputLength);
}

void sortCommand(Connection &c)
{
    sortGeneric(c, false);
}

void sortroCommand(Connection &c)
{
    sortGeneric(c, true);
}

// COMMAND GETKEYS for SORT (Redis's sortGetKeys): the sorted key, and the destination of the
// last STORE that has one; LIMIT, GET and BY skip their arguments.
std::vector<KeyReference> sortKeys(const QByteArrayView *argv, qsizetype argc)
{
    std::vector<KeyReference> keys { { 1, KeyFlag::RO | KeyFlag::Access } };
    for (qsizetype i = 2; i < argc; ++i) {
        if (argIs(argv[i], "LIMIT")) {
            i += 2;
        } else if (argIs(argv[i], "GET") || argIs(argv[i], "BY")) {
            i += 1;
        } else if (argIs(argv[i], "STORE") && i + 1 < argc) {
            keys.resize(1);
            keys.push_back({ i + 1, KeyFlag::OW | KeyFlag::Update });
        }
    }
    return keys;
}

// SORT_RO has no STORE (Redis's sortROGetKeys).
std::vector<KeyReference> sortroKeys(const QByteArrayView *, qsizetype)
{
    return { { 1, KeyFlag::RO | KeyFlag::Access } };
}

} // namespace

void registerSortCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Categories = AclCategory::Set | AclCategory::SortedSet | AclCategory::List
            | AclCategory::Dangerous;
    const KeySpec sorted { RO | Access, 1 };
    const KeySpec patterns = unknownSpec(
            RO | Access,
            "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive "
            "from the content of the key we sort");
    const KeySpec store = unknownSpec(
            OW | Update,
            "For the optional STORE keyword. It is marked 'unknown' because the keyword can "
            "appear anywhere in the argument array");
    table.add(Command { "sort", -2, Write | DenyOom | MovableKeys, sortCommand, 1, 1, 1 }
                      .acl(Categories)
                      .keys({ sorted, patterns, store })
                      .keysFunction(sortKeys));
    table.add(Command { "sort_ro", -2, ReadOnly | MovableKeys, sortroCommand, 1, 1, 1 }
                      .acl(Categories)
                      .keys({ sorted, patterns })
                      .keysFunction(sortroKeys));
}
