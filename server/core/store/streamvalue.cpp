#include "streamvalue.h"

#include <malloc.h>

#include <algorithm>

namespace {

using Position = Listpack::Position;

// Redis's STREAM_ITEM_FLAG_DELETED and STREAM_ITEM_FLAG_SAMEFIELDS.
constexpr long long FlagDeleted = 1;
constexpr long long FlagSameFields = 2;
// Redis's STREAM_LISTPACK_MAX_SIZE: no node, and no entry, grows past 1 GiB.
constexpr size_t ListpackMaxSize = size_t(1) << 30;
// What a std::map node costs beside its key and value (red-black links and colour), and the
// allocator's header: for MEMORY USAGE's estimate of the parts that are not listpacks.
constexpr size_t MapNodeOverhead = 48;

long long integerAt(const Listpack &node, Position p)
{
    long long value = 0;
    if (p)
        node.at(p).toLongLong(&value);
    return value;
}

// The master entry of a node: live and deleted counts, the master fields, the first entry.
struct NodeHeader
{
    long long count = 0;
    long long deleted = 0;
    long long fieldCount = 0;
    Position fields = 0;
    Position firstEntry = 0;
    bool valid = false;
};

NodeHeader readHeader(const Listpack &node)
{
    NodeHeader h;
    Position p = node.first();
    if (!p)
        return h;
    h.count = integerAt(node, p);
    if (!(p = node.next(p)))
        return h;
    h.deleted = integerAt(node, p);
    if (!(p = node.next(p)))
        return h;
    h.fieldCount = integerAt(node, p);
    p = node.next(p);
    h.fields = p;
    for (long long i = 0; i < h.fieldCount && p; ++i)
        p = node.next(p);
    if (!p) // the master entry's terminator is missing
        return h;
    h.firstEntry = node.next(p);
    h.valid = h.count >= 0 && h.deleted >= 0 && h.fieldCount >= 0;
    return h;
}

// Where one entry's parts are (Redis's streamIterator state for it).
struct EntryLayout
{
    Position flagsAt = 0;
    long long flags = 0;
    StreamId id;
    long long fieldCount = 0;
    Position pairs = 0; // the first field (or value, with SAMEFIELDS)
    Position next = 0;  // the next entry's flags, 0 after the last
    bool valid = false;
};

EntryLayout readLayout(const Listpack &node, const NodeHeader &h, StreamId master, Position p)
{
    EntryLayout e;
    e.flagsAt = p;
    e.flags = integerAt(node, p);
    if (!(p = node.next(p)))
        return e;
    e.id.ms = master.ms + quint64(integerAt(node, p));
    if (!(p = node.next(p)))
        return e;
    e.id.seq = master.seq + quint64(integerAt(node, p));
    if (!(p = node.next(p)))
        return e;
    long long parts = 0;
    if (e.flags & FlagSameFields) {
        e.fieldCount = h.fieldCount;
        parts = e.fieldCount;
    } else {
        e.fieldCount = integerAt(node, p);
        if (e.fieldCount < 0 || !(p = node.next(p)))
            return e;
        parts = 2 * e.fieldCount;
    }
    e.pairs = p;
    for (long long i = 0; i < parts && p; ++i)
        p = node.next(p);
    if (!p) // the lp-count is missing
        return e;
    e.next = node.next(p);
    e.valid = true;
    return e;
}

// The positions of a node's entries (live or not), first to last.
std::vector<EntryLayout> layoutsOf(const Listpack &node, const NodeHeader &h, StreamId master)
{
    std::vector<EntryLayout> layouts;
    for (Position p = h.firstEntry; p;) {
        layouts.push_back(readLayout(node, h, master, p));
        p = layouts.back().next;
    }
    return layouts;
}

// Nodes of a Redis radix tree holding keys[begin, end) (sorted, distinct, all of length 16),
// whose first `depth` bytes are the path to here: a chain of bytes all share is one
// compressed node, a byte where they part is a node with a child per byte, and a key ends in
// a node of its own.
qsizetype raxNodes(const std::vector<std::array<unsigned char, 16>> &keys, size_t begin, size_t end,
                   int depth)
{
    if (end - begin == 1)
        return depth == 16 ? 1 : 2;
    const auto &first = keys[begin];
    const auto &last = keys[end - 1];
    int common = depth;
    while (first[size_t(common)] == last[size_t(common)])
        ++common;
    qsizetype nodes = common > depth ? 2 : 1;
    for (size_t i = begin; i < end;) {
        size_t j = i + 1;
        while (j < end && keys[j][size_t(common)] == keys[i][size_t(common)])
            ++j;
        nodes += raxNodes(keys, i, j, common + 1);
        i = j;
    }
    return nodes;
}

} // namespace

