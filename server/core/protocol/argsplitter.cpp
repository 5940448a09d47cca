#include "argsplitter.h"

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

bool splitInlineArgs(QByteArrayView line, QList<QByteArray> *args)
{
    // Redis works on a C string: an embedded NUL ends the line.
    const qsizetype nul = line.indexOf('\0');
    if (nul >= 0)
        line = line.first(nul);
    const char *p = line.data();
    const char *end = p + line.size();
    auto at = [end](const char *q) { return q < end ? *q : '\0'; };

    args->clear();
    for (;;) {
        while (p < end && isSpace(*p))
            ++p;
        if (p >= end)
            return true;
        bool inDouble = false;
        bool inSingle = false;
        QByteArray current;
        for (bool done = false; !done;) {
            const char c = at(p);
            if (inDouble) {
                if (c == '\\' && at(p + 1) == 'x' && hexValue(at(p + 2)) >= 0
                    && hexValue(at(p + 3)) >= 0) {
                    current += char(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
                    p += 3;
                } else if (c == '\\' && at(p + 1)) {
                    ++p;
                    switch (*p) {
                    case 'n': current += '\n'; break;
                    case 'r': current += '\r'; break;
                    case 't': current += '\t'; break;
                    case 'b': current += '\b'; break;
                    case 'a': current += '\a'; break;
                    default: current += *p; break;
                    }
                } else if (c == '"') {
                    if (at(p + 1) && !isSpace(at(p + 1)))
                        return false;
                    done = true;
                } else if (!c) {
                    return false;
                } else {
                    current += c;
                }
            } else if (inSingle) {
                if (c == '\\' && at(p + 1) == '\'') {
                    ++p;
                    current += '\'';
                } else if (c == '\'') {
                    if (at(p + 1) && !isSpace(at(p + 1)))
                        return false;
                    done = true;
                } else if (!c) {
                    return false;
                } else {
                    current += c;
                }
            } else {
                switch (c) {
                case ' ':
                case '\n':
                case '\r':
                case '\t':
                case '\0': done = true; break;
                case '"': inDouble = true; break;
                case '\'': inSingle = true; break;
                default: current += c; break;
                }
            }
            if (p < end)
                ++p;
        }
        args->append(current);
    }
}
