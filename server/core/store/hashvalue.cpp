#include "hashvalue.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <new>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

// Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GiB.
constexpr size_t ListpackSafetySize = size_t(1) << 30;
// Redis's HRANDFIELD_RANDOM_SAMPLE_LIMIT: picks drawn from a listpack per walk.
constexpr quint64 RandomSampleLimit = 1000;
// Redis's HRANDFIELD_SUB_STRATEGY_MUL: below this ratio of size to count, copying the whole
// hash and dropping fields beats drawing until enough distinct ones come up.
constexpr qsizetype SubStrategyMultiplier = 3;

using Node = HashValue::Node;

Node *allocateNode(QByteArrayView field, QByteArrayView value)
{
    auto *node = static_cast<Node *>(
            std::malloc(sizeof(Node) + size_t(field.size()) + size_t(value.size())));
    if (!node)
        throw std::bad_alloc();
    node->next = nullptr;
    node->fieldLength = quint32(field.size());
    node->valueLength = quint32(value.size());
    char *bytes = reinterpret_cast<char *>(node + 1);
    if (!field.isEmpty())
        std::memcpy(bytes, field.data(), size_t(field.size()));
    if (!value.isEmpty())
        std::memcpy(bytes + field.size(), value.data(), size_t(value.size()));
    return node;
}

void freeNode(Node *node)
{
    std::free(node);
}

quint64 randomBelow(quint64 n)
{
    return QRandomGenerator::global()->bounded(n);
}

} // namespace

HashValue::HashValue(const HashValue &other)
    : AggregateOf(other)
    , m_listpack(other.m_dict ? Listpack() : other.m_listpack)
{
    if (!other.m_dict)
        return;
    Listpack unused(std::move(m_listpack));
    m_dict = std::make_unique<Dict<Node>>();
    other.m_dict->forEach(
            [this](const Node &node) { m_dict->insert(allocateNode(node.key(), node.value())); });
}

HashValue::~HashValue()
{
    if (m_dict)
        m_dict->clear(freeNode);
}

qsizetype HashValue::length() const
{
    return m_dict ? m_dict->size() : m_listpack.size() / 2;
}

const char *HashValue::encodingName() const
{
    return m_dict ? "hashtable" : "listpack";
}

size_t HashValue::memoryUsage(qsizetype samples) const
{
    if (!m_dict)
        return sizeof(HashValue) + m_listpack.allocatedBytes();
    // As Redis's objectComputeSize: the table, then the mean size of the first `samples`
    // nodes times the count.
    const size_t fixed = sizeof(HashValue) + sizeof(Dict<Node>) + m_dict->bucketBytes();
    size_t sampled = 0;
    qsizetype seen = 0;
    quint64 cursor = 0;
    do {
        cursor = m_dict->scan(cursor, [&](const Node &node) {
            if (samples > 0 && seen >= samples)
                return;
            sampled += malloc_usable_size(const_cast<Node *>(&node));
            ++seen;
        });
    } while (cursor && (samples <= 0 || seen < samples));
    if (seen == 0)
        return fixed;
    return fixed + size_t(double(sampled) / double(seen) * double(m_dict->size()));
}

bool HashValue::get(QByteArrayView field, Value *value)
{
    if (m_dict) {
        const Node *node = m_dict->find(field);
        if (!node)
            return false;
        *value = Value();
        value->string = node->value();
        return true;
    }
    const Listpack::Position p = m_listpack.find(m_listpack.first(), field, 1);
    if (!p)
        return false;
    *value = m_listpack.at(m_listpack.next(p));
    return true;
}

bool HashValue::contains(QByteArrayView field)
{
    if (m_dict)
        return m_dict->find(field) != nullptr;
    return m_listpack.find(m_listpack.first(), field, 1) != 0;
}

void HashValue::prepareWrite(const QByteArrayView *begin, const QByteArrayView *end,
                             const Limits &limits)
{
    if (m_dict)
        return;
    size_t sum = 0;
    for (const QByteArrayView *item = begin; item != end; ++item) {
        if (item->size() > limits.maxValue) {
            convertToDict();
            return;
        }
        sum += size_t(item->size());
    }
    if (m_listpack.bytes() + sum > ListpackSafetySize)
        convertToDict();
}

bool HashValue::set(QByteArrayView field, QByteArrayView value, const Limits &limits)
{
    // The arguments of HSET were measured by prepareWrite(); HINCRBY's and HINCRBYFLOAT's
    // results (a float may print hundreds of digits) are only measured here.
    if (!m_dict && (field.size() > limits.maxValue || value.size() > limits.maxValue))
        convertToDict();
    if (m_dict) {
        if (Node *node = m_dict->find(field)) {
            storeValue(node, value);
            return false;
        }
        m_dict->insert(allocateNode(field, value));
        return true;
    }
    const Listpack::Position p = m_listpack.find(m_listpack.first(), field, 1);
    if (p) {
        m_listpack.replace(m_listpack.next(p), value);
    } else {
        m_listpack.append(field);
        m_listpack.append(value);
    }
    // Checked after an update too: a lowered hash-max-listpack-entries applies on the next
    // write of any kind, as in Redis.
    if (length() > limits.maxEntries)
        convertToDict();
    return !p;
}

