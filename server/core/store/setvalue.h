#pragma once

#include "aggregate.h"
#include "dict.h"
#include "intset.h"
#include "listpack.h"

#include <QByteArrayView>

#include <functional>
#include <memory>

/* A set (SADD, SMEMBERS...): distinct byte strings, in one of Redis 7.0's two encodings.
 *
 * - intset: one Intset block, exactly Redis's OBJ_ENCODING_INTSET, while every member is an
 *   integer as string2ll spells it (so SMEMBERS of such a set lists it sorted, as Redis does,
 *   and an RDB writer can store the block as it is).
 * - hashtable: a Dict of Members, one allocation per member holding its bytes.
 *
 * Redis 7.0 has no listpack set. A set becomes a hash table once, never back, at the moments
 * Redis's t_set.c converts: when a member that is not an integer is added, and when an
 * integer added leaves more than maxIntsetEntries members (set-max-intset-entries, capped at
 * 2^30 as Redis caps it). A set that starts with a member that is not an integer is a hash
 * table from the start (createFor()).
 *
 * Members come out as Elements: an integer of the intset, or a view of a hash table member's
 * bytes, valid until the next change. It never writes replies. Not thread-safe: it lives on
 * the server thread with its keyspace.
 */
class SetValue final : public AggregateOf<SetValue>
{
public:
    // One member of the hash table form: the header, then the bytes (from offset 12, not
    // sizeof(Member), so that members up to 12 bytes fit a 32-byte malloc chunk).
    struct Member
    {
        Member *next;
        quint32 length;

        QByteArrayView key() const
        {
            return QByteArrayView(reinterpret_cast<const char *>(&length + 1), length);
        }
    };

    // A member: the integer of an intset (isInteger) or the bytes of a hash table member.
    // text(buffer) gives the bytes either way.
    using Element = Listpack::Element;

    // Redis's createIntsetObject: an empty intset (what SINTERSTORE and SUNION fill).
    SetValue() = default;
    SetValue(const SetValue &other);
    // Leaves other empty and only fit to be destroyed (KeyEntry moves values in and out).
    SetValue(SetValue &&other) noexcept = default;
    SetValue &operator=(const SetValue &) = delete;
    ~SetValue() override;
    // Redis's setTypeCreate: an empty set in the encoding that can hold first (an intset when
    // first is an integer, else a hash table).
    static std::unique_ptr<SetValue> createFor(QByteArrayView first);

    // Aggregate: clone() keeps the encoding (Redis's setTypeDup).
    qsizetype length() const override;
    const char *encodingName() const override;
    qsizetype freeEffort() const override { return m_dict ? length() : 1; }
    size_t memoryUsage(qsizetype samples) const override;

    bool isIntset() const { return !m_dict; }
    // The encoding, for serialisation: the block while an intset (else nullptr), the table
    // once a hash table (else nullptr).
    const Intset *intset() const { return m_dict ? nullptr : &m_intset; }
    const Dict<Member> *dict() const { return m_dict.get(); }

    bool contains(QByteArrayView member) const;
    bool contains(const Element &member) const;
    // Adds member; false when it was there. Converts as described above.
    bool add(QByteArrayView member, qint64 maxIntsetEntries);
    bool add(const Element &member, qint64 maxIntsetEntries);
    // Removes member; false when it was absent. The hash table shrinks as Redis's does.
    bool remove(QByteArrayView member);
    bool remove(const Element &member);
    // Exchanges the contents (encodings included) of two sets.
    void swap(SetValue &other);

    // Calls visit(const Element &) for every member until it returns false, in the
    // encoding's order: ascending for an intset, table order for a hash table. Returns false
    // when visit stopped it.
    template<typename Visit> bool forEach(Visit visit) const
    {
        Element element;
        if (!m_dict) {
            element.isInteger = true;
            for (qsizetype i = 0, n = m_intset.size(); i < n; ++i) {
                element.integer = m_intset.at(i);
                if (!visit(element))
                    return false;
            }
            return true;
        }
        // Bucket by bucket so that visit can stop it; a whole scan visits every node once.
        bool going = true;
        quint64 cursor = 0;
        do {
            cursor = m_dict->scan(cursor, [&](const Member &member) {
                element.string = member.key();
                going = going && visit(element);
            });
        } while (cursor && going);
        return going;
    }

    // One step of SSCAN from cursor; returns the next cursor (0: done). An intset is visited
    // whole in one step, as Redis does; a hash table one bucket per step (Dict::scan).
    template<typename Visit> quint64 scan(quint64 cursor, Visit visit) const
    {
        if (!m_dict) {
            forEach([&](const Element &element) {
                visit(element);
                return true;
            });
            return 0;
        }
        Element element;
        return m_dict->scan(cursor, [&](const Member &member) {
            element.string = member.key();
            visit(element);
        });
    }

    // A member drawn at random; the set must not be empty.
    Element randomMember() const;
    // SRANDMEMBER with a negative count: count members drawn independently (repeats
    // allowed). The set must not be empty.
    void visitRandomMembers(quint64 count, const std::function<void(const Element &)> &visit) const;
    // SRANDMEMBER with a positive count below length(): count distinct members, in random
    // order (Redis's two strategies: copy and drop when count is near the size, else draw
    // until enough distinct members came up).
    void visitRandomUniqueMembers(qsizetype count,
                                  const std::function<void(const Element &)> &visit) const;

private:
    void convertToDict();
    void insertMember(QByteArrayView bytes);

    // Exactly one encoding is live: m_dict non-null means hashtable, and m_intset is then a
    // moved-from block (no allocation).
    Intset m_intset;
    std::unique_ptr<Dict<Member>> m_dict;
};
