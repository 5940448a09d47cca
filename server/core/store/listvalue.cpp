#include "listvalue.h"

#include <limits>
#include <utility>

namespace {

// quicklist.c's limits: the byte sizes of fills -1..-5, the size a node that is limited by
// its element count stays under (unless it holds one element), an element too big for any
// node (Redis puts those in "plain" nodes; here they get a listpack node of their own), the
// overestimate of what one element adds, and what a merge saves (one header and end byte).
constexpr size_t SizeLevels[] = { 4096, 8192, 16384, 32768, 65536 };
constexpr size_t SizeSafetyLimit = 8192;
constexpr size_t LargeElement = size_t(1) << 30;
constexpr size_t ElementOverhead = 8;
constexpr size_t MergeSaving = 11;
constexpr long long FillMax = (1 << 15) - 1;

constexpr qsizetype ToTheEnd = std::numeric_limits<qsizetype>::max();

// Whether a node of `bytes` holding `count` elements is within fill (quicklist's
// _quicklistNodeSizeMeetsOptimizationRequirement, then the safety limit and the count).
bool withinFill(int fill, size_t bytes, qsizetype count)
{
    if (fill < 0)
        return bytes <= SizeLevels[-fill - 1];
    return bytes <= SizeSafetyLimit && count <= fill;
}

} // namespace

void ListValue::Iterator::next()
{
    m_position = m_node->entries.next(m_position);
    if (!m_position) {
        m_node = m_node->next;
        m_position = m_node ? m_node->entries.first() : 0;
    }
}

void ListValue::Iterator::previous()
{
    m_position = m_node->entries.prev(m_position);
    if (!m_position) {
        m_node = m_node->prev;
        m_position = m_node ? m_node->entries.last() : 0;
    }
}

ListValue::ListValue(long long fill)
    : m_fill(qint16(qBound(-5LL, fill, FillMax)))
{ }

ListValue::ListValue(const ListValue &other)
    : AggregateOf(other)
    , m_fill(other.m_fill)
{
    for (const Node *node = other.m_head; node; node = node->next)
        appendListpack(node->entries);
}

ListValue::ListValue(ListValue &&other) noexcept
    : AggregateOf(other)
    , m_head(std::exchange(other.m_head, nullptr))
    , m_tail(std::exchange(other.m_tail, nullptr))
    , m_count(std::exchange(other.m_count, 0))
    , m_nodeCount(std::exchange(other.m_nodeCount, 0))
    , m_fill(other.m_fill)
{ }

ListValue::~ListValue()
{
    for (Node *node = m_head; node;)
        delete std::exchange(node, node->next);
}

size_t ListValue::memoryUsage(qsizetype samples) const
{
    size_t sampled = 0;
    qsizetype seen = 0;
    for (const Node *node = m_head; node && (samples <= 0 || seen < samples); node = node->next) {
        sampled += sizeof(Node) + node->entries.allocatedBytes();
        ++seen;
    }
    const size_t nodes = seen ? size_t(double(sampled) / double(seen) * double(m_nodeCount)) : 0;
    return sizeof(ListValue) + nodes;
}

bool ListValue::allowsInsert(const Node *node, size_t valueSize) const
{
    if (!node || valueSize >= LargeElement)
        return false;
    // Counted before the element goes in: a count-limited node takes one more below fill.
    return withinFill(m_fill, node->entries.bytes() + valueSize + ElementOverhead,
                      node->entries.size() + 1);
}

bool ListValue::allowsMerge(const Node *a, const Node *b) const
{
    if (!a || !b)
        return false;
    return withinFill(m_fill, a->entries.bytes() + b->entries.bytes() - MergeSaving,
                      a->entries.size() + b->entries.size());
}

