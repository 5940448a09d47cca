#include "rdbreader.h"

#include "lzf.h"
#include "rdbformat.h"
#include "store/intset.h"
#include "store/listpack.h"
#include "store/listvalue.h"
#include "store/setvalue.h"
#include "store/streamvalue.h"
#include "ziplist.h"

#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

namespace {

// Elements of a packed blob (listpack or ziplist) as one list of Element views.
bool listpackElements(const Listpack &listpack, std::vector<Listpack::Element> *out)
{
    for (Listpack::Position p = listpack.first(); p; p = listpack.next(p))
        out->push_back(listpack.at(p));
    return true;
}

// Redis's zzlStrtod / string2d on a score stored as text in a packed zset.
bool elementScore(const Listpack::Element &element, double *score)
{
    if (element.isInteger) {
        *score = double(element.integer);
        return true;
    }
    return ZSetValue::parseScore(element.string, score);
}

} // namespace

RdbReader::RdbReader(QByteArrayView data)
    : m_data(data)
{ }

bool RdbReader::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
    return false;
}

bool RdbReader::readByte(quint8 *byte)
{
    if (m_position >= m_data.size())
        return fail(QStringLiteral("unexpected end of file"));
    *byte = quint8(m_data[m_position++]);
    return true;
}

bool RdbReader::readBytes(qsizetype count, QByteArrayView *bytes)
{
    if (count < 0 || count > m_data.size() - m_position)
        return fail(QStringLiteral("unexpected end of file"));
    *bytes = m_data.sliced(m_position, count);
    m_position += count;
    return true;
}

bool RdbReader::readLength(quint64 *length, bool *encoded)
{
    if (encoded)
        *encoded = false;
    quint8 first = 0;
    if (!readByte(&first))
        return false;
    const int kind = first >> 6;
    QByteArrayView bytes;
    switch (kind) {
    case Rdb::Len6Bit: *length = first & 0x3F; return true;
    case Rdb::Len14Bit: {
        quint8 second = 0;
        if (!readByte(&second))
            return false;
        *length = quint64(first & 0x3F) << 8 | second;
        return true;
    }
    case Rdb::EncodedValue:
        if (!encoded)
            return fail(QStringLiteral("unexpected encoded length"));
        *encoded = true;
        *length = first & 0x3F;
        return true;
    default:
        if (first == Rdb::Len32Bit) {
            if (!readBytes(4, &bytes))
                return false;
            *length = qFromBigEndian<quint32>(bytes.data());
            return true;
        }
        if (first == Rdb::Len64Bit) {
            if (!readBytes(8, &bytes))
                return false;
            *length = qFromBigEndian<quint64>(bytes.data());
            return true;
        }
        return fail(QStringLiteral("unknown length encoding %1").arg(first));
    }
}

bool RdbReader::readString(QByteArray *string)
{
    quint64 length = 0;
    bool encoded = false;
    if (!readLength(&length, &encoded))
        return false;
    QByteArrayView bytes;
    if (!encoded) {
        if (length > quint64(m_data.size() - m_position))
            return fail(QStringLiteral("string length beyond the end of the data"));
        if (!readBytes(qsizetype(length), &bytes))
            return false;
        *string = bytes.toByteArray();
        return true;
    }
    switch (length) {
    case Rdb::EncInt8:
    case Rdb::EncInt16:
    case Rdb::EncInt32: {
        const qsizetype width = length == Rdb::EncInt8 ? 1 : length == Rdb::EncInt16 ? 2 : 4;
        if (!readBytes(width, &bytes))
            return false;
        const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
        const long long value = width == 1 ? qint8(p[0])
                : width == 2               ? qFromLittleEndian<qint16>(p)
                                           : qFromLittleEndian<qint32>(p);
        *string = QByteArray::number(value);
        return true;
    }
    case Rdb::EncLzf: {
        quint64 packedLength = 0;
        quint64 plainLength = 0;
        if (!readLength(&packedLength) || !readLength(&plainLength))
            return false;
        if (packedLength > quint64(m_data.size() - m_position))
            return fail(QStringLiteral("compressed string beyond the end of the data"));
        // A hostile length must not make us allocate gigabytes: LZF expands at most ~132x.
        if (plainLength == 0 || plainLength > packedLength * 264 / 2 + 64)
            return fail(QStringLiteral("invalid LZF lengths"));
        if (!readBytes(qsizetype(packedLength), &bytes))
            return false;
        if (!Lzf::decompress(bytes, qsizetype(plainLength), string))
            return fail(QStringLiteral("invalid LZF compressed string"));
        return true;
    }
    default: return fail(QStringLiteral("unknown string encoding %1").arg(length));
    }
}

