#pragma once

#include "aggregate.h"
#include "listpack.h"

#include <QByteArrayView>

#include <memory>

// A list, as Redis 7.0 holds every list (OBJECT ENCODING "quicklist", even for one element):
// a doubly linked list of nodes, each holding a Listpack of consecutive elements. Pushes and
// pops at either end touch one node (O(1)); finding an index walks whole nodes from the nearer
// end, then elements inside one node (O(n / node size)).
//
// How full a node may get is the list's fill, fixed when the list is made from
// list-max-listpack-size (as quicklistSetOptions, clamped to -5..32767): a positive fill is a
// number of elements (and a node also stays under 8 KB unless it holds one element); -1..-5
// limit a node's listpack to 4, 8, 16, 32 or 64 KB. An element too big for any node gets a
// node of its own. Inserting into a full node in the middle splits it and merges the pieces
// with their neighbours where they fit, as quicklist's _quicklistInsert does; removals never
// merge, as in Redis. Nodes are never compressed (list-compress-depth is accepted by CONFIG
// and has no effect here), and an element of 1 GB or more stays in a listpack node rather than
// a "plain" one: neither shows in any reply.
//
// Elements come back as Listpack::Element views, valid until the list next changes. The value
// never writes replies. Not thread-safe: it lives on the server thread.
class ListValue final : public AggregateOf<ListValue>
{
public:
    // Redis's LIST_HEAD (left) and LIST_TAIL (right).
    enum class End : quint8 { Head, Tail };

    // One node: its elements, in list order. At least one element while it is in a list.
    struct Node
    {
        Node *prev = nullptr;
        Node *next = nullptr;
        Listpack entries;
    };

    // A position on one element, walking in either direction; invalid once it walks off an
    // end (or when made for an index out of range). It stays valid until the list changes,
    // except through erase(), which returns the position to go on from.
    class Iterator
    {
    public:
        Iterator() = default;
        bool isValid() const { return m_node; }
        Listpack::Element element() const { return m_node->entries.at(m_position); }
        void next();     // towards the tail
        void previous(); // towards the head

    private:
        friend class ListValue;
        Iterator(Node *node, Listpack::Position position)
            : m_node(node)
            , m_position(position)
        { }
        // Whether the element is its node's first or last.
        bool atNodeHead() const { return m_node->entries.prev(m_position) == 0; }
        bool atNodeTail() const { return m_node->entries.next(m_position) == 0; }
        Node *m_node = nullptr;
        Listpack::Position m_position = 0;
    };

    // An empty list whose nodes follow `fill` (list-max-listpack-size's value).
    explicit ListValue(long long fill = -2);
    ListValue(const ListValue &other);
    ListValue(ListValue &&other) noexcept;
    ListValue &operator=(const ListValue &) = delete;
    ~ListValue() override;

    qsizetype length() const override { return m_count; }
    const char *encodingName() const override { return "quicklist"; }
    qsizetype freeEffort() const override { return m_nodeCount; }
    // Redis's objectComputeSize for a quicklist: the list's own header plus, per node, the node
    // and its listpack's allocation, averaged over the first `samples` nodes (0: all) and
    // multiplied by the number of nodes.
    size_t memoryUsage(qsizetype samples) const override;

    int fill() const { return m_fill; }
    qsizetype nodeCount() const { return m_nodeCount; }

    // Adds value at one end (LPUSH/RPUSH): into the end node if it has room, else in a new node.
    void push(End end, QByteArrayView value);
    // The element at one end; the list must not be empty.
    Listpack::Element at(End end) const;
    // Removes the element at one end; the list must not be empty. An emptied node is freed.
    void pop(End end);
    // Removes up to count elements from index start on (negative: from the end), stopping at
    // the tail (Redis's quicklistDelRange). Returns how many went.
    qsizetype removeRange(qsizetype start, qsizetype count);

    // Iterators on the first and last element, and on the element at index (negative: from
    // the end, -1 the last): found from the nearer end, node by node.
    Iterator first() const;
    Iterator last() const;
    Iterator iteratorAt(qsizetype index) const;

    // Inserts value just before or after the element at `at` (LINSERT). Every iterator is
    // invalid afterwards.
    void insert(const Iterator &at, QByteArrayView value, bool after);
    // Replaces the element at `at` (LSET), in place: its node may go past the fill, as in Redis.
    // Every iterator is invalid afterwards.
    void replace(const Iterator &at, QByteArrayView value);
    // Removes the element at `at` (LREM) and returns the position of the element that followed
    // it walking towards `towards` (invalid if none). Other iterators are invalid afterwards.
    Iterator erase(const Iterator &at, End towards);

    // The nodes, head to tail through Node::next (RDB writing, MEMORY USAGE, DEBUG).
    const Node *firstNode() const { return m_head; }
    const Node *lastNode() const { return m_tail; }
    // Appends a node holding listpack as it is (RDB loading, quicklistAppendListpack); an empty
    // listpack is dropped.
    void appendListpack(Listpack listpack);

private:
    bool allowsInsert(const Node *node, size_t valueSize) const;
    bool allowsMerge(const Node *a, const Node *b) const;
    Node *newNodeBeside(Node *beside, bool after);
    void unlinkNode(Node *node);
    Node *splitNode(Node *node, Listpack::Position position, bool after);
    void mergeAround(Node *center);
    Node *mergeNodes(Node *left, Node *right);

    Node *m_head = nullptr;
    Node *m_tail = nullptr;
    qsizetype m_count = 0;
    quint32 m_nodeCount = 0;
    qint16 m_fill;
};
