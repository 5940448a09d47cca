#pragma once

#include "reply.h"

#include <QByteArray>

#include <vector>

// Incremental decoder of replies (the client side of RESP2 and RESP3). Remembers the
// aggregates it is inside, so a large reply arriving in many reads is decoded once.
class ReplyReader
{
public:
    enum class Status { NeedMore, Reply, Error };

    // Decodes from buffer at *pos. Reply: *out is set and *pos is past it. NeedMore: *pos is
    // past what was consumed; call again with more bytes. Error: malformed input.
    Status parse(const QByteArray &buffer, qsizetype *pos, Reply *out);
    const QByteArray &errorText() const { return m_error; }

private:
    enum class Scalar { Done, NeedMore, Error };
    Scalar parseOne(const QByteArray &buffer, qsizetype *pos, Reply *out, qsizetype *children);

    struct Frame
    {
        Reply reply;
        qsizetype remaining;
    };
    std::vector<Frame> m_stack;
    QByteArray m_error;
};
