#include "zskiplist.h"

#include <QRandomGenerator>

#include <cstdlib>
#include <malloc.h>
#include <new>

namespace {

using Node = ZSkipList::Node;
using Level = ZSkipList::Level;

// Whether a node sorts before (score, member): by score, then by member bytes.
bool before(const Node *node, double score, QByteArrayView member)
{
    return node->score < score
            || (node->score == score && ZLexRange::compareMembers(node->member(), member) < 0);
}

void freeNode(Node *node)
{
    std::free(node);
}

} // namespace

ZSkipList::ZSkipList()
    : m_header(allocateNode(MaxLevel, 0, QByteArrayView()))
{ }

ZSkipList::ZSkipList(const ZSkipList &other)
    : ZSkipList()
{
    // From the tail backwards, as Redis's zsetDup: each insertion lands at the head.
    for (const Node *node = other.m_tail; node; node = node->backward)
        insert(node->score, node->member());
}

ZSkipList::~ZSkipList()
{
    // The index links every node but the header: clearing it frees them all.
    m_index.clear(freeNode);
    freeNode(m_header);
}

Node *ZSkipList::allocateNode(int level, double score, QByteArrayView member)
{
    const size_t bytes = sizeof(Node) + size_t(level) * sizeof(Level) + size_t(member.size());
    auto *node = static_cast<Node *>(std::malloc(bytes));
    if (!node)
        throw std::bad_alloc();
    node->next = nullptr;
    node->backward = nullptr;
    node->score = score;
    node->memberLength = quint32(member.size());
    node->levelCount = quint8(level);
    Level *levels = node->levels();
    for (int i = 0; i < level; ++i)
        levels[i] = Level { nullptr, 0 };
    if (!member.isEmpty())
        std::memcpy(levels + level, member.data(), size_t(member.size()));
    return node;
}

int ZSkipList::randomLevel()
{
    // ZSKIPLIST_P = 1/4: each level is kept with probability 0.25. One 64-bit draw holds 32
    // two-bit coin tosses, enough for every level.
    thread_local quint64 state = QRandomGenerator::system()->generate64() | 1;
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    quint64 bits = state * 0x2545F4914F6CDD1DULL;
    int level = 1;
    while (level < MaxLevel && (bits & 3) == 0) {
        ++level;
        bits >>= 2;
    }
    return level;
}

void ZSkipList::findPredecessors(double score, QByteArrayView member, Node **update,
                                 quint64 *rank) const
{
    Node *x = m_header;
    for (int i = m_level - 1; i >= 0; --i) {
        if (rank)
            rank[i] = i == m_level - 1 ? 0 : rank[i + 1];
        while (x->levels()[i].forward && before(x->levels()[i].forward, score, member)) {
            if (rank)
                rank[i] += x->levels()[i].span;
            x = x->levels()[i].forward;
        }
        update[i] = x;
    }
}

void ZSkipList::link(Node *node, Node **update, quint64 *ranks)
{
    const int level = node->levelCount;
    if (level > m_level) {
        for (int i = m_level; i < level; ++i) {
            ranks[i] = 0;
            update[i] = m_header;
            update[i]->levels()[i].span = quint64(m_length);
        }
        m_level = level;
    }
    Level *levels = node->levels();
    for (int i = 0; i < level; ++i) {
        Level &previous = update[i]->levels()[i];
        levels[i].forward = previous.forward;
        previous.forward = node;
        // The span of the predecessor is split around the new node.
        levels[i].span = previous.span - (ranks[0] - ranks[i]);
        previous.span = (ranks[0] - ranks[i]) + 1;
    }
    for (int i = level; i < m_level; ++i)
        update[i]->levels()[i].span++;
    node->backward = update[0] == m_header ? nullptr : update[0];
    if (levels[0].forward)
        levels[0].forward->backward = node;
    else
        m_tail = node;
    ++m_length;
}

void ZSkipList::unlink(Node *node, Node **update)
{
    for (int i = 0; i < m_level; ++i) {
        Level &previous = update[i]->levels()[i];
        if (previous.forward == node) {
            previous.span += node->levels()[i].span - 1;
            previous.forward = node->levels()[i].forward;
        } else {
            previous.span -= 1;
        }
    }
    if (Node *next = node->forward())
        next->backward = node->backward;
    else
        m_tail = node->backward;
    while (m_level > 1 && !m_header->levels()[m_level - 1].forward)
        --m_level;
    --m_length;
}

Node *ZSkipList::insert(double score, QByteArrayView member)
{
    Node *update[MaxLevel];
    quint64 rank[MaxLevel];
    findPredecessors(score, member, update, rank);
    Node *node = allocateNode(randomLevel(), score, member);
    link(node, update, rank);
    m_index.insert(node);
    return node;
}

void ZSkipList::erase(Node *node, Node **update)
{
    unlink(node, update);
    m_index.take(node->member());
    freeNode(node);
}

bool ZSkipList::remove(QByteArrayView member)
{
    Node *node = m_index.take(member);
    if (!node)
        return false;
    Node *update[MaxLevel];
    findPredecessors(node->score, member, update);
    unlink(node, update);
    freeNode(node);
    m_index.shrinkIfNeeded();
    return true;
}

Node *ZSkipList::updateScore(Node *node, double score)
{
    // Still strictly between its neighbours' scores: only the score changes.
    const Node *next = node->forward();
    if ((!node->backward || node->backward->score < score) && (!next || next->score > score)) {
        node->score = score;
        return node;
    }
    Node *update[MaxLevel];
    quint64 rank[MaxLevel];
    findPredecessors(node->score, node->member(), update);
    unlink(node, update);
    node->score = score;
    findPredecessors(score, node->member(), update, rank);
    link(node, update, rank);
    return node;
}

