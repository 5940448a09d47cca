#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace Repr {

// Redis's sdscatrepr, as redis-cli prints strings and MONITOR prints arguments: in double
// quotes, printable ASCII as is, \\ \" \n \r \t \a \b escaped, any other byte as \xhh.
void appendQuoted(QByteArray &out, QByteArrayView s);
QByteArray quoted(QByteArrayView s);

} // namespace Repr
