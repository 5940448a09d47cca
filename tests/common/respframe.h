#pragma once

#include <QByteArray>

// Test helpers shared by the tests that talk to real servers over sockets.
namespace RespFrame {

// End offset of the RESP2/RESP3 reply starting at pos, or -1 while it is incomplete.
qsizetype replyEnd(const QByteArray &buffer, qsizetype pos);
// The shape of a reply for nondeterministic values: type byte, plus the count of aggregates.
QByteArray shape(const QByteArray &reply);
// Printable form for failure messages: \r \n and non-ASCII escaped.
QByteArray escaped(const QByteArray &bytes);
// Decodes \r \n \t \xHH \\ escapes of the compat files' raw: lines.
QByteArray unescape(const QByteArray &text);
// Encodes arguments as a RESP multibulk request.
QByteArray request(const QList<QByteArray> &args);

} // namespace RespFrame
