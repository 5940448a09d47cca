#include "replyformatter.h"

#include <QStringBuilder>

#include <cstdio>

namespace ReplyFormatter {

namespace {

// redis-cli's sdscatrepr: printable bytes as is, the rest escaped, in double quotes.
QByteArray quoted(const QByteArray &s)
{
    QByteArray out = "\"";
    for (char c : s) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        default:
            if (uchar(c) >= 32 && uchar(c) < 127) {
                out += c;
            } else {
                char hex[5];
                std::snprintf(hex, sizeof hex, "\\x%02x", uchar(c));
                out += hex;
            }
        }
    }
    return out + '"';
}

QByteArray tty(const Reply &r, const QByteArray &prefix)
{
    switch (r.type) {
    case Reply::Type::Error: return "(error) " + r.string + '\n';
    case Reply::Type::Status: return r.string + '\n';
    case Reply::Type::Integer: return "(integer) " + QByteArray::number(r.integer) + '\n';
    case Reply::Type::Double: return "(double) " + r.string + '\n';
    case Reply::Type::BigNumber: return "(big number) " + r.string + '\n';
    case Reply::Type::Bulk: return quoted(r.string) + '\n';
    case Reply::Type::Verbatim: return r.string + '\n';
    case Reply::Type::Nil: return QByteArrayLiteral("(nil)\n");
    case Reply::Type::Boolean: return r.integer ? QByteArrayLiteral("(true)\n") : QByteArrayLiteral("(false)\n");
    case Reply::Type::Array:
    case Reply::Type::Map:
    case Reply::Type::Set:
    case Reply::Type::Push: break;
    }
    const bool map = r.type == Reply::Type::Map;
    if (r.elements.isEmpty()) {
        return map ? QByteArrayLiteral("(empty hash)\n")
                : r.type == Reply::Type::Set ? QByteArrayLiteral("(empty set)\n")
                : r.type == Reply::Type::Push ? QByteArrayLiteral("(empty push)\n")
                                              : QByteArrayLiteral("(empty array)\n");
    }
    // Indexes are right-aligned to the widest; nested lines are indented past them.
    const qsizetype count = map ? r.elements.size() / 2 : r.elements.size();
    const int width = int(QByteArray::number(count).size());
    const char separator = r.type == Reply::Type::Set ? '~' : map ? '#' : ')';
    const QByteArray nested = prefix + QByteArray(width + 2, ' ');
    QByteArray out;
    for (qsizetype i = 0; i < r.elements.size(); ++i) {
        const qsizetype index = (map ? i / 2 : i) + 1;
        if (i > 0)
            out += prefix;
        out += QByteArray::number(index).rightJustified(width, ' ') + separator + ' ';
        out += tty(r.elements.at(i), nested);
        if (map) {
            out.chop(1);
            out += " => " + tty(r.elements.at(++i), nested);
        }
    }
    return out;
}

QByteArray raw(const Reply &r)
{
    switch (r.type) {
    case Reply::Type::Nil: return QByteArray();
    case Reply::Type::Integer: return QByteArray::number(r.integer);
    case Reply::Type::Boolean: return r.integer ? QByteArrayLiteral("(true)") : QByteArrayLiteral("(false)");
    case Reply::Type::Array:
    case Reply::Type::Map:
    case Reply::Type::Set:
    case Reply::Type::Push: {
        QByteArrayList parts;
        for (const Reply &element : r.elements)
            parts.append(raw(element));
        return parts.join('\n');
    }
    default: return r.string;
    }
}

QByteArray jsonString(const QByteArray &s)
{
    // Valid UTF-8 passes through; other bytes become \u00XX so the output stays valid JSON.
    const QString text = QString::fromUtf8(s);
    const bool validUtf8 = text.toUtf8() == s;
    QByteArray out = "\"";
    auto escape = [&out](uint c) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
    };
    for (char c : s) {
        const uchar u = uchar(c);
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (u < 0x20 || (!validUtf8 && u >= 0x80)) escape(u);
        else out += c;
    }
    return out + '"';
}

} // namespace

QByteArray toTty(const Reply &reply)
{
    return tty(reply, QByteArray());
}

QByteArray toRaw(const Reply &reply)
{
    return raw(reply) + '\n';
}

QByteArray toJson(const Reply &r)
{
    switch (r.type) {
    case Reply::Type::Nil: return QByteArrayLiteral("null");
    case Reply::Type::Integer: return QByteArray::number(r.integer);
    case Reply::Type::Boolean: return r.integer ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case Reply::Type::Double:
    case Reply::Type::BigNumber: {
        bool ok = false;
        r.string.toDouble(&ok);
        return ok ? r.string : jsonString(r.string);
    }
    case Reply::Type::Error: return "{\"error\":" + jsonString(r.string) + '}';
    case Reply::Type::Map: {
        QByteArrayList pairs;
        for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2) {
            const Reply &key = r.elements.at(i);
            const QByteArray name = key.isAggregate() ? toJson(key) : raw(key);
            pairs.append(jsonString(name) + ':' + toJson(r.elements.at(i + 1)));
        }
        return '{' + pairs.join(',') + '}';
    }
    case Reply::Type::Array:
    case Reply::Type::Set:
    case Reply::Type::Push: {
        QByteArrayList items;
        for (const Reply &element : r.elements)
            items.append(toJson(element));
        return '[' + items.join(',') + ']';
    }
    default: return jsonString(r.string);
    }
}

} // namespace ReplyFormatter
