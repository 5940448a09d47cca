#pragma once

#include <QtGlobal>

class Server;

// Redis's clientsCron for the limits: once a second it walks the clients and closes those idle
// for longer than `timeout` (clientsCronHandleTimeout: never subscribers, monitors, blocked
// clients or the AOF loader), and those whose unread output stayed over the soft output-buffer
// limit for too long while nothing new was queued for them (queuing checks it too). It also
// counts every client's memory again for maxmemory-clients, and evicts when they are over.
class ClientsCron
{
public:
    void run(Server &server, qint64 nowMs);

private:
    qint64 m_lastRunSecond = -1;
};
