#pragma once

#include "aggregate.h"
#include "listpack.h"
#include "streamid.h"

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

/* A stream (XADD, XRANGE, XREADGROUP...): entries of field/value pairs under increasing ids,
 * and the consumer groups reading them, as Redis 7.0's t_stream.c keeps them.
 *
 * Entries live in nodes: an ordered map from each node's master id to one Listpack laid out
 * byte for byte as Redis's stream listpacks (a master entry: count, deleted, the master
 * fields, 0; then per entry: flags, ms and seq relative to the master id, the number of fields
 * and the fields unless they are the master's (SAMEFIELDS), the values, and the number of
 * elements before it). So the memory per entry is Redis's, an RDB file carries a node as it
 * is, and finding any id is O(log nodes) plus a walk of one node. A node is closed, as Redis
 * does, when an entry would bring it to stream-node-max-bytes or it holds
 * stream-node-max-entries entries, deleted ones included. Deleting an entry only marks it,
 * and a node goes when its last live entry does.
 *
 * A group has its last delivered id, its entries-read counter (Redis 7.0's logical reads, for
 * the lag), its pending entries (PEL: id -> delivery time, count and owning consumer) and its
 * consumers, each with its own view of the PEL. Groups and consumers are ordered by name in
 * bytes, as Redis's radix trees order them.
 *
 * It never writes replies. Views it hands out point into the stream and stay valid until the
 * next change. Not thread-safe: it lives on the server thread with its keyspace.
 */
class StreamValue final : public AggregateOf<StreamValue>
{
public:
    // Redis's stream-node-max-bytes and stream-node-max-entries (0: no limit).
    struct Limits
    {
        qint64 nodeMaxBytes = 4096;
        qint64 nodeMaxEntries = 100;
    };

    struct Consumer;
    // A pending entry (Redis's streamNACK).
    struct Nack
    {
        qint64 deliveryTime = 0; // ms since the epoch
        quint64 deliveryCount = 1;
        Consumer *consumer = nullptr;
    };
    struct Consumer
    {
        QByteArray name;
        qint64 seenTime = 0;
        std::map<StreamId, Nack *> pending; // into the group's PEL
    };
    // Redis's SCG_INVALID_ENTRIES_READ.
    static constexpr long long InvalidEntriesRead = -1;
    struct Group
    {
        StreamId lastId;
        long long entriesRead = InvalidEntriesRead;
        std::map<StreamId, Nack> pending;
        std::map<QByteArray, std::unique_ptr<Consumer>> consumers;
    };

    // One entry as read: its id and pairs, valid until the next entry is read.
    class Entry
    {
    public:
        StreamId id;
        qsizetype pairCount() const { return m_parts.size() / 2; }
        QByteArrayView field(qsizetype i) const { return m_parts[size_t(2 * i)]; }
        QByteArrayView value(qsizetype i) const { return m_parts[size_t(2 * i + 1)]; }

    private:
        friend class StreamValue;
        struct NumberText
        {
            char bytes[24];
        };
        std::vector<QByteArrayView> m_parts;
        std::vector<NumberText> m_numbers; // integers written as text
    };
    using EntryVisitor = std::function<void(const Entry &)>;

    StreamValue() = default;
    StreamValue(const StreamValue &other);
    // Leaves other empty and only fit to be destroyed (KeyEntry moves values in and out).
    StreamValue(StreamValue &&other) noexcept = default;
    StreamValue &operator=(const StreamValue &) = delete;
    ~StreamValue() override;

    qsizetype length() const override { return qsizetype(m_length); }
    const char *encodingName() const override { return "stream"; }
    size_t memoryUsage(qsizetype samples) const override;
    qsizetype freeEffort() const override;

    // --- entries ---
    StreamId lastId() const { return m_lastId; }
    StreamId firstId() const { return m_firstId; } // as recorded (XINFO's recorded-first-entry-id)
    StreamId maxDeletedId() const { return m_maxDeletedId; }
    quint64 entriesAdded() const { return m_entriesAdded; }
    // XSETID.
    void setLastId(StreamId id) { m_lastId = id; }
    void setEntriesAdded(quint64 count) { m_entriesAdded = count; }
    void setMaxDeletedId(StreamId id) { m_maxDeletedId = id; }

