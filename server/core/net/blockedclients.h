#pragma once

#include "blockrequest.h"

#include <QObject>
#include <QTimer>

#include <map>
#include <unordered_map>

class Connection;
class Server;
struct KeyEntry;

// Every client blocked by a command (BLPOP, BZPOPMIN...), as Redis's blocked.c: the requests,
// the keys they wait on (in each database's BlockingKeys, first to block served first), and
// their timeouts on one timer armed for the earliest. After each command the server calls
// serveReady(): the clients waiting for keys that were added are served in order, as long as
// their key holds the type they wait for. A served or timed-out client's requests that arrived
// meanwhile are run after the current round. Lives on the server thread.
class BlockedClients final : public QObject
{
    Q_OBJECT
public:
    explicit BlockedClients(Server &server);

    // Blocks client (which must not be blocked) until served, timed out or unblocked.
    void block(Connection &client, BlockRequest request);
    bool isBlocked(const Connection &client) const;
    qsizetype count() const { return qsizetype(m_requests.size()); }
    // Clients with a timeout (INFO's clients_in_timeout_table).
    qsizetype timeoutCount() const { return qsizetype(m_timeouts.size()); }

    // Serves the clients waiting for keys that became ready; cheap when nobody is blocked.
    void serveReady()
    {
        if (!m_requests.empty())
            serveReadyKeys();
    }
    // CLIENT UNBLOCK: ends the wait as a timeout would (null reply), or with error's reply.
    // False if the client is not blocked.
    enum class Reason { Timeout, Error };
    bool unblock(Connection &client, Reason reason);
    // A blocked client disconnected: forget it without replying.
    void forget(Connection &client);

private:
    void serveReadyKeys();
    // Removes client's request from every registry and returns it.
    BlockRequest release(Connection &client);
    // The client's wait is over (its reply was written): accounts the command and resumes the
    // client's pending requests.
    void finish(Connection &client, const BlockRequest &request);
    // Offers a ready key to a request with a wake function, which may leave it waiting.
    void wake(Connection &client, const BlockRequest &request, QByteArrayView key, KeyEntry *entry);
    // Ends the wait without serving: a null reply (timeout) or CLIENT UNBLOCK's error.
    void endWait(Connection &client, Reason reason);
    void expire();
    void armTimer();

    Server &m_server;
    std::unordered_map<quint64, BlockRequest> m_requests; // by client id
    std::multimap<qint64, quint64> m_timeouts;            // timeoutAt -> client id
    QTimer m_timer;
};
