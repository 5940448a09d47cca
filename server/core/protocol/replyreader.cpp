#include "replyreader.h"

#include "numbers.h"

#include <QtGlobal>

#include <cstring>
#include <limits>

namespace {

// Longer lengths cannot be real, and refusing them keeps the offset arithmetic from overflowing.
constexpr long long MaxLength = std::numeric_limits<qsizetype>::max() / 4;
// Aggregates grow as their elements arrive: a hostile count must not allocate up front.
constexpr long long MaxReserve = 1024;

bool isTypeByte(char c)
{
    return c != '\0' && std::strchr("+-:$_,#(=!*%~>|", c);
}

bool isBigNumber(QByteArrayView s)
{
    if (s.startsWith('-'))
        s = s.sliced(1);
    if (s.isEmpty())
        return false;
    for (const char c : s) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// The byte as hiredis names it in its error: "x" when printable, \xNN otherwise.
QByteArray describeByte(char c)
{
    if (c >= 0x20 && c < 0x7f)
        return '"' + QByteArray(1, c) + '"';
    return "\\x" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
}

} // namespace

ReplyReader::Step ReplyReader::fail(const QByteArray &text)
{
    m_error = "Protocol error, " + text;
    return Step::Error;
}

ReplyReader::Step ReplyReader::readElement(const QByteArray &buffer, qsizetype *pos, Reply *element,
                                           long long *count)
{
    const qsizetype start = *pos;
    const char type = buffer.at(start);
    // Checked before the line is complete, so a peer that is not speaking RESP fails at once.
    if (!isTypeByte(type))
        return fail("got " + describeByte(type) + " as reply type byte");
    const qsizetype lineEnd = buffer.indexOf("\r\n", start + 1);
    if (lineEnd < 0)
        return Step::NeedMore;
    const QByteArrayView line(buffer.constData() + start + 1, lineEnd - start - 1);
    const qsizetype next = lineEnd + 2;

    long long length = 0;
    switch (type) {
    case '+':
    case '-':
        element->type = type == '+' ? Reply::Type::Status : Reply::Type::Error;
        element->string = line.toByteArray();
        break;
    case ':':
        if (!Numbers::toLongLong(line, &element->integer))
            return fail("invalid integer: " + line.toByteArray());
        element->type = Reply::Type::Integer;
        break;
    case ',': {
        bool ok = false;
        line.toByteArray().toDouble(&ok); // also takes RESP3's inf, -inf and nan
        if (!ok)
            return fail("invalid double: " + line.toByteArray());
        element->type = Reply::Type::Double;
        element->string = line.toByteArray();
        break;
    }
    case '#':
        if (line != "t" && line != "f")
            return fail("invalid boolean: " + line.toByteArray());
        element->type = Reply::Type::Boolean;
        element->integer = line == "t";
        break;
    case '(':
        if (!isBigNumber(line))
            return fail("invalid big number: " + line.toByteArray());
        element->type = Reply::Type::BigNumber;
        element->string = line.toByteArray();
        break;
    case '_':
        if (!line.isEmpty())
            return fail("invalid null: " + line.toByteArray());
        element->type = Reply::Type::Nil;
        break;
    case '$':
    case '!':
    case '=': {
        if (!Numbers::toLongLong(line, &length) || length < -1 || length > MaxLength
            || (length == -1 && type != '$')) {
            return fail("invalid bulk length: " + line.toByteArray());
        }
        if (length == -1) {
            element->type = Reply::Type::Nil;
            break;
        }
        if (buffer.size() - next < length + 2)
            return Step::NeedMore;
        const char *data = buffer.constData() + next;
        if (data[length] != '\r' || data[length + 1] != '\n')
            return fail("bulk data not followed by CRLF");
        if (type == '=') {
            // "fmt:" comes first; only the text is shown.
            if (length < 4 || data[3] != ':')
                return fail("invalid verbatim string");
            element->type = Reply::Type::Verbatim;
            element->string = QByteArray(data + 4, qsizetype(length) - 4);
        } else {
            element->type = type == '$' ? Reply::Type::Bulk : Reply::Type::Error;
            element->string = QByteArray(data, qsizetype(length));
        }
        *pos = next + qsizetype(length) + 2;
        return Step::Value;
    }
    default: // aggregates: * % ~ > |
        if (!Numbers::toLongLong(line, &length) || length < -1 || length > MaxLength
            || (length == -1 && type != '*')) {
            return fail("invalid aggregate length: " + line.toByteArray());
        }
        *pos = next;
        if (length == -1) {
            element->type = Reply::Type::Nil;
            return Step::Value;
        }
        element->type = type == '~' ? Reply::Type::Set
                : type == '>'       ? Reply::Type::Push
                : type == '*'       ? Reply::Type::Array
                                    : Reply::Type::Map; // % and the attribute's |
        // Maps and attributes count pairs.
        *count = type == '%' || type == '|' ? 2 * length : length;
        return Step::Open;
    }
    *pos = next;
    return Step::Value;
}

ReplyReader::Status ReplyReader::parse(const QByteArray &buffer, qsizetype *pos, Reply *out)
{
    while (*pos < buffer.size()) {
        const bool attribute = buffer.at(*pos) == '|';
        Reply element;
        long long count = 0;
        switch (readElement(buffer, pos, &element, &count)) {
        case Step::NeedMore: return Status::NeedMore;
        case Step::Error: m_stack.clear(); return Status::Error;
        case Step::Value: break;
        case Step::Open:
            if (count > 0) {
                element.elements.reserve(qsizetype(qMin(count, MaxReserve)));
                m_stack.push_back({ std::move(element), count, attribute });
                continue;
            }
            if (attribute)
                continue; // an empty annotation: nothing to drop but itself
            break;
        }
        if (complete(std::move(element), out))
            return Status::Reply;
    }
    return Status::NeedMore;
}

bool ReplyReader::complete(Reply element, Reply *out)
{
    while (!m_stack.empty()) {
        Frame &top = m_stack.back();
        top.reply.elements.append(std::move(element));
        if (--top.remaining > 0)
            return false;
        const bool attribute = top.attribute;
        element = std::move(top.reply);
        m_stack.pop_back();
        if (attribute)
            return false; // the value it annotates comes next and takes its place
    }
    *out = std::move(element);
    return true;
}
