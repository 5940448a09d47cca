#include "aof.h"

#include "aofbase.h"
#include "aofencoding.h"
#include "childfork.h"
#include "commands/info.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/logsink.h"
#include "persistence.h"
#include "rdbfile.h"
#include "store/keyspace.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

QString strerrorText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

std::vector<const Keyspace *> constDatabases(Server &server)
{
    std::vector<const Keyspace *> databases;
    for (int i = 0; i < server.databaseCount(); ++i)
        databases.push_back(&server.database(i));
    return databases;
}

qint64 fileSize(const QString &path)
{
    return QFileInfo(path).size();
}

// Writes text to path through a temp file renamed over it, fsynced, as Redis persists its
// manifest.
bool writeAtomically(const QString &path, const QByteArray &text, QString *error)
{
    const QFileInfo info(path);
    const QByteArray temp = QFile::encodeName(
            info.absoluteDir().filePath(QStringLiteral("temp-") + info.fileName()));
    const int fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && ::write(fd, text.constData(), size_t(text.size())) == text.size()
            && ::fsync(fd) == 0;
    const int savedErrno = errno;
    if (fd >= 0)
        ::close(fd);
    ok = ok && ::rename(temp.constData(), QFile::encodeName(path).constData()) == 0;
    if (!ok) {
        *error = strerrorText(savedErrno);
        ::unlink(temp.constData());
    }
    return ok;
}

} // namespace

Aof::Aof(Server &server)
    : m_server(server)
{ }

Aof::~Aof()
{
    killRewrite();
    closeFile();
}

QString Aof::dirPath() const
{
    return m_server.config().aofDirPath();
}

QString Aof::pathOf(const QString &name) const
{
    return QDir(dirPath()).filePath(name);
}

bool Aof::exists() const
{
    return QFileInfo::exists(
            pathOf(m_server.config().appendFilename + QStringLiteral(".manifest")));
}

qint64 Aof::currentRewriteSeconds(qint64 nowMs) const
{
    return m_childPid > 0 ? (nowMs - m_childStartMs) / 1000 : -1;
}

bool Aof::load(QString *error)
{
    const QString manifestPath
            = pathOf(m_server.config().appendFilename + QStringLiteral(".manifest"));
    QFile manifest(manifestPath);
    if (!manifest.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Can't open the AOF manifest %1: %2")
                         .arg(manifestPath, manifest.errorString());
        return false;
    }
    if (!m_manifest.parse(manifest.readAll(), error))
        return false;
    const QList<AofManifest::File> files = m_manifest.loadOrder();
    const qint64 start = QDateTime::currentMSecsSinceEpoch();
    for (qsizetype i = 0; i < files.size(); ++i) {
        if (!loadFile(files[i].name, i == files.size() - 1, error))
            return false;
    }
    qint64 keys = 0;
    for (int i = 0; i < m_server.databaseCount(); ++i)
        keys += m_server.database(i).size();
    qCInfo(lcServer).noquote() << "DB loaded from append only file:"
                               << (QDateTime::currentMSecsSinceEpoch() - start) / 1000.0
                               << "seconds," << keys << "keys";
    return true;
}

