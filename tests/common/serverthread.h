#pragma once

#include "config/serverconfig.h"

#include <QThread>

#include <functional>

class Server;

// An in-process qkv server on its own thread, so a test can use blocking client sockets.
class ServerThread
{
public:
    explicit ServerThread(ServerConfig config = {});
    ~ServerThread();
    quint16 port() const { return m_port; }
    // Runs fn on the server thread and waits for it.
    void run(const std::function<void(Server &)> &fn);

private:
    QThread m_thread;
    Server *m_server = nullptr;
    quint16 m_port = 0;
};