StreamValue::StreamValue(const StreamValue &other)
    : AggregateOf(other)
    , m_nodes(other.m_nodes)
    , m_length(other.m_length)
    , m_lastId(other.m_lastId)
    , m_firstId(other.m_firstId)
    , m_maxDeletedId(other.m_maxDeletedId)
    , m_entriesAdded(other.m_entriesAdded)
{
    for (const auto &[name, source] : other.m_groups) {
        auto group = std::make_unique<Group>();
        group->lastId = source->lastId;
        group->entriesRead = source->entriesRead;
        for (const auto &[consumerName, consumer] : source->consumers) {
            auto copy = std::make_unique<Consumer>();
            copy->name = consumer->name;
            copy->seenTime = consumer->seenTime;
            group->consumers.emplace(consumerName, std::move(copy));
        }
        for (const auto &[id, nack] : source->pending) {
            Consumer *owner = group->consumers.at(nack.consumer->name).get();
            Nack &copy = group->pending[id];
            copy = Nack { nack.deliveryTime, nack.deliveryCount, owner };
            owner->pending.emplace(id, &copy);
        }
        m_groups.emplace(name, std::move(group));
    }
}

StreamValue::~StreamValue() = default;

size_t StreamValue::memoryUsage(qsizetype samples) const
{
    size_t bytes = 0;
    qsizetype sampled = 0;
    for (const auto &[id, node] : m_nodes) {
        if (samples > 0 && sampled == samples)
            break;
        bytes += node.allocatedBytes() + MapNodeOverhead + sizeof(id) + sizeof(node);
        ++sampled;
    }
    if (sampled > 0 && sampled < qsizetype(m_nodes.size()))
        bytes = bytes / size_t(sampled) * m_nodes.size();
    for (const auto &[name, group] : m_groups) {
        bytes += MapNodeOverhead + size_t(name.capacity()) + sizeof(Group);
        bytes += group->pending.size() * (MapNodeOverhead + sizeof(StreamId) + sizeof(Nack));
        for (const auto &[consumerName, consumer] : group->consumers) {
            bytes += MapNodeOverhead + 2 * size_t(consumerName.capacity()) + sizeof(Consumer);
            bytes += consumer->pending.size()
                    * (MapNodeOverhead + sizeof(StreamId) + sizeof(Nack *));
        }
    }
    return bytes;
}

// Redis's lazyfreeGetFreeEffort for a stream: its radix tree's nodes, and every group with
// as many pending entries as the first one has.
qsizetype StreamValue::freeEffort() const
{
    qsizetype effort = radixTreeNodes();
    if (!m_groups.empty())
        effort += qsizetype(m_groups.size())
                * (1 + qsizetype(m_groups.begin()->second->pending.size()));
    return effort;
}

