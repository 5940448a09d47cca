#include "zsetvalue.h"

#include <QRandomGenerator>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace {

using Node = ZSkipList::Node;
using Position = Listpack::Position;

// Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GiB.
constexpr size_t ListpackSafetySize = size_t(1) << 30;

// Calls f(const char *) with text NUL-terminated, as strtod needs it: on the stack when short.
template<typename F> auto withCString(QByteArrayView text, F f)
{
    char buffer[128];
    if (size_t(text.size()) < sizeof(buffer)) {
        if (!text.isEmpty())
            std::memcpy(buffer, text.data(), size_t(text.size()));
        buffer[text.size()] = '\0';
        return f(static_cast<const char *>(buffer));
    }
    const QByteArray copy = text.toByteArray();
    return f(copy.constData());
}

// Redis's double2ll: scores a long long holds exactly (within +-LLONG_MAX/2) are stored in
// the listpack as integers.
bool doubleToInteger(double d, long long *out)
{
    if (d < double(-LLONG_MAX / 2) || d > double(LLONG_MAX / 2))
        return false;
    const long long value = static_cast<long long>(d);
    if (double(value) != d)
        return false;
    *out = value;
    return true;
}

// Redis's zzlGetScore: an integer element as it is, text through strtod (zzlStrtod reads at
// most 127 bytes of it).
double listpackScore(const Listpack &listpack, Position score)
{
    const Listpack::Element element = listpack.at(score);
    if (element.isInteger)
        return double(element.integer);
    return withCString(element.string.first(qMin(element.string.size(), qsizetype(127))),
                       [](const char *s) { return std::strtod(s, nullptr); });
}

// The C string a range argument is for strtod and strcasecmp: up to its first NUL.
QByteArrayView cString(QByteArrayView arg)
{
    const qsizetype nul = arg.indexOf('\0');
    return nul < 0 ? arg : arg.first(nul);
}

bool parseRangeItem(QByteArrayView arg, double *value, bool *exclusive)
{
    QByteArrayView text = cString(arg);
    *exclusive = text.startsWith('(');
    if (*exclusive)
        text = text.sliced(1);
    return withCString(text, [value](const char *s) {
        char *end = nullptr;
        *value = std::strtod(s, &end);
        return *end == '\0' && !std::isnan(*value);
    });
}

bool parseLexItem(QByteArrayView arg, QByteArrayView *value, ZLexRange::Bound *bound,
                  bool *exclusive)
{
    if (arg.isEmpty())
        return false;
    *bound = ZLexRange::Bound::Value;
    switch (arg[0]) {
    case '+':
    case '-':
        // Compared as C strings: "+" must end there.
        if (arg.size() > 1 && arg[1] != '\0')
            return false;
        *bound = arg[0] == '+' ? ZLexRange::Bound::Highest : ZLexRange::Bound::Lowest;
        *exclusive = true;
        return true;
    case '(':
    case '[':
        *exclusive = arg[0] == '(';
        *value = arg.sliced(1);
        return true;
    default: return false;
    }
}

} // namespace

// --- Iterator --------------------------------------------------------------------------------

QByteArrayView ZSetValue::Iterator::member() const
{
    if (m_node)
        return m_node->member();
    return m_listpack->at(m_position).text(m_buffer);
}

double ZSetValue::Iterator::score() const
{
    if (m_node)
        return m_node->score;
    return listpackScore(*m_listpack, m_listpack->next(m_position));
}

void ZSetValue::Iterator::next()
{
    if (m_node) {
        m_node = m_node->forward();
        return;
    }
    m_position = m_listpack->next(m_listpack->next(m_position));
}

void ZSetValue::Iterator::prev()
{
    if (m_node) {
        m_node = m_node->backward;
        return;
    }
    const Position score = m_listpack->prev(m_position);
    m_position = score ? m_listpack->prev(score) : 0;
}

ZSetValue::Iterator ZSetValue::fromPosition(Position member) const
{
    Iterator it;
    it.m_listpack = &m_listpack;
    it.m_position = member;
    return it;
}

ZSetValue::Iterator ZSetValue::fromNode(const Node *node) const
{
    Iterator it;
    it.m_node = node;
    return it;
}

// --- construction ----------------------------------------------------------------------------

ZSetValue::ZSetValue(const ZSetValue &other)
    : AggregateOf(other)
    , m_listpack(other.m_skipList ? Listpack() : other.m_listpack)
{
    if (!other.m_skipList)
        return;
    Listpack unused(std::move(m_listpack));
    m_skipList = std::make_unique<ZSkipList>(*other.m_skipList);
}

