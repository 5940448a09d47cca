#pragma once

#include <QByteArrayView>
#include <QHashFunctions>
#include <QtGlobal>

#include <cstdlib>
#include <functional>
#include <memory>
#include <new>
#include <utility>

// The process-wide hash seed of every Dict, random per process as Redis's dict seed is.
size_t dictHashSeed();
// Reverses the bits of a SCAN cursor (Redis's rev()).
quint64 dictReverseBits(quint64 v);
// Redis's dict_can_resize, process-wide: off while a forked child shares the process's pages
// (ChildFork), when a table grows only once more than five times overfull (Redis's
// dict_force_resize_ratio) and never shrinks, so that moving buckets copies fewer pages.
void dictSetResizeAllowed(bool allowed);
bool dictResizeAllowed();

/* Redis's dict: a chained hash table of intrusive nodes with power-of-two tables and
 * incremental rehashing. While it grows or shrinks there are two tables; every lookup, insert
 * and removal moves one bucket from the old to the new (rehashSteps() moves more, for idle
 * time), so no single operation pays for the whole table. scan() is Redis's dictScan: a
 * reverse-binary cursor that returns every node present for the whole scan, across resizes
 * and rehashing.
 *
 * Unlike Redis's, each link (a bucket, a node's next) also holds, above the 48 bits of the
 * address, 15 bits of its node's hash and whether that node has a successor: a lookup that
 * misses, as most of a cache's and every new key's do, can pass a node without reading it
 * unless the tags match or the chain goes on. In a table of millions each node read is a
 * cache and TLB miss; this leaves about a quarter of them (bench/RESULTS.md, GET at 10M keys).
 *
 * Node needs a `Node *next` member, which only the Dict reads or writes, and
 * `QByteArrayView key() const`. The Dict links nodes but never allocates nor frees them:
 * clear() hands each one to a deleter, and take() gives one back to its owner. Not
 * thread-safe.
 */
