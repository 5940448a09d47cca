#include "inprocesssource.h"

#include "observe/dashboardbridge.h"
#include "respconnection.h"

InProcessSource::InProcessSource(DashboardBridge *bridge, const RedisUrl &url, QObject *parent)
    : DashboardSource(url, parent)
    , m_bridge(bridge)
{
    // Queued even when both live on one thread (tests): answers always arrive later than the
    // request, as they do across threads.
    connect(bridge, &DashboardBridge::snapshotReady, this, &InProcessSource::relay,
            Qt::QueuedConnection);
    connect(bridge, &DashboardBridge::keysReady, this, &DashboardSource::keysReady,
            Qt::QueuedConnection);
    connect(bridge, &DashboardBridge::valueReady, this, &DashboardSource::valueReady,
            Qt::QueuedConnection);
    // Asked at every loss: the answer is there before the retry (RespConnection waits a
    // second), so the next AUTH uses the password in force.
    connect(
            bridge, &DashboardBridge::passwordReady, this,
            [this](const QByteArray &password) { connection()->setPassword(password); },
            Qt::QueuedConnection);
    connect(connection(), &RespConnection::lost, this, [this] {
        QMetaObject::invokeMethod(m_bridge, &DashboardBridge::requestPassword,
                                  Qt::QueuedConnection);
    });
}

void InProcessSource::watchChannel(ChannelKind kind, const QByteArray &name)
{
    QMetaObject::invokeMethod(
            m_bridge, [=, bridge = m_bridge] { bridge->watchChannel(kind, name); },
            Qt::QueuedConnection);
}

void InProcessSource::requestKeys(int db, const QByteArray &pattern, quint64 cursor, int count)
{
    QMetaObject::invokeMethod(
            m_bridge, [=, bridge = m_bridge] { bridge->requestKeys(db, pattern, cursor, count); },
            Qt::QueuedConnection);
}

void InProcessSource::requestValue(int db, const QByteArray &key, quint64 cursor, int count)
{
    QMetaObject::invokeMethod(
            m_bridge, [=, bridge = m_bridge] { bridge->requestValue(db, key, cursor, count); },
            Qt::QueuedConnection);
}

QString InProcessSource::description() const
{
    return tr("qkv-server in this process, on %1").arg(url().hostAndPort());
}

void InProcessSource::relay(ServerSnapshot snapshot)
{
    dropOwnConnections(&snapshot, connection()->ownAddresses());
    emit snapshotReady(snapshot);
}
