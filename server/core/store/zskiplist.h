#pragma once

#include "dict.h"

#include <QByteArrayView>

#include <cstdint>
#include <cstring>

// A score interval (Redis's zrangespec): min and max, each inclusive or exclusive.
struct ZScoreRange
{
    double min = 0;
    double max = 0;
    bool minExclusive = false;
    bool maxExclusive = false;

    bool aboveMin(double value) const { return minExclusive ? value > min : value >= min; }
    bool belowMax(double value) const { return maxExclusive ? value < max : value <= max; }
    // Whether no score can be in it (zslIsInRange's first test).
    bool isEmpty() const { return min > max || (min == max && (minExclusive || maxExclusive)); }
};

// A member interval (Redis's zlexrangespec): each end a member, inclusive or exclusive, or
// "-" (below every member) or "+" (above every member). Views point into the arguments.
struct ZLexRange
{
    enum class Bound : quint8 { Value, Lowest, Highest };

    QByteArrayView min;
    QByteArrayView max;
    Bound minBound = Bound::Value;
    Bound maxBound = Bound::Value;
    bool minExclusive = false;
    bool maxExclusive = false;

    // Redis's sdscmp: bytes as unsigned, then the shorter first.
    static int compareMembers(QByteArrayView a, QByteArrayView b)
    {
        const size_t n = size_t(qMin(a.size(), b.size())) & size_t(PTRDIFF_MAX);
        const int cmp = n ? std::memcmp(a.data(), b.data(), n) : 0;
        if (cmp)
            return cmp;
        return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
    }
    bool aboveMin(QByteArrayView member) const
    {
        const int cmp = compareWithBound(member, min, minBound);
        return minExclusive ? cmp > 0 : cmp >= 0;
    }
    bool belowMax(QByteArrayView member) const
    {
        const int cmp = compareWithBound(member, max, maxBound);
        return maxExclusive ? cmp < 0 : cmp <= 0;
    }
    // Whether no member can be in it (zslIsInLexRange's first test, with sdscmplex).
    bool isEmpty() const
    {
        int cmp;
        if (minBound == maxBound && minBound != Bound::Value)
            cmp = 0;
        else if (minBound == Bound::Lowest || maxBound == Bound::Highest)
            cmp = -1;
        else if (minBound == Bound::Highest || maxBound == Bound::Lowest)
            cmp = 1;
        else
            cmp = compareMembers(min, max);
        return cmp > 0 || (cmp == 0 && (minExclusive || maxExclusive));
    }

private:
    static int compareWithBound(QByteArrayView member, QByteArrayView value, Bound bound)
    {
        if (bound == Bound::Lowest)
            return 1;
        if (bound == Bound::Highest)
            return -1;
        return compareMembers(member, value);
    }
};

/* The big form of a sorted set: Redis's skip list (zskiplist, William Pugh's list with spans
 * so that ranks are O(log n), ties broken by member, a backward link at level 0) and its
 * member index (the zset's dict), in one structure. Each element is a single allocation: the
 * Node header, its levels, then the member's bytes, and that same node is what the index's
 * Dict chains, so a member costs one block instead of Redis's three (node, sds, dict entry).
 *
 * Ranks are 1-based here, as in Redis's zsl* functions. Members are unique (callers look them
 * up first) and shorter than 4 GiB; scores are never NaN. It never writes replies. Not
 * thread-safe.
 */
class ZSkipList
{
public:
    static constexpr int MaxLevel = 32; // ZSKIPLIST_MAXLEVEL

    struct Node;
    struct Level
    {
        Node *forward;
        quint64 span; // elements from this node to forward, at this level
    };
    struct Node
    {
        Node *next; // the member index's chain
        Node *backward;
        double score;
        quint32 memberLength;
        quint8 levelCount;

        Level *levels() { return reinterpret_cast<Level *>(this + 1); }
        const Level *levels() const { return reinterpret_cast<const Level *>(this + 1); }
        // The next element in order (higher rank), or nullptr.
        Node *forward() const { return levels()[0].forward; }
        QByteArrayView member() const
        {
            return QByteArrayView(reinterpret_cast<const char *>(levels() + levelCount),
                                  memberLength);
        }
        QByteArrayView key() const { return member(); }
    };

    ZSkipList();
    ZSkipList(const ZSkipList &other);
    ZSkipList &operator=(const ZSkipList &) = delete;
    ~ZSkipList();

    qsizetype length() const { return m_length; }
    Node *first() const { return m_header->levels()[0].forward; }
    Node *last() const { return m_tail; }

    // The element of member, or nullptr. find() moves the index's rehash on; peek() does not.
    Node *find(QByteArrayView member) { return m_index.find(member); }
    const Node *peek(QByteArrayView member) const { return m_index.peek(member); }
    // Adds member (which must be absent) with score; returns its node.
    Node *insert(double score, QByteArrayView member);
    // Removes member; false when absent.
    bool remove(QByteArrayView member);
    // Redis's zslUpdateScore: gives node a new score, moving it only when its neighbours
    // would be out of order. Returns node (the same block: it is moved, not reallocated).
    Node *updateScore(Node *node, double score);

    // 1-based rank of node (zslGetRank).
    qsizetype rank(const Node *node) const;
    // The element at a 1-based rank, or nullptr.
    Node *byRank(qsizetype rank) const;

    Node *firstInRange(const ZScoreRange &range) const;
    Node *lastInRange(const ZScoreRange &range) const;
    Node *firstInLexRange(const ZLexRange &range) const;
    Node *lastInLexRange(const ZLexRange &range) const;

    // Remove the elements in a range and return how many; ranks are 1-based, inclusive.
    qsizetype removeRangeByRank(qsizetype start, qsizetype end);
    qsizetype removeRangeByScore(const ZScoreRange &range);
    qsizetype removeRangeByLex(const ZLexRange &range);

    // One step of ZSCAN over the member index (Dict::scan); returns the next cursor.
    template<typename Visit> quint64 scan(quint64 cursor, Visit visit) const
    {
        return m_index.scan(cursor, visit);
    }
    // A node drawn from the member index (Dict::randomNode); the list must not be empty.
    template<typename Random> const Node *randomNode(Random random) const
    {
        return m_index.randomNode(random);
    }

    // Bytes held: the blocks of up to `samples` elements (0: all) extrapolated to the whole,
    // plus the header and the index's buckets (Redis's objectComputeSize).
    size_t memoryUsage(qsizetype samples) const;

private:
    static Node *allocateNode(int level, double score, QByteArrayView member);
    static int randomLevel();
    // Fills update[] with the last node before (score, member) at each level; rank (when
    // given) with the rank of each of them.
    void findPredecessors(double score, QByteArrayView member, Node **update,
                          quint64 *rank = nullptr) const;
    // Links node after update[] (ranks: their ranks, as findPredecessors gives them).
    void link(Node *node, Node **update, quint64 *ranks);
    void unlink(Node *node, Node **update);
    // Unlinks node (found with update[]) and removes it from the index, then frees it.
    void erase(Node *node, Node **update);
    template<typename Predicate> qsizetype removeWhile(Node **update, Predicate inRange);

    Node *m_header;
    Node *m_tail = nullptr;
    qsizetype m_length = 0;
    int m_level = 1;
    Dict<Node> m_index;
};
static_assert(sizeof(void *) != 8 || sizeof(ZSkipList::Node) == 32,
              "a skip-list node header is 32 bytes; its levels and member follow it");
