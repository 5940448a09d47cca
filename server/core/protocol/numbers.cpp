#include "numbers.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace Numbers {

bool toLongLong(QByteArrayView s, long long *value)
{
    const char *p = s.data();
    qsizetype len = s.size();
    if (len == 0 || len >= 21)
        return false;
    if (len == 1 && p[0] == '0') {
        *value = 0;
        return true;
    }
    bool negative = false;
    qsizetype i = 0;
    if (p[0] == '-') {
        negative = true;
        if (++i == len)
            return false;
    }
    if (p[i] < '1' || p[i] > '9')
        return false;
    unsigned long long v = static_cast<unsigned long long>(p[i++] - '0');
    for (; i < len; ++i) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        if (v > ULLONG_MAX / 10)
            return false;
        v *= 10;
        const unsigned long long digit = static_cast<unsigned long long>(p[i] - '0');
        if (v > ULLONG_MAX - digit)
            return false;
        v += digit;
    }
    if (negative) {
        if (v > static_cast<unsigned long long>(LLONG_MAX) + 1)
            return false;
        *value = static_cast<long long>(0 - v);
    } else {
        if (v > static_cast<unsigned long long>(LLONG_MAX))
            return false;
        *value = static_cast<long long>(v);
    }
    return true;
}

bool toLongDouble(QByteArrayView s, long double *value)
{
    // 5k is MAX_LONG_DOUBLE_CHARS in Redis: longer input is rejected outright.
    if (s.isEmpty() || s.size() >= 5 * 1024 || std::isspace(static_cast<unsigned char>(s[0])))
        return false;
    const QByteArray copy = s.toByteArray(); // strtold needs a terminator
    char *end = nullptr;
    errno = 0;
    const long double v = std::strtold(copy.constData(), &end);
    if (end != copy.constData() + copy.size() || std::isnan(v))
        return false;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO))
        return false;
    *value = v;
    return true;
}

QByteArray fromLongLong(long long value)
{
    char buf[24];
    const int n = std::snprintf(buf, sizeof buf, "%lld", value);
    return QByteArray(buf, n);
}

QByteArray fromLongDouble(long double value)
{
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("inf") : QByteArrayLiteral("-inf");
    char buf[5 * 1024 + 1];
    int n = std::snprintf(buf, sizeof buf, "%.17Lf", value);
    // Trim trailing zeroes and a trailing dot, as ld2string(LD_STR_HUMAN) does.
    if (std::memchr(buf, '.', static_cast<size_t>(n))) {
        while (n > 0 && buf[n - 1] == '0')
            --n;
        if (n > 0 && buf[n - 1] == '.')
            --n;
    }
    if (n == 2 && buf[0] == '-' && buf[1] == '0')
        return QByteArrayLiteral("0");
    return QByteArray(buf, n);
}

} // namespace Numbers
