#pragma once

#include <QByteArrayView>
#include <QtGlobal>

// Redis's crc64 (Jones polynomial 0xad93d23594c935a9, reflected in and out, no final xor):
// the checksum of RDB files and DUMP payloads. crc64("123456789") is 0xe9c6d914c4b8d9ca.
class Crc64
{
public:
    // Continues crc over bytes (start with 0).
    static quint64 update(quint64 crc, QByteArrayView bytes);
};