void StreamValue::readEntry(const Listpack &node, Position fields, qint64 fieldCount,
                            Position pairs, qint64 pairCount, bool sameFields, Entry *entry)
{
    if (sameFields)
        pairCount = fieldCount;
    entry->m_parts.resize(size_t(2 * pairCount));
    entry->m_numbers.resize(size_t(2 * pairCount));
    Position f = fields;
    Position p = pairs;
    for (size_t i = 0; i < size_t(2 * pairCount); i += 2) {
        if (sameFields) {
            entry->m_parts[i] = node.at(f).text(entry->m_numbers[i].bytes);
            f = node.next(f);
        } else {
            entry->m_parts[i] = node.at(p).text(entry->m_numbers[i].bytes);
            p = node.next(p);
        }
        entry->m_parts[i + 1] = node.at(p).text(entry->m_numbers[i + 1].bytes);
        p = node.next(p);
    }
}

StreamValue::AppendStatus StreamValue::append(const QByteArrayView *fieldsValues, qsizetype pairs,
                                              const StreamId *requested, bool seqGiven,
                                              qint64 nowMs, const Limits &limits, StreamId *added)
{
    StreamId id;
    if (requested && seqGiven) {
        id = *requested;
    } else if (requested) {
        // "ms-*": the next sequence of the last id when it has this ms, else 0.
        if (m_lastId.ms == requested->ms) {
            if (m_lastId.seq == StreamId::max().seq) // Redis 7.0 answers ERANGE here
                return AppendStatus::TooLarge;
            id = m_lastId;
            ++id.seq;
        } else {
            id = *requested;
        }
    } else if (quint64(nowMs) > m_lastId.ms) {
        id = { quint64(nowMs), 0 };
    } else {
        id = m_lastId;
        id.increment();
    }
    if (id <= m_lastId)
        return AppendStatus::IdTooSmall;
    size_t payload = 0;
    for (qsizetype i = 0; i < 2 * pairs; ++i)
        payload += size_t(fieldsValues[i].size());
    if (payload > ListpackMaxSize)
        return AppendStatus::TooLarge;

    Listpack *node = nullptr;
    StreamId master;
    if (!m_nodes.empty()) {
        auto last = std::prev(m_nodes.end());
        size_t maxBytes = size_t(limits.nodeMaxBytes);
        if (maxBytes == 0 || maxBytes > ListpackMaxSize)
            maxBytes = ListpackMaxSize;
        const NodeHeader h = readHeader(last->second);
        if (last->second.bytes() + payload >= maxBytes)
            node = nullptr;
        else if (limits.nodeMaxEntries > 0 && h.count + h.deleted >= limits.nodeMaxEntries)
            node = nullptr;
        else
            node = &last->second;
        master = last->first;
    }

    long long flags = 0;
    if (!node) {
        Listpack created;
        created.insertInteger(0, 1); // one entry, the one being added
        created.insertInteger(0, 0); // none deleted
        created.insertInteger(0, pairs);
        for (qsizetype i = 0; i < pairs; ++i)
            created.append(fieldsValues[2 * i]);
        created.insertInteger(0, 0); // the master entry's terminator
        node = &m_nodes.emplace(id, std::move(created)).first->second;
        master = id;
        flags = FlagSameFields;
    } else {
        const NodeHeader h = readHeader(*node);
        if (h.fieldCount == pairs) {
            flags = FlagSameFields;
            Position f = h.fields;
            for (qsizetype i = 0; i < pairs; ++i, f = node->next(f)) {
                if (!node->at(f).equals(fieldsValues[2 * i])) {
                    flags = 0;
                    break;
                }
            }
        }
        node->replaceInteger(node->first(), h.count + 1);
    }
    node->insertInteger(0, flags);
    node->insertInteger(0, qint64(id.ms - master.ms));
    node->insertInteger(0, qint64(id.seq - master.seq));
    if (!(flags & FlagSameFields))
        node->insertInteger(0, pairs);
    for (qsizetype i = 0; i < pairs; ++i) {
        if (!(flags & FlagSameFields))
            node->append(fieldsValues[2 * i]);
        node->append(fieldsValues[2 * i + 1]);
    }
    node->insertInteger(0, (flags & FlagSameFields) ? pairs + 3 : 2 * pairs + 4);

    ++m_length;
    ++m_entriesAdded;
    m_lastId = id;
    if (m_length == 1)
        m_firstId = id;
    *added = id;
    return AppendStatus::Added;
}

