#pragma once

#include "reply.h"

#include <QByteArray>

// Renders replies for people and scripts, as redis-cli does.
namespace ReplyFormatter {

// redis-cli on a terminal: "value" quoted, (integer) 1, (nil), numbered nested lists.
QByteArray toTty(const Reply &reply);
// redis-cli when stdout is not a terminal (--raw): bare values one per line.
QByteArray toRaw(const Reply &reply);
// One JSON value: strings, numbers, null, arrays, objects for maps, {"error": "..."}.
QByteArray toJson(const Reply &reply);

} // namespace ReplyFormatter
