#include "clientscron.h"

#include "connection.h"
#include "observe/logsink.h"
#include "server.h"

#include <vector>

void ClientsCron::run(Server &server, qint64 nowMs)
{
    const qint64 second = nowMs / 1000;
    if (second == m_lastRunSecond)
        return;
    m_lastRunSecond = second;
    // Closing a client changes the map: pick them first.
    std::vector<Connection *> idle;
    std::vector<Connection *> overLimit;
    ClientEviction &eviction = server.clientEviction();
    for (const auto &[id, client] : server.clients()) {
        // Output that left without an event of this client (written from the flush of another
        // round) is counted again here at the latest, as Redis's clientsCron does.
        if (eviction.isOn())
            eviction.update(*client);
        if (client->isIdleTimedOut(nowMs))
            idle.push_back(client);
        else if (client->outputListBytes() > 0)
            overLimit.push_back(client);
    }
    for (Connection *client : idle) {
        qCDebug(lcClients).noquote() << "Closing idle client" << client->id();
        client->closeNow("idle timeout");
    }
    for (Connection *client : overLimit)
        client->closeIfOverOutputLimit(false);
    eviction.evictIfNeeded();
}