bool StreamValue::remove(StreamId id)
{
    auto it = m_nodes.upper_bound(id);
    if (it == m_nodes.begin())
        return false;
    --it;
    Listpack &node = it->second;
    const NodeHeader h = readHeader(node);
    EntryLayout found;
    for (Position p = h.firstEntry; p;) {
        const EntryLayout e = readLayout(node, h, it->first, p);
        if (e.id >= id) {
            found = e;
            break;
        }
        p = e.next;
    }
    if (!found.valid || found.id != id || (found.flags & FlagDeleted))
        return false;
    if (h.count == 1) {
        m_nodes.erase(it);
    } else {
        node.replaceInteger(found.flagsAt, found.flags | FlagDeleted);
        node.replaceInteger(node.first(), h.count - 1);
        node.replaceInteger(node.next(node.first()), h.deleted + 1);
    }
    --m_length;
    if (id > m_maxDeletedId)
        m_maxDeletedId = id;
    if (m_length == 0)
        m_firstId = {};
    else if (id == m_firstId)
        refreshFirstId();
    return true;
}

void StreamValue::refreshFirstId()
{
    if (!edgeId(true, &m_firstId))
        m_firstId = {};
}

long long StreamValue::trim(const Trim &trim)
{
    using Strategy = Trim::Strategy;
    if (trim.strategy == Strategy::None)
        return 0;
    long long deleted = 0;
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (trim.strategy == Strategy::MaxLen && m_length <= quint64(trim.maxLen))
            break;
        Listpack &node = it->second;
        const NodeHeader h = readHeader(node);
        if (trim.limit && deleted + h.count > trim.limit)
            break;
        bool removeNode;
        std::vector<EntryLayout> layouts;
        if (trim.strategy == Strategy::MaxLen) {
            removeNode = m_length - quint64(h.count) >= quint64(trim.maxLen);
        } else {
            layouts = layoutsOf(node, h, it->first);
            removeNode = !layouts.empty() && layouts.back().id < trim.minId;
        }
        if (removeNode) {
            m_length -= quint64(h.count);
            deleted += h.count;
            it = m_nodes.erase(it);
            continue;
        }
        if (trim.approximate)
            break;
        // Entries go one by one from the front of this node; it keeps at least one.
        if (layouts.empty())
            layouts = layoutsOf(node, h, it->first);
        long long deletedHere = 0;
        for (const EntryLayout &e : layouts) {
            const bool stop = trim.strategy == Strategy::MaxLen ? m_length <= quint64(trim.maxLen)
                                                                : e.id >= trim.minId;
            if (stop)
                break;
            if (!(e.flags & FlagDeleted)) {
                // Same size: flags stay one byte, so later positions hold.
                node.replaceInteger(e.flagsAt, e.flags | FlagDeleted);
                ++deletedHere;
                --m_length;
            }
        }
        deleted += deletedHere;
        node.replaceInteger(node.first(), h.count - deletedHere);
        node.replaceInteger(node.next(node.first()), h.deleted + deletedHere);
        break;
    }
    if (m_length == 0)
        m_firstId = {};
    else
        refreshFirstId();
    return deleted;
}

