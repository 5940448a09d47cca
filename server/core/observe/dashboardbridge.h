#pragma once

#include "channelwatch.h"
#include "serversnapshot.h"

#include <QObject>
#include <QTimer>

class LogSink;
class Server;

// The in-process dashboard's view into the server. Lives on the server thread: builds a
// snapshot on a timer (never per command) and answers the window's reads of keys and values,
// which arrive as queued slot calls, without touching them (no access time, no hit or miss).
// Actions are not its business: the dashboard sends them as Redis commands (DashboardSource).
// While it exists the server's command log ring is filled.
class DashboardBridge final : public QObject
{
    Q_OBJECT
public:
    static constexpr int SnapshotIntervalMs = 200;
    static constexpr int MaxClientRows = 2000;
    static constexpr int MaxSlowLogRows = 1000;
    static constexpr int MaxChannelRows = 2000; // channels, patterns and shard channels
    // Bounds on one value page, whatever was asked: rows, bytes of one element (a longer one
    // is cut), bytes of the page (it ends early past them), bytes of a string shown.
    static constexpr int MaxValueRows = 5000;
    static constexpr qsizetype MaxElementBytes = 64 * 1024;
    static constexpr qsizetype MaxPageBytes = 4 * 1024 * 1024;
    static constexpr qsizetype MaxStringBytes = 1024 * 1024;

    // Neither is owned; both must outlive the bridge. logSink may be null.
    DashboardBridge(Server *server, const LogSink *logSink, QObject *parent = nullptr);
    ~DashboardBridge() override;

    ServerSnapshot buildSnapshot();

public slots:
    // Visits buckets from cursor until about `count` keys matching the glob are found.
    void requestKeys(int db, const QByteArray &pattern, quint64 cursor, int count);
    // One page of key's value from cursor (0: the first), about `count` elements: emits
    // valueReady, also for a missing key (its summary's type is "none"). Never touches the key
    // (no access time, no hit or miss), as a dashboard read should not.
    void requestValue(int db, const QByteArray &key, quint64 cursor, int count);
    // From now on snapshots carry the messages published to this channel, pattern or shard
    // channel (sampled, see ChannelWatch); an empty name stops watching.
    void watchChannel(ChannelKind kind, const QByteArray &name);
    // Emits passwordReady with the password the server requires now (CONFIG SET requirepass
    // changes it while the dashboard runs), for the dashboard's own connection to reconnect.
    void requestPassword();

signals:
    void snapshotReady(const ServerSnapshot &snapshot);
    void keysReady(const KeyPage &page);
    void valueReady(const ValuePage &page);
    void passwordReady(const QByteArray &password);

private:
    void tick();
    void addChannels(ServerSnapshot *s) const;

    Server *m_server;
    const LogSink *m_logSink;
    QTimer m_timer;
    quint64 m_lastCommand = 0;
    quint64 m_lastSkipped = 0;
    quint64 m_lastLogLine = 0;
    // What the last snapshot said of the slow log: its entries are sent again only when its
    // length or newest id moves (entries are only added at the front and dropped at the back).
    qsizetype m_slowLogLength = -1;
    quint64 m_slowLogNewest = 0;
    ChannelWatch m_watch;
};
