#pragma once

#include "dashboardsource.h"
#include "observe/channelwatch.h"
#include "protocol/reply.h"

#include <QHash>
#include <QTimer>

/* Any Redis-protocol server on the network as the dashboard's source, polled on the event loop:
 * INFO everything (DashboardSource's poll), then every SnapshotIntervalMs CLIENT LIST, SLOWLOG
 * LEN/GET, CONFIG GET slowlog-* and PUBSUB CHANNELS / SHARDCHANNELS / NUMSUB / SHARDNUMSUB /
 * NUMPAT, with a second connection on MONITOR for the command log. Both connections are named
 * RespConnection::ClientName and left out of the clients and the command log. A lost server is
 * retried every second; connectionChanged says so.
 *
 * Messages per channel are counted from MONITOR's PUBLISH and SPUBLISH lines (every line, before
 * the command log's sampling; the watched channel's messages sampled by a ChannelWatch), not by
 * subscribing: a PSUBSCRIBE * connection would be a pattern subscriber of the watched server,
 * adding one to every PUBLISH's answer and to PUBSUB NUMPAT, and would never see SPUBLISH. The
 * price: messages the server publishes itself (keyspace notifications) are not counted, and
 * Redis has no command that lists patterns, only PUBSUB NUMPAT counts them.
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
    // Channels shown (and asked NUMSUB for); published counts kept for at most 4 times as many.
    static constexpr int MaxChannelRows = 2000;

    explicit RemoteSource(const RedisUrl &url, QObject *parent = nullptr);
    ~RemoteSource() override;

    void start() override;
    QString description() const override;
    void watchChannel(ChannelKind kind, const QByteArray &name) override;

private:
    void infoArrived(const QByteArray &info) override;
    void poll();
    void monitorLine(const Reply &reply);
    void refreshOwnAddresses();
    // Of a MONITOR line's command, a PUBLISH's or SPUBLISH's channel is counted and its
    // message offered to the watch.
    void countMessage(qint64 timeMs, QByteArrayView command);
    void buildSnapshot(const QList<Reply> &replies, const QList<Reply> &details, bool slowLog);
    void addChannels(ServerSnapshot *s, const QList<Reply> &replies, const QList<Reply> &details);

    RespConnection *m_monitor;
    QTimer m_timer;
    QHash<QByteArray, QByteArray> m_info;
    // From the last CLIENT LIST: ids and names by address, for the command log.
    QHash<QByteArray, quint64> m_idByAddress;
    QHash<QByteArray, QByteArray> m_nameByAddress;
    CommandLogBatch m_commands;
    QList<QByteArray> m_ownAddresses; // of both connections, for the MONITOR lines
    quint64 m_dropped = 0;
    qint64 m_commandWindow = 0;
    int m_commandsInWindow = 0;
    quint64 m_sequence = 0;
    bool m_pollPending = false;
    qint64 m_slowLogLength = -1;
    qint64 m_slowLogNewest = -1;
    // Messages seen per channel (index 1: shard channels) and in all since attaching.
    QHash<QByteArray, quint64> m_published[2];
    quint64 m_totalPublished = 0;
    ChannelWatch m_watch;
};