qsizetype ZSkipList::rank(const Node *node) const
{
    const Node *x = m_header;
    quint64 rank = 0;
    for (int i = m_level - 1; i >= 0; --i) {
        // Forward while at or before node: the walk ends on node itself.
        while (x->levels()[i].forward
               && (before(x->levels()[i].forward, node->score, node->member())
                   || x->levels()[i].forward == node)) {
            rank += x->levels()[i].span;
            x = x->levels()[i].forward;
        }
        if (x == node)
            return qsizetype(rank);
    }
    return 0;
}

Node *ZSkipList::byRank(qsizetype rank) const
{
    Node *x = m_header;
    quint64 traversed = 0;
    for (int i = m_level - 1; i >= 0; --i) {
        while (x->levels()[i].forward && traversed + x->levels()[i].span <= quint64(rank)) {
            traversed += x->levels()[i].span;
            x = x->levels()[i].forward;
        }
        if (traversed == quint64(rank))
            return x == m_header ? nullptr : x;
    }
    return nullptr;
}

Node *ZSkipList::firstInRange(const ZScoreRange &range) const
{
    if (range.isEmpty() || !m_tail || !range.aboveMin(m_tail->score)
        || !range.belowMax(first()->score))
        return nullptr;
    Node *x = m_header;
    for (int i = m_level - 1; i >= 0; --i) {
        while (x->levels()[i].forward && !range.aboveMin(x->levels()[i].forward->score))
            x = x->levels()[i].forward;
    }
    x = x->forward();
    return range.belowMax(x->score) ? x : nullptr;
}

Node *ZSkipList::lastInRange(const ZScoreRange &range) const
{
    if (range.isEmpty() || !m_tail || !range.aboveMin(m_tail->score)
        || !range.belowMax(first()->score))
        return nullptr;
    Node *x = m_header;
    for (int i = m_level - 1; i >= 0; --i) {
        while (x->levels()[i].forward && range.belowMax(x->levels()[i].forward->score))
            x = x->levels()[i].forward;
    }
    return range.aboveMin(x->score) ? x : nullptr;
}

Node *ZSkipList::firstInLexRange(const ZLexRange &range) const
{
    if (range.isEmpty() || !m_tail || !range.aboveMin(m_tail->member())
        || !range.belowMax(first()->member()))
        return nullptr;
    Node *x = m_header;
    for (int i = m_level - 1; i >= 0; --i) {
        while (x->levels()[i].forward && !range.aboveMin(x->levels()[i].forward->member()))
            x = x->levels()[i].forward;
    }
    x = x->forward();
    return range.belowMax(x->member()) ? x : nullptr;
}

Node *ZSkipList::lastInLexRange(const ZLexRange &range) const
{
    if (range.isEmpty() || !m_tail || !range.aboveMin(m_tail->member())
        || !range.belowMax(first()->member()))
        return nullptr;
    Node *x = m_header;
    for (int i = m_level - 1; i >= 0; --i) {
        while (x->levels()[i].forward && range.belowMax(x->levels()[i].forward->member()))
            x = x->levels()[i].forward;
    }
    return range.aboveMin(x->member()) ? x : nullptr;
}

template<typename Predicate> qsizetype ZSkipList::removeWhile(Node **update, Predicate inRange)
{
    qsizetype removed = 0;
    Node *x = update[0]->forward();
    while (x && inRange(x)) {
        Node *next = x->forward();
        erase(x, update);
        ++removed;
        x = next;
    }
    m_index.shrinkIfNeeded();
    return removed;
}

qsizetype ZSkipList::removeRangeByRank(qsizetype start, qsizetype end)
{
    Node *update[MaxLevel];
    Node *x = m_header;
    quint64 traversed = 0;
    for (int i = m_level - 1; i >= 0; --i) {
        while (x->levels()[i].forward && traversed + x->levels()[i].span < quint64(start)) {
            traversed += x->levels()[i].span;
            x = x->levels()[i].forward;
        }
        update[i] = x;
    }
    qsizetype rank = qsizetype(traversed) + 1;
    return removeWhile(update, [&rank, end](const Node *) { return rank++ <= end; });
}

qsizetype ZSkipList::removeRangeByScore(const ZScoreRange &range)
{
    Node *update[MaxLevel];
    Node *x = m_header;
    for (int i = m_level - 1; i >= 0; --i) {
        while (x->levels()[i].forward && !range.aboveMin(x->levels()[i].forward->score))
            x = x->levels()[i].forward;
        update[i] = x;
    }
    return removeWhile(update, [&range](const Node *node) { return range.belowMax(node->score); });
}

qsizetype ZSkipList::removeRangeByLex(const ZLexRange &range)
{
    Node *update[MaxLevel];
    Node *x = m_header;
    for (int i = m_level - 1; i >= 0; --i) {
        while (x->levels()[i].forward && !range.aboveMin(x->levels()[i].forward->member()))
            x = x->levels()[i].forward;
        update[i] = x;
    }
    return removeWhile(update,
                       [&range](const Node *node) { return range.belowMax(node->member()); });
}

size_t ZSkipList::memoryUsage(qsizetype samples) const
{
    size_t bytes = sizeof(ZSkipList) + malloc_usable_size(m_header) + m_index.bucketBytes();
    size_t sampled = 0;
    qsizetype counted = 0;
    for (const Node *node = first(); node && (samples == 0 || counted < samples);
         node = node->forward()) {
        sampled += malloc_usable_size(const_cast<Node *>(node));
        ++counted;
    }
    if (counted)
        bytes += size_t(double(sampled) / double(counted) * double(m_length));
    return bytes;
}
