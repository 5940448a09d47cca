#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

#include <limits>

// A stream entry id (Redis's streamID): milliseconds and a sequence number, compared as the
// pair. Its 16-byte big-endian form is the key of a stream node (Redis's rax keys) and what an
// RDB file stores.
struct StreamId
{
    quint64 ms = 0;
    quint64 seq = 0;

    static constexpr StreamId max()
    {
        return { std::numeric_limits<quint64>::max(), std::numeric_limits<quint64>::max() };
    }
    bool isZero() const { return ms == 0 && seq == 0; }

    friend bool operator==(StreamId a, StreamId b) { return a.ms == b.ms && a.seq == b.seq; }
    friend bool operator!=(StreamId a, StreamId b) { return !(a == b); }
    friend bool operator<(StreamId a, StreamId b)
    {
        return a.ms < b.ms || (a.ms == b.ms && a.seq < b.seq);
    }
    friend bool operator>(StreamId a, StreamId b) { return b < a; }
    friend bool operator<=(StreamId a, StreamId b) { return !(b < a); }
    friend bool operator>=(StreamId a, StreamId b) { return !(a < b); }

    // Redis's streamIncrID / streamDecrID: the next (previous) id; false, leaving the id as it
    // was, when there is none.
    bool increment();
    bool decrement();

    // "ms-seq", as replies write it.
    QByteArray toString() const;
    void encode(unsigned char (&out)[16]) const;
    static StreamId decode(const unsigned char *bytes);

    // Redis's streamGenericParseIDOrReply without its reply: "-" and "+" (unless strict),
    // "ms" (seq missingSeq) and "ms-seq", with string2ull's rules for each number. When
    // seqGiven is non-null "ms-*" is accepted too, and *seqGiven tells whether seq was given.
    static bool parse(QByteArrayView text, StreamId *id, quint64 missingSeq, bool strict,
                      bool *seqGiven = nullptr);
};
