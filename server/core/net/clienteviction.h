#pragma once

#include <QtGlobal>

#include <array>
#include <list>

class Connection;
class Server;

// Redis 7.0's client eviction (maxmemory-clients): the memory of all clients together is kept
// current as each one reads, runs a command, writes, and once a second from the clients cron
// (never by walking every client per command); when it reaches the limit the clients using the
// most are closed first, until it is below again.
//
// Clients sit in buckets by the power of two of their memory (Redis's client_mem_usage_buckets:
// everything under 32 KB in the first, 8 GB and more in the last), in the order they entered
// each, so eviction takes the biggest first without sorting anyone.
//
// Only while maxmemory-clients is set does any of this run: otherwise a command pays one test of
// isOn(). Clients without a socket (the AOF loader, the script client) are never counted; those
// with CLIENT NO-EVICT on count towards the total but are never closed, as in Redis.
class ClientEviction
{
public:
    // A client's record: its memory as last counted, and its place in a bucket.
    struct Slot
    {
        qint64 memory = 0;
        bool counted = false;
        int bucket = -1; // -1: in none (not counted, or not to be evicted)
        std::list<Connection *>::iterator node;
    };

    explicit ClientEviction(Server &server);
    ClientEviction(const ClientEviction &) = delete;
    ClientEviction &operator=(const ClientEviction &) = delete;

    bool isOn() const { return m_limit > 0; }
    // maxmemory-clients or maxmemory changed: the limit is worked out again; turning it on
    // counts every client once, turning it off forgets them all. A lower limit closes clients
    // after the current round, as Redis does before it sleeps.
    void configChanged();

    // Redis's updateClientMemUsage: counts the client's memory now (Connection::memoryUsage,
    // plus argumentBytes of a command about to run, as Redis's argv_len_sum) and moves it to
    // the bucket of that size.
    void update(Connection &client, qint64 argumentBytes = 0);
    // The client is going: what it was counted for leaves the total.
    void forget(Connection &client);
    // Redis's evictClients, when the total is at or over the limit: one comparison otherwise.
    // The client running it may be among those closed.
    void evictIfNeeded()
    {
        if (m_limit > 0 && m_total >= m_limit)
            evict();
    }

    // Redis's getClientEvictionLimit: maxmemory-clients in bytes, or its percentage of
    // maxmemory (none while maxmemory is 0), never under 128 KB; 0 when off.
    static qint64 limitFor(long long maxmemoryClients, long long maxmemory);
    // INFO's evicted_clients.
    quint64 evictedClients() const { return m_evicted; }
    void resetStats() { m_evicted = 0; }

private:
    // Redis's CLIENT_MEM_USAGE_BUCKET_MIN_LOG and MAX_LOG: 32 KB to 8 GB.
    static constexpr int MinLog = 15;
    static constexpr int MaxLog = 33;
    static constexpr int BucketCount = MaxLog - MinLog + 1;
    static int bucketOf(qint64 memory);
    void evict();

    Server &m_server;
    std::array<std::list<Connection *>, BucketCount> m_buckets;
    qint64 m_total = 0;
    qint64 m_limit = 0;
    quint64 m_evicted = 0;
    bool m_evictScheduled = false;
};
