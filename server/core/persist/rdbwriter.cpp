#include "rdbwriter.h"

#include "crc64.h"
#include "lzf.h"
#include "rdbformat.h"
#include "store/hashvalue.h"
#include "store/keyentry.h"
#include "store/listvalue.h"
#include "store/setvalue.h"
#include "store/streamvalue.h"
#include "store/zsetvalue.h"

#include <QtEndian>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace {

constexpr qsizetype FlushThreshold = 1 << 20;

// The bytes of a packed block (Listpack, Intset): stored in the file as they are.
template<typename Packed> QByteArrayView blobOf(const Packed &packed)
{
    return QByteArrayView(reinterpret_cast<const char *>(packed.data()), qsizetype(packed.bytes()));
}

} // namespace

RdbWriter::RdbWriter(QByteArray *buffer)
    : m_buffer(buffer)
{
    m_crcDone = buffer->size(); // what was there before is not ours
}

RdbWriter::RdbWriter(int fd)
    : m_buffer(&m_own)
    , m_fd(fd)
{
    m_own.reserve(FlushThreshold + 64 * 1024);
}

void RdbWriter::writeByte(quint8 byte)
{
    m_buffer->append(char(byte));
}

void RdbWriter::writeRaw(QByteArrayView bytes)
{
    m_buffer->append(bytes);
    maybeFlush();
}

void RdbWriter::writeLength(quint64 length)
{
    unsigned char b[9];
    if (length < (1 << 6)) {
        b[0] = static_cast<unsigned char>(length);
        m_buffer->append(reinterpret_cast<const char *>(b), 1);
    } else if (length < (1 << 14)) {
        b[0] = static_cast<unsigned char>((length >> 8) | (Rdb::Len14Bit << 6));
        b[1] = static_cast<unsigned char>(length & 0xff);
        m_buffer->append(reinterpret_cast<const char *>(b), 2);
    } else if (length <= 0xffffffffULL) {
        b[0] = Rdb::Len32Bit;
        qToBigEndian<quint32>(quint32(length), b + 1);
        m_buffer->append(reinterpret_cast<const char *>(b), 5);
    } else {
        b[0] = Rdb::Len64Bit;
        qToBigEndian<quint64>(length, b + 1);
        m_buffer->append(reinterpret_cast<const char *>(b), 9);
    }
}

void RdbWriter::writeString(QByteArrayView bytes)
{
    // rdbTryIntegerEncoding: a short string that is exactly a 32-bit integer's spelling.
    long long value = 0;
    if (bytes.size() <= 11 && Listpack::stringToInteger(bytes, &value) && value >= -2147483648LL
        && value <= 2147483647LL) {
        unsigned char b[5];
        int n = 0;
        if (value >= -128 && value <= 127) {
            b[0] = (Rdb::EncodedValue << 6) | Rdb::EncInt8;
            b[1] = static_cast<unsigned char>(value);
            n = 2;
        } else if (value >= -32768 && value <= 32767) {
            b[0] = (Rdb::EncodedValue << 6) | Rdb::EncInt16;
            qToLittleEndian<qint16>(qint16(value), b + 1);
            n = 3;
        } else {
            b[0] = (Rdb::EncodedValue << 6) | Rdb::EncInt32;
            qToLittleEndian<qint32>(qint32(value), b + 1);
            n = 5;
        }
        m_buffer->append(reinterpret_cast<const char *>(b), n);
        maybeFlush();
        return;
    }
    // rdbSaveLzfStringObject: worth it only when it saves at least 4 bytes.
    if (m_compression && bytes.size() > 20) {
        const QByteArray packed = Lzf::compress(bytes, bytes.size() - 4);
        if (!packed.isEmpty()) {
            writeByte((Rdb::EncodedValue << 6) | Rdb::EncLzf);
            writeLength(quint64(packed.size()));
            writeLength(quint64(bytes.size()));
            writeRaw(packed);
            return;
        }
    }
    writeLength(quint64(bytes.size()));
    writeRaw(bytes);
}

void RdbWriter::writeMillis(qint64 ms)
{
    unsigned char b[8];
    qToLittleEndian<qint64>(ms, b);
    m_buffer->append(reinterpret_cast<const char *>(b), 8);
}

void RdbWriter::writeBinaryDouble(double value)
{
    unsigned char b[8];
    quint64 bits = 0;
    std::memcpy(&bits, &value, 8);
    qToLittleEndian<quint64>(bits, b);
    m_buffer->append(reinterpret_cast<const char *>(b), 8);
}

quint8 RdbWriter::objectType(const KeyEntry &entry)
{
    switch (entry.type) {
    case ValueType::String: return Rdb::TypeString;
    case ValueType::List: return Rdb::TypeListQuicklist2;
    case ValueType::Set:
        return entry.as<SetValue>()->isIntset() ? Rdb::TypeSetIntset : Rdb::TypeSet;
    case ValueType::ZSet:
        return entry.as<ZSetValue>()->isListpack() ? Rdb::TypeZSetListpack : Rdb::TypeZSet2;
    case ValueType::Hash:
        return entry.as<HashValue>()->isListpack() ? Rdb::TypeHashListpack : Rdb::TypeHash;
    case ValueType::Stream: return Rdb::TypeStreamListpacks2;
    }
    return Rdb::TypeString;
}

