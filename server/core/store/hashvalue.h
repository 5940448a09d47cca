#pragma once

#include "aggregate.h"
#include "dict.h"
#include "listpack.h"

#include <QByteArrayView>

#include <functional>
#include <memory>

/* A hash (HSET, HGET...): fields mapped to values, in one of Redis's two encodings.
 *
 * - listpack: one Listpack block of field, value, field, value... in insertion order, exactly
 *   Redis's OBJ_ENCODING_LISTPACK (so HGETALL and HSCAN of a small hash reply in Redis's
 *   order, and an RDB writer can store the block as it is). Lookups are linear, as in Redis.
 * - hashtable: a Dict of Nodes, one allocation per field holding both byte strings.
 *
 * A hash starts as a listpack and becomes a hash table once, never back, at the moments
 * Redis's t_hash.c converts: before a write whose field or value is longer than
 * Limits::maxValue (prepareWrite() for the arguments of a whole command, set() for the pair
 * it writes), and after a write that leaves more than Limits::maxEntries fields.
 *
 * It never writes replies. Views it hands out point into the hash and stay valid until the
 * next change. Fields and values are shorter than 4 GiB (proto-max-bulk-len). Not
 * thread-safe: it lives on the server thread with its keyspace.
 */
class HashValue final : public AggregateOf<HashValue>
{
public:
    // Where the listpack form ends: Redis's hash-max-listpack-entries and -value.
    struct Limits
    {
        qint64 maxEntries = 512;
        qint64 maxValue = 64;
    };

    // One field of the hash table form: this header, then the field's bytes, then the value's.
    struct Node
    {
        Node *next;
        quint32 fieldLength;
        quint32 valueLength;

        QByteArrayView key() const
        {
            return QByteArrayView(reinterpret_cast<const char *>(this + 1), fieldLength);
        }
        QByteArrayView value() const
        {
            return QByteArrayView(reinterpret_cast<const char *>(this + 1) + fieldLength,
                                  valueLength);
        }
    };

    // A value as stored: bytes, or an integer that the listpack keeps as one.
    using Value = Listpack::Element;
    // Receives one field and its value (views valid during the call).
    using PairVisitor = std::function<void(QByteArrayView field, QByteArrayView value)>;

    HashValue() = default;
    HashValue(const HashValue &other);
    // Leaves other empty and only fit to be destroyed (KeyEntry moves values in and out).
    HashValue(HashValue &&other) noexcept = default;
    HashValue &operator=(const HashValue &) = delete;
    ~HashValue() override;

    qsizetype length() const override;
    const char *encodingName() const override;
    qsizetype freeEffort() const override { return m_dict ? length() : 1; }
    size_t memoryUsage(qsizetype samples) const override;

    bool isListpack() const { return !m_dict; }
    // The encoding, for serialisation: the block while a listpack (else nullptr), the table
    // once a hash table (else nullptr).
    const Listpack *listpack() const { return m_dict ? nullptr : &m_listpack; }
    const Dict<Node> *dict() const { return m_dict.get(); }

    // The value of field into *value; false when the field is absent. Not const: a lookup
    // moves the table's incremental rehash on, as Redis's dictFind does.
    bool get(QByteArrayView field, Value *value);
    bool contains(QByteArrayView field);

    // Redis's hashTypeTryConversion, before a command writes the byte strings in
    // [begin, end) (its fields and values): converts when one of them is longer than
    // limits.maxValue, or when the listpack would pass its 1 GiB safety size.
    void prepareWrite(const QByteArrayView *begin, const QByteArrayView *end, const Limits &limits);
    // Redis's hashTypeSet: field takes value, appended at the end when new; true when the
    // field was added. Converts first when field or value is longer than limits.maxValue,
    // and afterwards when the hash holds more than limits.maxEntries fields.
    bool set(QByteArrayView field, QByteArrayView value, const Limits &limits);
    // Removes field; false when it was absent. The hash table shrinks as Redis's does.
    bool remove(QByteArrayView field);

    // Visits every field and its value, in order: insertion order for a listpack, table
    // order for a hash table. visit(QByteArrayView field, QByteArrayView value).
    template<typename Visit> void forEach(Visit visit) const
    {
        if (m_dict) {
            m_dict->forEach([&](const Node &node) { visit(node.key(), node.value()); });
            return;
        }
        forEachListpackPair(visit);
    }

    // One step of HSCAN from cursor; returns the next cursor (0: done). A listpack is visited
    // whole in one step, as Redis does; a hash table one bucket per step (Dict::scan).
    template<typename Visit> quint64 scan(quint64 cursor, Visit visit) const
    {
        if (m_dict)
            return m_dict->scan(cursor, [&](const Node &node) { visit(node.key(), node.value()); });
        forEachListpackPair(visit);
        return 0;
    }

    // HRANDFIELD with a negative count: count pairs drawn independently (repeats allowed), in
    // random order. The hash must not be empty.
    void visitRandomPairs(quint64 count, const PairVisitor &visit) const;
    // HRANDFIELD with a positive count below length(): count distinct pairs. A listpack
    // gives them in its own order (Redis's lpRandomPairsUnique), a hash table in random order.
    void visitRandomUniquePairs(qsizetype count, const PairVisitor &visit) const;

private:
    template<typename Visit> void forEachListpackPair(Visit visit) const
    {
        char fieldBuffer[24];
        char valueBuffer[24];
        for (Listpack::Position p = m_listpack.first(); p; p = m_listpack.next(p)) {
            const Listpack::Position v = m_listpack.next(p);
            visit(m_listpack.at(p).text(fieldBuffer), m_listpack.at(v).text(valueBuffer));
            p = v;
        }
    }

    void convertToDict();
    // Makes node hold value, reallocating (and relinking) it when its block does not fit.
    void storeValue(Node *node, QByteArrayView value);

    // Exactly one encoding is live: m_dict non-null means hashtable, and m_listpack is then
    // an empty moved-from block (no allocation).
    Listpack m_listpack;
    std::unique_ptr<Dict<Node>> m_dict;
};