bool RdbReader::readMillis(qint64 *ms)
{
    QByteArrayView bytes;
    if (!readBytes(8, &bytes))
        return false;
    *ms = qFromLittleEndian<qint64>(bytes.data());
    return true;
}

bool RdbReader::readSeconds(qint64 *ms)
{
    QByteArrayView bytes;
    if (!readBytes(4, &bytes))
        return false;
    *ms = qint64(qFromLittleEndian<qint32>(bytes.data())) * 1000;
    return true;
}

bool RdbReader::readBinaryDouble(double *value)
{
    QByteArrayView bytes;
    if (!readBytes(8, &bytes))
        return false;
    const quint64 bits = qFromLittleEndian<quint64>(bytes.data());
    std::memcpy(value, &bits, 8);
    return true;
}

bool RdbReader::readAsciiDouble(double *value)
{
    quint8 length = 0;
    if (!readByte(&length))
        return false;
    switch (length) {
    case 253: *value = std::numeric_limits<double>::quiet_NaN(); return true;
    case 254: *value = std::numeric_limits<double>::infinity(); return true;
    case 255: *value = -std::numeric_limits<double>::infinity(); return true;
    default: break;
    }
    QByteArrayView bytes;
    if (!readBytes(length, &bytes))
        return false;
    const QByteArray text = bytes.toByteArray(); // strtod needs the terminator
    char *end = nullptr;
    *value = std::strtod(text.constData(), &end);
    if (end != text.constData() + text.size())
        return fail(QStringLiteral("invalid double"));
    return true;
}

bool RdbReader::readObject(quint8 type, const Limits &limits, Value *value)
{
    value->object.reset();
    switch (type) {
    case Rdb::TypeString: value->type = ValueType::String; return readString(&value->string);
    case Rdb::TypeList:
    case Rdb::TypeListZiplist:
    case Rdb::TypeListQuicklist:
    case Rdb::TypeListQuicklist2: return readList(type, limits, value);
    case Rdb::TypeSet:
    case Rdb::TypeSetIntset: return readSet(type, limits, value);
    case Rdb::TypeZSet:
    case Rdb::TypeZSet2:
    case Rdb::TypeZSetZiplist:
    case Rdb::TypeZSetListpack: return readZSet(type, limits, value);
    case Rdb::TypeHash:
    case Rdb::TypeHashZipmap:
    case Rdb::TypeHashZiplist:
    case Rdb::TypeHashListpack: return readHash(type, limits, value);
    case Rdb::TypeModulePreGa:
    case Rdb::TypeModule2: return fail(QStringLiteral("module values are not supported"));
    case Rdb::TypeStreamListpacks:
    case Rdb::TypeStreamListpacks2: return readStream(type, value);
    default: return fail(QStringLiteral("unknown value type %1").arg(type));
    }
}

