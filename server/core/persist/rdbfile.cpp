#include "rdbfile.h"

#include "childfork.h"
#include "crc64.h"
#include "rdbformat.h"
#include "rdbwriter.h"
#include "store/keyspace.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QtEndian>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace {

constexpr char RedisVersion[] = "7.0.15"; // what INFO reports as redis_version

void writeAux(RdbWriter &w, QByteArrayView key, QByteArrayView value)
{
    w.writeByte(Rdb::OpAux);
    w.writeString(key);
    w.writeString(value);
}

} // namespace

bool RdbFile::write(int fd, const std::vector<const Keyspace *> &databases,
                    const SaveOptions &options)
{
    RdbWriter w(fd);
    w.setCompression(options.compression);
    char magic[16];
    std::snprintf(magic, sizeof(magic), "REDIS%04d", Rdb::Version);
    w.writeRaw(QByteArrayView(magic, 9));
    writeAux(w, "redis-ver", RedisVersion);
    writeAux(w, "redis-bits", QByteArray::number(int(sizeof(void *) * 8)));
    writeAux(w, "ctime", QByteArray::number(QDateTime::currentSecsSinceEpoch()));
    writeAux(w, "used-mem", QByteArray::number(options.usedMemory));
    writeAux(w, "aof-base", options.aofBase ? "1" : "0");
    for (const QByteArray &code : options.functionLibraries) {
        w.writeByte(Rdb::OpFunction2);
        w.writeString(code);
    }
    for (size_t db = 0; db < databases.size(); ++db) {
        const Keyspace *keyspace = databases[db];
        if (!keyspace || keyspace->size() == 0)
            continue;
        w.writeByte(Rdb::OpSelectDb);
        w.writeLength(db);
        w.writeByte(Rdb::OpResizeDb);
        w.writeLength(quint64(keyspace->size()));
        w.writeLength(quint64(keyspace->volatileCount()));
        const quint32 clock = quint32(QDateTime::currentSecsSinceEpoch());
        keyspace->forEach([&w, &options, keyspace, clock](const KeyEntry &entry) {
            if (entry.hasExpire()) {
                w.writeByte(Rdb::OpExpireTimeMs);
                w.writeMillis(entry.expireAt);
            }
            if (options.idleTimes) {
                w.writeByte(Rdb::OpIdle);
                w.writeLength(quint64(keyspace->idleSeconds(&entry, clock)));
            }
            if (options.frequencies) {
                w.writeByte(Rdb::OpFreq);
                w.writeByte(keyspace->lfuCount(&entry, clock));
            }
            w.writeByte(RdbWriter::objectType(entry));
            w.writeString(entry.key());
            w.writeValue(entry);
            afterKey(options);
        });
        if (!w.ok())
            return false;
    }
    w.writeByte(Rdb::OpEof);
    unsigned char trailer[8];
    qToLittleEndian<quint64>(options.checksum ? w.checksum() : 0, trailer);
    w.writeRaw(QByteArrayView(reinterpret_cast<const char *>(trailer), 8));
    return w.flush();
}

void RdbFile::afterKey(const SaveOptions &options)
{
    ChildFork::keyWritten();
    qint64 micros = options.keySaveDelay;
    if (micros < 0)
        micros = std::rand() % -micros == 0 ? 1 : 0;
    if (micros > 0)
        ::usleep(useconds_t(micros));
}