ZSetValue::~ZSetValue() = default;

std::unique_ptr<ZSetValue> ZSetValue::create(qsizetype firstMemberLength, const Limits &limits)
{
    auto zset = std::make_unique<ZSetValue>();
    if (limits.maxEntries == 0 || firstMemberLength > limits.maxValue)
        zset->convertToSkipList();
    return zset;
}

std::unique_ptr<ZSetValue> ZSetValue::fromSorted(const std::vector<Entry> &entries,
                                                 const Limits &limits)
{
    auto zset = std::make_unique<ZSetValue>();
    size_t total = 0;
    bool fits = qint64(entries.size()) <= limits.maxEntries;
    for (size_t i = 0; fits && i < entries.size(); ++i) {
        total += size_t(entries[i].member.size());
        fits = entries[i].member.size() <= limits.maxValue && total <= ListpackSafetySize;
    }
    if (fits) {
        for (const Entry &entry : entries)
            zset->insertPairAt(0, entry.member, entry.score);
        return zset;
    }
    zset->convertToSkipList();
    for (const Entry &entry : entries)
        zset->m_skipList->insert(entry.score, entry.member);
    return zset;
}

qsizetype ZSetValue::length() const
{
    return m_skipList ? m_skipList->length() : m_listpack.size() / 2;
}

const char *ZSetValue::encodingName() const
{
    return m_skipList ? "skiplist" : "listpack";
}

size_t ZSetValue::memoryUsage(qsizetype samples) const
{
    if (m_skipList)
        return sizeof(*this) + m_skipList->memoryUsage(samples);
    return sizeof(*this) + m_listpack.allocatedBytes();
}

void ZSetValue::convertToSkipList()
{
    if (m_skipList)
        return;
    auto skipList = std::make_unique<ZSkipList>();
    for (Iterator it = atRank(0); it.isValid(); it.next())
        skipList->insert(it.score(), it.member());
    Listpack unused(std::move(m_listpack));
    m_skipList = std::move(skipList);
}

// --- listpack form ---------------------------------------------------------------------------

double ZSetValue::scoreAt(Position member) const
{
    return listpackScore(m_listpack, m_listpack.next(member));
}

Position ZSetValue::findInListpack(QByteArrayView member) const
{
    const Position first = m_listpack.first();
    return first ? m_listpack.find(first, member, 1) : 0;
}

void ZSetValue::insertPairAt(Position before, QByteArrayView member, double score)
{
    // The score goes in as Redis's zzlInsertAt writes it: an integer when it is one, else the
    // d2string text ("inf", "-inf" or %.17g).
    long long integer = 0;
    const bool isInteger = doubleToInteger(score, &integer);
    char buffer[32];
    const QByteArrayView text = isInteger ? QByteArrayView() : formatScore(score, buffer);
    Position scoreBefore = 0;
    if (before) {
        const Position inserted = m_listpack.insert(before, member);
        scoreBefore = m_listpack.next(inserted);
    } else {
        m_listpack.append(member);
    }
    if (isInteger)
        m_listpack.insertInteger(scoreBefore, integer);
    else
        m_listpack.insert(scoreBefore, text);
}

void ZSetValue::insertIntoListpack(QByteArrayView member, double score)
{
    char buffer[24];
    for (Position p = m_listpack.first(); p; p = m_listpack.next(m_listpack.next(p))) {
        const double s = scoreAt(p);
        if (s > score
            || (s == score
                && ZLexRange::compareMembers(m_listpack.at(p).text(buffer), member) > 0)) {
            insertPairAt(p, member, score);
            return;
        }
    }
    insertPairAt(0, member, score);
}

qsizetype ZSetValue::listpackRank(Position member) const
{
    qsizetype rank = 0;
    for (Position p = m_listpack.first(); p != member; p = m_listpack.next(m_listpack.next(p)))
        ++rank;
    return rank;
}

// --- operations ------------------------------------------------------------------------------

bool ZSetValue::score(QByteArrayView member, double *score) const
{
    if (m_skipList) {
        const Node *node = m_skipList->peek(member);
        if (!node)
            return false;
        *score = node->score;
        return true;
    }
    const Position p = findInListpack(member);
    if (!p)
        return false;
    *score = scoreAt(p);
    return true;
}

