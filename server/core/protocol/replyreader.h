#pragma once

#include "reply.h"

#include <QByteArray>

#include <vector>

// Incremental decoder of server replies (the client side of RESP2 and RESP3). It knows nothing
// of sockets. It remembers the aggregates it is inside, so a large reply arriving in many reads
// is scanned once. RESP3 attributes (|) are read and dropped: they annotate the value that
// follows, which is returned in their place.
class ReplyReader
{
public:
    // NeedMore: no complete reply yet; *pos is past the elements kept so far.
    // Reply: *out holds the reply; *pos is past it.
    // Error: malformed input; errorText() says why. The stream cannot be resynchronised, so
    // drop the connection; the reader is ready for a new one.
    enum class Status { NeedMore, Reply, Error };

    // The caller owns the buffer and passes it with the offset of the first unconsumed byte.
    // After NeedMore it calls again with the same bytes from *pos plus whatever arrived since.
    Status parse(const QByteArray &buffer, qsizetype *pos, Reply *out);
    const QByteArray &errorText() const { return m_error; }

private:
    enum class Step { Value, Open, NeedMore, Error };
    Step readElement(const QByteArray &buffer, qsizetype *pos, Reply *element, long long *count);
    Step fail(const QByteArray &text);
    // Adds a finished element to the aggregate being read, closing every aggregate it
    // finishes; true when that finishes a whole reply, now in *out.
    bool complete(Reply element, Reply *out);

    // An aggregate being read: remaining counts the elements still to come. An attribute is
    // dropped when complete.
    struct Frame
    {
        Reply reply;
        long long remaining;
        bool attribute;
    };
    std::vector<Frame> m_stack;
    QByteArray m_error;
};
