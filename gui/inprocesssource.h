#pragma once

#include "dashboardsource.h"

class DashboardBridge;

// The server of this process as the dashboard's source: snapshots, keys and values from its
// DashboardBridge (built on the server thread: a sampled command log, the server's own log
// lines, reads that touch no key, Pub/Sub counters and the watched channel's messages), INFO
// and actions over a loopback connection as for any server (see DashboardSource). A lost
// loopback connection reconnects with the password the server requires at that moment, not
// the one it started with (CONFIG SET requirepass).
class InProcessSource final : public DashboardSource
{
    Q_OBJECT
public:
    // The bridge is not owned and must outlive this; url is the server's loopback address,
    // with its password when it requires one.
    InProcessSource(DashboardBridge *bridge, const RedisUrl &url, QObject *parent = nullptr);

    QString description() const override;
    void requestKeys(int db, const QByteArray &pattern, quint64 cursor, int count) override;
    void requestValue(int db, const QByteArray &key, quint64 cursor, int count) override;
    void watchChannel(ChannelKind kind, const QByteArray &name) override;

private:
    void relay(ServerSnapshot snapshot);

    DashboardBridge *m_bridge;
};
