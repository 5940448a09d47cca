#include "blockedclients.h"

#include "commands/commandtable.h"
#include "connection.h"
#include "server.h"
#include "store/keyspace.h"

#include <QDateTime>

#include <algorithm>
#include <climits>

BlockedClients::BlockedClients(Server &server)
    : m_server(server)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &BlockedClients::expire);
}

void BlockedClients::block(Connection &client, BlockRequest request)
{
    // A key named twice is waited for once (Redis's blockForKeys).
    std::vector<QByteArray> keys;
    for (QByteArray &key : request.keys) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            keys.push_back(std::move(key));
    }
    request.keys = std::move(keys);
    Keyspace &db = client.db();
    for (const QByteArray &key : request.keys)
        db.blockingKeys().add(key, client.id());
    if (request.timeoutAt > 0) {
        m_timeouts.emplace(request.timeoutAt, client.id());
        armTimer();
    }
    m_requests.emplace(client.id(), std::move(request));
    client.setBlocked(true);
}

bool BlockedClients::isBlocked(const Connection &client) const
{
    return m_requests.find(client.id()) != m_requests.end();
}

BlockRequest BlockedClients::release(Connection &client)
{
    const auto it = m_requests.find(client.id());
    BlockRequest request = std::move(it->second);
    m_requests.erase(it);
    BlockingKeys &keys = client.db().blockingKeys();
    for (const QByteArray &key : request.keys)
        keys.remove(key, client.id());
    if (request.timeoutAt > 0) {
        auto [first, last] = m_timeouts.equal_range(request.timeoutAt);
        for (auto t = first; t != last; ++t) {
            if (t->second == client.id()) {
                m_timeouts.erase(t);
                break;
            }
        }
    }
    client.setBlocked(false);
    return request;
}

void BlockedClients::finish(Connection &client, const BlockRequest &request)
{
    client.finishBlockedCommand(request);
    m_server.scheduleFlush(&client);
    m_server.resumeLater(&client);
}

void BlockedClients::serveReadyKeys()
{
    // Serving can make more keys ready (BLMOVE pushes to its destination): loop until none.
    for (bool served = true; served;) {
        served = false;
        for (int i = 0; i < m_server.databaseCount(); ++i) {
            Keyspace &db = m_server.database(i);
            BlockingKeys *blocking = db.blockingKeysIfAny();
            if (!blocking || !blocking->hasReady())
                continue;
            served = true;
            for (const QByteArray &key : blocking->takeReady()) {
                const std::deque<quint64> *waiting = blocking->waiters(key);
                if (!waiting)
                    continue;
                const std::vector<quint64> ids(waiting->begin(), waiting->end());
                for (quint64 id : ids) {
                    KeyEntry *entry = db.find(key, QDateTime::currentMSecsSinceEpoch());
                    Connection *client = m_server.client(id);
                    const auto it = m_requests.find(id);
                    if (!client || it == m_requests.end())
                        continue;
                    if (it->second.wake) {
                        wake(*client, it->second, key, entry);
                        continue;
                    }
                    if (!entry || it->second.type != entry->type)
                        continue; // emptied by the last one served, or another type
                    const BlockRequest request = release(*client);
                    client->runBlocked(request,
                                       [&] { request.serve(*client, request, key, entry); });
                    finish(*client, request);
                }
            }
        }
    }
}

void BlockedClients::wake(Connection &client, const BlockRequest &request, QByteArrayView key,
                          KeyEntry *entry)
{
    bool served = false;
    client.runBlocked(request, [&] { served = request.wake(client, request, key, entry); });
    if (served)
        finish(client, release(client));
}

void BlockedClients::endWait(Connection &client, Reason reason)
{
    const BlockRequest request = release(client);
    client.runBlocked(request, [&] {
        if (reason == Reason::Timeout && request.timedOut)
            request.timedOut(client);
        else if (reason == Reason::Timeout)
            client.reply().nullArray();
        else
            client.reply().error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    });
    finish(client, request);
}

bool BlockedClients::unblock(Connection &client, Reason reason)
{
    const auto it = m_requests.find(client.id());
    if (it == m_requests.end())
        return false;
    Command *command = it->second.command;
    endWait(client, reason);
    // Redis 7.0's CLIENT UNBLOCK counts the command as failed even when it ends it as a timeout
    // would (a real timeout does not, see expire()); an error reply counts itself.
    if (reason == Reason::Timeout)
        ++command->failedCalls;
    return true;
}

void BlockedClients::forget(Connection &client)
{
    if (isBlocked(client))
        release(client);
}

void BlockedClients::expire()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    while (!m_timeouts.empty() && m_timeouts.begin()->first <= now) {
        Connection *client = m_server.client(m_timeouts.begin()->second);
        if (!client) { // cannot happen: forget() runs on disconnect; never loop on it
            m_timeouts.erase(m_timeouts.begin());
            continue;
        }
        endWait(*client, Reason::Timeout);
    }
    armTimer();
}

void BlockedClients::armTimer()
{
    if (m_timeouts.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = m_timeouts.begin()->first - QDateTime::currentMSecsSinceEpoch();
    m_timer.start(int(qBound<qint64>(0, wait, qint64(INT_MAX))));
}