void StreamValue::range(StreamId start, StreamId end, bool reverse, qsizetype count,
                        const EntryVisitor &visit) const
{
    if (start > end || m_nodes.empty())
        return;
    Entry entry;
    qsizetype emitted = 0;
    auto deliver = [&](const Listpack &node, const NodeHeader &h, const EntryLayout &e) {
        entry.id = e.id;
        readEntry(node, h.fields, h.fieldCount, e.pairs, e.fieldCount, e.flags & FlagSameFields,
                  &entry);
        visit(entry);
        return count == 0 || ++emitted < count;
    };
    if (!reverse) {
        auto it = m_nodes.upper_bound(start);
        if (it != m_nodes.begin())
            --it;
        for (; it != m_nodes.end() && it->first <= end; ++it) {
            const Listpack &node = it->second;
            const NodeHeader h = readHeader(node);
            for (Position p = h.firstEntry; p;) {
                const EntryLayout e = readLayout(node, h, it->first, p);
                p = e.next;
                if ((e.flags & FlagDeleted) || e.id < start)
                    continue;
                if (e.id > end || !deliver(node, h, e))
                    return;
            }
        }
        return;
    }
    for (auto it = m_nodes.upper_bound(end); it != m_nodes.begin();) {
        --it;
        const Listpack &node = it->second;
        const NodeHeader h = readHeader(node);
        const std::vector<EntryLayout> layouts = layoutsOf(node, h, it->first);
        for (auto e = layouts.rbegin(); e != layouts.rend(); ++e) {
            if ((e->flags & FlagDeleted) || e->id > end)
                continue;
            if (e->id < start || !deliver(node, h, *e))
                return;
        }
    }
}

void StreamValue::visitFrom(qsizetype index, qsizetype count, const EntryVisitor &visit) const
{
    auto it = m_nodes.begin();
    for (; it != m_nodes.end(); ++it) {
        const qsizetype live = qsizetype(readHeader(it->second).count);
        if (index < live)
            break;
        index -= live;
    }
    if (it == m_nodes.end())
        return;
    qsizetype skipped = 0;
    range(it->first, StreamId::max(), false, count ? count + index : 0, [&](const Entry &entry) {
        if (skipped++ >= index)
            visit(entry);
    });
}

bool StreamValue::contains(StreamId id) const
{
    bool found = false;
    range(id, id, false, 1, [&](const Entry &) { found = true; });
    return found;
}

bool StreamValue::edgeId(bool first, StreamId *id) const
{
    bool found = false;
    range({}, StreamId::max(), !first, 1, [&](const Entry &entry) {
        *id = entry.id;
        found = true;
    });
    return found;
}

StreamId StreamValue::lastValidId() const
{
    StreamId id = m_lastId;
    edgeId(false, &id);
    return id;
}

qsizetype StreamValue::radixTreeNodes() const
{
    if (m_nodes.empty())
        return 1; // the empty root
    std::vector<std::array<unsigned char, 16>> keys;
    keys.reserve(m_nodes.size());
    for (const auto &[id, node] : m_nodes) {
        unsigned char key[16];
        id.encode(key);
        std::array<unsigned char, 16> copy;
        std::copy(std::begin(key), std::end(key), copy.begin());
        keys.push_back(copy);
    }
    return raxNodes(keys, 0, keys.size(), 0);
}

bool StreamValue::loadNode(StreamId master, Listpack &&node)
{
    const NodeHeader h = readHeader(node);
    if (!h.valid || h.firstEntry == 0 || m_nodes.count(master))
        return false;
    long long live = 0;
    long long dead = 0;
    for (Position p = h.firstEntry; p;) {
        const EntryLayout e = readLayout(node, h, master, p);
        if (!e.valid || e.id < master)
            return false;
        ++((e.flags & FlagDeleted) ? dead : live);
        p = e.next;
    }
    if (live != h.count || dead != h.deleted || live == 0)
        return false;
    m_length += quint64(live);
    m_nodes.emplace(master, std::move(node));
    return true;
}

void StreamValue::setLoadedMeta(StreamId lastId, StreamId firstId, StreamId maxDeletedId,
                                quint64 entriesAdded)
{
    m_lastId = lastId;
    m_firstId = firstId;
    m_maxDeletedId = maxDeletedId;
    m_entriesAdded = entriesAdded;
}

StreamValue::Group *StreamValue::group(QByteArrayView name)
{
    const auto it = m_groups.find(name.toByteArray());
    return it == m_groups.end() ? nullptr : it->second.get();
}

StreamValue::Group *StreamValue::createGroup(QByteArrayView name, StreamId lastId,
                                             long long entriesRead)
{
    auto [it, inserted] = m_groups.emplace(name.toByteArray(), nullptr);
    if (!inserted)
        return nullptr;
    it->second = std::make_unique<Group>();
    it->second->lastId = lastId;
    it->second->entriesRead = entriesRead;
    return it->second.get();
}

