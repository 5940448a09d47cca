#pragma once

#include "rdbreader.h"

#include <QByteArray>
#include <QByteArrayView>

struct KeyEntry;
class RdbWriter;

// DUMP and RESTORE's serialization, as Redis's createDumpPayload / verifyDumpPayload: the
// value's type byte and RDB encoding (RdbWriter, the same serializer as RDB files), then the
// RDB version (2 bytes, little-endian) and the CRC64 of everything before it (8 bytes,
// little-endian). Payloads move between qkv and redis-server 7.0 both ways.
class DumpPayload
{
public:
    // The payload of entry's value; compression is rdbcompression.
    static QByteArray create(const KeyEntry &entry, bool compression);
    // Whether payload has a version this reader knows (at most 10) and a matching checksum.
    static bool verify(QByteArrayView payload);
    // A verified payload without its version and checksum.
    static QByteArrayView body(QByteArrayView payload);
    // Ends a payload written with writer: the RDB version, then the CRC64 of all of it.
    static void appendFooter(RdbWriter &writer, QByteArray *payload);
    // Reads the value of a verified payload; false when its data is malformed.
    static bool load(QByteArrayView payload, const RdbReader::Limits &limits,
                     RdbReader::Value *value);
};
