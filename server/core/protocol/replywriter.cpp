#include "replywriter.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace {

// Formats into a stack buffer: replies are on the hot path and must not allocate.
int formatLongLong(char *buf, long long value)
{
    char tmp[24];
    unsigned long long v = value < 0 ? 0ULL - static_cast<unsigned long long>(value)
                                     : static_cast<unsigned long long>(value);
    int n = 0;
    do {
        tmp[n++] = char('0' + v % 10);
        v /= 10;
    } while (v);
    int len = 0;
    if (value < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    return len;
}

} // namespace

void ReplyWriter::header(char type, long long value)
{
    char buf[32];
    buf[0] = type;
    int len = 1 + formatLongLong(buf + 1, value);
    buf[len++] = '\r';
    buf[len++] = '\n';
    m_out->append(buf, len);
    checkpoint();
}

void ReplyWriter::simple(QByteArrayView text)
{
    m_out->append('+');
    m_out->append(text.data(), text.size());
    m_out->append("\r\n", 2);
    checkpoint();
}

void ReplyWriter::error(const QByteArray &text)
{
    ++m_errors;
    const qsizetype space = text.indexOf(' ');
    m_lastErrorCode = space < 0 ? text : text.first(space);
    m_out->append('-');
    const qsizetype start = m_out->size();
    m_out->append(text.data(), text.size());
    char *p = m_out->data() + start;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (p[i] == '\r' || p[i] == '\n')
            p[i] = ' ';
    }
    m_out->append("\r\n", 2);
}

void ReplyWriter::integer(long long value)
{
    header(':', value);
}

void ReplyWriter::bulk(QByteArrayView data)
{
    // One resize and plain copies: LRANGE and HGETALL write thousands of these per reply.
    char head[32];
    head[0] = '$';
    int len = 1 + formatLongLong(head + 1, data.size());
    head[len++] = '\r';
    head[len++] = '\n';
    const qsizetype at = m_out->size();
    m_out->resize(at + len + data.size() + 2);
    char *p = m_out->data() + at;
    std::memcpy(p, head, size_t(len));
    if (!data.isEmpty())
        std::memcpy(p + len, data.data(), size_t(data.size()));
    p[len + data.size()] = '\r';
    p[len + data.size() + 1] = '\n';
    checkpoint();
}

void ReplyWriter::null()
{
    if (m_resp3)
        m_out->append("_\r\n", 3);
    else
        m_out->append("$-1\r\n", 5);
}

void ReplyWriter::nullArray()
{
    if (m_resp3)
        m_out->append("_\r\n", 3);
    else
        m_out->append("*-1\r\n", 5);
}

void ReplyWriter::arrayHeader(qsizetype count)
{
    header('*', count);
}

void ReplyWriter::mapHeader(qsizetype pairs)
{
    if (m_resp3)
        header('%', pairs);
    else
        header('*', 2 * pairs);
}

void ReplyWriter::setHeader(qsizetype count)
{
    header(m_resp3 ? '~' : '*', count);
}

void ReplyWriter::pushHeader(qsizetype count)
{
    header(m_resp3 ? '>' : '*', count);
}

void ReplyWriter::doubleValue(double value)
{
    char buf[64];
    int len;
    if (std::isinf(value))
        len = std::snprintf(buf, sizeof buf, "%s", value > 0 ? "inf" : "-inf");
    else
        len = std::snprintf(buf, sizeof buf, "%.17g", value);
    if (m_resp3) {
        m_out->append(',');
        m_out->append(buf, len);
        m_out->append("\r\n", 2);
    } else {
        bulk(QByteArrayView(buf, len));
    }
}

void ReplyWriter::bigNumber(QByteArrayView digits)
{
    if (!m_resp3) {
        bulk(digits);
        return;
    }
    m_out->append('(');
    m_out->append(digits.data(), digits.size());
    m_out->append("\r\n", 2);
}

void ReplyWriter::verbatim(QByteArrayView data, QByteArrayView format)
{
    if (!m_resp3) {
        bulk(data);
        return;
    }
    header('=', data.size() + 4);
    m_out->append(format.data(), format.size());
    m_out->append(':');
    m_out->append(data.data(), data.size());
    m_out->append("\r\n", 2);
}

void ReplyWriter::boolean(bool value)
{
    if (m_resp3)
        m_out->append(value ? "#t\r\n" : "#f\r\n", 4);
    else
        integer(value ? 1 : 0);
}
