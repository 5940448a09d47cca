#pragma once

#include "respclient.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QList>

// The data set the persistence tests save and load (RDB and AOF alike), and the helpers that
// check it.
namespace PersistData {

// One request and its raw reply (30 s at most).
QByteArray call(RespClient &client, const QByteArrayList &args);
// Sends requests in one batch and reads every reply (pipelining keeps populating quick).
void pipeline(RespClient &client, const QList<QByteArrayList> &requests);
// The integer of an INFO field ("rdb_saves" in the persistence section by default), or -1.
qint64 infoField(RespClient &client, const QByteArray &name,
                 const QByteArray &section = "persistence");
// Every type in every encoding Redis 7.0 gives it with default limits, small and big (streams
// with groups, pending entries, deleted entries and trimmed nodes), with binary and empty
// values and expiries, spread over the 16 databases (26 keys in db 0, two in each other one),
// and a function library.
void populate(quint16 port);
// A deterministic text of every key of every database: name, TYPE, OBJECT ENCODING, the
// contents (unordered ones sorted) and the absolute expiry (PEXPIRETIME); then FUNCTION LIST
// WITHCODE.
QByteArray snapshot(quint16 port, int databases = 16);

} // namespace PersistData
