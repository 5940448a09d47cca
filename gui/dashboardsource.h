#pragma once

#include "observe/serversnapshot.h"
#include "redisurl.h"

#include <QObject>
#include <QPair>

class RespConnection;

// One key of a memory sample (see DashboardSource::sampleMemory).
struct KeySample
{
    QByteArray key;
    QByteArray type;
    qint64 bytes = 0; // MEMORY USAGE; -1 when the server does not answer it
};

// One spike of LATENCY HISTORY.
struct LatencySample
{
    qint64 time = 0; // unix time
    qint64 ms = 0;
};

// One row of LATENCY LATEST: the latest and worst spike of an event the latency monitor saw,
// with the event's LATENCY HISTORY (oldest first).
struct LatencyEvent
{
    QByteArray name; // "command", "fast-command", "expire-cycle"...
    qint64 time = 0; // unix time of the latest spike
    qint64 latestMs = 0;
    qint64 maxMs = 0;
    QList<LatencySample> history;
};

/* What the dashboard window is fed by: snapshots of a server, the keys browser's and value
 * viewer's pages, INFO and CONFIG for the server views, and the results of actions. The window
 * only talks to this class, so it never knows whether the server runs in this process
 * (InProcessSource) or anywhere on the network (RemoteSource).
 *
 * Whatever the subclass, every action goes through Redis commands on one connection named
 * RespConnection::ClientName (CLIENT KILL ID, UNLINK, EXPIRE, PERSIST, HSET..., FLUSHALL,
 * CONFIG SET, SLOWLOG RESET, BGSAVE), and so does INFO: there is one code path for them.
 * Keys and values are read with Redis commands too (KeyReader) unless the subclass can read
 * them without touching them. Subclasses say where snapshots come from; both leave the
 * dashboard's own connections out of them (dropOwnConnections()).
 */
class DashboardSource : public QObject
{
    Q_OBJECT
public:
    using ConfigList = QList<QPair<QByteArray, QByteArray>>;
    // INFO everything is asked for this often, for the server views.
    static constexpr int InfoIntervalMs = 1000;

    ~DashboardSource() override;

    // Connects; snapshots and answers follow. Until start() nothing is sent.
    virtual void start();
    // "redis://host:port" or "qkv-server in this process, on ..."; never a password.
    virtual QString description() const = 0;
    const RedisUrl &url() const { return m_url; }
    bool isConnected() const;

public slots:
    void killClient(quint64 id);
    // Reads go through Redis commands (KeyReader) unless a subclass has a better way.
    virtual void requestKeys(int db, const QByteArray &pattern, quint64 cursor, int count);
    void deleteKey(int db, const QByteArray &key);
    // seconds < 0 removes the expiry (PERSIST).
    void setTtl(int db, const QByteArray &key, qint64 seconds);
    virtual void requestValue(int db, const QByteArray &key, quint64 cursor, int count);
    // Carries out edit with the command its Op names (see ValueEdit): keyChanged when done,
    // editFailed with the server's error text when not. A list element is changed or removed
    // only while it is still the one shown (WATCH, then MULTI/EXEC).
    void editValue(const ValueEdit &edit);
    void flushAll();
    void setSlowLogThreshold(qint64 micros);
    void resetSlowLog();
    // CONFIG GET *: configReady.
    void requestConfig();
    // CONFIG SET name value: configChanged on success (with CONFIG GET's new value), else
    // actionFailed.
    void setConfig(const QByteArray &name, const QByteArray &value);
    // BGSAVE: actionDone with the server's answer, or actionFailed.
    void saveNow();
    // About maxKeys keys of db with their type and MEMORY USAGE: memorySampled.
    void sampleMemory(int db, int maxKeys);
    // PUBLISH (SPUBLISH for a shard channel) message to channel: published with the number of
    // receivers, or actionFailed.
    void publish(ChannelKind kind, const QByteArray &channel, const QByteArray &message);
    // Snapshots carry the messages of this channel, pattern or shard channel from now on
    // (sampled under load, see ChannelWatch); an empty name stops watching.
    virtual void watchChannel(ChannelKind kind, const QByteArray &name) = 0;

signals:
    void snapshotReady(const ServerSnapshot &snapshot);
    void keysReady(const KeyPage &page);
    void valueReady(const ValuePage &page);
    void keyChanged(int db, const QByteArray &key);
    void flushed(); // FLUSHALL done
    void editFailed(int db, const QByteArray &key, const QString &message);
    // The INFO everything text, about every InfoIntervalMs.
    void infoReady(const QByteArray &info);
    // LATENCY LATEST and each event's LATENCY HISTORY, asked for with INFO; supported false when
    // the server does not answer them.
    void latencyEventsReady(const QList<LatencyEvent> &events, bool supported);
    void configReady(const DashboardSource::ConfigList &parameters);
    void configChanged(const QByteArray &name, const QByteArray &value);
    void memorySampled(int db, const QList<KeySample> &keys);
    void published(const QByteArray &channel, qint64 receivers);
    void actionDone(const QString &message);
    void actionFailed(const QString &message);
    // Connected, or not with why ("reconnecting: Connection refused").
    void connectionChanged(bool connected, const QString &state);

protected:
    explicit DashboardSource(const RedisUrl &url, QObject *parent = nullptr);
    RespConnection *connection() const { return m_connection; }
    // Called with each INFO text before infoReady; RemoteSource builds snapshots from it.
    virtual void infoArrived(const QByteArray &info);
    // Removes the clients named RespConnection::ClientName, and the commands and slow-log
    // entries of those clients and of `ownAddresses`, from snapshot (and from its counts).
    static void dropOwnConnections(ServerSnapshot *snapshot, const QList<QByteArray> &ownAddresses);

private:
    void pollInfo();
    void pollLatencyHistory(QList<LatencyEvent> events);
    // Sends args; failures become actionFailed(`what`: error), successes call done.
    void runAction(const QByteArrayList &args, const QString &what,
                   std::function<void()> done = {});
    void changeListElement(const ValueEdit &edit);

    RedisUrl m_url;
    RespConnection *m_connection;
    bool m_infoPending = false;
};

Q_DECLARE_METATYPE(DashboardSource::ConfigList)
Q_DECLARE_METATYPE(KeySample)
Q_DECLARE_METATYPE(LatencyEvent)