bool RdbFile::save(const QString &path, const std::vector<const Keyspace *> &databases,
                   const SaveOptions &options, QString *error)
{
    const QFileInfo info(path);
    const QString temp
            = info.absoluteDir().filePath(QStringLiteral("temp-%1.rdb").arg(qint64(::getpid())));
    const QByteArray tempName = QFile::encodeName(temp);
    const int fd = ::open(tempName.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        *error = QStringLiteral("Failed opening the temp RDB file %1 (in server root dir %2) for "
                                "saving: %3")
                         .arg(info.fileName(), info.absolutePath(),
                              QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    bool ok = write(fd, databases, options);
    int savedErrno = errno;
    // On disk before it replaces the old file, as Redis's fflush + fsync before rename.
    if (ok && ::fsync(fd) != 0) {
        ok = false;
        savedErrno = errno;
    }
    if (::close(fd) != 0 && ok) {
        ok = false;
        savedErrno = errno;
    }
    if (ok && ::rename(tempName.constData(), QFile::encodeName(path).constData()) != 0) {
        ok = false;
        savedErrno = errno;
    }
    if (!ok) {
        *error = QStringLiteral("Write error saving DB on disk: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(savedErrno)));
        ::unlink(tempName.constData());
    }
    return ok;
}

bool RdbFile::load(const QString &path, const std::vector<Keyspace *> &databases,
                   const RdbReader::Limits &limits, bool checkChecksum, qint64 nowMs,
                   LoadStats *stats, QString *error, bool *missing)
{
    QFile file(path);
    if (missing)
        *missing = !file.exists();
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return false;
    }
    if (file.size() == 0)
        return loadBytes(QByteArrayView(), databases, limits, checkChecksum, nowMs, stats, error);
    // Mapped rather than read: a snapshot as big as the dataset is not copied once more.
    const uchar *mapped = file.map(0, file.size());
    if (!mapped) {
        *error = file.errorString();
        return false;
    }
    const bool ok = loadBytes(QByteArrayView(reinterpret_cast<const char *>(mapped), file.size()),
                              databases, limits, checkChecksum, nowMs, stats, error);
    file.unmap(const_cast<uchar *>(mapped));
    return ok;
}

bool RdbFile::loadBytes(QByteArrayView data, const std::vector<Keyspace *> &databases,
                        const RdbReader::Limits &limits, bool checkChecksum, qint64 nowMs,
                        LoadStats *stats, QString *error)
{
    RdbReader reader(data);
    auto failed = [&]() {
        *error = QStringLiteral("Short read or corrupt RDB at offset %1: %2")
                         .arg(reader.position())
                         .arg(reader.error());
        return false;
    };
    QByteArrayView magic;
    if (!reader.readBytes(9, &magic) || !magic.startsWith("REDIS")) {
        *error = QStringLiteral("Wrong signature trying to load DB from file");
        return false;
    }
    bool versionOk = false;
    const int version = QByteArrayView(magic).sliced(5).toInt(&versionOk);
    if (!versionOk || version < 1 || version > Rdb::Version) {
        *error = QStringLiteral("Can't handle RDB format version %1")
                         .arg(QString::fromLatin1(magic.sliced(5)));
        return false;
    }
    stats->rdbVersion = version;
    Keyspace *db = databases.empty() ? nullptr : databases[0];
    qint64 expireAt = -1;
    qint64 idle = -1;   // of the next key: OpIdle
    int frequency = -1; // of the next key: OpFreq
    for (;;) {
        quint8 type = 0;
        if (!reader.readByte(&type))
            return failed();
        switch (type) {
        case Rdb::OpExpireTimeMs:
            if (!reader.readMillis(&expireAt))
                return failed();
            continue;
        case Rdb::OpExpireTime:
            if (!reader.readSeconds(&expireAt))
                return failed();
            continue;
        case Rdb::OpIdle: {
            quint64 seconds = 0;
            if (!reader.readLength(&seconds))
                return failed();
            idle = qint64(qMin<quint64>(seconds, quint64(LLONG_MAX)));
            continue;
        }
        case Rdb::OpFreq: {
            quint8 counter = 0;
            if (!reader.readByte(&counter))
                return failed();
            frequency = counter;
            continue;
        }
        case Rdb::OpSelectDb: {
            quint64 index = 0;
            if (!reader.readLength(&index))
                return failed();
            if (index >= databases.size()) {
                *error = QStringLiteral("FATAL: Data file was created with a Redis server "
                                        "configured to handle more than %1 databases. Exiting")
                                 .arg(databases.size());
                return false;
            }
            db = databases[size_t(index)];
            continue;
        }
        case Rdb::OpResizeDb: {
            quint64 size = 0;
            quint64 expires = 0;
            if (!reader.readLength(&size) || !reader.readLength(&expires))
                return failed();
            continue;
        }
        case Rdb::OpAux: {
            QByteArray key;
            QByteArray value;
            if (!reader.readString(&key) || !reader.readString(&value))
                return failed();
            continue;
        }
        case Rdb::OpModuleAux:
            reader.fail(QStringLiteral("module data is not supported"));
            return failed();
        case Rdb::OpFunction:
            reader.fail(QStringLiteral("Pre-GA function format not supported"));
            return failed();
        case Rdb::OpFunction2: {
            QByteArray code;
            if (!reader.readString(&code))
                return failed();
            stats->functionLibraries.append(code);
            continue;
        }
        case Rdb::OpEof: {
            if (version >= 5) {
                const quint64 expected = Crc64::update(0, data.first(reader.position()));
                qint64 stored = 0;
                if (!reader.readMillis(&stored))
                    return failed();
                if (checkChecksum && stored != 0 && quint64(stored) != expected) {
                    *error = QStringLiteral("Wrong RDB checksum expected: (%1) got: (%2). "
                                            "Aborting now.")
                                     .arg(expected, 0, 16)
                                     .arg(quint64(stored), 0, 16);
                    return false;
                }
            }
            return true;
        }
        default: break;
        }
        QByteArray key;
        RdbReader::Value value;
        if (!reader.readString(&key) || !reader.readObject(type, limits, &value))
            return failed();
        const qint64 keyExpireAt = std::exchange(expireAt, -1);
        const qint64 keyIdle = std::exchange(idle, -1);
        const int keyFrequency = std::exchange(frequency, -1);
        if (keyExpireAt >= 0 && keyExpireAt < nowMs) {
            ++stats->keysExpired;
            continue;
        }
        if (!db) {
            reader.fail(QStringLiteral("no database"));
            return failed();
        }
        if (db->find(key, nowMs)) {
            reader.fail(QStringLiteral("duplicate key '%1'").arg(QString::fromLatin1(key)));
            return failed();
        }
        KeyEntry *entry = value.type == ValueType::String
                ? db->setString(key, value.string, keyExpireAt)
                : db->setObject(key, value.type, std::move(value.object));
        if (keyExpireAt >= 0 && value.type != ValueType::String)
            db->setExpire(entry, keyExpireAt);
        db->restoreAccess(entry, keyIdle, keyFrequency, nowMs);
        ++stats->keysLoaded;
    }
}
