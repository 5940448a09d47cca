#pragma once

#include <QByteArray>
#include <QByteArrayView>

class Connection;

// What CLIENT LIST / CLIENT INFO say about a client, and the client name rules.
namespace ClientInfo {

inline constexpr char InvalidNameError[]
        = "ERR Client names cannot contain spaces, newlines or special characters.";

bool isValidName(QByteArrayView name);
// CLIENT LIST's flags= letters of client, in Redis's order ("N" for none).
QByteArray flags(const Connection &client);
// One CLIENT LIST line (without the newline), fields in Redis 7.0's order. `caller` is the
// client running the command: its current arguments count in argv-mem.
QByteArray describe(const Connection &client, const Connection &caller);

} // namespace ClientInfo