bool RdbReader::readList(quint8 type, const Limits &limits, Value *value)
{
    auto list = std::make_unique<ListValue>(limits.listFill);
    char buffer[24];
    auto pushAll = [&](const std::vector<Listpack::Element> &elements) {
        for (const Listpack::Element &element : elements)
            list->push(ListValue::End::Tail, element.text(buffer));
    };
    quint64 count = 1;
    if (type != Rdb::TypeListZiplist && !readLength(&count))
        return false;
    for (quint64 i = 0; i < count; ++i) {
        QByteArray blob;
        if (type == Rdb::TypeList) {
            if (!readString(&blob))
                return false;
            list->push(ListValue::End::Tail, blob);
            continue;
        }
        quint64 container = Rdb::ContainerPacked;
        if (type == Rdb::TypeListQuicklist2 && !readLength(&container))
            return false;
        if (!readString(&blob))
            return false;
        if (type == Rdb::TypeListQuicklist2) {
            if (container == Rdb::ContainerPlain) {
                list->push(ListValue::End::Tail, blob);
                continue;
            }
            if (container != Rdb::ContainerPacked)
                return fail(QStringLiteral("unknown quicklist node container %1").arg(container));
            Listpack listpack;
            if (!Listpack::fromBytes(blob, &listpack))
                return fail(QStringLiteral("invalid listpack in a list"));
            list->appendListpack(std::move(listpack)); // an empty one is dropped, as in Redis
            continue;
        }
        std::vector<Listpack::Element> elements;
        if (!Ziplist::decode(blob, &elements))
            return fail(QStringLiteral("invalid ziplist in a list"));
        pushAll(elements);
    }
    if (list->length() == 0)
        return fail(QStringLiteral("empty list"));
    value->type = ValueType::List;
    value->object = std::move(list);
    return true;
}

bool RdbReader::readSet(quint8 type, const Limits &limits, Value *value)
{
    std::unique_ptr<SetValue> set;
    if (type == Rdb::TypeSetIntset) {
        QByteArray blob;
        if (!readString(&blob))
            return false;
        Intset intset;
        if (!Intset::fromBytes(blob, &intset))
            return fail(QStringLiteral("invalid intset"));
        set = std::make_unique<SetValue>();
        char buffer[24];
        for (qsizetype i = 0; i < intset.size(); ++i) {
            Listpack::Element member;
            member.isInteger = true;
            member.integer = intset.at(i);
            set->add(member.text(buffer), limits.maxIntsetEntries);
        }
    } else {
        quint64 count = 0;
        if (!readLength(&count))
            return false;
        if (count == 0)
            return fail(QStringLiteral("empty set"));
        for (quint64 i = 0; i < count; ++i) {
            QByteArray member;
            if (!readString(&member))
                return false;
            if (!set)
                set = SetValue::createFor(member);
            if (!set->add(member, limits.maxIntsetEntries))
                return fail(QStringLiteral("duplicate set member"));
        }
    }
    value->type = ValueType::Set;
    value->object = std::move(set);
    return true;
}

bool RdbReader::readZSet(quint8 type, const Limits &limits, Value *value)
{
    std::vector<QByteArray> members;
    std::vector<double> scores;
    if (type == Rdb::TypeZSet || type == Rdb::TypeZSet2) {
        quint64 count = 0;
        if (!readLength(&count))
            return false;
        for (quint64 i = 0; i < count; ++i) {
            QByteArray member;
            double score = 0;
            if (!readString(&member))
                return false;
            if (!(type == Rdb::TypeZSet2 ? readBinaryDouble(&score) : readAsciiDouble(&score)))
                return false;
            if (std::isnan(score))
                return fail(QStringLiteral("zset score is NaN"));
            members.push_back(std::move(member));
            scores.push_back(score);
        }
    } else {
        QByteArray blob;
        if (!readString(&blob))
            return false;
        Listpack listpack;
        std::vector<Listpack::Element> elements;
        const bool valid = type == Rdb::TypeZSetListpack
                ? Listpack::fromBytes(blob, &listpack) && listpackElements(listpack, &elements)
                : Ziplist::decode(blob, &elements);
        if (!valid || elements.size() % 2 != 0)
            return fail(QStringLiteral("invalid packed sorted set"));
        char buffer[24];
        for (size_t i = 0; i < elements.size(); i += 2) {
            double score = 0;
            if (!elementScore(elements[i + 1], &score) || std::isnan(score))
                return fail(QStringLiteral("invalid score in a packed sorted set"));
            members.push_back(elements[i].text(buffer).toByteArray());
            scores.push_back(score);
        }
    }
    if (members.empty())
        return fail(QStringLiteral("empty sorted set"));
    std::vector<ZSetValue::Entry> entries;
    entries.reserve(members.size());
    for (size_t i = 0; i < members.size(); ++i)
        entries.push_back({ members[i], scores[i] });
    std::sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) {
        return a.score < b.score || (a.score == b.score && a.member < b.member);
    });
    // Duplicates are corrupt data (Redis: "Duplicate zset fields detected").
    std::vector<QByteArrayView> sorted;
    sorted.reserve(entries.size());
    for (const ZSetValue::Entry &entry : entries)
        sorted.push_back(entry.member);
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        return fail(QStringLiteral("duplicate sorted set member"));
    value->type = ValueType::ZSet;
    value->object = ZSetValue::fromSorted(entries, limits.zset);
    return true;
}

