#pragma once

#include "rdbreader.h"

#include <QByteArrayList>
#include <QString>

#include <vector>

class Keyspace;

// Whole RDB files, as redis-server 7.0 writes and loads them (rdbSaveRio / rdbLoadRio): the
// "REDIS0010" header, the aux fields (redis-ver, redis-bits, ctime, used-mem, aof-base), the
// function libraries, then for each non-empty database SELECTDB, RESIZEDB and its keys
// (EXPIRETIME_MS before a key with a TTL), EOF and the CRC64 (zero with checksums off).
//
// Writing only reads the databases (const forEach), so a forked child can write the parent's
// copy-on-write image. Loading replaces nothing: it adds keys to the given (empty) databases.
class RdbFile
{
public:
    struct SaveOptions
    {
        bool compression = true; // rdbcompression
        bool checksum = true;    // rdbchecksum
        qint64 usedMemory = 0;   // the used-mem aux field
        bool aofBase = false;    // the aof-base aux field: the base of an append-only file
        qint64 keySaveDelay = 0; // rdb-key-save-delay (see afterKey)
        // Each key's idle seconds (under an LRU maxmemory-policy) or LFU counter (under an LFU
        // one) before it, as Redis's RDB_OPCODE_IDLE and RDB_OPCODE_FREQ.
        bool idleTimes = false;
        bool frequencies = false;
        // The code of each function library, written as RDB_OPCODE_FUNCTION2 after the aux
        // fields, as Redis 7.0 writes them.
        QByteArrayList functionLibraries;
    };
    struct LoadStats
    {
        qint64 keysLoaded = 0;
        qint64 keysExpired = 0; // skipped because their time had passed, as a master does
        int rdbVersion = 0;
        QByteArrayList functionLibraries; // their code, for the caller to load
    };

    // Writes databases (index = database number; null entries are skipped) as one RDB file
    // to fd. False on a write error.
    static bool write(int fd, const std::vector<const Keyspace *> &databases,
                      const SaveOptions &options);
    // After each key written to a snapshot or a rewritten append-only file: in a child, its
    // progress report (ChildFork::keyWritten); then rdb-key-save-delay's pause, of
    // options.keySaveDelay microseconds, or for -N, 1 us after one key in N at random (a delay
    // too short for a sleep of its own).
    static void afterKey(const SaveOptions &options);
    // SAVE: writes to temp-<pid>.rdb beside path, fsyncs it and renames it over path, so a
    // crash never leaves a half-written path. False with *error on failure (nothing replaced).
    static bool save(const QString &path, const std::vector<const Keyspace *> &databases,
                     const SaveOptions &options, QString *error);

    // Loads path into databases (which should be empty). A missing file is not an error
    // (*missing set). checkChecksum: rdbchecksum (a zero checksum is never checked, as in
    // Redis). nowMs decides which keys have expired. False with *error (which says where) on
    // a malformed file; the databases then hold what was read before the error.
    static bool load(const QString &path, const std::vector<Keyspace *> &databases,
                     const RdbReader::Limits &limits, bool checkChecksum, qint64 nowMs,
                     LoadStats *stats, QString *error, bool *missing = nullptr);
    // The same from bytes in memory.
    static bool loadBytes(QByteArrayView data, const std::vector<Keyspace *> &databases,
                          const RdbReader::Limits &limits, bool checkChecksum, qint64 nowMs,
                          LoadStats *stats, QString *error);
};