ZSetValue::AddResult ZSetValue::add(QByteArrayView member, double score, unsigned flags,
                                    const Limits &limits, double *newScore)
{
    if (std::isnan(score))
        return AddResult::NotANumber;
    // What an existing member's current score lets the options do (both encodings).
    auto decide = [&](double current) {
        if (flags & AddNx)
            return AddResult::Skipped;
        if (flags & AddIncr) {
            score += current;
            if (std::isnan(score))
                return AddResult::NotANumber;
        }
        if (((flags & AddLt) && score >= current) || ((flags & AddGt) && score <= current))
            return AddResult::Skipped;
        if (newScore)
            *newScore = score;
        return score == current ? AddResult::Unchanged : AddResult::Updated;
    };

    if (!m_skipList) {
        if (const Position p = findInListpack(member)) {
            const AddResult result = decide(scoreAt(p));
            if (result == AddResult::Updated) {
                m_listpack.erase(p, 2);
                insertIntoListpack(member, score);
            }
            return result;
        }
        if (flags & AddXx)
            return AddResult::Skipped;
        if (length() + 1 <= limits.maxEntries && member.size() <= limits.maxValue
            && m_listpack.bytes() + size_t(member.size()) <= ListpackSafetySize) {
            insertIntoListpack(member, score);
            if (newScore)
                *newScore = score;
            return AddResult::Added;
        }
        convertToSkipList();
    }

    if (Node *node = m_skipList->find(member)) {
        const AddResult result = decide(node->score);
        if (result == AddResult::Updated)
            m_skipList->updateScore(node, score);
        return result;
    }
    if (flags & AddXx)
        return AddResult::Skipped;
    m_skipList->insert(score, member);
    if (newScore)
        *newScore = score;
    return AddResult::Added;
}

bool ZSetValue::remove(QByteArrayView member)
{
    if (m_skipList)
        return m_skipList->remove(member);
    const Position p = findInListpack(member);
    if (!p)
        return false;
    m_listpack.erase(p, 2);
    return true;
}

qsizetype ZSetValue::rank(QByteArrayView member, bool reverse) const
{
    qsizetype rank;
    if (m_skipList) {
        const Node *node = m_skipList->peek(member);
        if (!node)
            return -1;
        rank = m_skipList->rank(node) - 1;
    } else {
        const Position p = findInListpack(member);
        if (!p)
            return -1;
        rank = listpackRank(p);
    }
    return reverse ? length() - 1 - rank : rank;
}

ZSetValue::Iterator ZSetValue::atRank(qsizetype rank) const
{
    if (rank < 0 || rank >= length())
        return Iterator();
    if (m_skipList)
        return fromNode(m_skipList->byRank(rank + 1));
    return fromPosition(m_listpack.seek(2 * rank));
}

ZSetValue::Iterator ZSetValue::firstInRange(const ZScoreRange &range) const
{
    if (m_skipList)
        return fromNode(m_skipList->firstInRange(range));
    // Redis's zzlFirstInRange: the first element at or above min, if it is within max.
    if (range.isEmpty() || length() == 0 || !range.aboveMin(scoreAt(m_listpack.seek(-2)))
        || !range.belowMax(scoreAt(m_listpack.first())))
        return Iterator();
    for (Iterator it = atRank(0); it.isValid(); it.next()) {
        const double score = it.score();
        if (range.aboveMin(score))
            return range.belowMax(score) ? it : Iterator();
    }
    return Iterator();
}

ZSetValue::Iterator ZSetValue::lastInRange(const ZScoreRange &range) const
{
    if (m_skipList)
        return fromNode(m_skipList->lastInRange(range));
    if (range.isEmpty() || length() == 0 || !range.aboveMin(scoreAt(m_listpack.seek(-2)))
        || !range.belowMax(scoreAt(m_listpack.first())))
        return Iterator();
    for (Iterator it = atRank(length() - 1); it.isValid(); it.prev()) {
        const double score = it.score();
        if (range.belowMax(score))
            return range.aboveMin(score) ? it : Iterator();
    }
    return Iterator();
}

ZSetValue::Iterator ZSetValue::firstInLexRange(const ZLexRange &range) const
{
    if (m_skipList)
        return fromNode(m_skipList->firstInLexRange(range));
    if (range.isEmpty() || length() == 0 || !range.aboveMin(atRank(length() - 1).member())
        || !range.belowMax(atRank(0).member()))
        return Iterator();
    for (Iterator it = atRank(0); it.isValid(); it.next()) {
        if (range.aboveMin(it.member()))
            return range.belowMax(it.member()) ? it : Iterator();
    }
    return Iterator();
}