ListValue::Node *ListValue::newNodeBeside(Node *beside, bool after)
{
    auto *node = new Node;
    if (!beside) {
        m_head = m_tail = node;
    } else if (after) {
        node->prev = beside;
        node->next = beside->next;
        (beside->next ? beside->next->prev : m_tail) = node;
        beside->next = node;
    } else {
        node->next = beside;
        node->prev = beside->prev;
        (beside->prev ? beside->prev->next : m_head) = node;
        beside->prev = node;
    }
    ++m_nodeCount;
    return node;
}

void ListValue::unlinkNode(Node *node)
{
    (node->prev ? node->prev->next : m_head) = node->next;
    (node->next ? node->next->prev : m_tail) = node->prev;
    --m_nodeCount;
    delete node;
}

void ListValue::push(End end, QByteArrayView value)
{
    const bool head = end == End::Head;
    Node *node = head ? m_head : m_tail;
    if (!allowsInsert(node, size_t(value.size())))
        node = newNodeBeside(node, !head);
    if (head)
        node->entries.prepend(value);
    else
        node->entries.append(value);
    ++m_count;
}

Listpack::Element ListValue::at(End end) const
{
    const Listpack &entries = (end == End::Head ? m_head : m_tail)->entries;
    return entries.at(end == End::Head ? entries.first() : entries.last());
}

void ListValue::pop(End end)
{
    Node *node = end == End::Head ? m_head : m_tail;
    node->entries.erase(end == End::Head ? node->entries.first() : node->entries.last());
    --m_count;
    if (node->entries.isEmpty())
        unlinkNode(node);
}

qsizetype ListValue::removeRange(qsizetype start, qsizetype count)
{
    if (count <= 0)
        return 0;
    if (start < 0)
        start += m_count;
    if (start < 0 || start >= m_count)
        return 0;
    qsizetype extent = qMin(count, m_count - start);
    const qsizetype removed = extent;

    // The node holding start, from the nearer end (quicklistGetIteratorAtIdx).
    Node *node = nullptr;
    qsizetype offset = 0;
    if (start <= (m_count - 1) / 2) {
        node = m_head;
        for (offset = start; offset >= node->entries.size(); node = node->next)
            offset -= node->entries.size();
    } else {
        qsizetype fromTail = m_count - 1 - start;
        node = m_tail;
        for (; fromTail >= node->entries.size(); node = node->prev)
            fromTail -= node->entries.size();
        offset = node->entries.size() - 1 - fromTail;
    }

    m_count -= extent;
    while (extent) {
        Node *next = node->next;
        const qsizetype size = node->entries.size();
        const qsizetype gone = qMin(size - offset, extent);
        if (gone == size)
            unlinkNode(node);
        else
            node->entries.erase(node->entries.seek(offset), gone);
        extent -= gone;
        node = next;
        offset = 0;
    }
    return removed;
}

ListValue::Iterator ListValue::first() const
{
    return m_head ? Iterator(m_head, m_head->entries.first()) : Iterator();
}

ListValue::Iterator ListValue::last() const
{
    return m_tail ? Iterator(m_tail, m_tail->entries.last()) : Iterator();
}

ListValue::Iterator ListValue::iteratorAt(qsizetype index) const
{
    if (index < 0)
        index += m_count;
    if (index < 0 || index >= m_count)
        return Iterator();
    // Whole nodes from the nearer end, then Listpack::seek (itself from its nearer end).
    if (index <= (m_count - 1) / 2) {
        Node *node = m_head;
        for (; index >= node->entries.size(); node = node->next)
            index -= node->entries.size();
        return Iterator(node, node->entries.seek(index));
    }
    qsizetype fromTail = m_count - 1 - index;
    Node *node = m_tail;
    for (; fromTail >= node->entries.size(); node = node->prev)
        fromTail -= node->entries.size();
    return Iterator(node, node->entries.seek(-1 - fromTail));
}

