#pragma once

#include "acl/aclstore.h"
#include "blockedclients.h"
#include "clienteviction.h"
#include "clientscron.h"
#include "clientssampler.h"
#include "commands/commandtable.h"
#include "config/serverconfig.h"
#include "observe/commandlog.h"
#include "observe/latencymonitor.h"
#include "observe/serverstats.h"
#include "observe/slowlog.h"
#include "pubsub/pubsubregistry.h"
#include "pubsub/trackingtable.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <map>
#include <memory>
#include <vector>

class Connection;
class Evictor;
class Keyspace;
class LazyFree;
class Listener;
class Persistence;
class Poller;
class Scripting;

// The whole server on one thread, as in Redis: the listener, every connection, the databases,
// counters, the command log and the slow log. Nothing here is locked; other threads (the
// dashboard) talk to it through queued calls only.
class Server final : public QObject
{
    Q_OBJECT
public:
    explicit Server(ServerConfig config, QObject *parent = nullptr);
    ~Server() override;

    // Binds config().bind:config().port; false with *error on failure.
    bool listen(QString *error);
    QHostAddress address() const;
    quint16 port() const;
    // Stops listening and closes every client.
    void close();
    // SHUTDOWN: close(), then ask the application to exit (shutdownRequested).
    void shutdown();

    const ServerConfig &config() const { return m_config; }
    ServerConfig &config() { return m_config; }
    // The cron's frequency now: hz, doubled while there are many clients with dynamic-hz
    // (Redis's server.hz). hzChanged() takes a new hz or dynamic-hz at once.
    int hz() const { return m_hz; }
    void hzChanged();
    // Redis's loglevel, for the process's log (LogSink).
    void logLevelChanged();
    // Redis's checkGoodReplicasStatus: whether writes may run under min-replicas-to-write and
    // min-replicas-max-lag. qkv is a primary with no replicas, so only when either is 0.
    bool hasEnoughReplicas() const
    {
        return m_config.minReplicasToWrite == 0 || m_config.minReplicasMaxLag == 0;
    }
    static constexpr char NoReplicasError[] = "NOREPLICAS Not enough good replicas to write.";
    CommandTable &commands() { return m_commands; }
    AclStore &acl() { return m_acl; }
    // ACL DELUSER and ACL LOAD: closes the clients authenticated as user, which is going away
    // (the one running the command after its reply), as Redis's ACLFreeUserAndKillClients.
    void disconnectUser(const AclUser *user);
    // ACL SETUSER: closes user's clients subscribed to a channel or pattern it may no longer
    // use, as Redis's ACLKillPubsubClientsIfNeeded.
    void disconnectRevokedSubscribers(const AclUser *user);
    // At start-up: the configuration file's users, or the aclfile's; false with *error (and
    // the server should not start), as Redis exits on a bad user.
    bool loadUsers(QString *error);
    ServerStats &stats() { return m_stats; }
    CommandLog &commandLog() { return m_commandLog; }
    SlowLog &slowLog() { return m_slowLog; }
    // LATENCY's events: slow commands, slow expire cycles.
    LatencyMonitor &latencyMonitor() { return m_latencyMonitor; }
    // After a BGSAVE's or AOF rewrite's fork: the latency monitor's "fork" event and the fork
    // rate, as Redis's redisFork records them.
    void forked();
    // Memory forked per second by the last fork, in GB (Redis's stat_fork_rate, for LATENCY
    // DOCTOR).
    double forkRate() const { return m_forkRate; }
    Poller *poller() const { return m_poller; }

    // The background thread that frees big values (UNLINK, FLUSHALL ASYNC, lazyfree-lazy-*).
    LazyFree &lazyFree() { return *m_lazyFree; }
    Keyspace &database(int index) { return *m_databases[size_t(index)]; }
    int databaseCount() const { return int(m_databases.size()); }
    // Sums over every database.
    qsizetype totalKeys() const;

    // maxmemory: frees memory by maxmemory-policy before commands run (Connection::execute).
    Evictor &evictor() { return *m_evictor; }

