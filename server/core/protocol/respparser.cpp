#include "respparser.h"

#include "argsplitter.h"
#include "numbers.h"

#include <climits>
#include <cstring>

namespace {

// The first `terminator` in [from, end), or nullptr. Redis finds line ends with strchr on its
// NUL-terminated query buffer, so a NUL byte before the terminator hides it: such a line waits
// for more input until the size limit turns it into an error, exactly as in Redis.
const char *findTerminator(const char *from, const char *end, char terminator)
{
    const char *found
            = static_cast<const char *>(std::memchr(from, terminator, size_t(end - from)));
    if (std::memchr(from, '\0', size_t((found ? found : end) - from)))
        return nullptr;
    return found;
}

} // namespace

RespParser::Status RespParser::parse(const QByteArray &buffer, qsizetype *pos)
{
    for (;;) {
        if (m_pendingArgs < 0) {
            if (*pos >= buffer.size())
                return Status::NeedMore;
            m_scan = *pos;
        }
        const Status status = (m_pendingArgs >= 0 || buffer.at(*pos) == '*')
                ? parseMultibulk(buffer, pos)
                : parseInline(buffer, pos);
        // Empty inline lines and multibulk counts <= 0 are consumed without a command.
        if (status == Status::Command && m_args.empty()) {
            ++m_emptyRequests;
            continue;
        }
        return status;
    }
}

RespParser::Status RespParser::parseInline(const QByteArray &buffer, qsizetype *pos)
{
    const char *base = buffer.constData();
    const qsizetype available = buffer.size() - *pos;
    const char *newline = findTerminator(base + *pos, base + buffer.size(), '\n');
    if (!newline) {
        if (available > InlineMaxSize)
            return fail(QByteArrayLiteral("Protocol error: too big inline request"));
        return Status::NeedMore;
    }
    qsizetype lineEnd = newline - base;
    const qsizetype next = lineEnd + 1;
    if (lineEnd > *pos && base[lineEnd - 1] == '\r')
        --lineEnd;
    if (!splitInlineArgs(QByteArrayView(base + *pos, lineEnd - *pos), &m_inlineArgs))
        return fail(QByteArrayLiteral("Protocol error: unbalanced quotes in request"));
    *pos = next;
    m_args.clear();
    // constData(), not the array itself: an empty argument ("") is a null QByteArray, whose
    // view would have a null data pointer that memcpy may not be given, even for 0 bytes.
    for (const QByteArray &arg : std::as_const(m_inlineArgs))
        m_args.emplace_back(arg.constData(), arg.size());
    return Status::Command;
}

RespParser::Status RespParser::parseMultibulk(const QByteArray &buffer, qsizetype *pos)
{
    const char *base = buffer.constData();
    const qsizetype size = buffer.size();

    if (m_pendingArgs < 0) {
        const char *cr = findTerminator(base + m_scan, base + size, '\r');
        if (!cr) {
            if (size - m_scan > InlineMaxSize)
                return fail(QByteArrayLiteral("Protocol error: too big mbulk count string"));
            return Status::NeedMore;
        }
        const qsizetype crAt = cr - base;
        if (crAt + 2 > size) // the byte after '\r' must have arrived too
            return Status::NeedMore;
        long long count = 0;
        if (!Numbers::toLongLong(QByteArrayView(base + m_scan + 1, crAt - m_scan - 1), &count)
            || count > INT_MAX)
            return fail(QByteArrayLiteral("Protocol error: invalid multibulk length"));
        if (m_unauthenticated && count > 10)
            return fail(QByteArrayLiteral("Protocol error: unauthenticated multibulk length"));
        m_scan = crAt + 2;
        if (count <= 0) {
            *pos = m_scan;
            m_args.clear();
            return Status::Command; // an empty request: skipped by parse()
        }
        m_pendingArgs = count;
        m_bulkLength = -1;
        m_spans.clear();
        // A client cannot make us reserve more than what it may plausibly send.
        m_spans.reserve(size_t(qMin<long long>(count, 1024)));
    }

    while (m_pendingArgs > 0) {
        if (m_bulkLength < 0) {
            const char *cr = findTerminator(base + m_scan, base + size, '\r');
            if (!cr) {
                if (size - m_scan > InlineMaxSize)
                    return fail(QByteArrayLiteral("Protocol error: too big bulk count string"));
                return Status::NeedMore;
            }
            const qsizetype crAt = cr - base;
            if (crAt + 2 > size)
                return Status::NeedMore;
            if (base[m_scan] != '$') {
                char got = base[m_scan];
                if (got == '\r' || got == '\n')
                    got = ' ';
                // (Never a NUL here: it would have hidden the line's '\r'.)
                return fail("Protocol error: expected '$', got '" + QByteArray(1, got) + '\'');
            }
            long long length = 0;
            if (!Numbers::toLongLong(QByteArrayView(base + m_scan + 1, crAt - m_scan - 1), &length)
                || length < 0 || length > m_maxBulkLength)
                return fail(QByteArrayLiteral("Protocol error: invalid bulk length"));
            if (m_unauthenticated && length > 16384)
                return fail(QByteArrayLiteral("Protocol error: unauthenticated bulk length"));
            m_scan = crAt + 2;
            m_bulkLength = length;
        }
        // The two bytes after the payload are skipped unchecked, as Redis does.
        if (size - m_scan < m_bulkLength + 2)
            return Status::NeedMore;
        m_spans.push_back({ m_scan, qsizetype(m_bulkLength) });
        m_scan += m_bulkLength + 2;
        m_bulkLength = -1;
        --m_pendingArgs;
    }

    m_args.clear();
    m_args.reserve(m_spans.size());
    for (const Span &span : m_spans)
        m_args.emplace_back(base + span.offset, span.length);
    *pos = m_scan;
    m_pendingArgs = -1;
    return Status::Command;
}

RespParser::Status RespParser::fail(const QByteArray &text)
{
    m_error = text;
    m_pendingArgs = -1;
    m_args.clear();
    return Status::Error;
}

void RespParser::discard(qsizetype count)
{
    m_scan -= count;
    for (Span &span : m_spans)
        span.offset -= count;
}

qsizetype RespParser::pendingBulkBytes(const QByteArray &buffer) const
{
    if (m_pendingArgs <= 0 || m_bulkLength < 0)
        return 0;
    return qMax<qsizetype>(0, m_scan + m_bulkLength + 2 - buffer.size());
}

void RespParser::reset()
{
    m_pendingArgs = -1;
    m_bulkLength = -1;
    m_spans.clear();
    m_args.clear();
}