void ListValue::insert(const Iterator &at, QByteArrayView value, bool after)
{
    Node *node = at.m_node;
    const size_t size = size_t(value.size());
    ++m_count;
    if (allowsInsert(node, size)) {
        node->entries.insert(after ? node->entries.next(at.m_position) : at.m_position, value);
        return;
    }
    // The node is full. At its edge the element goes to the neighbour on that side when it has
    // room, else into a new node between them; inside it, the node splits at the element.
    const bool atEdge = after ? at.atNodeTail() : at.atNodeHead();
    Node *neighbour = after ? node->next : node->prev;
    if (atEdge && allowsInsert(neighbour, size)) {
        if (after)
            neighbour->entries.prepend(value);
        else
            neighbour->entries.append(value);
        return;
    }
    if (atEdge) {
        newNodeBeside(node, after)->entries.append(value);
        return;
    }
    Node *piece = splitNode(node, at.m_position, after);
    if (after)
        piece->entries.prepend(value);
    else
        piece->entries.append(value);
    mergeAround(node);
}

ListValue::Node *ListValue::splitNode(Node *node, Listpack::Position position, bool after)
{
    qsizetype offset = 0;
    for (Listpack::Position p = node->entries.prev(position); p; p = node->entries.prev(p))
        ++offset;
    // The new node takes the elements after `position` (after) or those before it; a copy
    // of the listpack has the same positions, so each side erases what the other keeps.
    Node *piece = newNodeBeside(node, after);
    piece->entries = node->entries;
    if (after) {
        node->entries.erase(node->entries.next(position), ToTheEnd);
        piece->entries.erase(piece->entries.first(), offset + 1);
    } else {
        piece->entries.erase(position, ToTheEnd);
        node->entries.erase(node->entries.first(), offset);
    }
    return piece;
}

void ListValue::mergeAround(Node *center)
{
    // quicklist's _quicklistMergeNodes: the two nodes before center, the two after it, then
    // center with whatever is now on each side.
    Node *prev = center->prev;
    Node *next = center->next;
    if (prev && allowsMerge(prev, prev->prev))
        mergeNodes(prev->prev, prev);
    if (next && allowsMerge(next, next->next))
        mergeNodes(next, next->next);
    Node *target = center;
    if (allowsMerge(center, center->prev))
        target = mergeNodes(center->prev, center);
    if (allowsMerge(target, target->next))
        mergeNodes(target, target->next);
}

ListValue::Node *ListValue::mergeNodes(Node *left, Node *right)
{
    // Appending at the end of a listpack moves nothing but its end byte, so right's elements
    // go onto left one by one, integers without a round trip through text.
    Listpack &into = left->entries;
    const Listpack &from = right->entries;
    for (Listpack::Position p = from.first(); p; p = from.next(p)) {
        const Listpack::Element element = from.at(p);
        if (element.isInteger)
            into.insertInteger(0, element.integer);
        else
            into.append(element.string);
    }
    unlinkNode(right);
    return left;
}

void ListValue::replace(const Iterator &at, QByteArrayView value)
{
    at.m_node->entries.replace(at.m_position, value);
}

ListValue::Iterator ListValue::erase(const Iterator &at, End towards)
{
    Node *node = at.m_node;
    Listpack &entries = node->entries;
    // Elements before the erased one keep their positions; the one after it takes its place.
    const Listpack::Position before = towards == End::Head ? entries.prev(at.m_position) : 0;
    const Listpack::Position after = entries.erase(at.m_position);
    --m_count;
    Node *nextNode = towards == End::Tail ? node->next : node->prev;
    if (entries.isEmpty())
        unlinkNode(node);
    else if (towards == End::Tail && after)
        return Iterator(node, after);
    else if (towards == End::Head && before)
        return Iterator(node, before);
    if (!nextNode)
        return Iterator();
    return Iterator(nextNode,
                    towards == End::Tail ? nextNode->entries.first() : nextNode->entries.last());
}

void ListValue::appendListpack(Listpack listpack)
{
    if (listpack.isEmpty())
        return;
    m_count += listpack.size();
    newNodeBeside(m_tail, true)->entries = std::move(listpack);
}