bool RdbReader::readHash(quint8 type, const Limits &limits, Value *value)
{
    auto hash = std::make_unique<HashValue>();
    auto setPair = [&](QByteArrayView field, QByteArrayView fieldValue) {
        if (!hash->set(field, fieldValue, limits.hash))
            return fail(QStringLiteral("duplicate hash field"));
        return true;
    };
    if (type == Rdb::TypeHash) {
        quint64 count = 0;
        if (!readLength(&count))
            return false;
        for (quint64 i = 0; i < count; ++i) {
            QByteArray field;
            QByteArray fieldValue;
            if (!readString(&field) || !readString(&fieldValue) || !setPair(field, fieldValue))
                return false;
        }
    } else {
        QByteArray blob;
        if (!readString(&blob))
            return false;
        if (type == Rdb::TypeHashZipmap) {
            // zipmap: a count byte, then length-prefixed field, length, free byte, value and
            // that many free bytes, until 0xFF.
            const auto *p = reinterpret_cast<const unsigned char *>(blob.constData());
            qsizetype at = 1;
            const qsizetype end = blob.size();
            auto readZipmapLength = [&](quint32 *length) {
                if (at >= end)
                    return false;
                if (p[at] < 254) {
                    *length = p[at++];
                    return true;
                }
                if (p[at] != 254 || end - at < 5)
                    return false;
                *length = qFromLittleEndian<quint32>(p + at + 1);
                at += 5;
                return true;
            };
            while (at < end && p[at] != 255) {
                quint32 fieldLength = 0;
                quint32 valueLength = 0;
                if (!readZipmapLength(&fieldLength) || fieldLength > quint64(end - at))
                    return fail(QStringLiteral("invalid zipmap"));
                const QByteArrayView field(blob.constData() + at, fieldLength);
                at += fieldLength;
                if (!readZipmapLength(&valueLength) || at >= end)
                    return fail(QStringLiteral("invalid zipmap"));
                const quint32 free = p[at++];
                if (quint64(valueLength) + free > quint64(end - at))
                    return fail(QStringLiteral("invalid zipmap"));
                if (!setPair(field, QByteArrayView(blob.constData() + at, valueLength)))
                    return false;
                at += valueLength + free;
            }
            if (at != end - 1)
                return fail(QStringLiteral("invalid zipmap"));
        } else {
            Listpack listpack;
            std::vector<Listpack::Element> elements;
            const bool valid = type == Rdb::TypeHashListpack
                    ? Listpack::fromBytes(blob, &listpack) && listpackElements(listpack, &elements)
                    : Ziplist::decode(blob, &elements);
            if (!valid || elements.size() % 2 != 0)
                return fail(QStringLiteral("invalid packed hash"));
            char fieldBuffer[24];
            char valueBuffer[24];
            for (size_t i = 0; i < elements.size(); i += 2) {
                if (!setPair(elements[i].text(fieldBuffer), elements[i + 1].text(valueBuffer)))
                    return false;
            }
        }
    }
    if (hash->length() == 0)
        return fail(QStringLiteral("empty hash"));
    value->type = ValueType::Hash;
    value->object = std::move(hash);
    return true;
}

bool RdbReader::readStreamId(StreamId *id)
{
    return readLength(&id->ms) && readLength(&id->seq);
}

bool RdbReader::readRawStreamId(StreamId *id)
{
    QByteArrayView bytes;
    if (!readBytes(16, &bytes))
        return false;
    *id = StreamId::decode(reinterpret_cast<const unsigned char *>(bytes.data()));
    return true;
}