bool StreamValue::destroyGroup(QByteArrayView name)
{
    return m_groups.erase(name.toByteArray()) > 0;
}

StreamValue::Consumer *StreamValue::consumer(Group &group, QByteArrayView name)
{
    const auto it = group.consumers.find(name.toByteArray());
    return it == group.consumers.end() ? nullptr : it->second.get();
}

StreamValue::Consumer *StreamValue::createConsumer(Group &group, QByteArrayView name, qint64 nowMs)
{
    auto [it, inserted] = group.consumers.emplace(name.toByteArray(), nullptr);
    if (!inserted)
        return nullptr;
    it->second = std::make_unique<Consumer>();
    it->second->name = it->first;
    it->second->seenTime = nowMs;
    return it->second.get();
}

long long StreamValue::deleteConsumer(Group &group, QByteArrayView name)
{
    const auto it = group.consumers.find(name.toByteArray());
    if (it == group.consumers.end())
        return -1;
    const long long pending = qint64(it->second->pending.size());
    for (const auto &[id, nack] : it->second->pending)
        group.pending.erase(id);
    group.consumers.erase(it);
    return pending;
}

bool StreamValue::acknowledge(Group &group, StreamId id)
{
    const auto it = group.pending.find(id);
    if (it == group.pending.end())
        return false;
    it->second.consumer->pending.erase(id);
    group.pending.erase(it);
    return true;
}

StreamValue::Nack &StreamValue::pend(Group &group, StreamId id, Consumer *consumer, qint64 nowMs,
                                     bool *created)
{
    auto [it, inserted] = group.pending.emplace(id, Nack { nowMs, 1, nullptr });
    if (created)
        *created = inserted;
    Nack &nack = it->second;
    if (nack.consumer != consumer) {
        if (nack.consumer)
            nack.consumer->pending.erase(id);
        nack.consumer = consumer;
        consumer->pending.emplace(id, &nack);
    }
    return nack;
}

bool StreamValue::rangeHasTombstones(StreamId start, const StreamId *end) const
{
    if (m_length == 0 || m_maxDeletedId.isZero())
        return false;
    if (m_firstId > m_maxDeletedId)
        return false;
    const StreamId last = end ? *end : StreamId::max();
    return start <= m_maxDeletedId && m_maxDeletedId <= last;
}

long long StreamValue::estimateDistance(StreamId id) const
{
    if (m_entriesAdded == 0)
        return 0;
    if (m_length == 0 && id <= m_lastId)
        return qint64(m_entriesAdded);
    if (id == m_lastId)
        return qint64(m_entriesAdded);
    if (id > m_lastId)
        return InvalidEntriesRead;
    if (m_maxDeletedId.isZero() || m_maxDeletedId < m_firstId) {
        if (id < m_firstId)
            return qint64(m_entriesAdded - m_length);
        if (id == m_firstId)
            return qint64(m_entriesAdded - m_length + 1);
    }
    return InvalidEntriesRead;
}

std::optional<long long> StreamValue::lag(const Group &group) const
{
    if (m_entriesAdded == 0)
        return 0;
    if (group.entriesRead != InvalidEntriesRead && !rangeHasTombstones(group.lastId, nullptr))
        return qint64(m_entriesAdded) - group.entriesRead;
    const long long read = estimateDistance(group.lastId);
    if (read == InvalidEntriesRead)
        return std::nullopt;
    return qint64(m_entriesAdded) - read;
}

void StreamValue::advanceGroup(Group &group, StreamId id) const
{
    if (id <= group.lastId)
        return;
    if (group.entriesRead != InvalidEntriesRead && !rangeHasTombstones(id, nullptr))
        ++group.entriesRead;
    else if (m_entriesAdded)
        group.entriesRead = estimateDistance(id);
    group.lastId = id;
}
