#pragma once

#include "aofmanifest.h"
#include "fsyncworker.h"

#include <QByteArray>
#include <QString>

#include <vector>

#include <sys/types.h>

class Server;

// The append-only file in Redis 7.0's multi-part layout (aof.c): in <dir>/<appenddirname>/ a
// manifest names one base file (an RDB image with aof-use-rdb-preamble, else commands) and
// the incremental files of the commands written since, which are replayed in order at
// start-up. Lives on the server thread.
//
// Writes arrive as Redis propagates them (feed(), from Connection's propagation point) and
// are kept in a buffer that write() empties before any reply leaves the server, so a client
// never sees the reply of a write that is not at least in the kernel; with appendfsync
// always that write is fsynced too, with everysec a worker thread fsyncs once a second.
// BGREWRITEAOF forks a child that writes a new base from the copy-on-write image, while the
// parent goes on appending to a new incremental file that it opened just before the fork.
class Aof
{
public:
    explicit Aof(Server &server);
    ~Aof(); // a running child is killed, the files closed
    Aof(const Aof &) = delete;
    Aof &operator=(const Aof &) = delete;

    // Whether writes are logged (appendonly yes and the files open).
    bool isOn() const { return m_fd >= 0; }

    // Start-up: whether the directory has a manifest to load.
    bool exists() const;
    // Replays the base and incremental files into the (empty) databases. A truncated last
    // file is cut at its last complete command when aof-load-truncated (with Redis's
    // warnings), else refused; a malformed command anywhere names its file and offset. False
    // with *error.
    bool load(QString *error);
    // Opens the files for appending. With newBase (the first start with appendonly yes, or
    // CONFIG SET appendonly yes) the data in memory is written as a new base first, every
    // older file becoming history, as Redis's first start and startAppendOnly do. False with
    // *error.
    bool start(bool newBase, QString *error);
    // appendonly no: fsyncs and closes, stopping a rewrite.
    void stop();

    // Appends one command run on database db (SELECT first when db changed).
    void feed(int db, const std::vector<QByteArrayView> &argv);
    // Writes the buffer to the file (fsyncing it with appendfsync always). Called before
    // replies are sent. False when the write failed (aof_last_write_status).
    bool write();
    bool hasPending() const { return !m_buffer.isEmpty(); }
    // fsyncs what was written, now (shutdown).
    void sync();

    // BGREWRITEAOF: forks the child that writes a new base. False with *error.
    bool startRewrite(QString *error);
    bool isRewriteRunning() const { return m_childPid > 0; }
    // Asked while a BGSAVE runs: started by cron() once it is done.
    void scheduleRewrite() { m_rewriteScheduled = true; }
    bool isRewriteScheduled() const { return m_rewriteScheduled; }
    void killRewrite();

    // The server's timer: reaps the child, everysec fsync, a scheduled or automatic rewrite.
    void cron(qint64 nowMs);

    // INFO persistence.
    qint64 currentSize() const { return m_currentSize; }
    qint64 baseSize() const { return m_baseSize; }
    bool lastWriteOk() const { return m_lastWriteOk; }
    const QString &lastWriteError() const { return m_lastWriteError; }
    bool lastRewriteOk() const { return m_lastRewriteOk; }
    qint64 lastRewriteSeconds() const { return m_lastRewriteSeconds; }
    qint64 lastCowBytes() const { return m_lastCowBytes; } // of the last rewrite child
    qint64 currentRewriteSeconds(qint64 nowMs) const;
    quint64 rewrites() const { return m_rewrites; }
    quint64 consecutiveRewriteFailures() const { return m_rewriteFailures; }
    qsizetype bufferLength() const { return m_buffer.size(); }
    // What the buffer holds allocated (Redis's sdsAllocSize(aof_buf)).
    qsizetype bufferAllocated() const { return m_buffer.capacity(); }
    bool fsyncPending() const { return m_fsync.isBusy(); }
    quint64 delayedFsyncs() const { return m_delayedFsyncs; }

    // Redis's aofDelHistoryFiles: while the AOF is on, deletes the files that became history
    // and drops them from the manifest, unless aof-disable-auto-gc keeps them.
    void deleteHistory();

private:
    QString dirPath() const;
    QString pathOf(const QString &name) const;
    // deleteHistory(), the manifest being at manifestPath.
    void deleteHistory(const QString &manifestPath);
    // Opens (creating) the manifest's last incremental file for appending.
    bool openIncrement(QString *error);
    // Writes a base file from the current data into path (in the event loop or a child).
    bool writeBase(const QString &path) const;
    void rewriteDone(int status, qint64 nowMs);
    bool loadFile(const QString &name, bool last, QString *error);
    void closeFile();

    Server &m_server;
    AofManifest m_manifest;
    QByteArray m_buffer;
    int m_fd = -1;
    int m_selectedDb = -1;
    FsyncWorker m_fsync;
    qint64 m_currentSize = 0;
    qint64 m_baseSize = 0; // the size after the last rewrite, for auto rewrite
    qint64 m_lastFsyncMs = 0;
    bool m_unsynced = false;
    bool m_lastWriteOk = true;
    QString m_lastWriteError;
    pid_t m_childPid = -1;
    qint64 m_childStartMs = 0;
    QString m_childBaseName;
    bool m_rewriteScheduled = false;
    bool m_lastRewriteOk = true;
    qint64 m_lastRewriteSeconds = -1;
    qint64 m_lastCowBytes = 0;
    quint64 m_rewrites = 0;
    quint64 m_rewriteFailures = 0;
    quint64 m_delayedFsyncs = 0;
};
