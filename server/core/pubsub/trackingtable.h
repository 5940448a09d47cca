#pragma once

#include "store/watchedkeys.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

#include <map>
#include <optional>
#include <vector>

class Connection;
class Server;
struct Command;
struct ClientTracking;

// Client-side caching (Redis's tracking.c): the keys that tracking clients read, with the ids
// of those clients (one table for every database, as Redis keeps it), and the BCAST prefixes
// with their clients and the keys changed under them since the last broadcast.
//
// The databases tell it of every modified key through the same signal that WATCH uses
// (Keyspace::signalModified), and of every key that expired, while it has anything to
// invalidate: with no tracking client and no tracked key it is not called at all.
// Invalidations reach a RESP3 client as `>2 invalidate [keys]` pushes, a RESP2 client only
// through a redirect client subscribed to anything (a `__redis__:invalidate` message). A
// client's own invalidations caused by its command follow the command's (or EXEC's) reply;
// BCAST invalidations are sent once the current round of events is over, one push per prefix,
// as Redis sends them before it sleeps. Lives on the server thread.
class TrackingTable final : public KeyInvalidator
{
public:
    explicit TrackingTable(Server &server);
    TrackingTable(const TrackingTable &) = delete;
    TrackingTable &operator=(const TrackingTable &) = delete;

    // CLIENT TRACKING ON options, as the command parsed them.
    struct Options
    {
        quint64 redirect = 0;
        bool bcast = false;
        bool optin = false;
        bool optout = false;
        bool noloop = false;
        std::vector<QByteArray> prefixes;
    };
    // Redis's checkPrefixCollisionsOrReply: the error text (without "ERR ") when a new prefix
    // overlaps one of the client's or another new one, else an empty array.
    static QByteArray prefixCollision(const ClientTracking *current,
                                      const std::vector<QByteArray> &prefixes);
    // Redis's enableTracking (options already checked) and disableTracking.
    void enable(Connection &client, const Options &options);
    void disable(Connection &client);

    // The outermost command of client starts and ends: its own invalidations wait for its reply.
    // Inline: with nobody tracking, each is a test and a store.
    void beginCommand(Connection *client)
    {
        // Redis's processCommand checks the limit before each command while anyone tracks,
        // before the command counts as running: those invalidations precede its reply.
        if (m_clients > 0)
            enforceLimit();
        m_current = client;
    }
    void endCommand()
    {
        if (!m_pending.empty())
            sendPending();
        m_current = nullptr;
    }
    // After a read-only command of a client that remembersKeys(): its keys are tracked for it.
    void rememberKeys(Connection &client, const Command &command,
                      const std::vector<QByteArrayView> &argv);
    // FLUSHALL and FLUSHDB (Redis's trackingInvalidateKeysOnFlush): every tracking client gets
    // a null invalidation, and the table is emptied.
    void invalidateAll();
    // tracking-table-max-keys (Redis's trackingLimitUsedSlots): invalidates tracked keys until
    // the table is within the limit, with more effort each time it is found over it.
    void enforceLimit();

    // KeyInvalidator.
    void keyModified(QByteArrayView key, bool byCommand) override;

    // INFO.
    qsizetype clientCount() const { return m_clients; }
    qsizetype keyCount() const { return m_keys.size(); }
    quint64 itemCount() const { return m_items; }
    qsizetype prefixCount() const { return qsizetype(m_prefixes.size()); }

private:
    struct Broadcast
    {
        std::vector<Connection *> clients;
        std::map<QByteArray, quint64> keys; // changed key -> id of the client that changed it
    };

    void invalidate(QByteArrayView key, quint64 modifier);
    void sendPending();
    // Redis's sendTrackingMessage: value is the RESP of the keys (an array, or a null).
    void send(Connection &client, const QByteArray &value);
    void broadcast();
    // Hooks the databases while there is anything to invalidate, and unhooks them after.
    void updateHooks();

    Server &m_server;
    QHash<QByteArray, std::vector<quint64>> m_keys; // key -> ids of the clients that read it
    quint64 m_items = 0;                            // sum of the ids over every key
    std::map<QByteArray, Broadcast> m_prefixes;     // in byte order, as Redis's PrefixTable
    qsizetype m_clients = 0;
    Connection *m_current = nullptr;
    // The current client's own invalidations, sent after its reply (nullopt: a flush).
    std::vector<std::optional<QByteArray>> m_pending;
    bool m_hooked = false;
    bool m_broadcastScheduled = false;
    int m_limitEffort = 0; // Redis's timeout_counter
};
