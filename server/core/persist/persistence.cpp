#include "persistence.h"

#include "childfork.h"

#include "commands/info.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/logsink.h"
#include "scripting/functionlibraries.h"
#include "scripting/scripting.h"
#include "store/evictionpolicy.h"
#include "store/keyspace.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include <sys/wait.h>
#include <unistd.h>

namespace {

// Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, rules wait this long to retry.
constexpr qint64 RetryDelayMs = 5000;

std::vector<const Keyspace *> constDatabases(Server &server)
{
    std::vector<const Keyspace *> databases;
    for (int i = 0; i < server.databaseCount(); ++i)
        databases.push_back(&server.database(i));
    return databases;
}

} // namespace

Persistence::Persistence(Server &server)
    : m_server(server)
    , m_lastSaveMs(QDateTime::currentMSecsSinceEpoch())
    , m_aof(server)
{ }

Persistence::~Persistence()
{
    killBackgroundSave();
}

quint64 Persistence::totalChanges() const
{
    quint64 total = 0;
    for (int i = 0; i < m_server.databaseCount(); ++i)
        total += m_server.database(i).changes();
    return total;
}

quint64 Persistence::changesSinceLastSave() const
{
    return totalChanges() - m_changesAtLastSave;
}

qint64 Persistence::currentBackgroundSaveSeconds(qint64 nowMs) const
{
    return m_childPid > 0 ? (nowMs - m_childStartMs) / 1000 : -1;
}

RdbFile::SaveOptions Persistence::saveOptions(Server &server)
{
    RdbFile::SaveOptions options;
    options.compression = server.config().rdbCompression;
    options.checksum = server.config().rdbChecksum;
    options.usedMemory = Info::usedMemory();
    options.keySaveDelay = server.config().rdbKeySaveDelay;
    options.idleTimes = EvictionPolicies::isLru(server.config().maxmemoryPolicy);
    options.frequencies = EvictionPolicies::isLfu(server.config().maxmemoryPolicy);
    for (const auto &[name, library] : server.scripting().functions().libraries())
        options.functionLibraries.append(library.code);
    return options;
}

bool Persistence::loadFunctionLibraries(Server &server, const QByteArrayList &libraries,
                                        QString *error)
{
    // Libraries of the same name replace those already loaded, as a restart would have none.
    for (const QByteArray &code : libraries) {
        QByteArray failure;
        if (server.scripting().functions().load(code, true, &failure).isEmpty()) {
            *error = QStringLiteral("Failed loading library: %1").arg(QString::fromUtf8(failure));
            return false;
        }
    }
    return true;
}

RdbReader::Limits Persistence::loadLimits(const ServerConfig &config)
{
    RdbReader::Limits limits;
    limits.hash = { config.hashMaxListpackEntries, config.hashMaxListpackValue };
    limits.zset = { config.zsetMaxListpackEntries, config.zsetMaxListpackValue };
    limits.maxIntsetEntries = config.setMaxIntsetEntries;
    limits.listFill = config.listMaxListpackSize;
    return limits;
}

bool Persistence::load(QString *error)
{
    const ServerConfig &config = m_server.config();
    if (config.appendOnly) {
        const bool exists = m_aof.exists();
        if (exists && !m_aof.load(error))
            return false;
        m_changesAtLastSave = totalChanges();
        return m_aof.start(!exists, error);
    }
    const RdbReader::Limits limits = loadLimits(config);
    std::vector<Keyspace *> databases;
    for (int i = 0; i < m_server.databaseCount(); ++i)
        databases.push_back(&m_server.database(i));
    const auto start = QDateTime::currentMSecsSinceEpoch();
    bool missing = false;
    m_loadStats = {};
    bool ok = RdbFile::load(config.rdbPath(), databases, limits, config.rdbChecksum, start,
                            &m_loadStats, error, &missing);
    ok = ok && loadFunctionLibraries(m_server, m_loadStats.functionLibraries, error);
    // What was loaded is what is on disk: no changes since the last save.
    m_changesAtLastSave = totalChanges();
    if (ok && !missing) {
        qCInfo(lcServer).noquote()
                << "DB loaded from disk:" << config.rdbPath() << m_loadStats.keysLoaded << "keys,"
                << m_loadStats.keysExpired << "expired keys skipped, in"
                << (QDateTime::currentMSecsSinceEpoch() - start) / 1000.0 << "seconds";
    }
    return ok;
}

bool Persistence::save(QString *error)
{
    const quint64 changes = totalChanges();
    if (!RdbFile::save(m_server.config().rdbPath(), constDatabases(m_server), saveOptions(m_server),
                       error)) {
        qCWarning(lcServer).noquote() << *error;
        return false;
    }
    qCInfo(lcServer) << "DB saved on disk";
    m_changesAtLastSave = changes;
    m_lastSaveMs = QDateTime::currentMSecsSinceEpoch();
    m_lastBgsaveOk = true; // as Redis's rdbSave: a good SAVE clears a failed BGSAVE's status
    ++m_saves;
    return true;
}

bool Persistence::startBackgroundSave(QString *error)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_lastBgsaveTryMs = now;
    const QString path = m_server.config().rdbPath();
    const RdbFile::SaveOptions options = saveOptions(m_server);
    const std::vector<const Keyspace *> databases = constDatabases(m_server);
    const pid_t pid = ChildFork::start(m_server.totalKeys(), "RDB");
    if (pid == 0) {
        // The child: only this thread exists here, so it takes no lock the parent's other
        // threads may have held (no logging), writes the image it was forked with and leaves
        // without running any destructor or atexit handler of the parent's objects.
        QString childError;
        const bool ok = RdbFile::save(path, databases, options, &childError);
        ChildFork::exit(ok ? 0 : 1);
    }
    if (pid < 0) {
        *error = QStringLiteral("Can't save in background: fork: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(errno)));
        qCWarning(lcServer).noquote() << *error;
        m_lastBgsaveOk = false;
        return false;
    }
    m_server.forked();
    qCInfo(lcServer) << "Background saving started by pid" << pid;
    m_childPid = pid;
    m_childStartMs = now;
    m_changesAtFork = totalChanges();
    m_scheduled = false;
    return true;
}

