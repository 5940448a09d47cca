#include "dumppayload.h"

#include "crc64.h"
#include "rdbformat.h"
#include "rdbwriter.h"

#include <QtEndian>

namespace {

constexpr qsizetype FooterSize = 10; // version (2) + CRC64 (8)

} // namespace

QByteArray DumpPayload::create(const KeyEntry &entry, bool compression)
{
    QByteArray payload;
    RdbWriter writer(&payload);
    writer.setCompression(compression);
    writer.writeObject(entry);
    appendFooter(writer, &payload);
    return payload;
}

QByteArrayView DumpPayload::body(QByteArrayView payload)
{
    return payload.first(payload.size() - FooterSize);
}

void DumpPayload::appendFooter(RdbWriter &writer, QByteArray *payload)
{
    const unsigned char version[2] = { Rdb::Version & 0xff, (Rdb::Version >> 8) & 0xff };
    writer.writeRaw(QByteArrayView(reinterpret_cast<const char *>(version), 2));
    unsigned char crc[8];
    qToLittleEndian<quint64>(writer.checksum(), crc);
    payload->append(reinterpret_cast<const char *>(crc), 8);
}

bool DumpPayload::verify(QByteArrayView payload)
{
    if (payload.size() < FooterSize)
        return false;
    const auto *footer
            = reinterpret_cast<const unsigned char *>(payload.data()) + payload.size() - FooterSize;
    const int version = footer[0] | footer[1] << 8;
    if (version > Rdb::Version)
        return false;
    const quint64 crc = Crc64::update(0, payload.first(payload.size() - 8));
    return qFromLittleEndian<quint64>(footer + 2) == crc;
}

bool DumpPayload::load(QByteArrayView payload, const RdbReader::Limits &limits,
                       RdbReader::Value *value)
{
    RdbReader reader(body(payload));
    quint8 type = 0;
    // Redis's rdbLoadObjectType accepts only value types, never an opcode.
    if (!reader.readByte(&type) || type >= Rdb::OpFunction2)
        return false;
    return reader.readObject(type, limits, value);
}
