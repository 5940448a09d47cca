#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <vector>

// Incremental request parser for one client: RESP multibulk and inline requests, decided per
// request by the first byte, as Redis does. It knows nothing of sockets or commands.
//
// The caller owns the input buffer and passes it to every call together with the offset of the
// first unconsumed byte. Progress inside a partly received multibulk request is remembered as
// offsets, so a large request arriving in many reads is scanned once. When the caller drops a
// consumed prefix of the buffer it calls discard() with the same count.
class RespParser
{
public:
    enum class Status {
        NeedMore, // no complete request at *pos; *pos is unchanged or skipped empty requests
        Command,  // args() holds the request; *pos is past it
        Error     // errorText() holds Redis's reply text (without "-ERR "); close after reply
    };

    static constexpr qsizetype InlineMaxSize = 64 * 1024;
    static constexpr long long DefaultMaxBulkLength = 512LL * 1024 * 1024;

    Status parse(const QByteArray &buffer, qsizetype *pos);

    // Valid after Command until the buffer is modified or parse() is called again.
    const std::vector<QByteArrayView> &args() const { return m_args; }
    const QByteArray &errorText() const { return m_error; }
    // Empty requests (blank inline lines, multibulk counts <= 0) skipped so far: Redis ends a
    // CLIENT REPLY SKIP on them as on a command.
    quint64 emptyRequests() const { return m_emptyRequests; }

    // The caller removed the first `count` bytes of its buffer (all of them consumed).
    void discard(qsizetype count);
    // Bytes still missing for the bulk argument being received, 0 if unknown: lets the
    // connection read a big argument in one go instead of 16 KB at a time.
    qsizetype pendingBulkBytes(const QByteArray &buffer) const;

    void setMaxBulkLength(long long bytes) { m_maxBulkLength = bytes; }
    // Limits for clients that have not authenticated yet (Redis: 10 args, 16 KB bulks).
    void setUnauthenticated(bool on) { m_unauthenticated = on; }
    void reset();

private:
    Status parseInline(const QByteArray &buffer, qsizetype *pos);
    Status parseMultibulk(const QByteArray &buffer, qsizetype *pos);
    Status fail(const QByteArray &text);

    struct Span
    {
        qsizetype offset;
        qsizetype length;
    };

    // Multibulk progress: -1 when no multibulk request is in progress.
    long long m_pendingArgs = -1;
    long long m_bulkLength = -1;
    qsizetype m_scan = 0; // absolute offset where scanning resumes
    std::vector<Span> m_spans;

    std::vector<QByteArrayView> m_args;
    QList<QByteArray> m_inlineArgs;
    QByteArray m_error;
    long long m_maxBulkLength = DefaultMaxBulkLength;
    bool m_unauthenticated = false;
    quint64 m_emptyRequests = 0;
};
