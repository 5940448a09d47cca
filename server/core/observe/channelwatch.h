#pragma once

#include "serversnapshot.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

// The dashboard's watch on one channel, pattern or shard channel: the messages published to
// it, sampled under load as the command log is (at most MaxPerWindow per WindowMs of their
// time, the rest counted) and at most MaxPending waiting to be taken, each cut to
// MaxMessageBytes, so that memory stays bounded whatever the traffic. Used on the server thread
// (DashboardBridge, fed by the registry's tap) and on the window's (RemoteSource, fed by
// MONITOR's PUBLISH lines).
class ChannelWatch
{
public:
    static constexpr int WindowMs = 100;
    static constexpr int MaxPerWindow = 20;
    static constexpr int MaxPending = 2000;
    static constexpr qsizetype MaxMessageBytes = 1024;

    // An empty name watches nothing.
    void watch(ChannelKind kind, const QByteArray &name);
    bool isWatching() const { return !m_name.isEmpty(); }
    // Whether a message published to channel (a shard channel when shard) is the watch's.
    bool matches(QByteArrayView channel, bool shard) const;
    // Keeps the message if it matches and sampling admits it.
    void offer(qint64 timeMs, QByteArrayView channel, QByteArrayView message, bool shard);
    // The messages kept since the previous call, oldest first; *dropped gets those left out.
    QList<ChannelMessage> take(quint64 *dropped);

private:
    ChannelKind m_kind = ChannelKind::Channel;
    QByteArray m_name;
    QList<ChannelMessage> m_pending;
    quint64 m_dropped = 0;
    qint64 m_window = 0;
    int m_admitted = 0;
};