ZSetValue::Iterator ZSetValue::lastInLexRange(const ZLexRange &range) const
{
    if (m_skipList)
        return fromNode(m_skipList->lastInLexRange(range));
    if (range.isEmpty() || length() == 0 || !range.aboveMin(atRank(length() - 1).member())
        || !range.belowMax(atRank(0).member()))
        return Iterator();
    for (Iterator it = atRank(length() - 1); it.isValid(); it.prev()) {
        if (range.belowMax(it.member()))
            return range.aboveMin(it.member()) ? it : Iterator();
    }
    return Iterator();
}

qsizetype ZSetValue::count(const ZScoreRange &range) const
{
    if (m_skipList) {
        // From the ranks of the first and last elements in range, as Redis's zcountCommand.
        const Node *first = m_skipList->firstInRange(range);
        if (!first)
            return 0;
        const Node *last = m_skipList->lastInRange(range);
        return last ? m_skipList->rank(last) - m_skipList->rank(first) + 1 : 0;
    }
    qsizetype n = 0;
    for (Iterator it = firstInRange(range); it.isValid() && range.belowMax(it.score()); it.next())
        ++n;
    return n;
}

qsizetype ZSetValue::countLex(const ZLexRange &range) const
{
    if (m_skipList) {
        const Node *first = m_skipList->firstInLexRange(range);
        if (!first)
            return 0;
        const Node *last = m_skipList->lastInLexRange(range);
        return last ? m_skipList->rank(last) - m_skipList->rank(first) + 1 : 0;
    }
    qsizetype n = 0;
    for (Iterator it = firstInLexRange(range); it.isValid() && range.belowMax(it.member());
         it.next())
        ++n;
    return n;
}

ZSetValue::Iterator ZSetValue::randomElement() const
{
    const qsizetype size = length();
    if (size == 0)
        return Iterator();
    if (m_skipList) {
        return fromNode(m_skipList->randomNode(
                [](size_t n) { return QRandomGenerator::global()->bounded(quint64(n)); }));
    }
    return atRank(qsizetype(QRandomGenerator::global()->bounded(quint64(size))));
}

qsizetype ZSetValue::removeRangeByRank(qsizetype start, qsizetype end)
{
    if (m_skipList)
        return m_skipList->removeRangeByRank(start + 1, end + 1);
    const qsizetype count = end - start + 1;
    m_listpack.erase(m_listpack.seek(2 * start), 2 * count);
    return count;
}

qsizetype ZSetValue::removeRangeByScore(const ZScoreRange &range)
{
    if (m_skipList)
        return m_skipList->removeRangeByScore(range);
    qsizetype removed = 0;
    Position p = firstInRange(range).m_position;
    while (p && range.belowMax(scoreAt(p))) {
        p = m_listpack.erase(p, 2);
        ++removed;
    }
    return removed;
}

qsizetype ZSetValue::removeRangeByLex(const ZLexRange &range)
{
    if (m_skipList)
        return m_skipList->removeRangeByLex(range);
    qsizetype removed = 0;
    char buffer[24];
    Position p = firstInLexRange(range).m_position;
    while (p && range.belowMax(m_listpack.at(p).text(buffer))) {
        p = m_listpack.erase(p, 2);
        ++removed;
    }
    return removed;
}

// --- parsing and formatting ------------------------------------------------------------------

bool ZSetValue::parseScore(QByteArrayView text, double *score)
{
    if (text.isEmpty() || std::isspace(static_cast<unsigned char>(text[0])))
        return false;
    return withCString(text, [&](const char *s) {
        char *end = nullptr;
        errno = 0;
        const double value = std::strtod(s, &end);
        if (end - s != text.size() || std::isnan(value))
            return false;
        if (errno == ERANGE
            && (value == HUGE_VAL || value == -HUGE_VAL || std::fpclassify(value) == FP_ZERO))
            return false;
        *score = value;
        return true;
    });
}

bool ZSetValue::parseScoreRange(QByteArrayView min, QByteArrayView max, ZScoreRange *range)
{
    return parseRangeItem(min, &range->min, &range->minExclusive)
            && parseRangeItem(max, &range->max, &range->maxExclusive);
}

bool ZSetValue::parseLexRange(QByteArrayView min, QByteArrayView max, ZLexRange *range)
{
    return parseLexItem(min, &range->min, &range->minBound, &range->minExclusive)
            && parseLexItem(max, &range->max, &range->maxBound, &range->maxExclusive);
}

QByteArrayView ZSetValue::formatScore(double score, char (&buffer)[32])
{
    if (std::isinf(score))
        return score > 0 ? QByteArrayView("inf") : QByteArrayView("-inf");
    const int length = std::snprintf(buffer, sizeof(buffer), "%.17g", score);
    return QByteArrayView(buffer, length);
}
