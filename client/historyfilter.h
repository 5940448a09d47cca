#pragma once

#include <QByteArrayList>

// Which typed lines must never reach the history file: those that carry a password. AUTH,
// HELLO ... AUTH, ACL SETUSER, CONFIG SET of requirepass/masterauth/masteruser, and MIGRATE's
// AUTH/AUTH2, also behind the REPL's repeat count ("3 AUTH ..."). Arguments as typed, split.
namespace HistoryFilter {

bool isSecret(const QByteArrayList &args);

} // namespace HistoryFilter
