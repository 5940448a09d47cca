#include "scriptrun.h"

#include "commands/commandtable.h"
#include "commands/commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "store/evictor.h"

namespace {

// Redis's scripts_flags_def.
struct FlagName
{
    quint32 flag;
    const char *name;
};
constexpr FlagName FlagNames[] = {
    { ScriptRun::NoWrites, "no-writes" },
    { ScriptRun::AllowOom, "allow-oom" },
    { ScriptRun::AllowStale, "allow-stale" },
    { ScriptRun::NoCluster, "no-cluster" },
    { ScriptRun::AllowCrossSlotKeys, "allow-cross-slot-keys" },
};

} // namespace

quint32 ScriptRun::flagNamed(QByteArrayView name, bool ignoreCase)
{
    for (const FlagName &known : FlagNames) {
        if (ignoreCase ? CommandUtil::equalsIgnoreCase(name, known.name) : name == known.name)
            return known.flag;
    }
    return 0;
}

QList<QByteArray> ScriptRun::flagNames(quint32 flags)
{
    QList<QByteArray> names;
    for (const FlagName &known : FlagNames) {
        if (flags & known.flag)
            names.append(known.name);
    }
    return names;
}

ScriptRun::ScriptRun(Connection &caller, Connection &scriptClient, QByteArray name, quint32 flags)
    : m_caller(caller)
    , m_client(scriptClient)
    , m_name(std::move(name))
    , m_flags(flags)
    , m_start(std::chrono::steady_clock::now())
{
    m_client.selectDb(caller.dbIndex());
    m_client.setProtocol(2);
    // Redis 7.0 replicates scripts by their effects: the script's writes are logged (inside
    // MULTI/EXEC), the EVAL or FCALL itself is not. Inside a transaction the caller's EXEC
    // already makes them one unit.
    caller.preventPropagation();
    m_wrapsEffects = !caller.isInExec();
    if (m_wrapsEffects)
        m_client.beginEffects();
    else
        m_client.joinEffects(&caller);
}

ScriptRun::~ScriptRun()
{
    if (m_wrapsEffects)
        m_client.endEffects();
    else
        m_client.joinEffects(nullptr);
    m_client.takeOutput();
}

const std::vector<QByteArrayView> &ScriptRun::command() const
{
    return m_caller.args();
}

int ScriptRun::resp() const
{
    return m_client.protocol();
}

void ScriptRun::setResp(int version)
{
    m_client.setProtocol(version);
}

qint64 ScriptRun::elapsedMs() const
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now()
                                                                 - m_start)
            .count();
}

bool ScriptRun::refusedForMemory(Connection &caller, quint32 flags)
{
    if ((flags & (EvalCompat | AllowOom | NoWrites)) || caller.server().config().maxmemory == 0
        || !caller.server().evictor().scriptOom())
        return false;
    caller.reply().error(QByteArray(Evictor::OomError));
    return true;
}

Command *ScriptRun::lookup(const std::vector<QByteArrayView> &argv) const
{
    // An unknown subcommand is an unknown command; a container given alone is itself (and
    // fails its arity).
    Command *command = m_client.server().commands().find(argv[0]);
    if (command && !command->subcommands.empty() && argv.size() >= 2)
        command = CommandTable::findSubcommand(*command, argv[1]);
    return command;
}

// Redis's scriptVerifyACL: the caller's user must be allowed the command, its keys and its
// channels; a denial is logged with context "lua".
const char *ScriptRun::checkPermissions(const Command &command,
                                        const std::vector<QByteArrayView> &argv) const
{
    qsizetype index = 0;
    const AclSelector::Verdict verdict
            = m_caller.user()->check(command, argv.data(), qsizetype(argv.size()), &index);
    if (verdict == AclSelector::Verdict::Ok)
        return nullptr;
    Server &server = m_caller.server();
    server.acl().logDenial(m_caller, verdict, "lua",
                           verdict == AclSelector::Verdict::DeniedCommand
                                   ? command.fullName
                                   : argv[size_t(index)].toByteArray(),
                           m_caller.user()->name(), server.config().aclLogMaxLength);
    switch (verdict) {
    case AclSelector::Verdict::DeniedCommand:
        return "The user executing the script can't run this command or subcommand";
    case AclSelector::Verdict::DeniedKey:
        return "The user executing the script can't access at least one of the keys mentioned "
               "in the command arguments";
    case AclSelector::Verdict::DeniedChannel:
        return "The user executing the script can't publish to the channel mentioned in the "
               "command";
    default: return "The user executing the script is lacking the permissions for the command";
    }
}

bool ScriptRun::call(const std::vector<QByteArrayView> &argv, QByteArray *reply, QByteArray *error)
{
    Command *command = lookup(argv);
    // A refusal counts as a rejected call and an error reply now, as in Redis; the script's
    // own error reply that follows is not counted again.
    // An error code other than ERR travels as "-CODE text" (LuaConversions::pushError).
    const auto refuse = [&](const QByteArray &text, const char *code = "ERR") {
        *error = text;
        if (command)
            ++command->rejectedCalls;
        m_client.server().stats().countError(QByteArray(code));
        return false;
    };
    if (!command)
        return refuse("Unknown Redis command called from script");
    const qsizetype argc = qsizetype(argv.size());
    if ((command->arity > 0 && command->arity != argc) || argc < -command->arity)
        return refuse("Wrong number of args calling Redis command from script");
    if (command->flags & CommandFlag::NoScript)
        return refuse("This Redis command is not allowed from script");
    if (!m_caller.user()->isUnrestricted()) {
        const char *denial = checkPermissions(*command, argv);
        if (denial)
            return refuse(denial);
    }
    // Redis's scriptVerifyOOM: only the first write can be refused, as a script cannot be
    // stopped halfway through its writes.
    Server &server = m_client.server();
    if ((command->flags & CommandFlag::DenyOom) && !(m_flags & AllowOom) && !m_written
        && server.config().maxmemory > 0 && server.evictor().scriptOom())
        return refuse('-' + QByteArray(Evictor::OomError), "OOM");
    if (command->flags & CommandFlag::Write) {
        if (m_flags & ReadOnly)
            return refuse("Write commands are not allowed from read-only scripts.");
        if (!server.hasEnoughReplicas())
            return refuse('-' + QByteArray(Server::NoReplicasError), "NOREPLICAS");
        m_written = true;
    }
    m_client.runCommand(command, argv);
    *reply = m_client.takeOutput();
    return true;
}
