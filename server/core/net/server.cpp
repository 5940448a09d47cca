#include "server.h"

#include "connection.h"
#include "filelimits.h"
#include "keepalive.h"
#include "listener.h"
#include "observe/allocationcounter.h"
#include "observe/clock.h"
#include "observe/logsink.h"
#include "oomscore.h"
#include "persist/childfork.h"
#include "persist/persistence.h"
#include "poller.h"
#include "protocol/repr.h"
#include "pubsub/clientsubscriptions.h"
#include "pubsub/keyspaceevents.h"
#include "scripting/scripting.h"
#include "store/evictor.h"
#include "store/keyspace.h"

#include <QDateTime>
#include <QFile>

#include <algorithm>
#include <climits>
#include <csignal>
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// "ip:port", with IPv6 in brackets, as Redis prints addresses.
QByteArray formatAddress(const sockaddr_storage &address)
{
    char ip[INET6_ADDRSTRLEN] = {};
    int port = 0;
    if (address.ss_family == AF_INET6) {
        const auto *in6 = reinterpret_cast<const sockaddr_in6 *>(&address);
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        port = ntohs(in6->sin6_port);
        return '[' + QByteArray(ip) + "]:" + QByteArray::number(port);
    }
    const auto *in4 = reinterpret_cast<const sockaddr_in *>(&address);
    inet_ntop(AF_INET, &in4->sin_addr, ip, sizeof ip);
    port = ntohs(in4->sin_port);
    return QByteArray(ip) + ':' + QByteArray::number(port);
}