bool Aof::loadFile(const QString &name, bool last, QString *error)
{
    const QString path = pathOf(name);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Fatal error: can't open the append log file %1 for reading: %2")
                         .arg(name, file.errorString());
        return false;
    }
    const QByteArray data = file.readAll();
    file.close();
    // A base written with aof-use-rdb-preamble is an RDB image.
    if (data.startsWith("REDIS")) {
        std::vector<Keyspace *> databases;
        for (int i = 0; i < m_server.databaseCount(); ++i)
            databases.push_back(&m_server.database(i));
        RdbFile::LoadStats stats;
        const ServerConfig &config = m_server.config();
        if (!RdbFile::loadBytes(data, databases, Persistence::loadLimits(config),
                                config.rdbChecksum, QDateTime::currentMSecsSinceEpoch(), &stats,
                                error)
            || !Persistence::loadFunctionLibraries(m_server, stats.functionLibraries, error)) {
            *error = QStringLiteral("Bad file format reading the append only file %1: %2")
                             .arg(name, *error);
            return false;
        }
        qCInfo(lcServer).noquote() << "Reading RDB base file on AOF loading...";
        return true;
    }
    // Commands, replayed through a client of the server's own, as Redis's fake client.
    Connection *client = m_server.createLocalClient();
    client->setAuthenticated(true);
    client->setMustObey(true);
    qsizetype pos = 0;
    std::vector<QByteArrayView> argv;
    AofEncoding::Parse status = AofEncoding::Parse::Complete;
    while (pos < data.size()) {
        qsizetype end = pos;
        status = AofEncoding::nextCommand(data, pos, &end, &argv);
        if (status != AofEncoding::Parse::Complete)
            break;
        if (!m_server.commands().find(argv[0])) {
            m_server.closeConnection(client, "AOF loaded");
            *error = QStringLiteral("Unknown command '%1' reading the append only file %2")
                             .arg(QString::fromUtf8(argv[0].toByteArray()), name);
            return false;
        }
        client->feed(QByteArrayView(data).sliced(pos, end - pos));
        client->takeOutput();
        pos = end;
    }
    const bool inTransaction = client->transaction().isActive();
    m_server.closeConnection(client, "AOF loaded");
    if (status == AofEncoding::Parse::Malformed) {
        *error = QStringLiteral("Bad file format reading the append only file %1 at offset %2: "
                                "make a backup of your AOF file, then use ./redis-check-aof "
                                "--fix <filename.manifest>")
                         .arg(name)
                         .arg(pos);
        return false;
    }
    if (status == AofEncoding::Parse::Complete && !inTransaction)
        return true;
    // A short read: the tail of a crash. Only the last file may have one.
    if (!last || !m_server.config().aofLoadTruncated) {
        *error = QStringLiteral("Unexpected end of file reading the append only file %1. You can: "
                                "1) Make a backup of your AOF file, then use ./redis-check-aof "
                                "--fix <filename.manifest>. 2) Alternatively you can set the "
                                "'aof-load-truncated' configuration option to yes and restart "
                                "the server.")
                         .arg(name);
        return false;
    }
    qCWarning(lcServer).noquote()
            << QStringLiteral("!!! Warning: short read while loading the AOF file %1!!!").arg(name);
    qCWarning(lcServer).noquote()
            << QStringLiteral("!!! Truncating the AOF %1 at offset %2 !!!").arg(name).arg(pos);
    if (!QFile::resize(path, pos)) {
        *error = QStringLiteral("Error truncating the AOF file %1").arg(name);
        return false;
    }
    qCWarning(lcServer).noquote()
            << QStringLiteral("AOF %1 loaded anyway because aof-load-truncated is enabled")
                       .arg(name);
    return true;
}

