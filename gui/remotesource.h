#pragma once

#include "dashboardsource.h"
#include "protocol/reply.h"

#include <QHash>
#include <QTimer>

#include <vector>

/* Any Redis-protocol server on the network as the dashboard's source, polled on the event loop:
 * INFO everything (DashboardSource's poll), then every SnapshotIntervalMs CLIENT LIST, SLOWLOG
 * LEN/GET and CONFIG GET slowlog-*, with a second connection on MONITOR for the command log.
 * Both connections are named RespConnection::ClientName and left out of the clients and the
 * command log. A lost server is retried every second; connectionChanged says so.
 */
class RemoteSource final : public DashboardSource
{
    Q_OBJECT
public:
    static constexpr int SnapshotIntervalMs = 500;
    // MONITOR lines kept: as many as the server's own command log keeps (CommandLog::admit(),
    // MaxPerWindow per 100 ms of the lines' time), the rest counted as not shown.
    static constexpr int CommandWindowMs = 100;
    // At most this many wait for the next snapshot (the window keeps as many).
    static constexpr int MaxPendingCommands = 10000;
    static constexpr int MaxSlowLogRows = 1000;

    explicit RemoteSource(const RedisUrl &url, QObject *parent = nullptr);
    ~RemoteSource() override;

    void start() override;
    QString description() const override;

private:
    void infoArrived(const QByteArray &info) override;
    void poll();
    void monitorLine(const Reply &reply);
    void refreshOwnAddresses();
    void buildSnapshot(const QList<Reply> &replies, const Reply *slowLog);

    RespConnection *m_monitor;
    QTimer m_timer;
    QHash<QByteArray, QByteArray> m_info;
    // From the last CLIENT LIST: ids and names by address, for the command log.
    QHash<QByteArray, quint64> m_idByAddress;
    QHash<QByteArray, QByteArray> m_nameByAddress;
    std::vector<CommandLogEntry> m_commands;
    QList<QByteArray> m_ownAddresses; // of both connections, for the MONITOR lines
    quint64 m_dropped = 0;
    qint64 m_commandWindow = 0;
    int m_commandsInWindow = 0;
    quint64 m_sequence = 0;
    bool m_pollPending = false;
    qint64 m_slowLogLength = -1;
    qint64 m_slowLogNewest = -1;
};