    // maxmemory-clients: the clients' memory, and closing the biggest when it is over.
    ClientEviction &clientEviction() { return m_clientEviction; }
    const ClientEviction &clientEviction() const { return m_clientEviction; }

    // RDB snapshots: SAVE, BGSAVE, the save rules (checked by the timer), loading at start-up.
    Persistence &persistence() { return *m_persistence; }

    // Propagation, as Redis's propagate(): every change reaches the append-only file as a
    // command through propagate(), from the one place commands run (Connection::call) and from
    // expiry. Nothing is done while no AOF is on (the Aof sets it).
    bool isPropagating() const { return m_propagating; }
    void setPropagating(bool on) { m_propagating = on; }
    void propagate(int db, const std::vector<QByteArrayView> &argv);
    // Writes what was propagated before a reply leaves (Connection::flushOutput).
    void writePropagated();
    // appendfsync always with writes not yet on disk: replies wait for the end of the round.
    bool mustDeferReplies() const;
    // Keys changed in every database (Redis's server.dirty): a command that moved it changed
    // the data and is propagated.
    quint64 dirty() const;
    // The -MISCONF error write commands get, kept current by Persistence; empty: none.
    const QByteArray &diskError() const { return m_diskError; }
    void setDiskError(QByteArray error) { m_diskError = std::move(error); }
    // EVAL's Lua engine, script cache and script client.
    Scripting &scripting() { return *m_scripting; }
    // What stopping saves (Redis's prepareForShutdown) with ShutdownFlag bits: kills a running
    // BGSAVE, then saves with Save, or when save rules exist unless NoSave. Done once: SHUTDOWN
    // and the signals do it before the program stops, the program on its way out (the window
    // closed) unless it was done. False, with Redis's log lines, when the save failed and
    // Force was not given: the server then goes on serving.
    bool prepareForShutdown(quint8 flags = 0);
    // SIGINT or SIGTERM: prepareForShutdown with shutdown-on-sigint's or -sigterm's flags;
    // whether the process may stop.
    bool terminationSignal(int signal);
    bool isShutdownPrepared() const { return m_shutdownPrepared; }
    // FLUSHALL (the command and the dashboard's menu), as Redis's flushAllDataAndResetRDB:
    // empties every database (async: on the background thread), kills a running BGSAVE (it
    // would write the old data) and, when save rules exist, saves the empty dataset at once so
    // that a restart does not bring the keys back.
    void flushAll(bool async);

    // Clients' buffer totals and recent peaks, sampled by the timer (INFO, MEMORY STATS).
    const ClientsSampler &clientsSampler() const { return m_clientsSampler; }
    // Connected clients by id (the order of CLIENT LIST).
    const std::map<quint64, Connection *> &clients() const { return m_clients; }
    Connection *client(quint64 id) const;
    // A client without a socket, owned by the server (tests, scripted use).
    Connection *createLocalClient();
    // Closes the client (its fd leaves the poller at once) and frees it after this round.
    void closeConnection(Connection *connection, const char *reason);
    // Scratch space for reads: idle clients keep no read buffer of their own.
    QByteArray &readBuffer() { return m_readBuffer; }
    // Rate cap for command lines in the log file (--log-commands per second).
    bool allowCommandLogLine(qint64 nowMs);

    // MONITOR: every command run by any client is sent to these, as Redis formats it.
    void addMonitor(Connection *connection);
    void removeMonitor(Connection *connection);
    bool hasMonitors() const { return !m_monitors.empty(); }
    void feedMonitors(const Connection &source);
    // Output queued on a client outside its own event (MONITOR lines) is written after the
    // current round of events, once per round, as Redis does before it sleeps.
    void scheduleFlush(Connection *connection);

