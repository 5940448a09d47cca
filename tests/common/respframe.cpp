#include "respframe.h"

#include "protocol/replywriter.h"

#include <QList>

namespace RespFrame {

qsizetype replyEnd(const QByteArray &buffer, qsizetype pos)
{
    const qsizetype lineEnd = buffer.indexOf("\r\n", pos);
    if (lineEnd < 0)
        return -1;
    const char type = buffer.at(pos);
    const long long n = buffer.mid(pos + 1, lineEnd - pos - 1).toLongLong();
    qsizetype next = lineEnd + 2;
    switch (type) {
    case '$':
    case '=':
    case '!':
        if (n < 0)
            return next;
        return buffer.size() >= next + n + 2 ? next + n + 2 : -1;
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
        const long long children = (type == '%' || type == '|') ? 2 * n : n;
        for (long long i = 0; i < children; ++i) {
            next = replyEnd(buffer, next);
            if (next < 0)
                return -1;
        }
        // An attribute precedes the reply it describes.
        return type == '|' ? replyEnd(buffer, next) : next;
    }
    default:
        return next;
    }
}

QByteArray shape(const QByteArray &reply)
{
    if (reply.isEmpty())
        return reply;
    const char type = reply.at(0);
    if (type == '*' || type == '%' || type == '~' || type == '>')
        return reply.left(reply.indexOf("\r\n"));
    return QByteArray(1, type);
}

QByteArray escaped(const QByteArray &bytes)
{
    QByteArray out;
    for (char c : bytes) {
        if (c == '\r')
            out += "\\r";
        else if (c == '\n')
            out += "\\n";
        else if (uchar(c) < 32 || uchar(c) >= 127)
            out += "\\x" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
        else
            out += c;
    }
    return out;
}

QByteArray unescape(const QByteArray &text)
{
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
            out += text[i];
            continue;
        }
        const char c = text[++i];
        if (c == 'r')
            out += '\r';
        else if (c == 'n')
            out += '\n';
        else if (c == 't')
            out += '\t';
        else if (c == 'x' && i + 2 < text.size() + 0) {
            out += char(text.mid(i + 1, 2).toInt(nullptr, 16));
            i += 2;
        } else
            out += c;
    }
    return out;
}

QByteArray request(const QList<QByteArray> &args)
{
    QByteArray out;
    ReplyWriter writer(&out);
    writer.arrayHeader(args.size());
    for (const QByteArray &arg : args)
        writer.bulk(arg);
    return out;
}

} // namespace RespFrame