bool HashValue::remove(QByteArrayView field)
{
    if (m_dict) {
        Node *node = m_dict->take(field);
        if (!node)
            return false;
        freeNode(node);
        m_dict->shrinkIfNeeded();
        return true;
    }
    const Listpack::Position p = m_listpack.find(m_listpack.first(), field, 1);
    if (!p)
        return false;
    m_listpack.erase(p, 2);
    return true;
}

void HashValue::convertToDict()
{
    auto dict = std::make_unique<Dict<Node>>();
    dict->reserve(size_t(m_listpack.size() / 2)); // as Redis's dictExpand: no rehash follows
    forEachListpackPair([&](QByteArrayView field, QByteArrayView value) {
        dict->insert(allocateNode(field, value));
    });
    m_dict = std::move(dict);
    Listpack released(std::move(m_listpack));
}

void HashValue::storeValue(Node *node, QByteArrayView value)
{
    const size_t needed = sizeof(Node) + node->fieldLength + size_t(value.size());
    const size_t usable = malloc_usable_size(node);
    // A node keeps its block while the value fits, unless that leaves most of a sizeable
    // block unused: a value that shrank a lot gives memory back, as Redis's new sds would.
    const bool wasteful = usable > 128 && needed < usable / 2;
    if (needed > usable || wasteful) {
        m_dict->take(node->key());
        auto *moved = static_cast<Node *>(std::realloc(node, needed));
        if (!moved) {
            m_dict->insert(node);
            throw std::bad_alloc();
        }
        node = moved;
        m_dict->insert(node);
    }
    node->valueLength = quint32(value.size());
    if (!value.isEmpty())
        std::memcpy(reinterpret_cast<char *>(node + 1) + node->fieldLength, value.data(),
                    size_t(value.size()));
}

void HashValue::visitRandomPairs(quint64 count, const PairVisitor &visit) const
{
    if (m_dict) {
        while (count--) {
            const Node *node = m_dict->randomNode(randomBelow);
            visit(node->key(), node->value());
        }
        return;
    }
    // As Redis's lpRandomPairs: draw a batch of indexes, walk the listpack once in index
    // order, then hand the pairs out in the order they were drawn.
    struct Pick
    {
        qsizetype index;
        qsizetype order;
    };
    const qsizetype total = length();
    std::vector<Pick> picks;
    std::vector<std::pair<Value, Value>> pairs;
    while (count) {
        const qsizetype batch = qsizetype(std::min(count, RandomSampleLimit));
        count -= quint64(batch);
        picks.resize(size_t(batch));
        pairs.resize(size_t(batch));
        for (qsizetype i = 0; i < batch; ++i)
            picks[size_t(i)] = { qsizetype(randomBelow(quint64(total))), i };
        std::sort(picks.begin(), picks.end(),
                  [](const Pick &a, const Pick &b) { return a.index < b.index; });
        Listpack::Position p = m_listpack.first();
        qsizetype at = 0;
        for (const Pick &pick : picks) {
            for (; at < pick.index; ++at)
                p = m_listpack.next(m_listpack.next(p));
            pairs[size_t(pick.order)] = { m_listpack.at(p), m_listpack.at(m_listpack.next(p)) };
        }
        char fieldBuffer[24];
        char valueBuffer[24];
        for (const auto &pair : pairs)
            visit(pair.first.text(fieldBuffer), pair.second.text(valueBuffer));
    }
}

void HashValue::visitRandomUniquePairs(qsizetype count, const PairVisitor &visit) const
{
    if (!m_dict) {
        // Selection sampling (Redis's lpRandomPairsUnique): each pair is taken with the
        // probability still-needed / still-unseen, so exactly count come out, in order.
        qsizetype remaining = length();
        forEachListpackPair([&](QByteArrayView field, QByteArrayView value) {
            if (count > 0 && qsizetype(randomBelow(quint64(remaining))) < count) {
                visit(field, value);
                --count;
            }
            --remaining;
        });
        return;
    }
    const qsizetype size = m_dict->size();
    if (count * SubStrategyMultiplier > size) {
        // Close to the whole hash: pick count of all the nodes (a partial shuffle).
        std::vector<const Node *> nodes;
        nodes.reserve(size_t(size));
        m_dict->forEach([&](const Node &node) { nodes.push_back(&node); });
        for (qsizetype i = 0; i < count; ++i) {
            std::swap(nodes[size_t(i)], nodes[size_t(i) + size_t(randomBelow(quint64(size - i)))]);
            visit(nodes[size_t(i)]->key(), nodes[size_t(i)]->value());
        }
        return;
    }
    // Far fewer than the hash holds: draw until count distinct ones came up.
    std::unordered_set<const Node *> seen;
    seen.reserve(size_t(count));
    while (qsizetype(seen.size()) < count) {
        const Node *node = m_dict->randomNode(randomBelow);
        if (seen.insert(node).second)
            visit(node->key(), node->value());
    }
}
