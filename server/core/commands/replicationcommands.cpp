// SYNC and REPLCONF: enough of Redis's replication handshake to hand a snapshot to whoever asks
// (redis-cli/qkv-cli --rdb, which send REPLCONF rdb-only 1 and SYNC). qkv has no replication
// stream yet, so the connection is closed once its snapshot is sent, as Redis closes an
// rdb-only replica. WAIT answers as a Redis primary with no replica does.
#include "commandtable.h"
#include "commandutil.h"
#include "net/blockrequest.h"
#include "net/connection.h"
#include "net/server.h"
#include "persist/persistence.h"
#include "protocol/numbers.h"
#include "store/keyentry.h"

#include <climits>

using namespace CommandUtil;

namespace {

// Redis's replconfCommand: option/value pairs. ACK and GETACK come from a replication stream
// qkv never has, and get no reply, as in Redis.
void replconfCommand(Connection &c)
{
    if (c.argc() % 2 == 0) {
        replySyntaxError(c);
        return;
    }
    for (qsizetype j = 1; j < c.argc(); j += 2) {
        const QByteArrayView option = c.arg(j);
        if (argIs(option, "ack") || argIs(option, "getack"))
            return;
        if (argIs(option, "listening-port") || argIs(option, "rdb-only")) {
            long long value = 0;
            if (!Numbers::toLongLong(c.arg(j + 1), &value)) {
                c.reply().error("ERR value is not an integer or out of range");
                return;
            }
            if (argIs(option, "rdb-only") && (value < 0 || value > 1)) {
                c.reply().error("ERR value is out of range, value must between 0 and 1");
                return;
            }
        } else if (!argIs(option, "ip-address") && !argIs(option, "capa")) {
            c.reply().error("ERR Unrecognized REPLCONF option: " + cString(option).toByteArray());
            return;
        }
    }
    c.reply().ok();
}

// Redis's syncCommand for a disk-based full sync: the snapshot of the next BGSAVE to finish
// (one starts now when none runs) goes to the client as one bulk string.
void syncCommand(Connection &c)
{
    Persistence &persistence = c.server().persistence();
    QString error;
    if (!persistence.isBackgroundSaveRunning() && !persistence.startBackgroundSave(&error)) {
        c.reply().error("ERR Unable to perform background save");
        return;
    }
    // No reply now: the snapshot is the reply, sent when the child is done.
    persistence.addSnapshotWaiter(c.id());
}

// Redis's waitCommand on a primary: the replicas that acknowledged the client's writes, which
// is none, as qkv streams to no replica; so it waits for the timeout (0: until CLIENT UNBLOCK)
// unless no replica was asked for, or it cannot block (in EXEC).
void waitCommand(Connection &c)
{
    long long replicas = 0;
    if (!Numbers::toLongLong(c.arg(1), &replicas)) {
        c.reply().error("ERR value is not an integer or out of range");
        return;
    }
    qint64 timeoutAt = 0;
    if (!parseMillisecondTimeout(c, c.arg(2), &timeoutAt))
        return;
    constexpr long long acknowledged = 0;
    if (acknowledged >= replicas || c.isInExec()) {
        c.reply().integer(acknowledged);
        return;
    }
    BlockRequest request;
    request.type = ValueType::String; // no key to wait for
    request.timeoutAt = timeoutAt;
    request.timedOut = [](Connection &client) { client.reply().integer(acknowledged); };
    c.block(std::move(request));
}

} // namespace

void registerReplicationCommands(CommandTable &table)
{
    using namespace CommandFlag;
    table.add({ "sync", 1, Admin | NoScript | NoAsyncLoading | NoMulti, syncCommand });
    table.add({ "replconf", -1, Admin | NoScript | Loading | Stale | AllowBusy, replconfCommand });
    table.add(Command { "wait", 3, NoScript, waitCommand }
                      .acl(AclCategory::Connection)
                      .withTips({ "request_policy:all_shards", "response_policy:agg_min" }));
}
