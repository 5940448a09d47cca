// SAVE, BGSAVE, LASTSAVE (RDB snapshots, through the server's Persistence), DUMP and RESTORE
// (one value in Redis's serialization, through DumpPayload).
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "persist/dumppayload.h"
#include "persist/persistence.h"
#include "store/keyspace.h"

using namespace CommandUtil;

namespace {

void saveCommand(Connection &c)
{
    Persistence &persistence = c.server().persistence();
    if (persistence.isBackgroundSaveRunning()) {
        c.reply().error("ERR Background save already in progress");
        return;
    }
    QString error;
    if (persistence.save(&error))
        c.reply().ok();
    else
        c.reply().error("ERR"); // Redis's shared.err: the log says why
}

// Redis's bgsaveCommand: inside EXEC the save is scheduled, as Redis never forks mid-EXEC.
void bgsaveCommand(Connection &c)
{
    bool schedule = false;
    if (c.argc() > 1) {
        if (c.argc() == 2 && argIs(c.arg(1), "SCHEDULE")) {
            schedule = true;
        } else {
            replySyntaxError(c);
            return;
        }
    }
    Persistence &persistence = c.server().persistence();
    QString error;
    if (persistence.isBackgroundSaveRunning()) {
        c.reply().error("ERR Background save already in progress");
    } else if (persistence.aof().isRewriteRunning() && !schedule && !c.isInExec()) {
        c.reply().error("ERR Another child process is active (AOF?): can't BGSAVE right now. "
                        "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
    } else if (c.isInExec() || persistence.aof().isRewriteRunning()) {
        persistence.scheduleBackgroundSave();
        c.reply().simple("Background saving scheduled");
    } else if (persistence.startBackgroundSave(&error)) {
        c.reply().simple("Background saving started");
    } else {
        c.reply().error("ERR");
    }
}

// Redis's bgrewriteaofCommand: one child at a time, so it waits for a BGSAVE (or the end of
// EXEC) when one runs.
void bgrewriteaofCommand(Connection &c)
{
    Persistence &persistence = c.server().persistence();
    Aof &aof = persistence.aof();
    QString error;
    if (aof.isRewriteRunning()) {
        c.reply().error("ERR Background append only file rewriting already in progress");
    } else if (persistence.isBackgroundSaveRunning() || c.isInExec()) {
        aof.scheduleRewrite();
        c.reply().simple("Background append only file rewriting scheduled");
    } else if (aof.startRewrite(&error)) {
        c.reply().simple("Background append only file rewriting started");
    } else {
        c.reply().error("ERR Can't execute an AOF background rewriting. Please check the server "
                        "logs for more information.");
    }
}

void lastsaveCommand(Connection &c)
{
    c.reply().integer(c.server().persistence().lastSaveSeconds());
}

void dumpCommand(Connection &c)
{
    const KeyEntry *entry = lookupRead(c, c.arg(1));
    if (!entry) {
        c.reply().null();
        return;
    }
    c.reply().bulk(DumpPayload::create(*entry, c.server().config().rdbCompression));
}

// Redis 7.0's restoreCommand, check for check in its order.
void restoreCommand(Connection &c)
{
    bool replace = false;
    bool absoluteTtl = false;
    long long idle = -1;
    long long frequency = -1;
    for (qsizetype j = 4; j < c.argc(); ++j) {
        const qsizetype additional = c.argc() - j - 1;
        if (argIs(c.arg(j), "REPLACE")) {
            replace = true;
        } else if (argIs(c.arg(j), "ABSTTL")) {
            absoluteTtl = true;
        } else if (argIs(c.arg(j), "IDLETIME") && additional >= 1 && frequency == -1) {
            if (!parseLongLong(c, c.arg(j + 1), &idle))
                return;
            if (idle < 0) {
                c.reply().error("ERR Invalid IDLETIME value, must be >= 0");
                return;
            }
            ++j;
        } else if (argIs(c.arg(j), "FREQ") && additional >= 1 && idle == -1) {
            if (!parseLongLong(c, c.arg(j + 1), &frequency))
                return;
            if (frequency < 0 || frequency > 255) {
                c.reply().error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                return;
            }
            ++j;
        } else {
            replySyntaxError(c);
            return;
        }
    }
    const QByteArrayView key = c.arg(1);
    if (!replace && lookupWrite(c, key)) {
        c.reply().error("BUSYKEY Target key name already exists.");
        return;
    }
    long long ttl = 0;
    if (!parseLongLong(c, c.arg(2), &ttl))
        return;
    if (ttl < 0) {
        c.reply().error("ERR Invalid TTL value, must be >= 0");
        return;
    }
    const QByteArrayView payload = c.arg(3);
    if (!DumpPayload::verify(payload)) {
        c.reply().error("ERR DUMP payload version or checksum are wrong");
        return;
    }
    RdbReader::Value value;
    if (!DumpPayload::load(payload, Persistence::loadLimits(c.server().config()), &value)) {
        c.reply().error("ERR Bad data format");
        return;
    }
    Keyspace &db = c.db();
    if (replace)
        db.remove(key);
    if (ttl && !absoluteTtl)
        ttl += c.now();
    // Already expired: nothing is added (a replaced key is gone), and the reply is still OK.
    if (ttl && ttl <= c.now()) {
        c.reply().ok();
        return;
    }
    KeyEntry *entry = value.type == ValueType::String
            ? db.setString(key, value.string, ttl ? ttl : -1)
            : db.setObject(key, value.type, std::move(value.object));
    if (ttl && value.type != ValueType::String)
        db.setExpire(entry, ttl);
    // Redis logs a relative TTL as the absolute time, with ABSTTL.
    if (ttl && !absoluteTtl && c.isPropagating()) {
        const QByteArray at = QByteArray::number(ttl);
        std::vector<QByteArrayView> argv = c.args();
        argv[2] = at;
        argv.push_back("ABSTTL");
        c.propagateAs(argv);
    }
    db.restoreAccess(entry, idle, int(frequency), c.now());
    c.reply().ok();
}

} // namespace

void registerPersistCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Ks = AclCategory::Keyspace;
    table.add({ "save", 1, Admin | NoScript | NoAsyncLoading | NoMulti, saveCommand });
    table.add({ "bgsave", -1, Admin | NoScript | NoAsyncLoading, bgsaveCommand });
    table.add({ "bgrewriteaof", 1, Admin | NoScript | NoAsyncLoading, bgrewriteaofCommand });
    table.add(Command { "lastsave", 1, Loading | Stale | Fast, lastsaveCommand }
                      .acl(AclCategory::Admin | AclCategory::Dangerous)
                      .withTips({ "nondeterministic_output" }));
    table.add(Command { "dump", 2, ReadOnly, dumpCommand, 1, 1, 1 }
                      .acl(Ks)
                      .keys({ { RO | Access, 1 } })
                      .withTips({ "nondeterministic_output" }));
    table.add(Command { "restore", -4, Write | DenyOom, restoreCommand, 1, 1, 1 }
                      .acl(Ks | AclCategory::Dangerous)
                      .keys({ { OW | Update, 1 } }));
}
