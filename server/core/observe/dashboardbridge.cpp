#include "dashboardbridge.h"

#include "commands/info.h"
#include "logsink.h"
#include "net/connection.h"
#include "net/server.h"
#include "store/globmatch.h"
#include "store/keyspace.h"

#include <QDateTime>

namespace {

constexpr qsizetype PreviewBytes = 120;

QByteArray typeName(ValueType type)
{
    switch (type) {
    case ValueType::String: return QByteArrayLiteral("string");
    }
    return QByteArrayLiteral("none");
}

} // namespace

DashboardBridge::DashboardBridge(Server *server, const LogSink *logSink, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_logSink(logSink)
{
    qRegisterMetaType<ServerSnapshot>();
    qRegisterMetaType<KeyPage>();
    m_server->commandLog().setEnabled(true);
    m_lastCommand = m_server->commandLog().lastSequence();
    m_lastSkipped = m_server->commandLog().skipped();
    m_timer.setInterval(SnapshotIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &DashboardBridge::tick);
    m_timer.start();
}

DashboardBridge::~DashboardBridge()
{
    m_server->commandLog().setEnabled(false);
}

void DashboardBridge::tick()
{
    emit snapshotReady(buildSnapshot());
}

ServerSnapshot DashboardBridge::buildSnapshot()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const ServerStats &stats = m_server->stats();
    ServerSnapshot s;
    s.timeMs = now;
    s.address
            = m_server->address().toString() + QLatin1Char(':') + QString::number(m_server->port());
    s.uptimeSeconds = (now - stats.startMs()) / 1000;
    s.connectedClients = qint64(m_server->clients().size());
    for (int i = 0; i < m_server->databaseCount(); ++i)
        s.keysPerDb.append(m_server->database(i).size());
    s.totalKeys = m_server->totalKeys();
    s.opsPerSecond = stats.opsPerSecond();
    s.totalCommands = stats.totalCommands;
    s.totalConnections = stats.totalConnections;
    s.usedMemory = Info::usedMemory();
    s.keyspaceHits = stats.keyspaceHits;
    s.keyspaceMisses = stats.keyspaceMisses;
    s.inputKbps = stats.inputKbps();
    s.outputKbps = stats.outputKbps();

    // Bounded work per tick, however many clients are connected.
    for (const auto &entry : m_server->clients()) {
        if (s.clients.size() >= MaxClientRows) {
            s.clientsTruncated = true;
            break;
        }
        const Connection &c = *entry.second;
        ClientRow row;
        row.id = c.id();
        row.address = c.peerAddress();
        row.name = c.name();
        row.library = c.libVersion().isEmpty() ? c.libName() : c.libName() + ' ' + c.libVersion();
        row.ageSeconds = (now - c.createdMs()) / 1000;
        row.idleSeconds = (now - c.lastInteractionMs()) / 1000;
        row.db = c.dbIndex();
        row.commands = c.commandsProcessed();
        row.lastCommand = c.lastCommand();
        row.bytesIn = c.bytesIn();
        row.bytesOut = c.bytesOut();
        s.clients.append(row);
    }

    const CommandLog &log = m_server->commandLog();
    s.commands = log.entriesAfter(m_lastCommand, &s.droppedCommands);
    s.droppedCommands += log.skipped() - m_lastSkipped; // sampled out under load
    m_lastSkipped = log.skipped();
    if (!s.commands.empty())
        m_lastCommand = s.commands.back().sequence;

    const SlowLog &slowLog = m_server->slowLog();
    s.slowLogSlowerThan = m_server->config().slowlogLogSlowerThan;
    s.slowLogMaxLen = m_server->config().slowlogMaxLen;
    s.slowLogLength = slowLog.size();
    const quint64 newest = slowLog.size() > 0 ? slowLog.entries().front().id : 0;
    if (slowLog.size() != m_slowLogLength || newest != m_slowLogNewest) {
        m_slowLogLength = slowLog.size();
        m_slowLogNewest = newest;
        s.slowLogChanged = true;
        const qsizetype shown = qMin<qsizetype>(slowLog.size(), MaxSlowLogRows);
        s.slowLog = QList<SlowLogEntry>(slowLog.entries().cbegin(),
                                        slowLog.entries().cbegin() + shown);
    }
    if (m_logSink) {
        for (const LogLine &line : m_logSink->linesAfter(m_lastLogLine)) {
            s.logLines.append(line.text);
            m_lastLogLine = line.sequence;
        }
    }
    return s;
}

void DashboardBridge::killClient(quint64 id)
{
    if (Connection *client = m_server->client(id))
        client->kill();
}

void DashboardBridge::requestKeys(int db, const QByteArray &pattern, quint64 cursor, int count)
{
    if (db < 0 || db >= m_server->databaseCount())
        return;
    Keyspace &keyspace = m_server->database(db);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    KeyPage page;
    page.db = db;
    page.pattern = pattern;
    page.cursor = cursor;
    const bool all = pattern.isEmpty() || pattern == "*";
    // Like SCAN: a bounded number of bucket visits per request, so a million keys never
    // stall the server thread; the window asks for the next page with nextCursor.
    int visits = 0;
    do {
        cursor = keyspace.scan(cursor, [&](const KeyEntry &entry) {
            if (entry.hasExpire() && entry.expireAt <= now)
                return;
            if (!all && !globMatch(pattern, entry.key()))
                return;
            KeyRow row;
            row.key = entry.key().toByteArray();
            row.type = typeName(entry.type);
            row.ttlMs = entry.hasExpire() ? entry.expireAt - now : -1;
            row.size = entry.value.size();
            row.preview = entry.value.left(PreviewBytes);
            page.keys.append(row);
        });
    } while (cursor != 0 && page.keys.size() < count && ++visits < count * 10);
    page.nextCursor = cursor;
    emit keysReady(page);
}

void DashboardBridge::deleteKey(int db, const QByteArray &key)
{
    if (db >= 0 && db < m_server->databaseCount() && m_server->database(db).remove(key))
        emit keyChanged(db, key);
}

void DashboardBridge::setTtl(int db, const QByteArray &key, qint64 seconds)
{
    if (db < 0 || db >= m_server->databaseCount())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (KeyEntry *entry = m_server->database(db).find(key, now)) {
        m_server->database(db).setExpire(entry, seconds < 0 ? -1 : now + seconds * 1000);
        emit keyChanged(db, key);
    }
}

void DashboardBridge::setValue(int db, const QByteArray &key, const QByteArray &value)
{
    if (db < 0 || db >= m_server->databaseCount())
        return;
    m_server->database(db).setString(key, value, -1, true);
    emit keyChanged(db, key);
}

void DashboardBridge::flushAll()
{
    for (int i = 0; i < m_server->databaseCount(); ++i)
        m_server->database(i).clear();
    qCInfo(lcServer) << "FLUSHALL from the dashboard";
}

void DashboardBridge::setSlowLogThreshold(qint64 micros)
{
    if (micros < -1)
        return;
    ServerConfig &config = m_server->config();
    config.slowlogLogSlowerThan = micros;
    // What CONFIG SET does after a change: turning the log back on trims it to slowlog-max-len.
    if (micros >= 0)
        m_server->slowLog().trim(config.slowlogMaxLen);
    qCInfo(lcServer) << "slowlog-log-slower-than set to" << micros << "from the dashboard";
}

void DashboardBridge::resetSlowLog()
{
    m_server->slowLog().reset();
}
