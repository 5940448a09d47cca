#include "replyformatter.h"

#include "repr.h"

#include <QByteArrayList>
#include <QLocale>

#include <cmath>

namespace ReplyFormatter {

namespace {

QByteArray hexByte(uchar c)
{
    static const char digits[] = "0123456789abcdef";
    const char pair[2] = { digits[c >> 4], digits[c & 0xf] };
    return QByteArray(pair, 2);
}

// Length of the well-formed UTF-8 sequence at p (no overlongs, surrogates or code points past
// U+10FFFF), or 0 when there is none.
int utf8Length(const char *p, qsizetype available)
{
    const uchar lead = uchar(p[0]);
    int length;
    uint codePoint;
    uint minimum;
    if (lead < 0x80)
        return 1;
    if ((lead & 0xe0) == 0xc0) {
        length = 2;
        codePoint = lead & 0x1f;
        minimum = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3;
        codePoint = lead & 0x0f;
        minimum = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4;
        codePoint = lead & 0x07;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (available < length)
        return 0;
    for (int i = 1; i < length; ++i) {
        if ((uchar(p[i]) & 0xc0) != 0x80)
            return 0;
        codePoint = (codePoint << 6) | (uchar(p[i]) & 0x3f);
    }
    if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))
        return 0;
    return length;
}

// Valid UTF-8 passes through. A byte that is not part of any becomes the code point of the
// same value (\u00XX), so the output is always valid JSON and no byte is silently dropped.
QByteArray jsonString(const QByteArray &s)
{
    QByteArray out;
    out.reserve(s.size() + 2);
    out += '"';
    const char *p = s.constData();
    for (qsizetype i = 0; i < s.size();) {
        const char c = p[i];
        const int length = utf8Length(p + i, s.size() - i);
        if (length > 1) {
            out.append(p + i, length);
            i += length;
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (uchar(c) < 0x20 || length == 0)
                out += "\\u00" + hexByte(uchar(c));
            else
                out += c;
        }
        ++i;
    }
    return out + '"';
}

QByteArray emptyAggregate(Reply::Type type)
{
    switch (type) {
    case Reply::Type::Map: return QByteArrayLiteral("(empty hash)\n");
    case Reply::Type::Set: return QByteArrayLiteral("(empty set)\n");
    case Reply::Type::Push: return QByteArrayLiteral("(empty push)\n");
    default: return QByteArrayLiteral("(empty array)\n");
    }
}

// Whether tty() writes more than one line for r: an aggregate of two or more entries, or of one
// that itself takes lines (a map's entry being its value).
bool takesLines(const Reply &r)
{
    if (!r.isAggregate() || r.elements.isEmpty())
        return false;
    const qsizetype entries = r.type == Reply::Type::Map ? 2 : 1;
    return r.elements.size() > entries || takesLines(r.elements.constLast());
}

// As redis-cli's cliFormatReplyTTY: prefix indents every line of an element but its first,
// which follows the index its parent already wrote.
QByteArray tty(const Reply &r, const QByteArray &prefix)
{
    switch (r.type) {
    case Reply::Type::Error: return "(error) " + r.string + '\n';
    case Reply::Type::Status: return r.string + '\n';
    case Reply::Type::Integer: return "(integer) " + QByteArray::number(r.integer) + '\n';
    case Reply::Type::Double: return "(double) " + r.string + '\n';
    case Reply::Type::BigNumber: return "(big number) " + r.string + '\n';
    case Reply::Type::Bulk: return Repr::quoted(r.string) + '\n';
    case Reply::Type::Verbatim: return r.string + '\n';
    case Reply::Type::Nil: return QByteArrayLiteral("(nil)\n");
    case Reply::Type::Boolean:
        return r.integer ? QByteArrayLiteral("(true)\n") : QByteArrayLiteral("(false)\n");
    case Reply::Type::Array:
    case Reply::Type::Map:
    case Reply::Type::Set:
    case Reply::Type::Push: break;
    }
    if (r.elements.isEmpty())
        return emptyAggregate(r.type);
    // Indexes are right-aligned to the widest; nested lines are indented past them.
    const bool map = r.type == Reply::Type::Map;
    const qsizetype count = map ? r.elements.size() / 2 : r.elements.size();
    const qsizetype width = QByteArray::number(count).size();
    const char separator = r.type == Reply::Type::Set ? '~' : map ? '#' : ')';
    const QByteArray nested = prefix + QByteArray(width + 2, ' ');
    QByteArray out;
    for (qsizetype i = 0; i < r.elements.size(); ++i) {
        if (i > 0)
            out += prefix;
        const qsizetype index = (map ? i / 2 : i) + 1;
        out += QByteArray::number(index).rightJustified(width, ' ') + separator + ' ';
        out += tty(r.elements.at(i), nested);
        if (map && i + 1 < r.elements.size()) {
            out.chop(1); // the key's newline: its value follows on the same line...
            out += " => ";
            const Reply &value = r.elements.at(++i);
            if (takesLines(value)) // ...unless it needs several: then its lines align
                out += '\n' + nested;
            out += tty(value, nested);
        }
    }
    return out;
}

} // namespace