void RdbWriter::writeObject(const KeyEntry &entry)
{
    writeByte(objectType(entry));
    writeValue(entry);
}

void RdbWriter::writeValue(const KeyEntry &entry)
{
    switch (entry.type) {
    case ValueType::String: writeString(entry.string()); break;
    case ValueType::List: {
        // Every node as it is, packed (qkv has no plain nodes and no compressed ones).
        const auto *list = entry.as<ListValue>();
        writeLength(quint64(list->nodeCount()));
        for (const ListValue::Node *node = list->firstNode(); node; node = node->next) {
            writeLength(Rdb::ContainerPacked);
            writeString(blobOf(node->entries));
        }
        break;
    }
    case ValueType::Set: {
        const auto *set = entry.as<SetValue>();
        if (const Intset *intset = set->intset()) {
            writeString(blobOf(*intset));
            break;
        }
        writeLength(quint64(set->length()));
        set->forEach([this](const SetValue::Element &member) {
            writeString(member.string);
            return true;
        });
        break;
    }
    case ValueType::ZSet: {
        const auto *zset = entry.as<ZSetValue>();
        if (const Listpack *listpack = zset->listpack()) {
            writeString(blobOf(*listpack));
            break;
        }
        // From the highest score down, as Redis writes it (its loader then inserts at the head).
        writeLength(quint64(zset->length()));
        for (const ZSkipList::Node *node = zset->skipList()->last(); node; node = node->backward) {
            writeString(node->member());
            writeBinaryDouble(node->score);
        }
        break;
    }
    case ValueType::Hash: {
        const auto *hash = entry.as<HashValue>();
        if (const Listpack *listpack = hash->listpack()) {
            writeString(blobOf(*listpack));
            break;
        }
        writeLength(quint64(hash->length()));
        hash->forEach([this](QByteArrayView field, QByteArrayView value) {
            writeString(field);
            writeString(value);
        });
        break;
    }
    case ValueType::Stream: writeStream(*entry.as<StreamValue>()); break;
    }
    maybeFlush();
}

void RdbWriter::writeStreamId(StreamId id)
{
    writeLength(id.ms);
    writeLength(id.seq);
}

// Redis 7.0's rdbSaveObject for RDB_TYPE_STREAM_LISTPACKS_2: the nodes as they are (key: the
// master id in 16 big-endian bytes), the stream's counters, then each group with its PEL and
// its consumers (whose PELs are ids only, pointing into the group's).
void RdbWriter::writeStream(const StreamValue &stream)
{
    unsigned char key[16];
    writeLength(quint64(stream.nodes().size()));
    for (const auto &[master, node] : stream.nodes()) {
        master.encode(key);
        writeString(QByteArrayView(reinterpret_cast<const char *>(key), 16));
        writeString(blobOf(node));
    }
    writeLength(quint64(stream.length()));
    writeStreamId(stream.lastId());
    writeStreamId(stream.firstId());
    writeStreamId(stream.maxDeletedId());
    writeLength(stream.entriesAdded());
    writeLength(quint64(stream.groups().size()));
    for (const auto &[name, group] : stream.groups()) {
        writeString(name);
        writeStreamId(group->lastId);
        writeLength(quint64(group->entriesRead)); // -1 (unknown) as Redis's unsigned cast
        writeLength(quint64(group->pending.size()));
        for (const auto &[id, nack] : group->pending) {
            id.encode(key);
            writeRaw(QByteArrayView(reinterpret_cast<const char *>(key), 16));
            writeMillis(nack.deliveryTime);
            writeLength(nack.deliveryCount);
        }
        writeLength(quint64(group->consumers.size()));
        for (const auto &[consumerName, consumer] : group->consumers) {
            writeString(consumerName);
            writeMillis(consumer->seenTime);
            writeLength(quint64(consumer->pending.size()));
            for (const auto &[id, nack] : consumer->pending) {
                id.encode(key);
                writeRaw(QByteArrayView(reinterpret_cast<const char *>(key), 16));
            }
        }
    }
}

void RdbWriter::fold()
{
    if (m_crcDone < m_buffer->size()) {
        m_crc = Crc64::update(m_crc, QByteArrayView(*m_buffer).sliced(m_crcDone));
        m_crcDone = m_buffer->size();
    }
}

quint64 RdbWriter::checksum()
{
    fold();
    return m_crc;
}

void RdbWriter::maybeFlush()
{
    if (m_fd >= 0 && m_buffer->size() >= FlushThreshold)
        flush();
}

bool RdbWriter::flush()
{
    if (m_fd < 0)
        return m_ok;
    fold();
    const char *p = m_buffer->constData();
    qsizetype left = m_buffer->size();
    while (m_ok && left > 0) {
        const ssize_t n = ::write(m_fd, p, size_t(left));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            m_ok = false;
            break;
        }
        p += n;
        left -= n;
        m_written += n;
    }
    m_buffer->resize(0); // keeps the capacity
    m_crcDone = 0;
    return m_ok;
}
