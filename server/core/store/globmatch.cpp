#include "globmatch.h"

#include <cctype>

namespace {

char fold(char c, bool noCase)
{
    return noCase ? char(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Depth-limited like Redis, so a pathological pattern cannot exhaust the stack. skipLonger is
// Redis's skipLongerMatches: once the rest of the pattern after a '*' matched nowhere in the
// rest of the string, letting an earlier '*' swallow more cannot help, so every pending '*'
// gives up at once instead of backtracking exponentially ("*a*a*a...b" on "aaaa...").
bool match(const char *p, const char *pEnd, const char *s, const char *sEnd, bool noCase, int depth,
           bool *skipLonger)
{
    if (depth > 1000)
        return false;
    while (p < pEnd && s < sEnd) {
        switch (*p) {
        case '*':
            while (p + 1 < pEnd && p[1] == '*')
                ++p;
            if (p + 1 == pEnd)
                return true;
            for (; s < sEnd; ++s) {
                if (match(p + 1, pEnd, s, sEnd, noCase, depth + 1, skipLonger))
                    return true;
                if (*skipLonger)
                    return false;
            }
            *skipLonger = true;
            return false;
        case '?': ++s; break;
        case '[': {
            ++p;
            const bool negate = p < pEnd && *p == '^';
            if (negate)
                ++p;
            bool matched = false;
            for (;;) {
                if (p >= pEnd) {
                    --p; // an unterminated class ends the pattern, as in Redis
                    break;
                }
                if (*p == '\\' && p + 1 < pEnd) {
                    ++p;
                    if (*p == *s) // an escaped character is matched exactly, even with noCase
                        matched = true;
                } else if (*p == ']') {
                    break;
                } else if (p + 2 < pEnd && p[1] == '-') {
                    char start = p[0];
                    char end = p[2];
                    if (start > end) // swapped before folding, as Redis does
                        std::swap(start, end);
                    start = fold(start, noCase);
                    end = fold(end, noCase);
                    const char c = fold(*s, noCase);
                    if (c >= start && c <= end)
                        matched = true;
                    p += 2;
                } else if (fold(*p, noCase) == fold(*s, noCase)) {
                    matched = true;
                }
                ++p;
            }
            if (negate)
                matched = !matched;
            if (!matched)
                return false;
            ++s;
            break;
        }
        case '\\':
            if (p + 1 < pEnd)
                ++p;
            [[fallthrough]];
        default:
            if (fold(*p, noCase) != fold(*s, noCase))
                return false;
            ++s;
            break;
        }
        ++p;
    }
    while (p < pEnd && *p == '*')
        ++p;
    return p == pEnd && s == sEnd;
}

} // namespace

bool globMatch(QByteArrayView pattern, QByteArrayView string, bool noCase)
{
    bool skipLonger = false;
    return match(pattern.data(), pattern.data() + pattern.size(), string.data(),
                 string.data() + string.size(), noCase, 0, &skipLonger);
}
