// EVAL EVALSHA EVAL_RO EVALSHA_RO and SCRIPT: Lua scripts; FCALL FCALL_RO and FUNCTION: Lua
// function libraries. Scripting and FunctionLibraries run them.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "scripting/functionlibraries.h"
#include "scripting/scripting.h"
#include "scripting/scriptrun.h"
#include "store/globmatch.h"

using namespace CommandUtil;

namespace {

// EVAL and FCALL are flagged skip-monitor, yet monitors see them, before the commands they run
// (Redis feeds them as the script starts).
void feedMonitors(Connection &c)
{
    if (c.server().hasMonitors())
        c.server().feedMonitors(c);
}

void evalCommand(Connection &c)
{
    feedMonitors(c);
    c.server().scripting().eval(c, false, false);
}

void evalShaCommand(Connection &c)
{
    feedMonitors(c);
    c.server().scripting().eval(c, true, false);
}

void evalRoCommand(Connection &c)
{
    feedMonitors(c);
    c.server().scripting().eval(c, false, true);
}

void evalShaRoCommand(Connection &c)
{
    feedMonitors(c);
    c.server().scripting().eval(c, true, true);
}

void scriptLoadCommand(Connection &c)
{
    QByteArray error;
    const QByteArray sha = c.server().scripting().loadScript(c.arg(2).toByteArray(), &error);
    if (sha.isEmpty())
        c.reply().error(error);
    else
        c.reply().bulk(sha);
}

void scriptExistsCommand(Connection &c)
{
    Scripting &scripting = c.server().scripting();
    c.reply().arrayHeader(c.argc() - 2);
    for (qsizetype i = 2; i < c.argc(); ++i)
        c.reply().integer(scripting.scriptExists(c.arg(i)) ? 1 : 0);
}

// The Lua state is replaced at once either way: ASYNC only changes where Redis frees the old
// one.
void scriptFlushCommand(Connection &c)
{
    if (c.argc() > 3 || (c.argc() == 3 && !argIs(c.arg(2), "sync") && !argIs(c.arg(2), "async"))) {
        c.reply().error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        return;
    }
    c.server().scripting().flushScripts();
    c.reply().ok();
}

// SCRIPT KILL and FUNCTION KILL: each stops only its own kind (an EVAL script, a function).
void killScript(Connection &c, bool function)
{
    ScriptRun *run = c.server().scripting().currentRun();
    if (!run) {
        c.reply().error("NOTBUSY No scripts in execution right now.");
        return;
    }
    if (run->hasWritten()) {
        c.reply().error("UNKILLABLE Sorry the script already executed write commands against the "
                        "dataset. You can either wait the script termination or kill the server "
                        "in a hard way using the SHUTDOWN NOSAVE command.");
        return;
    }
    // Each KILL stops its own kind only, and names the other.
    if (run->isFunction() != function) {
        c.reply().error(function ? "BUSY Redis is busy running a script. You can only call "
                                   "SCRIPT KILL or SHUTDOWN NOSAVE."
                                 : "BUSY Redis is busy running a script. You can only call "
                                   "FUNCTION KILL or SHUTDOWN NOSAVE.");
        return;
    }
    run->kill();
    c.reply().ok();
}

void scriptKillCommand(Connection &c)
{
    killScript(c, false);
}

// The Lua debugger (LDB) is not there: NO, which turns it off, is all that works.
void scriptDebugCommand(Connection &c)
{
    if (argIs(c.arg(2), "no")) {
        c.reply().ok();
    } else if (argIs(c.arg(2), "yes") || argIs(c.arg(2), "sync")) {
        c.reply().error("ERR SCRIPT DEBUG is not supported by this server");
    } else {
        c.reply().error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
    }
}

void scriptHelpCommand(Connection &c)
{
    replyHelp(c, "SCRIPT",
              { "DEBUG (YES|SYNC|NO)", "    Set the debug mode for subsequent scripts executed.",
                "EXISTS <sha1> [<sha1> ...]",
                "    Return information about the existence of the scripts in the script cache.",
                "FLUSH [ASYNC|SYNC]",
                "    Flush the Lua scripts cache. Very dangerous on replicas.",
                "    When called without the optional mode argument, the behavior is determined "
                "by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the scripts cache.",
                "    * SYNC: Synchronously flush the scripts cache.", "KILL",
                "    Kill the currently executing Lua script.", "LOAD <script>",
                "    Load a script into the scripts cache without executing it." });
}

void fcallCommand(Connection &c)
{
    feedMonitors(c);
    c.server().scripting().functions().call(c, false);
}

void fcallRoCommand(Connection &c)
{
    feedMonitors(c);
    c.server().scripting().functions().call(c, true);
}

// FUNCTION LOAD [REPLACE] code: options until the last argument, which is the code.
void functionLoadCommand(Connection &c)
{
    bool replace = false;
    qsizetype i = 2;
    for (; i < c.argc() - 1; ++i) {
        if (!argIs(c.arg(i), "replace")) {
            c.reply().error("ERR Unknown option given: " + cString(c.arg(i)));
            return;
        }
        replace = true;
    }
    QByteArray error;
    const QByteArray name
            = c.server().scripting().functions().load(c.arg(i).toByteArray(), replace, &error);
    if (name.isEmpty())
        c.reply().error("ERR " + error);
    else
        c.reply().bulk(name);
}

void functionDeleteCommand(Connection &c)
{
    if (c.server().scripting().functions().remove(c.arg(2)))
        c.reply().ok();
    else
        c.reply().error("ERR Library not found");
}

void functionFlushCommand(Connection &c)
{
    if (c.argc() > 3) {
        replySubcommandSyntaxError(c);
        return;
    }
    if (c.argc() == 3 && !argIs(c.arg(2), "sync") && !argIs(c.arg(2), "async")) {
        c.reply().error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        return;
    }
    c.server().scripting().functions().flush();
    c.reply().ok();
}

// FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern], each option once.
void functionListCommand(Connection &c)
{
    bool withCode = false;
    QByteArrayView pattern;
    bool filtered = false;
    for (qsizetype i = 2; i < c.argc(); ++i) {
        if (!withCode && argIs(c.arg(i), "withcode")) {
            withCode = true;
            continue;
        }
        if (!filtered && argIs(c.arg(i), "libraryname")) {
            if (i >= c.argc() - 1) {
                c.reply().error("ERR library name argument was not given");
                return;
            }
            pattern = c.arg(++i);
            filtered = true;
            continue;
        }
        c.reply().error("ERR Unknown argument " + cString(c.arg(i)));
        return;
    }
    std::vector<const FunctionLibraries::Library *> shown;
    for (const auto &[name, library] : c.server().scripting().functions().libraries()) {
        if (!filtered || globMatch(pattern, name, true))
            shown.push_back(&library);
    }
    ReplyWriter &r = c.reply();
    r.arrayHeader(qsizetype(shown.size()));
    for (const FunctionLibraries::Library *library : shown) {
        r.mapHeader(withCode ? 4 : 3);
        r.bulk("library_name");
        r.bulk(library->name);
        r.bulk("engine");
        r.bulk("LUA");
        r.bulk("functions");
        r.arrayHeader(qsizetype(library->functions.size()));
        for (const FunctionLibraries::Function &function : library->functions) {
            r.mapHeader(3);
            r.bulk("name");
            r.bulk(function.name);
            r.bulk("description");
            if (function.hasDescription)
                r.bulk(function.description);
            else
                r.null();
            r.bulk("flags");
            const QList<QByteArray> flags = ScriptRun::flagNames(function.flags);
            r.setHeader(flags.size());
            for (const QByteArray &flag : flags)
                r.simple(flag);
        }
        if (withCode) {
            r.bulk("library_code");
            r.bulk(library->code);
        }
    }
}

void functionDumpCommand(Connection &c)
{
    c.reply().bulk(c.server().scripting().functions().dump(c.server().config().rdbCompression));
}

void functionRestoreCommand(Connection &c)
{
    if (c.argc() > 4) {
        replySubcommandSyntaxError(c);
        return;
    }
    auto policy = FunctionLibraries::RestorePolicy::Append;
    if (c.argc() == 4) {
        if (argIs(c.arg(3), "flush")) {
            policy = FunctionLibraries::RestorePolicy::Flush;
        } else if (argIs(c.arg(3), "replace")) {
            policy = FunctionLibraries::RestorePolicy::Replace;
        } else if (!argIs(c.arg(3), "append")) {
            c.reply().error("ERR Wrong restore policy given, value should be either FLUSH, "
                            "APPEND or REPLACE.");
            return;
        }
    }
    QByteArray error;
    if (c.server().scripting().functions().restore(c.arg(2), policy, &error))
        c.reply().ok();
    else
        c.reply().error("ERR " + error);
}

// FUNCTION STATS: the function running now (never one while this runs, except when a busy
// script lets it in), and the one engine with its counts.
void functionStatsCommand(Connection &c)
{
    const Scripting &scripting = c.server().scripting();
    const ScriptRun *run = scripting.currentRun();
    // An EVAL script is not a function: Redis answers as to any other command.
    if (run && !run->isFunction()) {
        c.reply().error(scripting.busyError());
        return;
    }
    ReplyWriter &r = c.reply();
    r.mapHeader(2);
    r.bulk("running_script");
    if (!run) {
        r.null();
    } else {
        r.mapHeader(3);
        r.bulk("name");
        r.bulk(run->name());
        r.bulk("command");
        const std::vector<QByteArrayView> &command = run->command();
        r.arrayHeader(qsizetype(command.size()));
        for (QByteArrayView arg : command)
            r.bulk(arg);
        r.bulk("duration_ms");
        r.integer(run->elapsedMs());
    }
    r.bulk("engines");
    r.mapHeader(1);
    r.bulk("LUA");
    r.mapHeader(2);
    r.bulk("libraries_count");
    r.integer(qsizetype(scripting.functions().libraries().size()));
    r.bulk("functions_count");
    r.integer(scripting.functions().functionCount());
}

void functionKillCommand(Connection &c)
{
    killScript(c, true);
}

void functionHelpCommand(Connection &c)
{
    replyHelp(c, "FUNCTION",
              { "LOAD [REPLACE] <FUNCTION CODE>",
                "    Create a new library with the given library name and code.",
                "DELETE <LIBRARY NAME>",
                "    Delete the given library.",
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Return general information on all the libraries:",
                "    * Library name",
                "    * The engine used to run the Library",
                "    * Library description",
                "    * Functions list",
                "    * Library code (if WITHCODE is given)",
                "    It also possible to get only function that matches a pattern using "
                "LIBRARYNAME argument.",
                "STATS",
                "    Return information about the current function running:",
                "    * Function name",
                "    * Command used to run the function",
                "    * Duration in MS that the function is running",
                "    If no function is running, return nil",
                "    In addition, returns a list of available engines.",
                "KILL",
                "    Kill the current running function.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete all the libraries.",
                "    When called without the optional mode argument, the behavior is determined "
                "by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the libraries.",
                "    * SYNC: Synchronously flush the libraries.",
                "DUMP",
                "    Return a serialized payload representing the current libraries, can be "
                "restored using FUNCTION RESTORE command",
                "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                "    Restore the libraries represented by the given payload, it is possible to "
                "give a restore policy to",
                "    control how to handle existing libraries (default APPEND):",
                "    * FLUSH: delete all existing libraries.",
                "    * APPEND: appends the restored libraries to the existing libraries. On "
                "collision, abort.",
                "    * REPLACE: appends the restored libraries to the existing libraries, On "
                "collision, replace the old",
                "      libraries with the new libraries (notice that even on this option there "
                "is a chance of failure",
                "      in case of functions name collision with another library)." });
}

} // namespace

void registerScriptingCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 EvalFlags = NoScript | Stale | SkipMonitor | NoMandatoryKeys | MovableKeys;
    const char *const RwNotes
            = "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
    const char *const RoNotes
            = "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";
    table.add(Command { "eval", -3, EvalFlags | MayReplicate, evalCommand }
                      .acl(AclCategory::Scripting)
                      .keys({ keynumSpec(RW | Access | Update, 2, 0, 1, 1, RwNotes) }));
    table.add(Command { "evalsha", -3, EvalFlags | MayReplicate, evalShaCommand }
                      .acl(AclCategory::Scripting)
                      .keys({ keynumSpec(RW | Access | Update, 2, 0, 1, 1) }));
    table.add(Command { "eval_ro", -3, EvalFlags | ReadOnly, evalRoCommand }
                      .acl(AclCategory::Scripting)
                      .keys({ keynumSpec(RO | Access, 2, 0, 1, 1, RoNotes) }));
    table.add(Command { "evalsha_ro", -3, EvalFlags | ReadOnly, evalShaRoCommand }
                      .acl(AclCategory::Scripting)
                      .keys({ keynumSpec(RO | Access, 2, 0, 1, 1) }));

    Command script { "script", -2, 0, nullptr };
    script.subcommands = {
        Command { "load", 3, NoScript | Stale, scriptLoadCommand }
                .acl(AclCategory::Scripting)
                .withTips({ "request_policy:all_nodes", "response_policy:all_succeeded" }),
        Command { "exists", -3, NoScript, scriptExistsCommand }
                .acl(AclCategory::Scripting)
                .withTips({ "request_policy:all_shards", "response_policy:agg_logical_and" }),
        Command { "flush", -2, NoScript, scriptFlushCommand }
                .acl(AclCategory::Scripting)
                .withTips({ "request_policy:all_nodes", "response_policy:all_succeeded" }),
        Command { "kill", 2, NoScript | AllowBusy, scriptKillCommand }
                .acl(AclCategory::Scripting)
                .withTips({ "request_policy:all_shards", "response_policy:one_succeeded" }),
        Command { "debug", 3, NoScript, scriptDebugCommand }.acl(AclCategory::Scripting),
        Command { "help", 2, Loading | Stale, scriptHelpCommand }.acl(AclCategory::Scripting),
    };
    table.add(std::move(script));

    table.add(Command { "fcall", -3, EvalFlags | MayReplicate, fcallCommand }
                      .acl(AclCategory::Scripting)
                      .keys({ keynumSpec(RW | Access | Update, 2, 0, 1, 1, RwNotes) }));
    table.add(Command { "fcall_ro", -3, EvalFlags | ReadOnly, fcallRoCommand }
                      .acl(AclCategory::Scripting)
                      .keys({ keynumSpec(RO | Access, 2, 0, 1, 1, RoNotes) }));

    const auto scripting
            = [](Command command) { return std::move(command).acl(AclCategory::Scripting); };
    Command function { "function", -2, 0, nullptr };
    function.subcommands = {
        scripting({ "load", -3, Write | DenyOom | NoScript, functionLoadCommand })
                .withTips({ "request_policy:all_shards", "response_policy:all_succeeded" }),
        scripting({ "list", -2, NoScript, functionListCommand })
                .withTips({ "nondeterministic_output_order" }),
        scripting({ "delete", 3, Write | NoScript, functionDeleteCommand })
                .withTips({ "request_policy:all_shards", "response_policy:all_succeeded" }),
        scripting({ "flush", -2, Write | NoScript, functionFlushCommand })
                .withTips({ "request_policy:all_shards", "response_policy:all_succeeded" }),
        scripting({ "dump", 2, NoScript, functionDumpCommand }),
        scripting({ "restore", -3, Write | DenyOom | NoScript, functionRestoreCommand })
                .withTips({ "request_policy:all_shards", "response_policy:all_succeeded" }),
        scripting({ "stats", 2, NoScript | AllowBusy, functionStatsCommand })
                .withTips({ "nondeterministic_output", "request_policy:all_shards",
                            "response_policy:special" }),
        scripting({ "kill", 2, NoScript | AllowBusy, functionKillCommand })
                .withTips({ "request_policy:all_shards", "response_policy:one_succeeded" }),
        scripting({ "help", 2, Loading | Stale, functionHelpCommand }),
    };
    table.add(std::move(function));
}
