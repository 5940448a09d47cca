#pragma once

#include "store/hashvalue.h"
#include "store/keyentry.h"
#include "store/streamid.h"
#include "store/zsetvalue.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

// Reads Redis's RDB encoding from bytes in memory (a mapped file, a DUMP payload): the
// primitives of rdb.c's rdbLoad* functions and every value type redis-server 7.0 loads that
// qkv can hold, the older encodings included (ziplists, quicklist 1, zipmap hashes). Packed
// blobs (listpacks, intsets, ziplists) are validated before use, so a corrupt or hostile
// payload fails cleanly. Modules are refused with a clear error.
//
// Values come out in the encoding Redis would give them after loading with the given limits
// (a small hash as a listpack, a big one as a hash table...). Every read returns false on
// malformed or truncated input, with error() saying why and position() where.
class RdbReader
{
public:
    // The server parameters that decide the encodings of what is loaded.
    struct Limits
    {
        HashValue::Limits hash;
        ZSetValue::Limits zset;
        qint64 maxIntsetEntries = 512;
        long long listFill = -2;
    };
    // One loaded value: a string, or an aggregate of `type`.
    struct Value
    {
        ValueType type = ValueType::String;
        QByteArray string;
        std::unique_ptr<Aggregate> object;
    };

    // data must outlive the reader.
    explicit RdbReader(QByteArrayView data);

    bool atEnd() const { return m_position >= m_data.size(); }
    qsizetype position() const { return m_position; }
    const QString &error() const { return m_error; }

    bool readByte(quint8 *byte);
    bool readBytes(qsizetype count, QByteArrayView *bytes);
    // rdbLoadLen; *encoded (when given) tells a special string encoding (the low bits).
    bool readLength(quint64 *length, bool *encoded = nullptr);
    // rdbGenericLoadStringObject: plain, integer-encoded or LZF-compressed.
    bool readString(QByteArray *string);
    bool readMillis(qint64 *ms);
    bool readSeconds(qint64 *ms); // the old 4-byte EXPIRETIME, as ms
    bool readBinaryDouble(double *value);
    bool readAsciiDouble(double *value); // the old ZSET type's scores
    // rdbLoadObject: the value of a key of the given type byte.
    bool readObject(quint8 type, const Limits &limits, Value *value);

    // Sets error() and returns false.
    bool fail(const QString &message);

private:
    bool readList(quint8 type, const Limits &limits, Value *value);
    bool readSet(quint8 type, const Limits &limits, Value *value);
    bool readZSet(quint8 type, const Limits &limits, Value *value);
    bool readHash(quint8 type, const Limits &limits, Value *value);
    bool readStream(quint8 type, Value *value);
    bool readStreamId(StreamId *id);
    bool readRawStreamId(StreamId *id);

    QByteArrayView m_data;
    qsizetype m_position = 0;
    QString m_error;
};
