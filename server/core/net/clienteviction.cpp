#include "clienteviction.h"

#include "commands/clientinfo.h"
#include "connection.h"
#include "observe/logsink.h"
#include "server.h"

#include <QtAlgorithms>

ClientEviction::ClientEviction(Server &server)
    : m_server(server)
{ }

qint64 ClientEviction::limitFor(long long maxmemoryClients, long long maxmemory)
{
    qint64 limit = 0;
    if (maxmemoryClients < 0 && maxmemory > 0)
        limit = qint64(double(maxmemory) * double(-maxmemoryClients) / 100);
    else if (maxmemoryClients > 0)
        limit = maxmemoryClients;
    else
        return 0;
    // A limit so small that no client could even talk to the server is taken as 128 KB.
    return qMax<qint64>(limit, 128 * 1024);
}

void ClientEviction::configChanged()
{
    const bool wasOn = isOn();
    const ServerConfig &config = m_server.config();
    m_limit = limitFor(config.maxmemoryClients, config.maxmemory);
    if (isOn() && !wasOn) {
        for (const auto &[id, client] : m_server.clients())
            update(*client);
    } else if (!isOn() && wasOn) {
        for (const auto &[id, client] : m_server.clients())
            forget(*client);
    }
    // Not from inside CONFIG SET: the client running it may be the one to go.
    if (isOn() && m_total >= m_limit && !m_evictScheduled) {
        m_evictScheduled = true;
        QMetaObject::invokeMethod(
                &m_server,
                [this] {
                    m_evictScheduled = false;
                    evictIfNeeded();
                },
                Qt::QueuedConnection);
    }
}

int ClientEviction::bucketOf(qint64 memory)
{
    const int bits = memory > 0 ? 64 - qCountLeadingZeroBits(quint64(memory)) : 0;
    return qBound(MinLog, bits, MaxLog) - MinLog;
}

void ClientEviction::update(Connection &client, qint64 argumentBytes)
{
    if (client.fd() < 0 || client.isClosed())
        return;
    Slot &slot = client.evictionSlot();
    const qint64 memory = client.memoryUsage() + argumentBytes;
    m_total += memory - (slot.counted ? slot.memory : 0);
    slot.memory = memory;
    slot.counted = true;
    const int bucket = client.isNoEvict() ? -1 : bucketOf(memory);
    if (bucket == slot.bucket)
        return;
    if (slot.bucket >= 0)
        m_buckets[size_t(slot.bucket)].erase(slot.node);
    slot.bucket = bucket;
    if (bucket >= 0) {
        std::list<Connection *> &clients = m_buckets[size_t(bucket)];
        slot.node = clients.insert(clients.end(), &client);
    }
}

void ClientEviction::forget(Connection &client)
{
    Slot &slot = client.evictionSlot();
    if (slot.counted)
        m_total -= slot.memory;
    if (slot.bucket >= 0)
        m_buckets[size_t(slot.bucket)].erase(slot.node);
    slot = Slot();
}

void ClientEviction::evict()
{
    for (int bucket = BucketCount - 1; bucket >= 0 && m_total >= m_limit; --bucket) {
        std::list<Connection *> &clients = m_buckets[size_t(bucket)];
        for (auto it = clients.begin(); it != clients.end() && m_total >= m_limit;) {
            Connection *client = *it++; // closing it takes its node out of the list
            // A client whose own command is running (a script letting others in) stays.
            if (client->isInCommand())
                continue;
            qCInfo(lcClients).noquote()
                    << "Evicting client:"
                    << QString::fromLatin1(ClientInfo::describe(*client, *client));
            ++m_evicted;
            ++m_server.stats().clientsClosedByLimits;
            client->closeNow("evicted by maxmemory-clients");
        }
    }
    if (m_total >= m_limit)
        qCWarning(lcClients) << "Over client maxmemory after evicting all evictable clients";
}