    // CLIENT PAUSE: until endMs (ms since the epoch) or CLIENT UNPAUSE, the commands of every
    // client (All) or only those that write (Write) wait, then run in order. A new pause never
    // shortens nor weakens the one in force, as in Redis.
    enum class PauseMode { None, Write, All };
    void pauseClients(qint64 endMs, PauseMode mode);
    void unpauseClients();
    PauseMode pauseMode() const { return m_pauseMode; }
    // The client's next command waits for the pause; the client is resumed when it ends.
    void postpone(Connection *connection);
    // Clients held by the pause: CLIENT LIST's flag b, INFO's blocked_clients.
    bool isPostponed(const Connection &connection) const;
    qsizetype postponedCount() const { return qsizetype(m_postponed.size()); }

    // A script running past busy-reply-threshold lets clients in from inside its command, as
    // Redis's processEventsWhileBlocked: new connections are accepted and ready sockets served
    // (their commands get -BUSY unless allowed); timers do not run.
    void processEventsWhileBlocked();

    // Clients blocked by BLPOP and the like.
    BlockedClients &blockedClients() { return m_blockedClients; }
    const BlockedClients &blockedClients() const { return m_blockedClients; }
    // Channels, patterns and shard channels with their subscribers.
    PubSubRegistry &pubsub() { return m_pubsub; }
    // Client-side caching: the keys tracking clients read, and their invalidations.
    TrackingTable &tracking() { return m_tracking; }
    const TrackingTable &tracking() const { return m_tracking; }
    // Runs the client's buffered requests after the current round (a blocked client served,
    // a paused one released), as Redis reprocesses unblocked clients before it sleeps.
    void resumeLater(Connection *connection);

signals:
    void clientConnected(quint64 id);
    void clientDisconnected(quint64 id);
    // The process should stop, as on SIGTERM.
    void shutdownRequested();

private:
    void acceptSocket(qintptr fd);
    void freeClosed();
    void flushPending();
    void cron();
    // One active-expire cycle over the databases within budget.
    void expireCycle(std::chrono::microseconds budget);
    void pauseTimerExpired();
    void resumeClients();

    ServerConfig m_config;
    CommandTable m_commands;
    AclStore m_acl { m_commands }; // before the script client, which starts as its default user
    ServerStats m_stats;
    CommandLog m_commandLog;
    SlowLog m_slowLog;
    LatencyMonitor m_latencyMonitor;
    double m_forkRate = 0;
    std::unique_ptr<LazyFree> m_lazyFree; // outlives the databases, which hand it values
    std::vector<std::unique_ptr<Keyspace>> m_databases;
    std::unique_ptr<Persistence> m_persistence; // reads the databases: destroyed before them
    std::unique_ptr<Scripting> m_scripting;
    std::unique_ptr<Evictor> m_evictor;
    bool m_shutdownPrepared = false;
    bool m_propagating = false;
    QByteArray m_diskError;
    std::map<quint64, Connection *> m_clients;
    std::vector<Connection *> m_closed;
    std::vector<Connection *> m_monitors;
    std::vector<quint64> m_pendingFlush; // client ids: a client may close before the flush
    Listener *m_listener;
    Poller *m_poller;
    QTimer m_cron;
    int m_hz = 0;
    QTimer m_fastExpireTimer;
    int m_expireDb = 0; // where the next expire cycle starts
    QTimer m_pauseTimer;
    PauseMode m_pauseMode = PauseMode::None;
    qint64 m_pauseEndMs = 0;
    std::vector<quint64> m_postponed; // client ids, in the order they were held
    std::vector<quint64> m_resume;    // client ids to run after this round
    bool m_resumeScheduled = false;
    BlockedClients m_blockedClients { *this };
    PubSubRegistry m_pubsub;
    TrackingTable m_tracking { *this };
    ClientsSampler m_clientsSampler;
    ClientsCron m_clientsCron;
    ClientEviction m_clientEviction { *this };
    QByteArray m_readBuffer;
    quint64 m_nextClientId = 1;
    bool m_freeScheduled = false;
    bool m_flushScheduled = false;
    qint64 m_logSecond = 0;
    int m_logLinesThisSecond = 0;
    quint64 m_logLinesSkipped = 0;
};