QByteArray peerAddress(int fd)
{
    sockaddr_storage address {};
    socklen_t length = sizeof address;
    if (getpeername(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return QByteArrayLiteral("?:0");
    return formatAddress(address);
}

QByteArray localAddress(int fd)
{
    sockaddr_storage address {};
    socklen_t length = sizeof address;
    if (getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return QByteArrayLiteral("?:0");
    return formatAddress(address);
}

// Redis 7.0's test for protected mode: the peer is exactly 127.0.0.1 or ::1 (so 127.0.0.2,
// another loopback address, counts as outside, as it does for redis-server).
bool isLoopbackPeer(const QByteArray &peer)
{
    return peer.startsWith("127.0.0.1:") || peer.startsWith("[::1]:");
}

// Answers a connection the server will not serve with one error line, then closes it.
void refuse(int fd, QByteArrayView reply)
{
    ::send(fd, reply.data(), size_t(reply.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
}

// Redis's MAX_CLIENTS_PER_CLOCK_TICK and CONFIG_MAX_HZ: dynamic-hz doubles the frequency
// while there are more clients than this per tick, up to the maximum.
constexpr int ClientsPerTick = 200;
constexpr int MaxHz = 500;

// Redis's active expiry budgets at active-expire-effort 1 (ACTIVE_EXPIRE_CYCLE_*): the slow
// cycle may take 25% of a tick, a fast one 1 ms, at most every 2 ms; each step of effort adds
// 2% of a tick and a quarter of a millisecond.
std::chrono::microseconds slowExpireBudget(int hz, long long effort)
{
    return std::chrono::microseconds(1000000 / hz * (25 + 2 * (effort - 1)) / 100);
}

std::chrono::microseconds fastExpireBudget(long long effort)
{
    return std::chrono::microseconds(1000 + 1000 / 4 * (effort - 1));
}

} // namespace

Server::Server(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_stats(QDateTime::currentMSecsSinceEpoch())
    , m_commandLog(m_config.commandLogCapacity)
    , m_lazyFree(std::make_unique<LazyFree>(m_config))
    , m_listener(new Listener(this))
    , m_poller(Poller::create(this))
{
    m_acl.setDefaultPassword(m_config.requirePass);
    m_acl.setAllChannelsByDefault(m_config.aclPubsubAllChannels);
    m_clientEviction.configChanged();
    OomScore::apply(m_config); // as Redis at start-up: a refusal is logged, not fatal
    AllocationCounter::purgeByDecayOnly();
    AllocationCounter::setBackgroundThread(m_config.jemallocBgThread);
    for (int i = 0; i < m_config.databases; ++i) {
        m_databases.push_back(std::make_unique<Keyspace>());
        m_databases.back()->setLazyFree(m_lazyFree.get());
        m_databases.back()->setConfig(&m_config);
        // Redis's propagateDeletion: an expired key is logged as DEL (UNLINK when
        // lazyfree-lazy-expire).
        m_databases.back()->setExpiredHook([this, i](QByteArrayView key) {
            if (m_propagating)
                propagate(i, { m_config.lazyfreeLazyExpire ? "UNLINK" : "DEL", key });
        });
    }
    KeyspaceEvents::watchDatabases(*this);
    m_persistence = std::make_unique<Persistence>(*this);
    m_scripting = std::make_unique<Scripting>(*this);
    m_evictor = std::make_unique<Evictor>(*this);
    connect(m_listener, &Listener::accepted, this, &Server::acceptSocket);
    logLevelChanged();
    connect(&m_cron, &QTimer::timeout, this, &Server::cron);
    hzChanged();
    m_cron.start();
    m_fastExpireTimer.setSingleShot(true);
    connect(&m_fastExpireTimer, &QTimer::timeout, this,
            [this] { expireCycle(fastExpireBudget(m_config.activeExpireEffort)); });
    m_pauseTimer.setSingleShot(true);
    connect(&m_pauseTimer, &QTimer::timeout, this, &Server::pauseTimerExpired);
}

Server::~Server()
{
    close();
    freeClosed();
}

bool Server::listen(QString *error)
{
    const QHostAddress address = m_config.bind == QLatin1String("localhost")
            ? QHostAddress(QHostAddress::LocalHost)
            : QHostAddress(m_config.bind);
    m_listener->setListenBacklogSize(m_config.listenBacklog);
    // As Redis at start-up: room for maxclients descriptors, or fewer clients.
    const long long possible = clientsWithinFileLimit(m_config.maxClients);
    if (possible < m_config.maxClients) {
        qCWarning(lcServer).noquote()
                << "maxclients has been reduced from" << m_config.maxClients << "to" << possible
                << "to compensate for low ulimit. If you need higher maxclients increase "
                   "'ulimit -n'.";
        m_config.maxClients = int(qMax(1LL, possible));
    }
    if (!m_listener->listen(address, quint16(m_config.port))) {
        *error = m_listener->errorString();
        return false;
    }
    qCInfo(lcServer).noquote() << "listening on"
                               << address.toString() + QLatin1Char(':') + QString::number(port())
                               << "poller" << QLatin1String(m_poller->name());
    return true;
}

QHostAddress Server::address() const
{
    return m_listener->serverAddress();
}

quint16 Server::port() const
{
    return m_listener->serverPort();
}

bool Server::prepareForShutdown(quint8 flags)
{
    const bool saved = m_persistence->saveForShutdown(flags & ShutdownFlag::Save,
                                                      flags & ShutdownFlag::NoSave);
    if (!saved && !(flags & ShutdownFlag::Force)) {
        // Not stopping: a later SHUTDOWN or signal tries again.
        qCWarning(lcServer) << "Error trying to save the DB, can't exit.";
        qCWarning(lcServer)
                << "Errors trying to shut down the server. Check the logs for more information.";
        return false;
    }
    m_shutdownPrepared = true;
    return true;
}

void Server::forked()
{
    const qint64 micros = qMax<qint64>(ChildFork::latestMicros(), 1);
    m_forkRate = double(AllocationCounter::usedBytes()) * 1e6 / double(micros) / (1 << 30);
    m_latencyMonitor.addIfNeeded("fork", micros / 1000, m_config.latencyMonitorThreshold,
                                 QDateTime::currentMSecsSinceEpoch() / 1000);
}

bool Server::terminationSignal(int signal)
{
    const bool interrupt = signal == SIGINT;
    qCWarning(lcServer).noquote() << QStringLiteral("Received %1 scheduling shutdown...")
                                             .arg(interrupt ? QStringLiteral("SIGINT")
                                                            : QStringLiteral("SIGTERM"));
    return prepareForShutdown(interrupt ? m_config.shutdownOnSigint : m_config.shutdownOnSigterm);
}

void Server::propagate(int db, const std::vector<QByteArrayView> &argv)
{
    m_persistence->aof().feed(db, argv);
}

void Server::writePropagated()
{
    Aof &aof = m_persistence->aof();
    if (aof.hasPending() && !aof.write())
        setDiskError(m_persistence->diskError());
}

bool Server::mustDeferReplies() const
{
    return m_config.appendFsync == AppendFsync::Always && m_persistence->aof().hasPending();
}

quint64 Server::dirty() const
{
    quint64 total = 0;
    for (const auto &db : m_databases)
        total += db->changes();
    return total;
}

void Server::flushAll(bool async)
{
    for (const auto &db : m_databases)
        db->clear(async);
    m_tracking.invalidateAll();
    m_persistence->killBackgroundSave();
    if (!m_config.saveRules.empty()) {
        QString error;
        m_persistence->save(&error);
    }
    m_databases.front()->addChanges(1); // Redis's server.dirty++ after the save
}

void Server::close()
{
    if (m_listener->isListening()) {
        m_listener->close();
        qCInfo(lcServer) << "stopped listening";
    }
    // Over a copy: a client closing leaves m_clients, except the one whose command is running
    // (SHUTDOWN's caller), which closes after its reply.
    std::vector<Connection *> clients;
    clients.reserve(m_clients.size());
    for (const auto &entry : m_clients)
        clients.push_back(entry.second);
    for (Connection *connection : clients)
        connection->kill();
}

void Server::shutdown()
{
    m_shutdownPrepared = true; // SHUTDOWN decided about saving (FORCE may have gone on anyway)
    close();
    emit shutdownRequested();
}

qsizetype Server::totalKeys() const
{
    qsizetype total = 0;
    for (const auto &db : m_databases)
        total += db->size();
    return total;
}

Connection *Server::client(quint64 id) const
{
    const auto it = m_clients.find(id);
    return it == m_clients.end() ? nullptr : it->second;
}

Connection *Server::createLocalClient()
{
    const quint64 id = m_nextClientId++;
    auto *connection = new Connection(*this, -1, id, QByteArrayLiteral("local:0"),
                                      QByteArrayLiteral("local:0"));
    m_clients.emplace(id, connection);
    return connection;
}

void Server::acceptSocket(qintptr descriptor)
{
    const int fd = int(descriptor);
    if (qsizetype(m_clients.size()) >= m_config.maxClients) {
        refuse(fd, "-ERR max number of clients reached\r\n");
        ++m_stats.rejectedConnections;
        return;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    applyKeepAlive(fd, m_config.tcpKeepAlive);

    QByteArray peer = peerAddress(fd);
    if (m_config.protectedMode && m_acl.defaultUser()->isNoPass() && !isLoopbackPeer(peer)) {
        qCWarning(lcClients).noquote()
                << "client from" << QString::fromLatin1(peer) << "refused: protected mode";
        refuse(fd,
               "-DENIED Redis is running in protected mode because protected mode is enabled "
               "and no password is set for the default user. In this mode connections are "
               "only accepted from the loopback interface. If you want to connect from "
               "external computers to Redis you may adopt one of the following solutions: "
               "1) Just disable protected mode sending the command 'CONFIG SET protected-mode "
               "no' from the loopback interface by connecting to Redis from the same host the "
               "server is running, however MAKE SURE Redis is not publicly accessible from "
               "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
               "Alternatively you can just disable the protected mode by editing the Redis "
               "configuration file, and setting the protected mode option to 'no', and then "
               "restarting the server. 3) If you started the server manually just for testing, "
               "restart it with the '--protected-mode no' option. 4) Setup a an "
               "authentication password for the default user. NOTE: You only need to do one "
               "of the above things in order for the server to start accepting connections "
               "from the outside.\r\n");
        ++m_stats.rejectedConnections;
        return;
    }
    const quint64 id = m_nextClientId++;
    auto *connection = new Connection(*this, fd, id, std::move(peer), localAddress(fd));
    m_clients.emplace(id, connection);
    ++m_stats.totalConnections;
    qCInfo(lcClients).noquote() << "client" << id << "connected from"
                                << QString::fromLatin1(connection->peerAddress());
    emit clientConnected(id);
}

void Server::closeConnection(Connection *connection, const char *reason)
{
    m_clients.erase(connection->id());
    m_clientsSampler.forget(*connection);
    m_clientEviction.forget(*connection);
    removeMonitor(connection);
    m_blockedClients.forget(*connection);
    m_postponed.erase(std::remove(m_postponed.begin(), m_postponed.end(), connection->id()),
                      m_postponed.end());
    m_closed.push_back(connection);
    qCInfo(lcClients).noquote() << "client" << connection->id() << "disconnected"
                                << QString::fromLatin1(connection->peerAddress()) + QLatin1Char(':')
                                << QLatin1String(reason);
    emit clientDisconnected(connection->id());
    // Freed once the current round of events is over: its handler may still be on the stack.
    if (!m_freeScheduled) {
        m_freeScheduled = true;
        QMetaObject::invokeMethod(this, &Server::freeClosed, Qt::QueuedConnection);
    }
}

void Server::pauseClients(qint64 endMs, PauseMode mode)
{
    m_pauseMode = qMax(m_pauseMode, mode);
    if (endMs > m_pauseEndMs) {
        m_pauseEndMs = endMs;
        pauseTimerExpired(); // arms the timer for the new end
    }
}

void Server::pauseTimerExpired()
{
    const qint64 remaining = m_pauseEndMs - QDateTime::currentMSecsSinceEpoch();
    if (remaining <= 0) {
        unpauseClients();
        return;
    }
    // QTimer takes an int: a longer pause is re-armed each time it fires.
    m_pauseTimer.start(int(qMin<qint64>(remaining, INT_MAX)));
}

void Server::unpauseClients()
{
    m_pauseMode = PauseMode::None;
    m_pauseEndMs = 0;
    m_pauseTimer.stop();
    // Resumed after the current round, as Redis does before it sleeps: UNPAUSE's own client
    // is still inside its command here.
    for (quint64 id : std::exchange(m_postponed, {})) {
        if (Connection *connection = client(id))
            resumeLater(connection);
    }
}

void Server::resumeLater(Connection *connection)
{
    m_resume.push_back(connection->id());
    if (!m_resumeScheduled) {
        m_resumeScheduled = true;
        QMetaObject::invokeMethod(this, &Server::resumeClients, Qt::QueuedConnection);
    }
}

void Server::postpone(Connection *connection)
{
    if (!isPostponed(*connection))
        m_postponed.push_back(connection->id());
}

bool Server::isPostponed(const Connection &connection) const
{
    return std::find(m_postponed.begin(), m_postponed.end(), connection.id()) != m_postponed.end();
}

void Server::resumeClients()
{
    m_resumeScheduled = false;
    for (quint64 id : std::exchange(m_resume, {})) {
        if (Connection *connection = client(id))
            connection->processPending();
    }
}

void Server::freeClosed()
{
    m_freeScheduled = false;
    for (Connection *connection : m_closed)
        delete connection;
    m_closed.clear();
}

void Server::addMonitor(Connection *connection)
{
    m_monitors.push_back(connection);
}

bool Server::loadUsers(QString *error)
{
    if (!m_config.aclFile.isEmpty() && !m_config.users.empty()) {
        *error = QStringLiteral(
                "Configuring Redis with users defined in redis.conf and at the same setting an "
                "ACL file path is invalid. This setup is very likely to lead to configuration "
                "errors and security holes, please define either an ACL file or declare users "
                "directly in your redis.conf, but not both.");
        return false;
    }
    for (const QList<QByteArray> &user : m_config.users) {
        const std::vector<QByteArrayView> rules(user.begin() + 1, user.end());
        QByteArray message;
        if (!m_acl.setUser(user[0], rules.data(), qsizetype(rules.size()), &message)) {
            *error = QString::fromUtf8("Error in user declaration '" + user[0]
                                       + "': " + message.mid(4));
            return false;
        }
    }
    if (m_config.aclFile.isEmpty())
        return true;
    QFile file(m_config.aclFile);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Error loading ACLs, opening file '%1': %2")
                         .arg(m_config.aclFile, file.errorString());
        return false;
    }
    std::vector<std::unique_ptr<AclUser>> loaded;
    QByteArray message;
    if (!m_acl.parseFile(file.readAll(), &loaded, &message)) {
        *error = QString::fromUtf8("Error loading ACLs: " + message);
        return false;
    }
    m_acl.replaceUsers(std::move(loaded));
    return true;
}

void Server::disconnectRevokedSubscribers(const AclUser *user)
{
    const auto revoked = [user](const SubscriptionSet &set, bool literal) {
        return std::any_of(set.names().begin(), set.names().end(), [&](const QByteArray &name) {
            return !user->allowsChannel(name, literal);
        });
    };
    std::vector<Connection *> subscribers;
    for (const auto &entry : m_clients) {
        const ClientSubscriptions *subscriptions = entry.second->subscriptionsIfAny();
        if (entry.second->user() != user || !subscriptions)
            continue;
        if (revoked(subscriptions->channels, false) || revoked(subscriptions->patterns, true)
            || revoked(subscriptions->shardChannels, false))
            subscribers.push_back(entry.second);
    }
    for (Connection *client : subscribers)
        client->kill();
}

void Server::disconnectUser(const AclUser *user)
{
    // Closing a client removes it from m_clients: collect first.
    std::vector<Connection *> users;
    for (const auto &entry : m_clients) {
        if (entry.second->user() == user)
            users.push_back(entry.second);
    }
    for (Connection *client : users) {
        client->setUser(m_acl.defaultUser());
        client->setAuthenticated(false);
        client->kill();
    }
}

void Server::removeMonitor(Connection *connection)
{
    m_monitors.erase(std::remove(m_monitors.begin(), m_monitors.end(), connection),
                     m_monitors.end());
}

void Server::feedMonitors(const Connection &source)
{
    // "+<seconds>.<micros> [<db> <addr>] "arg" "arg"...", the arguments as the client sent
    // them, passwords redacted.
    const qint64 now = unixTimeMicros();
    QByteArray line = '+' + QByteArray::number(now / 1000000) + '.'
            + QByteArray::number(now % 1000000).rightJustified(6, '0') + " ["
            + QByteArray::number(source.dbIndex()) + ' ' + source.peerAddress() + "] ";
    for (qsizetype i = 0; i < source.argc(); ++i) {
        if (i)
            line += ' ';
        Repr::appendQuoted(line,
                           source.isRedacted(i) ? QByteArrayView("(redacted)") : source.arg(i));
    }
    line += "\r\n";
    // A copy: a monitor that overflows closes, and leaves m_monitors while we walk it.
    const std::vector<Connection *> monitors = m_monitors;
    for (Connection *monitor : monitors)
        monitor->pushOutput(line);
}

void Server::processEventsWhileBlocked()
{
    // The running command's arguments may point into the shared read buffer: the clients read
    // now get a buffer of their own.
    QByteArray running = std::exchange(m_readBuffer, QByteArray());
    while (m_listener->isListening() && m_listener->waitForNewConnection(0)) { }
    m_poller->pollNow();
    m_readBuffer = std::move(running);
}

void Server::scheduleFlush(Connection *connection)
{
    m_pendingFlush.push_back(connection->id());
    if (!m_flushScheduled) {
        m_flushScheduled = true;
        QMetaObject::invokeMethod(this, &Server::flushPending, Qt::QueuedConnection);
    }
}

void Server::flushPending()
{
    m_flushScheduled = false;
    // One write (and with appendfsync always one fsync) for every reply of the round.
    if (m_propagating)
        writePropagated();
    const std::vector<quint64> ids = std::exchange(m_pendingFlush, {});
    for (quint64 id : ids) {
        if (Connection *connection = client(id)) {
            connection->flushOutput();
            connection->accountMemory();
        }
    }
}

bool Server::allowCommandLogLine(qint64 nowMs)
{
    if (m_config.commandLogRate <= 0)
        return false;
    const qint64 second = nowMs / 1000;
    if (second != m_logSecond) {
        if (m_logLinesSkipped > 0) {
            qCInfo(lcCommands) << m_logLinesSkipped
                               << "commands not logged in the last second (--log-commands cap)";
        }
        m_logSecond = second;
        m_logLinesThisSecond = 0;
        m_logLinesSkipped = 0;
    }
    if (m_logLinesThisSecond < m_config.commandLogRate) {
        ++m_logLinesThisSecond;
        return true;
    }
    ++m_logLinesSkipped;
    return false;
}

void Server::hzChanged()
{
    int hz = int(m_config.hz);
    if (m_config.dynamicHz) {
        while (qsizetype(m_clients.size()) / hz > ClientsPerTick && hz < MaxHz)
            hz = qMin(hz * 2, MaxHz);
    }
    if (hz == m_hz)
        return;
    m_hz = hz;
    m_cron.setInterval(1000 / hz);
}

void Server::logLevelChanged()
{
    switch (m_config.logLevel) {
    case LogLevel::Debug:
    case LogLevel::Verbose: LogSink::setMinimumType(QtDebugMsg); break;
    case LogLevel::Notice: LogSink::setMinimumType(QtInfoMsg); break;
    case LogLevel::Warning: LogSink::setMinimumType(QtWarningMsg); break;
    }
}

void Server::cron()
{
    hzChanged();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_stats.sample(now);
    m_clientsSampler.sample(m_clients, now);
    m_clientsCron.run(*this, now);
    m_persistence->cron(now);
    m_tracking.enforceLimit();
    // Redis's slow active-expire cycle: up to 25% of the time between two ticks.
    expireCycle(slowExpireBudget(m_hz, m_config.activeExpireEffort));
    // Redis's incrementallyRehash (activerehashing): a growing or shrinking table also moves for
    // 1 ms a tick while nobody touches it, one database per tick; not while a forked child
    // shares the pages.
    if (!m_config.activeRehashing || ChildFork::isRunning())
        return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    for (const auto &db : m_databases) {
        if (db->rehashUntil(deadline))
            break;
    }
}

void Server::expireCycle(std::chrono::microseconds budget)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + budget;
    bool timedOut = false;
    bool stale = false;
    // From where the last cycle stopped, so that every database gets its turn.
    for (int i = 0; i < databaseCount() && !timedOut; ++i) {
        Keyspace &db = database((m_expireDb + i) % databaseCount());
        if (db.volatileCount() == 0)
            continue;
        db.expireCycle(now, deadline, &timedOut);
        stale = stale || db.staleEstimate() * 100 > 10 - (m_config.activeExpireEffort - 1);
        if (timedOut)
            m_expireDb = (m_expireDb + i) % databaseCount();
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    m_latencyMonitor.addIfNeeded(
            "expire-cycle", std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(),
            m_config.latencyMonitorThreshold, now / 1000);
    // Work left: short fast cycles until it is done (Redis's ACTIVE_EXPIRE_CYCLE_FAST, run
    // before it sleeps: fastExpireBudget() at most, at most every two of it).
    if ((timedOut || stale) && !m_fastExpireTimer.isActive()) {
        const auto fast = fastExpireBudget(m_config.activeExpireEffort);
        m_fastExpireTimer.start(
                int(std::chrono::duration_cast<std::chrono::milliseconds>(2 * fast).count()));
    }
}
