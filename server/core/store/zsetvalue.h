#pragma once

#include "aggregate.h"
#include "listpack.h"
#include "zskiplist.h"

#include <QByteArrayView>

#include <memory>
#include <vector>

/* A sorted set (ZADD, ZRANGE...): unique members ordered by score, then by member bytes, in
 * one of Redis's two encodings.
 *
 * - listpack: one Listpack block of member, score, member, score... in that order, exactly
 *   Redis's OBJ_ENCODING_LISTPACK: a score is stored as an integer when it is one (double2ll),
 *   else as its "%.17g" text (d2string), so ZSCAN of a small set replies what Redis's does
 *   and an RDB writer can store the block as it is. Operations are linear, as in Redis.
 * - skiplist: a ZSkipList (skip list with spans plus a member index): O(log n) insert,
 *   removal, rank and range lookups, O(1) score lookups.
 *
 * A sorted set made by ZADD starts as a listpack unless its first member is already too long
 * (create()); it becomes a skip list once, never back, at the moment Redis's zsetAdd converts:
 * before adding a member that would make it hold more than Limits::maxEntries or that is
 * longer than Limits::maxValue. Computed results (fromSorted()) get the encoding Redis gives a
 * ZUNIONSTORE destination.
 *
 * Ranks are 0-based, from the lowest score. It never writes replies. Views it hands out point
 * into the set (or into an Iterator) and stay valid until the next change. Scores are never
 * NaN. Not thread-safe: it lives on the server thread with its keyspace.
 */
class ZSetValue final : public AggregateOf<ZSetValue>
{
public:
    // Where the listpack form ends: Redis's zset-max-listpack-entries and -value.
    struct Limits
    {
        qint64 maxEntries = 128;
        qint64 maxValue = 64;
    };

    // ZADD's options (Redis's ZADD_IN_*).
    enum AddFlag : unsigned { AddNx = 1, AddXx = 2, AddGt = 4, AddLt = 8, AddIncr = 16 };
    // What add() did: Redis's ZADD_OUT_* (Unchanged: the member was there with that score;
    // Skipped: NX, XX, GT or LT left it alone; NotANumber: INCR gave NaN, nothing changed).
    enum class AddResult { Added, Updated, Unchanged, Skipped, NotANumber };

    // A member and its score, as fromSorted() takes them.
    struct Entry
    {
        QByteArrayView member;
        double score;
    };

    // A position in the set, from the lowest score (next()) or the highest (prev()). Invalid
    // past either end, and after any change to the set.
    class Iterator
    {
    public:
        bool isValid() const { return m_node || m_position; }
        // The member; an integer the listpack holds is spelled into the iterator, so the view
        // lasts until the iterator moves.
        QByteArrayView member() const;
        double score() const;
        void next();
        void prev();

    private:
        friend class ZSetValue;
        const Listpack *m_listpack = nullptr;
        Listpack::Position m_position = 0; // the member's element; its score follows it
        const ZSkipList::Node *m_node = nullptr;
        mutable char m_buffer[24];
    };

    ZSetValue() = default; // an empty listpack
    ZSetValue(const ZSetValue &other);
    // Leaves other empty and only fit to be destroyed (KeyEntry moves values in and out).
    ZSetValue(ZSetValue &&other) noexcept = default;
    ZSetValue &operator=(const ZSetValue &) = delete;
    ~ZSetValue() override;

    // The set ZADD creates for a missing key (Redis 7.0's zaddGenericCommand): a skip list when
    // limits.maxEntries is 0 or the first member is longer than limits.maxValue.
    static std::unique_ptr<ZSetValue> create(qsizetype firstMemberLength, const Limits &limits);
    // A set of entries with distinct members sorted by (score, member), as Redis stores a
    // computed result (zsetConvertToListpackIfNeeded): a listpack when it has at most
    // limits.maxEntries members, none longer than limits.maxValue; a skip list otherwise.
    static std::unique_ptr<ZSetValue> fromSorted(const std::vector<Entry> &entries,
                                                 const Limits &limits);

    qsizetype length() const override;
    const char *encodingName() const override;
    qsizetype freeEffort() const override { return m_skipList ? length() : 1; }
    size_t memoryUsage(qsizetype samples) const override;

    bool isListpack() const { return !m_skipList; }
    // The encoding, for serialisation: the block while a listpack (else nullptr), the skip list
    // once converted (else nullptr).
    const Listpack *listpack() const { return m_skipList ? nullptr : &m_listpack; }
    const ZSkipList *skipList() const { return m_skipList.get(); }
    // Makes it a skip list now (SORT does so before sorting a listpack).
    void convertToSkipList();