// Redis 7.0's rdbLoadObject for streams: RDB_TYPE_STREAM_LISTPACKS (Redis 5 to 6.2, whose
// counters are derived as Redis derives them) and RDB_TYPE_STREAM_LISTPACKS_2.
bool RdbReader::readStream(quint8 type, Value *value)
{
    const bool v2 = type == Rdb::TypeStreamListpacks2;
    auto stream = std::make_unique<StreamValue>();
    quint64 nodes = 0;
    if (!readLength(&nodes))
        return false;
    for (quint64 i = 0; i < nodes; ++i) {
        QByteArray key;
        QByteArray blob;
        if (!readString(&key) || !readString(&blob))
            return false;
        if (key.size() != 16)
            return fail(QStringLiteral("stream node key is not the size of a stream id"));
        Listpack node;
        if (!Listpack::fromBytes(blob, &node))
            return fail(QStringLiteral("invalid listpack in a stream"));
        if (!stream->loadNode(StreamId::decode(reinterpret_cast<const uchar *>(key.constData())),
                              std::move(node)))
            return fail(QStringLiteral("invalid stream node"));
    }
    quint64 length = 0;
    StreamId lastId;
    if (!readLength(&length) || !readStreamId(&lastId))
        return false;
    if (length != quint64(stream->length()))
        return fail(QStringLiteral("stream length does not match its entries"));
    StreamId firstId;
    StreamId maxDeletedId;
    quint64 entriesAdded = length;
    if (v2) {
        if (!readStreamId(&firstId) || !readStreamId(&maxDeletedId) || !readLength(&entriesAdded))
            return false;
    } else {
        stream->edgeId(true, &firstId);
    }
    stream->setLoadedMeta(lastId, firstId, maxDeletedId, entriesAdded);
    quint64 groups = 0;
    if (!readLength(&groups))
        return false;
    for (quint64 g = 0; g < groups; ++g) {
        QByteArray name;
        StreamId groupLastId;
        if (!readString(&name) || !readStreamId(&groupLastId))
            return false;
        long long entriesRead = 0;
        if (v2) {
            quint64 counter = 0;
            if (!readLength(&counter))
                return false;
            entriesRead = qint64(counter);
        } else {
            entriesRead = stream->estimateDistance(groupLastId);
        }
        StreamValue::Group *group = stream->createGroup(name, groupLastId, entriesRead);
        if (!group)
            return fail(QStringLiteral("duplicated consumer group name"));
        quint64 pending = 0;
        if (!readLength(&pending))
            return false;
        for (quint64 i = 0; i < pending; ++i) {
            StreamId id;
            StreamValue::Nack nack;
            if (!readRawStreamId(&id) || !readMillis(&nack.deliveryTime)
                || !readLength(&nack.deliveryCount))
                return false;
            if (!group->pending.emplace(id, nack).second)
                return fail(QStringLiteral("duplicated pending entry"));
        }
        quint64 consumers = 0;
        if (!readLength(&consumers))
            return false;
        for (quint64 i = 0; i < consumers; ++i) {
            QByteArray consumerName;
            qint64 seenTime = 0;
            if (!readString(&consumerName) || !readMillis(&seenTime))
                return false;
            StreamValue::Consumer *consumer
                    = StreamValue::createConsumer(*group, consumerName, seenTime);
            if (!consumer)
                return fail(QStringLiteral("duplicated consumer name"));
            quint64 owned = 0;
            if (!readLength(&owned))
                return false;
            for (quint64 j = 0; j < owned; ++j) {
                StreamId id;
                if (!readRawStreamId(&id))
                    return false;
                const auto nack = group->pending.find(id);
                if (nack == group->pending.end() || nack->second.consumer)
                    return fail(QStringLiteral("consumer entry not found in the group's PEL"));
                nack->second.consumer = consumer;
                consumer->pending.emplace(id, &nack->second);
            }
        }
        for (const auto &[id, nack] : group->pending) {
            if (!nack.consumer)
                return fail(QStringLiteral("pending entry without a consumer"));
        }
    }
    value->type = ValueType::Stream;
    value->object = std::move(stream);
    return true;
}