    enum class AppendStatus { Added, IdTooSmall, TooLarge };
    // Redis's streamAppendItem: appends the pairs in fieldsValues[0, 2 * pairs) under the id
    // requested (nullptr: the next one for nowMs; seqGiven false: "ms-*"), into *added.
    AppendStatus append(const QByteArrayView *fieldsValues, qsizetype pairs,
                        const StreamId *requested, bool seqGiven, qint64 nowMs,
                        const Limits &limits, StreamId *added);
    // Redis's streamDeleteItem plus XDEL's bookkeeping (first id, max deleted id).
    bool remove(StreamId id);

    // How XTRIM and XADD trim (Redis's streamAddTrimArgs).
    struct Trim
    {
        enum class Strategy { None, MaxLen, MinId } strategy = Strategy::None;
        long long maxLen = 0;
        StreamId minId;
        bool approximate = false;
        long long limit = 0; // 0: no limit
    };
    // Redis's streamTrim: the number of entries removed.
    long long trim(const Trim &trim);

    // Visits the live entries with start <= id <= end, ascending (descending when reverse),
    // at most count of them (0: all).
    void range(StreamId start, StreamId end, bool reverse, qsizetype count,
               const EntryVisitor &visit) const;
    // Visits count live entries (0: all) from the index-th on, in order: whole nodes before it
    // are skipped by their counts (the dashboard pages streams by position).
    void visitFrom(qsizetype index, qsizetype count, const EntryVisitor &visit) const;
    bool contains(StreamId id) const;
    // Redis's streamGetEdgeID over live entries: the first (or last) id, false when empty.
    bool edgeId(bool first, StreamId *id) const;
    // Redis's streamLastValidID: the last live id, else the last generated one.
    StreamId lastValidId() const;

    // The nodes, for serialisation and XINFO (Redis's radix-tree-keys is their count).
    const std::map<StreamId, Listpack> &nodes() const { return m_nodes; }
    // Nodes of the radix tree Redis would hold for these keys (XINFO's radix-tree-nodes).
    qsizetype radixTreeNodes() const;
    // Loading (RDB, RESTORE): a node as stored, its live entries counted into length; and the
    // metadata afterwards. False when the node is not a well-formed stream node.
    bool loadNode(StreamId master, Listpack &&node);
    void setLoadedMeta(StreamId lastId, StreamId firstId, StreamId maxDeletedId,
                       quint64 entriesAdded);

    // --- consumer groups ---
    const std::map<QByteArray, std::unique_ptr<Group>> &groups() const { return m_groups; }
    Group *group(QByteArrayView name);
    // Null when a group of that name exists.
    Group *createGroup(QByteArrayView name, StreamId lastId, long long entriesRead);
    bool destroyGroup(QByteArrayView name);
    static Consumer *consumer(Group &group, QByteArrayView name);
    // Null when it exists.
    static Consumer *createConsumer(Group &group, QByteArrayView name, qint64 nowMs);
    // Deletes the consumer and its pending entries; returns how many it had, -1 if missing.
    static long long deleteConsumer(Group &group, QByteArrayView name);
    // Redis's XACK of one id: false when it was not pending.
    static bool acknowledge(Group &group, StreamId id);
    // Makes id pending for consumer, taking it from the consumer that had it; a new pending
    // entry is delivered at nowMs once (*created tells). The caller updates time and count
    // of one that existed.
    static Nack &pend(Group &group, StreamId id, Consumer *consumer, qint64 nowMs,
                      bool *created = nullptr);

    // Redis 7.0's streamRangeHasTombstones (end: the end of the stream when null).
    bool rangeHasTombstones(StreamId start, const StreamId *end) const;
    // Redis 7.0's streamEstimateDistanceFromFirstEverEntry, InvalidEntriesRead when unknown.
    long long estimateDistance(StreamId id) const;
    // Redis's streamReplyWithCGLag without its reply: the group's lag, when it can be known.
    std::optional<long long> lag(const Group &group) const;
    // What streamReplyWithRange does for a group when it delivers id past its last id.
    void advanceGroup(Group &group, StreamId id) const;

private:
    // Fills entry with the entry whose flags are at p in node (header read already).
    static void readEntry(const Listpack &node, Listpack::Position fields, qint64 fieldCount,
                          Listpack::Position pairs, qint64 pairCount, bool sameFields,
                          Entry *entry);
    void refreshFirstId();

    std::map<StreamId, Listpack> m_nodes;
    quint64 m_length = 0;
    StreamId m_lastId;
    StreamId m_firstId;
    StreamId m_maxDeletedId;
    quint64 m_entriesAdded = 0;
    std::map<QByteArray, std::unique_ptr<Group>> m_groups;
};
