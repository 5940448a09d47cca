#include "setvalue.h"

#include "protocol/numbers.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <new>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

using Member = SetValue::Member;
using Element = SetValue::Element;

// Redis caps set-max-intset-entries at 2^30 because of the intset's 32-bit count.
constexpr qint64 IntsetEntriesCap = qint64(1) << 30;
// Redis's SRANDMEMBER_SUB_STRATEGY_MUL: below this ratio of size to count, copying the whole
// set and dropping members beats drawing until enough distinct ones came up.
constexpr qsizetype SubStrategyMultiplier = 3;
// Where a member's bytes start (see Member).
constexpr size_t MemberHeader = offsetof(Member, length) + sizeof(quint32);
static_assert(sizeof(void *) != 8 || MemberHeader == 12,
              "a member of up to 12 bytes fits a 32-byte malloc chunk: keep the header at 12");

Member *allocateMember(QByteArrayView bytes)
{
    const size_t size = std::max(sizeof(Member), MemberHeader + size_t(bytes.size()));
    auto *member = static_cast<Member *>(std::malloc(size));
    if (!member)
        throw std::bad_alloc();
    member->next = nullptr;
    member->length = quint32(bytes.size());
    if (!bytes.isEmpty())
        std::memcpy(reinterpret_cast<char *>(member) + MemberHeader, bytes.data(),
                    size_t(bytes.size()));
    return member;
}

void freeMember(Member *member)
{
    std::free(member);
}

quint64 randomBelow(quint64 n)
{
    return QRandomGenerator::global()->bounded(n);
}

} // namespace

SetValue::SetValue(const SetValue &other)
    : AggregateOf(other)
    , m_intset(other.m_dict ? Intset() : other.m_intset)
{
    if (!other.m_dict)
        return;
    convertToDict();
    other.m_dict->forEach([this](const Member &member) { insertMember(member.key()); });
}

SetValue::~SetValue()
{
    if (m_dict)
        m_dict->clear(freeMember);
}

std::unique_ptr<SetValue> SetValue::createFor(QByteArrayView first)
{
    auto set = std::make_unique<SetValue>();
    long long integer = 0;
    if (!Numbers::toLongLong(first, &integer))
        set->convertToDict();
    return set;
}

qsizetype SetValue::length() const
{
    return m_dict ? m_dict->size() : m_intset.size();
}

const char *SetValue::encodingName() const
{
    return m_dict ? "hashtable" : "intset";
}

size_t SetValue::memoryUsage(qsizetype samples) const
{
    if (!m_dict)
        return sizeof(SetValue) + m_intset.allocatedBytes();
    // As Redis's objectComputeSize: the table, then the mean size of the first `samples`
    // members times the count.
    const size_t fixed = sizeof(SetValue) + sizeof(Dict<Member>) + m_dict->bucketBytes();
    size_t sampled = 0;
    qsizetype seen = 0;
    quint64 cursor = 0;
    do {
        cursor = m_dict->scan(cursor, [&](const Member &member) {
            if (samples > 0 && seen >= samples)
                return;
            sampled += malloc_usable_size(const_cast<Member *>(&member));
            ++seen;
        });
    } while (cursor && (samples <= 0 || seen < samples));
    if (seen == 0)
        return fixed;
    return fixed + size_t(double(sampled) / double(seen) * double(m_dict->size()));
}

bool SetValue::contains(QByteArrayView member) const
{
    Element element;
    element.string = member;
    return contains(element);
}

bool SetValue::contains(const Element &member) const
{
    if (m_dict) {
        char buffer[24];
        return m_dict->peek(member.text(buffer)) != nullptr;
    }
    // Only what string2ll accepts can be in an intset (Redis's isSdsRepresentableAsLongLong).
    long long integer = 0;
    return member.toLongLong(&integer) && m_intset.contains(integer);
}

bool SetValue::add(QByteArrayView member, qint64 maxIntsetEntries)
{
    Element element;
    element.string = member;
    return add(element, maxIntsetEntries);
}

bool SetValue::add(const Element &member, qint64 maxIntsetEntries)
{
    char buffer[24];
    if (!m_dict) {
        long long integer = 0;
        if (member.toLongLong(&integer)) {
            if (!m_intset.add(integer))
                return false;
            if (m_intset.size() > std::min(maxIntsetEntries, IntsetEntriesCap))
                convertToDict();
            return true;
        }
        // A member that is not an integer cannot be in an intset: it is new.
        convertToDict();
        insertMember(member.text(buffer));
        return true;
    }
    const QByteArrayView bytes = member.text(buffer);
    if (m_dict->find(bytes))
        return false;
    insertMember(bytes);
    return true;
}

bool SetValue::remove(QByteArrayView member)
{
    Element element;
    element.string = member;
    return remove(element);
}

bool SetValue::remove(const Element &member)
{
    if (!m_dict) {
        long long integer = 0;
        return member.toLongLong(&integer) && m_intset.remove(integer);
    }
    char buffer[24];
    Member *node = m_dict->take(member.text(buffer));
    if (!node)
        return false;
    freeMember(node);
    m_dict->shrinkIfNeeded();
    return true;
}

void SetValue::swap(SetValue &other)
{
    std::swap(m_intset, other.m_intset);
    std::swap(m_dict, other.m_dict);
}

Element SetValue::randomMember() const
{
    Element element;
    if (m_dict) {
        element.string = m_dict->randomNode(randomBelow)->key();
    } else {
        element.isInteger = true;
        element.integer = m_intset.at(qsizetype(randomBelow(quint64(m_intset.size()))));
    }
    return element;
}

void SetValue::visitRandomMembers(quint64 count,
                                  const std::function<void(const Element &)> &visit) const
{
    while (count--)
        visit(randomMember());
}

void SetValue::visitRandomUniqueMembers(qsizetype count,
                                        const std::function<void(const Element &)> &visit) const
{
    const qsizetype size = length();
    if (count * SubStrategyMultiplier > size) {
        // Near the whole set: a random choice of count members out of a copy of them all
        // (a partial Fisher-Yates shuffle).
        std::vector<Element> members;
        members.reserve(size_t(size));
        forEach([&](const Element &element) {
            members.push_back(element);
            return true;
        });
        for (qsizetype i = 0; i < count; ++i) {
            std::swap(members[size_t(i)],
                      members[size_t(i) + size_t(randomBelow(quint64(size - i)))]);
            visit(members[size_t(i)]);
        }
        return;
    }
    // A small part of a big set: draw until count distinct members came up. A member is
    // known by its integer (intset) or by where its bytes are (hash table).
    std::unordered_set<quint64> seen;
    seen.reserve(size_t(count));
    while (qsizetype(seen.size()) < count) {
        const Element element = randomMember();
        const quint64 identity = element.isInteger ? quint64(element.integer)
                                                   : quint64(quintptr(element.string.data()));
        if (seen.insert(identity).second)
            visit(element);
    }
}

void SetValue::convertToDict()
{
    // Redis's setTypeConvert: every integer becomes its decimal text.
    Intset integers(std::move(m_intset));
    m_dict = std::make_unique<Dict<Member>>();
    char buffer[24];
    Element element;
    element.isInteger = true;
    for (qsizetype i = 0, n = integers.size(); i < n; ++i) {
        element.integer = integers.at(i);
        insertMember(element.text(buffer));
    }
}

void SetValue::insertMember(QByteArrayView bytes)
{
    m_dict->insert(allocateMember(bytes));
}
