#pragma once

#include "aof.h"
#include "config/serverconfig.h"
#include "rdbfile.h"

#include <QString>
#include <QtGlobal>

#include <vector>

#include <sys/types.h>

class Server;

// A server's RDB snapshots, as Redis's rdb.c and serverCron run them: SAVE in the event loop,
// BGSAVE in a forked child that writes the parent's copy-on-write image while the parent keeps
// serving (the child is reaped by cron()), the save rules, a scheduled BGSAVE, the load at
// start-up, and the figures INFO persistence reports. Lives on the server thread.
//
// Changes are counted by the databases (Keyspace::changes()); "changes since the last save"
// is their sum minus what it was when the last successful save started.
class Persistence
{
public:
    explicit Persistence(Server &server);
    ~Persistence(); // a running child is killed, its temp file removed
    Persistence(const Persistence &) = delete;
    Persistence &operator=(const Persistence &) = delete;

    // Start-up: loads the data into the (empty) databases, as Redis's loadDataFromDisk: with
    // appendonly yes from the append-only files (never the RDB file), which are then opened
    // for appending; otherwise config().rdbPath(). A missing file is fine. False with *error
    // on a corrupt file.
    bool load(QString *error);
    // The append-only file (off unless appendonly yes).
    Aof &aof() { return m_aof; }
    const Aof &aof() const { return m_aof; }
    // SAVE: writes the snapshot now, blocking. False with *error.
    bool save(QString *error);
    // BGSAVE: forks a child that writes the snapshot. False with *error if fork fails.
    bool startBackgroundSave(QString *error);
    bool isBackgroundSaveRunning() const { return m_childPid > 0; }
    // BGSAVE SCHEDULE (or BGSAVE inside MULTI): starts one from cron() when nothing runs.
    void scheduleBackgroundSave() { m_scheduled = true; }
    // Kills a running child (SHUTDOWN, FLUSHALL), removing its temp file.
    void killBackgroundSave();
    // Redis's prepareForShutdown part: save if asked (or, unless noSave, when save rules
    // exist). False when the save failed.
    bool saveForShutdown(bool forceSave, bool noSave);

    // SYNC: the client gets the snapshot of the next BGSAVE to finish as a bulk string, then
    // its connection is closed (no replication stream yet).
    void addSnapshotWaiter(quint64 clientId) { m_snapshotWaiters.push_back(clientId); }

    // CONFIG SET appendonly: starts the append-only file (its base written from the data in
    // memory) or stops it.
    void appendOnlyChanged();
    // Redis's writeCommandsDeniedByDiskError: the -MISCONF error write commands get while the
    // last BGSAVE failed (stop-writes-on-bgsave-error, with save rules) or the AOF cannot be
    // written; empty when writes are allowed.
    QByteArray diskError() const;

    // Called by the server's timer: reaps a finished child, then starts a BGSAVE when a save
    // rule or a schedule says so.
    void cron(qint64 nowMs);

    // The encodings values get when loaded (RDB files, RESTORE): the server's parameters.
    static RdbReader::Limits loadLimits(const ServerConfig &config);

    quint64 changesSinceLastSave() const;
    qint64 lastSaveSeconds() const { return m_lastSaveMs / 1000; } // LASTSAVE
    bool lastBackgroundSaveOk() const { return m_lastBgsaveOk; }
    qint64 lastCowBytes() const { return m_lastCowBytes; } // of the last BGSAVE child
    qint64 lastBackgroundSaveSeconds() const { return m_lastBgsaveSeconds; } // -1: none yet
    qint64 currentBackgroundSaveSeconds(qint64 nowMs) const;
    quint64 saves() const { return m_saves; }
    const RdbFile::LoadStats &loadStats() const { return m_loadStats; }
    // What an RDB image of server holds besides its keys (compression, checksum, used-mem, the
    // function libraries): a snapshot and an append-only file's RDB base alike.
    static RdbFile::SaveOptions saveOptions(Server &server);
    // Loads the function libraries an RDB image held (LoadStats::functionLibraries); false
    // with Redis's error text when one fails.
    static bool loadFunctionLibraries(Server &server, const QByteArrayList &libraries,
                                      QString *error);

private:
    quint64 totalChanges() const;
    void backgroundSaveDone(int status, qint64 nowMs);
    // Sends the file just saved to the SYNC clients, or closes them when the save failed.
    void serveSnapshotWaiters(bool saved);

    Server &m_server;
    quint64 m_changesAtLastSave = 0;
    quint64 m_changesAtFork = 0;
    qint64 m_lastSaveMs;
    qint64 m_lastBgsaveTryMs = 0;
    qint64 m_childStartMs = 0;
    qint64 m_lastBgsaveSeconds = -1;
    quint64 m_saves = 0;
    pid_t m_childPid = -1;
    bool m_lastBgsaveOk = true;
    qint64 m_lastCowBytes = 0;
    bool m_scheduled = false;
    RdbFile::LoadStats m_loadStats;
    Aof m_aof;
    std::vector<quint64> m_snapshotWaiters; // client ids
};