template<typename Node> class Dict
{
public:
    Dict() = default;
    Dict(const Dict &) = delete;
    Dict &operator=(const Dict &) = delete;

    // SWAPDB, and handing a whole table to the lazy-free thread.
    void swap(Dict &other) noexcept
    {
        for (int t = 0; t < 2; ++t) {
            std::swap(m_table[t].buckets, other.m_table[t].buckets);
            std::swap(m_table[t].size, other.m_table[t].size);
            std::swap(m_table[t].used, other.m_table[t].used);
        }
        std::swap(m_rehashIndex, other.m_rehashIndex);
    }

    qsizetype size() const { return qsizetype(m_table[0].used + m_table[1].used); }
    bool isRehashing() const { return m_rehashIndex >= 0; }

    // A key's hash: a find() then insert() of one key pass it to both, to hash the key once.
    static size_t hashOf(QByteArrayView key) { return qHash(key, dictHashSeed()); }

    Node *find(QByteArrayView key) { return find(key, hashOf(key)); }
    Node *find(QByteArrayView key, size_t hash)
    {
        rehashStep();
        return const_cast<Node *>(peek(key, hash));
    }
    // find() without a rehash step, for const readers.
    const Node *peek(QByteArrayView key) const { return peek(key, hashOf(key)); }
    const Node *peek(QByteArrayView key, size_t hash) const
    {
        if (size() == 0)
            return nullptr;
        for (int t = 0; t <= (isRehashing() ? 1 : 0); ++t) {
            const Table &table = m_table[t];
            for (Node *link = table.buckets[hash & table.mask()]; link;) {
                Node *node = target(link);
                if (sameTag(link, hash) && node->key() == key)
                    return node;
                if (!hasMore(link))
                    break;
                link = node->next;
            }
        }
        return nullptr;
    }
    // Links node, whose key must not be present.
    void insert(Node *node) { insert(node, hashOf(node->key())); }
    // The same, with the hash of node's key.
    void insert(Node *node, size_t hash)
    {
        rehashStep();
        expandIfNeeded();
        Table &table = m_table[isRehashing() ? 1 : 0];
        link(table, node, hash);
    }
    // Unlinks and returns the node of key (nullptr when absent); the caller owns it.
    Node *take(QByteArrayView key)
    {
        if (size() == 0)
            return nullptr;
        rehashStep();
        const size_t hash = hashOf(key);
        for (int t = 0; t <= (isRehashing() ? 1 : 0); ++t) {
            Table &table = m_table[t];
            Node **previous = nullptr; // the link to the node before, whose "more" bit may go
            for (Node **slot = &table.buckets[hash & table.mask()]; *slot;) {
                Node *node = target(*slot);
                if (sameTag(*slot, hash) && node->key() == key) {
                    *slot = node->next;
                    if (!node->next && previous)
                        *previous = withoutMore(*previous);
                    node->next = nullptr;
                    --table.used;
                    return node;
                }
                if (!hasMore(*slot))
                    break;
                previous = slot;
                slot = &node->next;
            }
        }
        return nullptr;
    }
    // Sizes the table for n nodes up front (Redis's dictExpand when a compact encoding is
    // converted): an empty dict gets its table at once, a filled one starts rehashing into it.
    void reserve(size_t n)
    {
        if (!isRehashing() && n > m_table[0].size)
            resize(n);
    }
    // After removals: starts shrinking when under 10% full (Redis's htNeedsResize), unless
    // resizing is not allowed now.
    void shrinkIfNeeded()
    {
        const size_t buckets = m_table[0].size;
        if (!isRehashing() && buckets > InitialSize && size_t(size()) * 100 / buckets < 10
            && dictResizeAllowed())
            resize(size_t(size()));
    }
    // Frees every node with deleter(Node *) and returns to the empty state.
    template<typename Deleter> void clear(Deleter deleter)
    {
        for (Table &table : m_table) {
            for (size_t i = 0; i < table.size; ++i) {
                for (Node *link = table.buckets[i]; link;) {
                    Node *node = target(link);
                    link = node->next;
                    deleter(node);
                }
            }
            table = Table();
        }
        m_rehashIndex = -1;
    }

    // Moves up to n buckets to the new table (visiting at most 10n empty ones); false when
    // there is nothing left to move.
    bool rehashSteps(int n)
    {
        if (!isRehashing())
            return false;
        int emptyVisits = n * 10;
        Table &from = m_table[0];
        Table &to = m_table[1];
        while (n-- && from.used != 0) {
            while (!from.buckets[size_t(m_rehashIndex)]) {
                ++m_rehashIndex;
                if (--emptyVisits == 0)
                    return true;
            }
            for (Node *next = from.buckets[size_t(m_rehashIndex)]; next;) {
                Node *node = target(next);
                next = node->next;
                --from.used;
                link(to, node, hashOf(node->key()));
            }
            from.buckets[size_t(m_rehashIndex)] = nullptr;
            ++m_rehashIndex;
        }
        if (from.used == 0) {
            release(m_table[0]);
            m_table[0] = std::move(m_table[1]);
            m_table[1] = Table();
            m_rehashIndex = -1;
            return false;
        }
        return true;
    }

    // One step of a full scan: visits the nodes of the cursor's buckets, returns the next
    // cursor (0 when done).
    template<typename Visit> quint64 scan(quint64 cursor, Visit visit) const
    {
        if (size() == 0)
            return 0;
        auto visitBucket = [&](const Table &table, quint64 index) {
            for (const Node *link = table.buckets[index & table.mask()]; link;) {
                const Node *node = target(link);
                link = node->next;
                visit(*node);
            }
        };
        auto increment = [](quint64 v, quint64 mask) {
            v |= ~mask;
            v = dictReverseBits(v);
            ++v;
            return dictReverseBits(v);
        };
        if (!isRehashing()) {
            visitBucket(m_table[0], cursor);
            return increment(cursor, m_table[0].mask());
        }
        const Table *small = &m_table[0];
        const Table *large = &m_table[1];
        if (small->size > large->size)
            std::swap(small, large);
        const quint64 m0 = small->mask();
        const quint64 m1 = large->mask();
        visitBucket(*small, cursor);
        // Then every bucket of the larger table that expands the smaller one's.
        do {
            visitBucket(*large, cursor);
            cursor = increment(cursor, m1);
        } while (cursor & (m0 ^ m1));
        return cursor;
    }

    template<typename Visit> void forEach(Visit visit) const
    {
        for (const Table &table : m_table) {
            for (size_t i = 0; i < table.size; ++i) {
                for (const Node *link = table.buckets[i]; link;) {
                    const Node *node = target(link);
                    link = node->next;
                    visit(*node);
                }
            }
        }
    }

    // A node drawn at random (a random non-empty bucket, then a random node of its chain, as
    // Redis's dictGetRandomKey), or nullptr when empty. random(n) returns 0..n-1.
    template<typename Random> Node *randomNode(Random random) const
    {
        if (size() == 0)
            return nullptr;
        Node *head = nullptr;
        while (!head) {
            if (isRehashing()) {
                // Buckets of the old table below the rehash index are empty.
                const size_t skip = size_t(m_rehashIndex);
                const size_t span = m_table[0].size - skip + m_table[1].size;
                const size_t i = skip + size_t(random(span));
                head = i < m_table[0].size ? m_table[0].buckets[i]
                                           : m_table[1].buckets[i - m_table[0].size];
            } else {
                head = m_table[0].buckets[size_t(random(m_table[0].size))];
            }
        }
        qsizetype length = 0;
        for (Node *link = head; link; link = target(link)->next)
            ++length;
        for (qsizetype pick = qsizetype(random(size_t(length))); pick > 0; --pick)
            head = target(head)->next;
        return target(head);
    }

    // Where the bucket array of a big table that a rehash has emptied goes, instead of free():
    // the allocator returns such a block's pages to the kernel at once, which for the 64 MB
    // array of 8M buckets stalls the freeing thread for milliseconds. freer(array) must free
    // it with std::free. Not swapped with the tables.
    void setTableFreer(std::function<void(void *)> freer) { m_tableFreer = std::move(freer); }

    // Memory of the bucket arrays, for MEMORY USAGE and INFO.
    size_t bucketBytes() const { return (m_table[0].size + m_table[1].size) * sizeof(Node *); }
    size_t bucketCount() const { return m_table[0].size + m_table[1].size; }

private:
    static constexpr size_t InitialSize = 4;
    static constexpr size_t ForceResizeRatio = 5;
    // From here a bucket array goes to the table freer. By default jemalloc returns the pages
    // of blocks over 8 MB at once, 2.4-12.6 ms for 17-134 MB on this machine (bench/RESULTS.md);
    // qkv sets it to leave them to its decay (AllocationCounter::purgeByDecayOnly), but a
    // MALLOC_CONF or another allocator may not. From 1 MB leaves room for lower thresholds.
    static constexpr size_t BigTableBytes = size_t(1) << 20;

    struct FreeDeleter
    {
        void operator()(void *p) const { std::free(p); }
    };
    struct Table
    {
        std::unique_ptr<Node *[], FreeDeleter> buckets;
        size_t size = 0;
        size_t used = 0;
        quint64 mask() const { return size ? quint64(size - 1) : 0; }
    };

    // A link's bits: the node's address below AddressBits (user-space addresses on x86-64 and
    // AArch64 Linux), then 15 bits of its hash (the top ones: the bucket index uses the low
    // ones), then MoreBit when the node has a successor.
    static constexpr int AddressBits = 48;
    static constexpr quintptr AddressMask = (quintptr(1) << AddressBits) - 1;
    static constexpr quintptr MoreBit = quintptr(1) << 63;
    static constexpr quintptr TagMask = ~AddressMask & ~MoreBit;
    static_assert(sizeof(quintptr) == 8, "links keep tags above a 48-bit address");

    static Node *target(Node *link) { return fromBits(bits(link) & AddressMask); }
    static const Node *target(const Node *link) { return target(const_cast<Node *>(link)); }
    static bool hasMore(const Node *link) { return bits(link) & MoreBit; }
    static bool sameTag(const Node *link, size_t hash)
    {
        return ((bits(link) ^ hash) & TagMask) == 0;
    }
    static Node *withoutMore(Node *link) { return fromBits(bits(link) & ~MoreBit); }
    static quintptr bits(const Node *link) { return reinterpret_cast<quintptr>(link); }
    static Node *fromBits(quintptr bits) { return reinterpret_cast<Node *>(bits); }

    // Puts node at the head of its bucket in table.
    static void link(Table &table, Node *node, size_t hash)
    {
        if (Q_UNLIKELY(bits(node) & ~AddressMask))
            qFatal("Dict: node address %p has more than %d bits", static_cast<void *>(node),
                   AddressBits);
        Node *&head = table.buckets[hash & table.mask()];
        node->next = head;
        head = fromBits(bits(node) | (quintptr(hash) & TagMask) | (head ? MoreBit : 0));
        ++table.used;
    }

    // Frees table's bucket array (through the table freer when it is big) and empties it.
    void release(Table &table)
    {
        if (m_tableFreer && table.size * sizeof(Node *) >= BigTableBytes)
            m_tableFreer(table.buckets.release());
        table = Table();
    }

    void rehashStep()
    {
        if (isRehashing())
            rehashSteps(1);
    }
    void expandIfNeeded()
    {
        if (isRehashing())
            return;
        if (m_table[0].size == 0)
            resize(InitialSize);
        else if (m_table[0].used >= m_table[0].size
                 && (dictResizeAllowed() || m_table[0].used / m_table[0].size > ForceResizeRatio))
            resize(m_table[0].used + 1);
    }
    // Starts rehashing into a table of the next power of two >= wanted (at least 4).
    void resize(size_t wanted)
    {
        size_t size = InitialSize;
        while (size < wanted)
            size *= 2;
        if (size == m_table[0].size)
            return;
        Table table;
        // calloc, not new + memset: a big table comes zeroed from fresh pages, so the pages are
        // touched bucket by bucket as the rehash moves into them, not all at once here (128 MB
        // for 16M buckets would stall every client for tens of milliseconds).
        table.buckets.reset(static_cast<Node **>(std::calloc(size, sizeof(Node *))));
        if (!table.buckets)
            throw std::bad_alloc();
        table.size = size;
        if (m_table[0].size == 0) {
            m_table[0] = std::move(table);
            return;
        }
        m_table[1] = std::move(table);
        m_rehashIndex = 0;
    }

    Table m_table[2];
    qint64 m_rehashIndex = -1;
    std::function<void(void *)> m_tableFreer;
};
