#pragma once

#include "net/connection.h"
#include "net/server.h"

#include <QByteArray>
#include <QByteArrayView>

// Keyspace notifications (Redis's notify.c): commands call notify() next to each change they
// make, with the event's class and Redis's event name; when notify-keyspace-events enables
// that class, "__keyspace@<db>__:<key>" receives the event name and "__keyevent@<db>__:<event>"
// the key. With notifications off a call costs one test of the configured flags.
namespace KeyspaceEvents {

// Redis's NOTIFY_* classes; the configuration letter of each is in the comment.
enum : int {
    Keyspace = 1 << 0, // K
    Keyevent = 1 << 1, // E
    Generic = 1 << 2,  // g  DEL EXPIRE RENAME...
    String = 1 << 3,   // $
    List = 1 << 4,     // l
    Set = 1 << 5,      // s
    Hash = 1 << 6,     // h
    ZSet = 1 << 7,     // z
    Expired = 1 << 8,  // x
    Evicted = 1 << 9,  // e
    Stream = 1 << 10,  // t
    KeyMiss = 1 << 11, // m  (not part of A)
    Module = 1 << 13,  // d
    New = 1 << 14,     // n  (not part of A)
    All = Generic | String | List | Set | Hash | ZSet | Expired | Evicted | Stream | Module, // A
};

// Redis's keyspaceEventsStringToFlags: false for a character it does not know.
bool parse(QByteArrayView text, int *flags);
// Redis's keyspaceEventsFlagsToString, as CONFIG GET shows the setting ("KEA" -> "AKE").
QByteArray toString(int flags);
// Redis's CONFIG SET error for a string parse() refuses.
inline constexpr char InvalidError[] = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

// Publishes the event of class type about key in database db, if that class is enabled.
void notify(Server &server, int type, const char *event, QByteArrayView key, int db);
// The same for the client's current database. Inline: with notifications off, a write pays
// one test of the configured flags and no call.
inline void notify(Connection &c, int type, const char *event, QByteArrayView key)
{
    if (c.server().config().notifyKeyspaceEvents & type)
        notify(c.server(), type, event, key, c.dbIndex());
}
// Hooks every database of server, while notify-keyspace-events asks for "new" or "expired",
// so that keys created there and keys expiring there, lazily or actively, are notified as
// Redis's dbAdd and deleteExpiredKeyAndPropagate do; otherwise removes the hooks, so that a
// new key costs nothing. Called at start-up and after CONFIG SET.
void watchDatabases(Server &server);

} // namespace KeyspaceEvents
