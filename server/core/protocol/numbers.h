#pragma once

#include <QByteArray>
#include <QByteArrayView>

// Number conversions with Redis's exact acceptance rules (util.c): the request parser and the
// commands must agree on what "an integer" is, so both use these.
namespace Numbers {

// Strict decimal: no sign '+', no leading zeros, no spaces, at most 20 characters.
bool toLongLong(QByteArrayView s, long long *value);
// As Redis's string2ld/strtold: accepts what strtold does with no trailing garbage,
// no leading space, not NaN.
bool toLongDouble(QByteArrayView s, long double *value);
QByteArray fromLongLong(long long value);
// Redis's "%.17Lg"-then-trim formatting used by INCRBYFLOAT and friends.
QByteArray fromLongDouble(long double value);

} // namespace Numbers
