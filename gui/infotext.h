#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>

// The text of INFO: "# Section" lines, then "field:value" lines.
struct InfoField
{
    QByteArray section; // as written: "Server", "Keyspace"...
    QByteArray name;
    QByteArray value;
};

namespace InfoText {

// Every field in the server's order.
QList<InfoField> parse(const QByteArray &info);
// Field name to value (names are unique across INFO's sections).
QHash<QByteArray, QByteArray> fields(const QByteArray &info);
// One part of a compound value: part("keys=10,expires=2", "keys") is "10".
QByteArray part(const QByteArray &value, const QByteArray &name);

} // namespace InfoText