QByteArray toTty(const Reply &reply)
{
    return tty(reply, QByteArray());
}

QByteArray toRaw(const Reply &r)
{
    switch (r.type) {
    case Reply::Type::Nil: return QByteArray();
    case Reply::Type::Error: return r.string + '\n';
    case Reply::Type::Integer: return QByteArray::number(r.integer);
    case Reply::Type::Boolean:
        return r.integer ? QByteArrayLiteral("(true)") : QByteArrayLiteral("(false)");
    case Reply::Type::Status:
    case Reply::Type::Bulk:
    case Reply::Type::Double:
    case Reply::Type::BigNumber:
    case Reply::Type::Verbatim: return r.string;
    case Reply::Type::Array:
    case Reply::Type::Map:
    case Reply::Type::Set:
    case Reply::Type::Push: break;
    }
    const qsizetype step = r.type == Reply::Type::Map ? 2 : 1;
    QByteArrayList lines;
    for (qsizetype i = 0; i < r.elements.size(); i += step) {
        QByteArray line = toRaw(r.elements.at(i));
        if (step == 2 && i + 1 < r.elements.size())
            line += ' ' + toRaw(r.elements.at(i + 1));
        lines.append(line);
    }
    return lines.join('\n');
}

QByteArray toJson(const Reply &r)
{
    switch (r.type) {
    case Reply::Type::Nil: return QByteArrayLiteral("null");
    case Reply::Type::Integer: return QByteArray::number(r.integer);
    case Reply::Type::BigNumber: return r.string; // digits: a JSON number of any size
    case Reply::Type::Boolean:
        return r.integer ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case Reply::Type::Double: {
        // JSON has no inf or nan: those stay strings.
        const double value = r.string.toDouble();
        return std::isfinite(value) ? QByteArray::number(value, 'g', QLocale::FloatingPointShortest)
                                    : jsonString(r.string);
    }
    case Reply::Type::Error: return "{\"error\":" + jsonString(r.string) + '}';
    case Reply::Type::Status:
    case Reply::Type::Bulk:
    case Reply::Type::Verbatim: return jsonString(r.string);
    case Reply::Type::Map: {
        // Object keys must be strings: other keys are written as redis-cli --raw shows them.
        QByteArrayList members;
        for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2) {
            const Reply &key = r.elements.at(i);
            const QByteArray name = key.isAggregate() ? toJson(key) : toRaw(key);
            members.append(jsonString(name) + ':' + toJson(r.elements.at(i + 1)));
        }
        return '{' + members.join(',') + '}';
    }
    case Reply::Type::Array:
    case Reply::Type::Set:
    case Reply::Type::Push: break;
    }
    QByteArrayList items;
    for (const Reply &element : r.elements)
        items.append(toJson(element));
    return '[' + items.join(',') + ']';
}

} // namespace ReplyFormatter