    // The score of member into *score; false when absent.
    bool score(QByteArrayView member, double *score) const;
    // Redis's zsetAdd: adds member or updates its score (flags: AddFlag; AddIncr adds score to
    // the current one). *newScore gets the score it ends with unless Skipped or NotANumber.
    // Converts to a skip list first when the listpack would pass its limits.
    AddResult add(QByteArrayView member, double score, unsigned flags, const Limits &limits,
                  double *newScore = nullptr);
    // Removes member; false when absent.
    bool remove(QByteArrayView member);
    // The rank of member (from the highest score when reverse), or -1 when absent.
    qsizetype rank(QByteArrayView member, bool reverse = false) const;

    // The element at rank (0 = lowest score); invalid when out of range.
    Iterator atRank(qsizetype rank) const;
    // The first (lowest) and last (highest) element of a range; invalid when it is empty.
    Iterator firstInRange(const ZScoreRange &range) const;
    Iterator lastInRange(const ZScoreRange &range) const;
    Iterator firstInLexRange(const ZLexRange &range) const;
    Iterator lastInLexRange(const ZLexRange &range) const;
    // How many elements a range holds (ZCOUNT, ZLEXCOUNT): O(log n) for a skip list.
    qsizetype count(const ZScoreRange &range) const;
    qsizetype countLex(const ZLexRange &range) const;
    // An element drawn at random (uniformly for a listpack; as Dict::randomNode for a skip
    // list); invalid when the set is empty.
    Iterator randomElement() const;

    // Remove a range and return how many went: ranks start..end (0-based, inclusive, within
    // the set), or the elements within a score or member range.
    qsizetype removeRangeByRank(qsizetype start, qsizetype end);
    qsizetype removeRangeByScore(const ZScoreRange &range);
    qsizetype removeRangeByLex(const ZLexRange &range);

    // One step of ZSCAN from cursor; returns the next cursor (0: done). visit(member, score)
    // gets the score as text: a listpack is visited whole in one step, giving its elements as
    // stored (Redis replies them as they are); a skip list one index bucket per step, with
    // the score as "%.17g" (Redis's ld2string), "inf" or "-inf".
    template<typename Visit> quint64 scan(quint64 cursor, Visit visit) const
    {
        if (m_skipList) {
            return m_skipList->scan(cursor, [&](const ZSkipList::Node &node) {
                char buffer[32];
                visit(node.member(), formatScore(node.score, buffer));
            });
        }
        char memberBuffer[24];
        char scoreBuffer[24];
        for (Listpack::Position p = m_listpack.first(); p; p = m_listpack.next(p)) {
            const Listpack::Position s = m_listpack.next(p);
            visit(m_listpack.at(p).text(memberBuffer), m_listpack.at(s).text(scoreBuffer));
            p = s;
        }
        return 0;
    }

    // Redis's string2d (getDoubleFromObject): the whole text is a number strtod reads, with no
    // leading space, no overflow, no underflow to zero, not NaN. "inf", "-inf", "0x10" pass.
    static bool parseScore(QByteArrayView text, double *score);
    // Redis's zslParseRange: "(" before a number makes it exclusive; read as a C string by
    // strtod, so leading spaces pass, a lone "(" is an exclusive 0, NaN fails.
    static bool parseScoreRange(QByteArrayView min, QByteArrayView max, ZScoreRange *range);
    // Redis's zslParseLexRange: each end "[member", "(member", "-" or "+". The range's views
    // point into min and max.
    static bool parseLexRange(QByteArrayView min, QByteArrayView max, ZLexRange *range);
    // A score as replies and ZSCAN spell it: "%.17g", "inf", "-inf". Returns a view of buffer.
    static QByteArrayView formatScore(double score, char (&buffer)[32]);

private:
    Iterator fromPosition(Listpack::Position member) const;
    Iterator fromNode(const ZSkipList::Node *node) const;
    double scoreAt(Listpack::Position member) const;
    // The member's element in the listpack, or 0.
    Listpack::Position findInListpack(QByteArrayView member) const;
    // Redis's zzlInsert: member and score at their place in the order.
    void insertIntoListpack(QByteArrayView member, double score);
    // Redis's zzlInsertAt: member and score before the element at `before` (0: at the end).
    void insertPairAt(Listpack::Position before, QByteArrayView member, double score);
    qsizetype listpackRank(Listpack::Position member) const;

    // Exactly one encoding is live: m_skipList non-null means skiplist, and m_listpack is
    // then an empty moved-from block (no allocation).
    Listpack m_listpack;
    std::unique_ptr<ZSkipList> m_skipList;
};
