#include "respframe.h"

#include "protocol/replywriter.h"

#include <QList>

#include <algorithm>

namespace RespFrame {

qsizetype parse(const QByteArray &buffer, qsizetype pos, Value *out)
{
    const qsizetype lineEnd = buffer.indexOf("\r\n", pos);
    if (lineEnd < 0)
        return -1;
    const char type = buffer.at(pos);
    const QByteArray line = buffer.mid(pos + 1, lineEnd - pos - 1);
    const long long n = line.toLongLong();
    qsizetype next = lineEnd + 2;
    if (out)
        out->type = type;
    switch (type) {
    case '$':
    case '=':
    case '!':
        if (n < 0) {
            if (out)
                out->null = true;
            return next;
        }
        if (buffer.size() < next + n + 2)
            return -1;
        if (out)
            out->text = buffer.mid(next, n);
        return next + n + 2;
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
        if (n < 0) {
            if (out)
                out->null = true;
            return next;
        }
        const long long children = (type == '%' || type == '|') ? 2 * n : n;
        for (long long i = 0; i < children; ++i) {
            Value item;
            next = parse(buffer, next, (out && type != '|') ? &item : nullptr);
            if (next < 0)
                return -1;
            if (out && type != '|')
                out->items.push_back(std::move(item));
        }
        // An attribute precedes the reply it describes.
        return type == '|' ? parse(buffer, next, out) : next;
    }
    default: // + - : , # _ (
        if (out)
            out->text = line;
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

QByteArray sortedElements(const QByteArray &reply, int group)
{
    if (reply.isEmpty())
        return reply;
    const char type = reply.at(0);
    if (type != '*' && type != '%' && type != '~')
        return reply;
    const qsizetype headerEnd = reply.indexOf("\r\n") + 2;
    if (type == '%')
        group = 2;
    QList<QByteArray> runs;
    qsizetype pos = headerEnd;
    while (pos < reply.size()) {
        QByteArray run;
        for (int i = 0; i < group && pos < reply.size(); ++i) {
            const qsizetype end = replyEnd(reply, pos);
            if (end < 0)
                return reply;
            run += reply.mid(pos, end - pos);
            pos = end;
        }
        runs.append(run);
    }
    std::sort(runs.begin(), runs.end());
    return reply.left(headerEnd) + runs.join();
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

QByteArray difference(const QList<QByteArray> &expected, const QList<QByteArray> &actual)
{
    for (qsizetype i = 0; i < qMax(expected.size(), actual.size()); ++i) {
        if (expected.value(i) != actual.value(i)) {
            return "reply " + QByteArray::number(i) + "\n   redis: " + escaped(expected.value(i))
                    + "\n     qkv: " + escaped(actual.value(i));
        }
    }
    return QByteArray();
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

namespace {

bool isPingReply(QByteArrayView reply, const QByteArray &sentinel)
{
    const QByteArray bulk = "$" + QByteArray::number(sentinel.size()) + "\r\n" + sentinel + "\r\n";
    const QByteArray pong = QByteArrayLiteral("*2\r\n$4\r\npong\r\n") + bulk;
    return reply == bulk || reply == pong;
}

} // namespace

qsizetype pingReplyStart(const QByteArray &buffer, const QByteArray &sentinel)
{
    qsizetype last = -1;
    for (qsizetype pos = 0, end; pos < buffer.size(); pos = end) {
        end = replyEnd(buffer, pos);
        if (end < 0)
            return -1;
        last = pos;
    }
    if (last < 0)
        return -1;
    return isPingReply(QByteArrayView(buffer).sliced(last), sentinel) ? last : -1;
}

qsizetype pingReplyAnywhere(const QByteArray &buffer, const QByteArray &sentinel, qsizetype *end)
{
    for (qsizetype pos = 0; pos < buffer.size(); pos = *end) {
        *end = replyEnd(buffer, pos);
        if (*end < 0)
            return -1;
        if (isPingReply(QByteArrayView(buffer).sliced(pos, *end - pos), sentinel))
            return pos;
    }
    return -1;
}

} // namespace RespFrame
