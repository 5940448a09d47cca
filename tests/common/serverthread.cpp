#include "serverthread.h"

#include "net/server.h"

#include <QObject>

ServerThread::ServerThread(ServerConfig config)
{
    config.port = 0;
    config.bind = QStringLiteral("127.0.0.1");
    m_thread.start();
    QObject context;
    context.moveToThread(&m_thread);
    QMetaObject::invokeMethod(
            &context,
            [this, config] {
                m_server = new Server(config);
                QString error;
                if (m_server->listen(&error))
                    m_port = m_server->port();
            },
            Qt::BlockingQueuedConnection);
    context.moveToThread(QThread::currentThread());
}

ServerThread::~ServerThread()
{
    run([this](Server &server) {
        Q_UNUSED(server);
        delete m_server;
        m_server = nullptr;
    });
    m_thread.quit();
    m_thread.wait();
}

void ServerThread::run(const std::function<void(Server &)> &fn)
{
    QObject context;
    context.moveToThread(&m_thread);
    QMetaObject::invokeMethod(
            &context, [this, &fn] { fn(*m_server); }, Qt::BlockingQueuedConnection);
}
