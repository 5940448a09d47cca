#pragma once

#include "reply.h"

#include <QByteArray>

// Renders replies for people and scripts the way redis-cli does. No terminal or socket here:
// the caller decides which form suits its output and writes the bytes.
namespace ReplyFormatter {

// redis-cli on a terminal: "quoted" strings, (integer) 1, (nil), numbered nested lists,
// RESP3 maps as 1# "key" => value. Ends with a newline.
QByteArray toTty(const Reply &reply);
// redis-cli --raw (its default when stdout is not a terminal): bare values, aggregates one
// element per line, map pairs as "key value". No final newline: redis-cli adds one, except
// after commands such as INFO whose text carries its own.
QByteArray toRaw(const Reply &reply);
// One JSON value on one line, no final newline: strings (bytes that are not UTF-8 as \u00XX),
// numbers, true/false, null for nil, arrays, objects for maps, errors as {"error":"..."}.
QByteArray toJson(const Reply &reply);

} // namespace ReplyFormatter
