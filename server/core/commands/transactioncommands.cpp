// MULTI EXEC DISCARD WATCH UNWATCH: Redis transactions. Connection::execute queues what a
// client sends between MULTI and EXEC (Transaction keeps it); EXEC runs the queue through
// Connection::runQueued, the same path as any command. Watched keys are registered with their
// Keyspace, whose write paths mark the watching transactions dirty.
#include "commandtable.h"
#include "net/connection.h"
#include "net/server.h"

namespace {

void multiCommand(Connection &c)
{
    Transaction &transaction = c.transaction();
    if (transaction.isActive()) {
        c.reply().error("ERR MULTI calls can not be nested");
        return;
    }
    transaction.begin();
    c.reply().ok();
}

void discardCommand(Connection &c)
{
    Transaction &transaction = c.transaction();
    if (!transaction.isActive()) {
        c.reply().error("ERR DISCARD without MULTI");
        return;
    }
    transaction.discard();
    c.reply().ok();
}

// Redis's execCommand: the user's permissions are checked again, as ACL SETUSER may have changed
// them since the command was queued; a denied command's reply is the error.
bool allowedAtExec(Connection &c, const Transaction::QueuedCommand &command)
{
    const std::vector<QByteArrayView> argv(command.args.begin(), command.args.end());
    qsizetype index = 0;
    const AclSelector::Verdict verdict
            = c.user()->check(*command.command, argv.data(), qsizetype(argv.size()), &index);
    const char *reason = nullptr;
    switch (verdict) {
    case AclSelector::Verdict::Ok: return true;
    case AclSelector::Verdict::DeniedCommand:
        reason = "no permission to execute the command or subcommand";
        break;
    case AclSelector::Verdict::DeniedKey:
        reason = "no permission to touch the specified keys";
        break;
    case AclSelector::Verdict::DeniedChannel:
        reason = "no permission to access one of the channels used as arguments";
        break;
    default: reason = "no permission"; break;
    }
    c.server().acl().logDenial(c, verdict, "multi",
                               verdict == AclSelector::Verdict::DeniedCommand
                                       ? command.command->fullName
                                       : command.args[size_t(index)],
                               c.user()->name(), c.server().config().aclLogMaxLength);
    c.reply().error(QByteArrayLiteral("NOPERM ACLs rules changed between the moment the "
                                      "transaction was accumulated and the EXEC call. This "
                                      "command is no longer allowed for the following reason: ")
                    + reason);
    return false;
}

// A queuing error aborts with EXECABORT; a changed watched key gives a null array (not an
// error: the client retries). Otherwise one array holds every queued command's reply, errors
// included. The client stays in MULTI while they run (CLIENT LIST shows flags=x).
void execCommand(Connection &c)
{
    Transaction &transaction = c.transaction();
    if (!transaction.isActive()) {
        c.reply().error("ERR EXEC without MULTI");
        return;
    }
    if (transaction.hasQueueError()) {
        transaction.discard();
        c.reply().error("EXECABORT Transaction discarded because of previous errors.");
        return;
    }
    if (transaction.isDirty()) {
        transaction.discard();
        c.reply().nullArray();
        return;
    }
    // Unwatch first: the transaction's own writes must not make it dirty.
    transaction.unwatchAll();
    const std::vector<Transaction::QueuedCommand> queued = transaction.takeQueued();
    c.reply().arrayHeader(qsizetype(queued.size()));
    for (const Transaction::QueuedCommand &command : queued) {
        if (c.user()->isUnrestricted() || allowedAtExec(c, command))
            c.runQueued(command.command, command.args);
    }
    transaction.discard();
}

void watchCommand(Connection &c)
{
    Transaction &transaction = c.transaction();
    if (transaction.isActive()) {
        c.reply().error("ERR WATCH inside MULTI is not allowed");
        return;
    }
    for (qsizetype i = 1; i < c.argc(); ++i)
        transaction.watch(c.db(), c.arg(i));
    c.reply().ok();
}

void unwatchCommand(Connection &c)
{
    c.transaction().unwatchAll();
    c.reply().ok();
}

} // namespace

void registerTransactionCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using AclCategory::Transaction;
    // Flags, categories and key specs as Redis 7.0 reports them in COMMAND INFO; NoQueue is
    // qkv's marker for the commands that run at once inside MULTI.
    constexpr quint32 Control = NoScript | Loading | Stale | Fast | AllowBusy;
    table.add(Command { "multi", 1, Control | NoQueue, multiCommand }.acl(Transaction));
    table.add(Command { "exec", 1, NoScript | Loading | Stale | SkipSlowlog | NoQueue, execCommand }
                      .acl(Transaction));
    table.add(Command { "discard", 1, Control | NoQueue, discardCommand }.acl(Transaction));
    table.add(Command { "watch", -2, Control | NoQueue, watchCommand, 1, -1, 1 }
                      .acl(Transaction)
                      .keys({ { KeyFlag::RO, 1, -1 } }));
    table.add(Command { "unwatch", 1, Control, unwatchCommand }.acl(Transaction));
}
