#include "repr.h"

namespace Repr {

void appendQuoted(QByteArray &out, QByteArrayView s)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : s) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                out += c;
            } else {
                const char escape[4] = { '\\', 'x', hex[uchar(c) >> 4], hex[uchar(c) & 0xf] };
                out.append(escape, 4);
            }
        }
    }
    out += '"';
}

QByteArray quoted(QByteArrayView s)
{
    QByteArray out;
    appendQuoted(out, s);
    return out;
}

} // namespace Repr
