#include "replyreader.h"

#include "numbers.h"

#include <cstring>

ReplyReader::Scalar ReplyReader::parseOne(const QByteArray &buffer, qsizetype *pos, Reply *out,
                                          qsizetype *children)
{
    const char *base = buffer.constData();
    const qsizetype size = buffer.size();
    const char *cr = static_cast<const char *>(std::memchr(base + *pos, '\r', size_t(size - *pos)));
    if (!cr || cr - base + 1 >= size)
        return Scalar::NeedMore;
    const qsizetype lineEnd = cr - base;
    const char type = base[*pos];
    const QByteArrayView line(base + *pos + 1, lineEnd - *pos - 1);
    qsizetype next = lineEnd + 2;
    *children = -1;

    long long number = 0;
    auto needNumber = [&]() {
        if (Numbers::toLongLong(line, &number))
            return true;
        m_error = "invalid length or integer: " + line.toByteArray();
        return false;
    };
    switch (type) {
    case '+': out->type = Reply::Type::Status; out->string = line.toByteArray(); break;
    case '-': out->type = Reply::Type::Error; out->string = line.toByteArray(); break;
    case ',': out->type = Reply::Type::Double; out->string = line.toByteArray(); break;
    case '(': out->type = Reply::Type::BigNumber; out->string = line.toByteArray(); break;
    case '_': out->type = Reply::Type::Nil; break;
    case '#':
        out->type = Reply::Type::Boolean;
        out->integer = line == "t" ? 1 : 0;
        break;
    case ':':
        if (!needNumber())
            return Scalar::Error;
        out->type = Reply::Type::Integer;
        out->integer = number;
        break;
    case '$':
    case '=':
    case '!': {
        if (!needNumber())
            return Scalar::Error;
        if (number < 0) {
            out->type = Reply::Type::Nil;
            break;
        }
        if (size - next < number + 2)
            return Scalar::NeedMore;
        QByteArray data(base + next, qsizetype(number));
        next += number + 2;
        if (type == '=') {
            out->type = Reply::Type::Verbatim;
            out->string = data.size() >= 4 ? data.mid(4) : data; // drop "txt:"
        } else {
            out->type = type == '!' ? Reply::Type::Error : Reply::Type::Bulk;
            out->string = std::move(data);
        }
        break;
    }
    case '*':
    case '%':
    case '~':
    case '>':
    case '|':
        if (!needNumber())
            return Scalar::Error;
        if (number < 0) {
            out->type = Reply::Type::Nil;
            break;
        }
        out->type = type == '%' ? Reply::Type::Map
                : type == '~'   ? Reply::Type::Set
                : type == '>'   ? Reply::Type::Push
                                : Reply::Type::Array;
        // Maps and attributes count pairs.
        *children = (type == '%' || type == '|') ? 2 * qsizetype(number) : qsizetype(number);
        if (type == '|')
            out->type = Reply::Type::Map;
        break;
    default:
        m_error = QByteArrayLiteral("unexpected reply type byte: ") + type;
        return Scalar::Error;
    }
    *pos = next;
    return Scalar::Done;
}

ReplyReader::Status ReplyReader::parse(const QByteArray &buffer, qsizetype *pos, Reply *out)
{
    while (*pos < buffer.size()) {
        Reply reply;
        qsizetype children = -1;
        const Scalar result = parseOne(buffer, pos, &reply, &children);
        if (result == Scalar::NeedMore)
            return Status::NeedMore;
        if (result == Scalar::Error) {
            m_stack.clear();
            return Status::Error;
        }
        if (children > 0) {
            reply.elements.reserve(qMin<qsizetype>(children, 4096));
            m_stack.push_back({ std::move(reply), children });
            continue;
        }
        // A complete value: attach it to its parent, closing every parent it completes.
        while (!m_stack.empty()) {
            Frame &top = m_stack.back();
            top.reply.elements.append(std::move(reply));
            if (--top.remaining > 0)
                break;
            reply = std::move(top.reply);
            m_stack.pop_back();
        }
        if (m_stack.empty()) {
            *out = std::move(reply);
            return Status::Reply;
        }
    }
    return Status::NeedMore;
}