bool Aof::writeBase(const QString &path) const
{
    const ServerConfig &config = m_server.config();
    const std::vector<const Keyspace *> databases = constDatabases(m_server);
    RdbFile::SaveOptions options = Persistence::saveOptions(m_server);
    if (config.aofUseRdbPreamble) {
        options.aofBase = true;
        QString error;
        return RdbFile::save(path, databases, options, &error);
    }
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const bool ok = AofBase::write(fd, databases, options) && ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

bool Aof::start(bool newBase, QString *error)
{
    const ServerConfig &config = m_server.config();
    if (!QDir().mkpath(dirPath())) {
        *error = QStringLiteral("Can't create the append-only dir %1").arg(dirPath());
        return false;
    }
    if (newBase) {
        // An older manifest's files become history, and its numbers go on.
        QFile old(pathOf(config.appendFilename + QStringLiteral(".manifest")));
        QString ignored;
        if (old.open(QIODevice::ReadOnly) && !m_manifest.parse(old.readAll(), &ignored))
            m_manifest = AofManifest();
        const qint64 seq = m_manifest.nextBaseSeq();
        const QString name
                = AofManifest::baseName(config.appendFilename, seq, config.aofUseRdbPreamble);
        if (!writeBase(pathOf(name))) {
            *error = QStringLiteral("Can't write the AOF base file %1: %2")
                             .arg(name, strerrorText(errno));
            return false;
        }
        m_manifest.rebase(name, seq, false);
        qCInfo(lcServer).noquote() << "Creating AOF base file" << name;
    }
    if (m_manifest.increments().isEmpty())
        m_manifest.addIncrement(config.appendFilename);
    if (!openIncrement(error))
        return false;
    m_currentSize = 0;
    for (const AofManifest::File &file : m_manifest.loadOrder())
        m_currentSize += fileSize(pathOf(file.name));
    m_baseSize = m_currentSize;
    m_lastFsyncMs = QDateTime::currentMSecsSinceEpoch();
    m_server.setPropagating(true);
    return true;
}

void Aof::deleteHistory()
{
    if (isOn() && !m_server.config().aofDisableAutoGc)
        deleteHistory(pathOf(m_server.config().appendFilename + QStringLiteral(".manifest")));
}

void Aof::deleteHistory(const QString &manifestPath)
{
    if (m_manifest.history().isEmpty())
        return;
    for (const AofManifest::File &file : m_manifest.history())
        QFile::remove(pathOf(file.name));
    m_manifest.clearHistory();
    QString error;
    if (!writeAtomically(manifestPath, m_manifest.toText(), &error))
        qCWarning(lcServer).noquote() << "Can't persist the AOF manifest:" << error;
}

bool Aof::openIncrement(QString *error)
{
    const QString manifestPath
            = pathOf(m_server.config().appendFilename + QStringLiteral(".manifest"));
    if (!writeAtomically(manifestPath, m_manifest.toText(), error)) {
        *error = QStringLiteral("Can't persist the AOF manifest: ") + *error;
        return false;
    }
    if (!m_server.config().aofDisableAutoGc)
        deleteHistory(manifestPath);
    const QByteArray path = QFile::encodeName(pathOf(m_manifest.increments().last().name));
    const int fd = ::open(path.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        *error = QStringLiteral("Can't open the append-only file %1: %2")
                         .arg(QFile::decodeName(path), strerrorText(errno));
        return false;
    }
    closeFile();
    m_fd = fd;
    m_selectedDb = -1; // a new file starts with a SELECT
    return true;
}

void Aof::closeFile()
{
    if (m_fd < 0)
        return;
    m_fsync.wait();
    ::fdatasync(m_fd);
    ::close(m_fd);
    m_fd = -1;
}

void Aof::stop()
{
    write();
    killRewrite();
    closeFile();
    m_manifest = AofManifest();
    m_buffer.clear();
    m_server.setPropagating(false);
}

void Aof::feed(int db, const std::vector<QByteArrayView> &argv)
{
    if (db != m_selectedDb) {
        const QByteArray index = QByteArray::number(db);
        AofEncoding::appendCommand(m_buffer, { QByteArrayView("SELECT"), index });
        m_selectedDb = db;
    }
    AofEncoding::appendCommand(m_buffer, argv);
}

bool Aof::write()
{
    if (m_buffer.isEmpty() || m_fd < 0)
        return true;
    qsizetype done = 0;
    while (done < m_buffer.size()) {
        const ssize_t n
                = ::write(m_fd, m_buffer.constData() + done, size_t(m_buffer.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            m_lastWriteError = strerrorText(errno);
            if (m_lastWriteOk)
                qCWarning(lcServer).noquote()
                        << "Error writing to the AOF file:" << m_lastWriteError;
            m_lastWriteOk = false;
            // As Redis: with always, a write that was acknowledged may be lost; stop instead.
            if (m_server.config().appendFsync == AppendFsync::Always) {
                qCCritical(lcServer) << "Can't recover from AOF write error when the AOF fsync "
                                        "policy is 'always'. Exiting...";
                std::exit(1);
            }
            m_buffer.remove(0, done); // kept, and written again next time
            m_currentSize += done;
            return false;
        }
        done += n;
    }
    m_currentSize += done;
    m_buffer.resize(0);
    if (m_buffer.capacity() > 1024 * 1024)
        m_buffer = QByteArray();
    if (!m_lastWriteOk)
        qCInfo(lcServer) << "AOF write error looks solved, Redis can write again.";
    m_lastWriteOk = true;
    const ServerConfig &config = m_server.config();
    const bool rewriting = m_childPid > 0 && config.noAppendfsyncOnRewrite;
    if (config.appendFsync == AppendFsync::Always && !rewriting) {
        // The reply waits for this: acknowledged means on disk.
        ::fdatasync(m_fd);
    } else {
        m_unsynced = true;
    }
    return true;
}

void Aof::sync()
{
    if (m_fd < 0)
        return;
    m_fsync.wait();
    ::fdatasync(m_fd);
    m_unsynced = false;
}

bool Aof::startRewrite(QString *error)
{
    if (m_childPid > 0) {
        *error = QStringLiteral("Background append only file rewriting already in progress");
        return false;
    }
    // What the child will not see goes to a new incremental file, opened before the fork. With
    // the AOF off only the base is written (and becomes the whole of a new manifest).
    if (isOn()) {
        write();
        m_manifest.addIncrement(m_server.config().appendFilename);
        if (!openIncrement(error))
            return false;
    } else {
        if (!QDir().mkpath(dirPath())) {
            *error = QStringLiteral("Can't create the append-only dir %1").arg(dirPath());
            return false;
        }
        // The files already there become history and their numbers go on.
        m_manifest = AofManifest();
        QFile old(pathOf(m_server.config().appendFilename + QStringLiteral(".manifest")));
        QString ignored;
        if (old.open(QIODevice::ReadOnly) && !m_manifest.parse(old.readAll(), &ignored))
            m_manifest = AofManifest();
    }
    const ServerConfig &config = m_server.config();
    m_childBaseName = AofManifest::baseName(config.appendFilename, m_manifest.nextBaseSeq(),
                                            config.aofUseRdbPreamble);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const pid_t pid = ChildFork::start(m_server.totalKeys(), "AOF rewrite");
    if (pid == 0) {
        // The child, as Persistence's BGSAVE child: no locks, no destructors.
        const QString temp = pathOf(QStringLiteral("temp-rewriteaof-bg-%1.aof").arg(::getpid()));
        ChildFork::exit(writeBase(temp) ? 0 : 1);
    }
    if (pid < 0) {
        *error = QStringLiteral("Can't rewrite append only file in background: fork: %1")
                         .arg(strerrorText(errno));
        return false;
    }
    m_server.forked();
    qCInfo(lcServer) << "Background append only file rewriting started by pid" << pid;
    m_childPid = pid;
    m_childStartMs = now;
    m_rewriteScheduled = false;
    return true;
}

void Aof::killRewrite()
{
    if (m_childPid <= 0)
        return;
    ::kill(m_childPid, SIGKILL);
    int status = 0;
    ChildFork::wait(m_childPid, &status, true);
    QFile::remove(pathOf(QStringLiteral("temp-rewriteaof-bg-%1.aof").arg(m_childPid)));
    m_childPid = -1;
}

void Aof::rewriteDone(int status, qint64 nowMs)
{
    if (ChildFork::lastCowBytes() >= 0)
        m_lastCowBytes = ChildFork::lastCowBytes();
    const QString temp = pathOf(QStringLiteral("temp-rewriteaof-bg-%1.aof").arg(m_childPid));
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    QString error;
    if (ok) {
        ok = ::rename(QFile::encodeName(temp).constData(),
                      QFile::encodeName(pathOf(m_childBaseName)).constData())
                == 0;
    }
    if (ok && isOn()) {
        m_manifest.rebase(m_childBaseName, m_manifest.nextBaseSeq());
        // Persists the new manifest, deletes the history, reopens the same last increment.
        write();
        ok = openIncrement(&error);
    } else if (ok) {
        AofManifest manifest = m_manifest;
        manifest.rebase(m_childBaseName, manifest.nextBaseSeq(), false);
        ok = writeAtomically(pathOf(m_server.config().appendFilename + QStringLiteral(".manifest")),
                             manifest.toText(), &error);
        if (!m_server.config().aofDisableAutoGc) {
            for (const AofManifest::File &file : manifest.history())
                QFile::remove(pathOf(file.name));
        }
    }
    m_lastRewriteSeconds = (nowMs - m_childStartMs) / 1000;
    m_childPid = -1;
    if (!ok) {
        QFile::remove(temp);
        m_lastRewriteOk = false;
        ++m_rewriteFailures;
        qCWarning(lcServer).noquote() << "Background AOF rewrite failed" << error;
        return;
    }
    m_lastRewriteOk = true;
    m_rewriteFailures = 0;
    ++m_rewrites;
    m_currentSize = 0;
    for (const AofManifest::File &file : m_manifest.loadOrder())
        m_currentSize += fileSize(pathOf(file.name));
    m_baseSize = m_currentSize;
    qCInfo(lcServer) << "Background AOF rewrite finished successfully";
}

void Aof::cron(qint64 nowMs)
{
    if (m_childPid > 0) {
        int status = 0;
        const pid_t done = ChildFork::wait(m_childPid, &status, false);
        if (done == m_childPid)
            rewriteDone(status, nowMs);
        else if (done < 0 && errno == ECHILD)
            rewriteDone(1 << 8, nowMs);
    }
    const ServerConfig &config = m_server.config();
    if (isOn())
        write(); // a write that failed is retried here
    if (isOn() && config.appendFsync == AppendFsync::EverySec && m_unsynced
        && nowMs - m_lastFsyncMs >= 1000) {
        if (m_fsync.request(m_fd)) {
            m_unsynced = false;
            m_lastFsyncMs = nowMs;
        } else {
            ++m_delayedFsyncs; // the last one still runs: the disk is slow
        }
    }
    Persistence &persistence = m_server.persistence();
    if (m_childPid > 0 || persistence.isBackgroundSaveRunning())
        return;
    QString error;
    if (m_rewriteScheduled) {
        startRewrite(&error);
        return;
    }
    if (!isOn())
        return;
    // Redis's auto rewrite: the files grew by the percentage over the size after the last
    // rewrite, and are at least the minimum size.
    if (config.autoAofRewritePercentage > 0 && m_currentSize > config.autoAofRewriteMinSize) {
        const qint64 base = m_baseSize > 0 ? m_baseSize : 1;
        const qint64 growth = (m_currentSize * 100 / base) - 100;
        if (growth >= config.autoAofRewritePercentage) {
            qCInfo(lcServer) << "Starting automatic rewriting of AOF on" << growth << "% growth";
            startRewrite(&error);
        }
    }
}
