#pragma once

#include <QByteArray>
#include <QByteArrayView>

struct KeyEntry;
struct StreamId;
class StreamValue;

// Writes Redis's RDB encoding (rdb.c's rdbSave* functions): lengths, strings (integer-encoded
// when short and numeric, LZF-compressed above 20 bytes when compression is on), values of
// every type in the encoding redis-server 7.0 writes for it, and a running CRC64. One value
// serializer for both RDB files (RdbFile) and DUMP payloads.
//
// Output goes to a caller's buffer, or to a file descriptor through an internal buffer that
// is written out in large blocks. A write error makes every later call a no-op; ok() tells.
// It never reads the keyspace on its own: callers hand it entries.
class RdbWriter
{
public:
    // Appends to *buffer (owned by the caller, which outlives the writer).
    explicit RdbWriter(QByteArray *buffer);
    // Writes to fd (not closed here); call flush() at the end.
    explicit RdbWriter(int fd);
    RdbWriter(const RdbWriter &) = delete;
    RdbWriter &operator=(const RdbWriter &) = delete;

    void setCompression(bool on) { m_compression = on; }
    bool compression() const { return m_compression; }

    void writeByte(quint8 byte);
    void writeRaw(QByteArrayView bytes);
    void writeLength(quint64 length);
    // rdbSaveRawString.
    void writeString(QByteArrayView bytes);
    // rdbSaveMillisecondTime: 8 bytes, little-endian.
    void writeMillis(qint64 ms);
    // rdbSaveBinaryDoubleValue.
    void writeBinaryDouble(double value);
    // rdbSaveObjectType: the type byte of entry's value in its current encoding.
    static quint8 objectType(const KeyEntry &entry);
    // rdbSaveObject: the value of entry (after its type byte, and in a file after the key).
    void writeValue(const KeyEntry &entry);
    // objectType() then writeValue(): what a DUMP payload starts with.
    void writeObject(const KeyEntry &entry);

    // The CRC64 of everything written so far.
    quint64 checksum();
    // Writes what is buffered to the file (no-op for a buffer); false on an error.
    bool flush();
    bool ok() const { return m_ok; }
    // Bytes written so far.
    qint64 written() const { return m_written + m_buffer->size(); }

private:
    void fold(); // CRC of the buffered bytes not yet counted
    void writeStreamId(StreamId id);
    void writeStream(const StreamValue &stream);
    void maybeFlush();

    QByteArray m_own;
    QByteArray *m_buffer;
    int m_fd = -1;
    quint64 m_crc = 0;
    qsizetype m_crcDone = 0; // bytes of *m_buffer already in m_crc
    qint64 m_written = 0;    // bytes already written to the file
    bool m_compression = true;
    bool m_ok = true;
};