void Persistence::killBackgroundSave()
{
    if (m_childPid <= 0)
        return;
    ::kill(m_childPid, SIGKILL);
    int status = 0;
    ChildFork::wait(m_childPid, &status, true);
    // The child's temp file, named after its pid as RdbFile::save names it.
    QFile::remove(QFileInfo(m_server.config().rdbPath())
                          .absoluteDir()
                          .filePath(QStringLiteral("temp-%1.rdb").arg(qint64(m_childPid))));
    m_childPid = -1;
}

bool Persistence::saveForShutdown(bool forceSave, bool noSave)
{
    killBackgroundSave();
    // Redis's prepareForShutdown: the rewrite child goes, what is buffered is written and
    // fsynced.
    if (m_aof.isOn()) {
        m_aof.killRewrite();
        m_aof.write();
        m_aof.sync();
    }
    if (noSave || (!forceSave && m_server.config().saveRules.empty()))
        return true;
    qCInfo(lcServer) << "Saving the final RDB snapshot before exiting.";
    QString error;
    return save(&error);
}

void Persistence::cron(qint64 nowMs)
{
    m_aof.cron(nowMs);
    m_server.setDiskError(diskError());
    if (m_childPid > 0) {
        int status = 0;
        const pid_t done = ChildFork::wait(m_childPid, &status, false);
        if (done == m_childPid) {
            backgroundSaveDone(status, nowMs);
        } else if (done < 0 && errno == ECHILD) {
            // Reaped by someone else (a SIGCHLD handler in the process): the outcome is
            // unknown, so it counts as failed rather than running forever.
            backgroundSaveDone(1 << 8, nowMs);
        } else {
            return;
        }
    }
    if (m_aof.isRewriteRunning())
        return; // one child at a time, as in Redis
    const bool retryAllowed = m_lastBgsaveOk || nowMs - m_lastBgsaveTryMs > RetryDelayMs;
    bool start = m_scheduled && retryAllowed;
    const quint64 changes = changesSinceLastSave();
    for (const SaveRule &rule : m_server.config().saveRules) {
        if (start)
            break;
        start = changes >= quint64(rule.changes) && nowMs - m_lastSaveMs > rule.seconds * 1000
                && retryAllowed;
        if (start) {
            qCInfo(lcServer) << rule.changes << "changes in" << rule.seconds
                             << "seconds. Saving...";
        }
    }
    QString error;
    if (start)
        startBackgroundSave(&error);
}

void Persistence::backgroundSaveDone(int status, qint64 nowMs)
{
    if (ChildFork::lastCowBytes() >= 0)
        m_lastCowBytes = ChildFork::lastCowBytes();
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ok) {
        qCInfo(lcServer) << "Background saving terminated with success";
        m_changesAtLastSave = m_changesAtFork;
        m_lastSaveMs = nowMs;
        ++m_saves;
    } else {
        qCWarning(lcServer) << "Background saving"
                            << (WIFSIGNALED(status) ? "terminated by signal" : "error")
                            << (WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        QFile::remove(QFileInfo(m_server.config().rdbPath())
                              .absoluteDir()
                              .filePath(QStringLiteral("temp-%1.rdb").arg(qint64(m_childPid))));
    }
    m_lastBgsaveOk = ok;
    m_server.setDiskError(diskError());
    m_lastBgsaveSeconds = (nowMs - m_childStartMs) / 1000;
    m_childPid = -1;
    serveSnapshotWaiters(ok);
}

void Persistence::serveSnapshotWaiters(bool saved)
{
    if (m_snapshotWaiters.empty())
        return;
    QByteArray payload;
    QFile file(m_server.config().rdbPath());
    if (saved && file.open(QIODevice::ReadOnly)) {
        const QByteArray bytes = file.readAll();
        payload = '$' + QByteArray::number(bytes.size()) + "\r\n" + bytes;
    }
    for (const quint64 id : std::exchange(m_snapshotWaiters, {})) {
        Connection *client = m_server.client(id);
        if (!client)
            continue;
        if (payload.isEmpty()) { // Redis drops the replicas of a failed BGSAVE
            client->kill();
            continue;
        }
        client->pushOutput(payload);
        client->closeAfterReply();
    }
}

void Persistence::appendOnlyChanged()
{
    QString error;
    if (m_server.config().appendOnly && !m_aof.isOn()) {
        if (!m_aof.start(true, &error))
            qCWarning(lcServer).noquote() << "Can't start the append only file:" << error;
    } else if (!m_server.config().appendOnly && m_aof.isOn()) {
        m_aof.stop();
    }
    m_server.setDiskError(diskError());
}

QByteArray Persistence::diskError() const
{
    const ServerConfig &config = m_server.config();
    if (config.stopWritesOnBgsaveError && !config.saveRules.empty() && !m_lastBgsaveOk) {
        return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
               "persist to disk. Commands that may modify the data set are disabled, because "
               "this instance is configured to report errors during writes if RDB snapshotting "
               "fails (stop-writes-on-bgsave-error option). Please check the Redis logs for "
               "details about the RDB error.";
    }
    if (m_aof.isOn() && !m_aof.lastWriteOk())
        return "MISCONF Errors writing to the AOF file: " + m_aof.lastWriteError().toUtf8();
    return QByteArray();
}
