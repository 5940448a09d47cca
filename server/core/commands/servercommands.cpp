// Server commands: INFO TIME COMMAND FUNCTION DEBUG (CONFIG is in configcommands.cpp).
#include "commanddocs.h"
#include "commandkeys.h"
#include "commandtable.h"
#include "commandutil.h"
#include "info.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/clock.h"
#include "observe/logsink.h"
#include "protocol/numbers.h"
#include "scripting/scripting.h"
#include "scripting/scriptrun.h"
#include "store/globmatch.h"

#include <algorithm>

using namespace CommandUtil;

namespace {

void infoCommand(Connection &c)
{
    QByteArrayList sections;
    for (qsizetype j = 1; j < c.argc(); ++j)
        sections.append(c.arg(j).toByteArray().toLower());
    c.reply().verbatim(Info::build(c, sections));
}

void timeCommand(Connection &c)
{
    const qint64 micros = unixTimeMicros();
    c.reply().arrayHeader(2);
    c.reply().bulk(QByteArray::number(micros / 1000000));
    c.reply().bulk(QByteArray::number(micros % 1000000));
}

// ---- COMMAND: everything it says comes from the command table rows.

struct NamedBit
{
    quint32 bit;
    const char *name;
};

// Redis's order (addReplyCommandFlags); qkv-only flags are not reported.
constexpr NamedBit CommandFlagNames[] = {
    { CommandFlag::Write, "write" },
    { CommandFlag::ReadOnly, "readonly" },
    { CommandFlag::DenyOom, "denyoom" },
    { CommandFlag::Admin, "admin" },
    { CommandFlag::PubSub, "pubsub" },
    { CommandFlag::NoScript, "noscript" },
    { CommandFlag::Blocking, "blocking" },
    { CommandFlag::Loading, "loading" },
    { CommandFlag::Stale, "stale" },
    { CommandFlag::SkipMonitor, "skip_monitor" },
    { CommandFlag::SkipSlowlog, "skip_slowlog" },
    { CommandFlag::Fast, "fast" },
    { CommandFlag::NoAuth, "no_auth" },
    { CommandFlag::NoMandatoryKeys, "no_mandatory_keys" },
    { CommandFlag::NoAsyncLoading, "no_async_loading" },
    { CommandFlag::NoMulti, "no_multi" },
    { CommandFlag::MovableKeys, "movablekeys" },
    { CommandFlag::AllowBusy, "allow_busy" },
};

constexpr NamedBit KeyFlagNames[] = {
    { KeyFlag::RO, "RO" },
    { KeyFlag::RW, "RW" },
    { KeyFlag::OW, "OW" },
    { KeyFlag::RM, "RM" },
    { KeyFlag::Access, "access" },
    { KeyFlag::Update, "update" },
    { KeyFlag::Insert, "insert" },
    { KeyFlag::Delete, "delete" },
    { KeyFlag::NotKey, "not_key" },
    { KeyFlag::Incomplete, "incomplete" },
    { KeyFlag::VariableFlags, "variable_flags" },
};

template<size_t N> void replyBitNames(ReplyWriter &r, quint32 bits, const NamedBit (&names)[N])
{
    qsizetype count = 0;
    for (const NamedBit &name : names)
        count += (bits & name.bit) ? 1 : 0;
    r.setHeader(count);
    for (const NamedBit &name : names) {
        if (bits & name.bit)
            r.simple(name.name);
    }
}

void replyAclCategories(ReplyWriter &r, const Command &command)
{
    const quint32 categories = aclCategories(command);
    r.setHeader(qPopulationCount(categories));
    for (size_t i = 0; i < std::size(AclCategory::Names); ++i) {
        if (categories & (1U << i))
            r.simple(QByteArray('@' + QByteArray(AclCategory::Names[i])));
    }
}

void replyKeySpecs(ReplyWriter &r, const Command &command)
{
    r.setHeader(qsizetype(command.keySpecs.size()));
    for (const KeySpec &spec : command.keySpecs) {
        r.mapHeader(spec.notes ? 4 : 3);
        if (spec.notes) {
            r.bulk("notes");
            r.bulk(spec.notes);
        }
        r.bulk("flags");
        replyBitNames(r, spec.flags, KeyFlagNames);
        r.bulk("begin_search");
        r.mapHeader(2);
        r.bulk("type");
        if (spec.unknown) {
            r.bulk("unknown");
            r.bulk("spec");
            r.mapHeader(0);
            r.bulk("find_keys");
            r.mapHeader(2);
            r.bulk("type");
            r.bulk("unknown");
            r.bulk("spec");
            r.mapHeader(0);
            continue;
        }
        if (spec.keyword) {
            r.bulk("keyword");
            r.bulk("spec");
            r.mapHeader(2);
            r.bulk("keyword");
            r.bulk(spec.keyword);
            r.bulk("startfrom");
            r.integer(spec.index);
        } else {
            r.bulk("index");
            r.bulk("spec");
            r.mapHeader(1);
            r.bulk("index");
            r.integer(spec.index);
        }
        r.bulk("find_keys");
        r.mapHeader(2);
        r.bulk("type");
        if (spec.keynum) {
            r.bulk("keynum");
            r.bulk("spec");
            r.mapHeader(3);
            r.bulk("keynumidx");
            r.integer(spec.keynumIndex);
            r.bulk("firstkey");
            r.integer(spec.firstKey);
            r.bulk("keystep");
            r.integer(spec.keyStep);
            continue;
        }
        r.bulk("range");
        r.bulk("spec");
        r.mapHeader(3);
        r.bulk("lastkey");
        r.integer(spec.lastKey);
        r.bulk("keystep");
        r.integer(spec.keyStep);
        r.bulk("limit");
        r.integer(spec.limit);
    }
}

// One COMMAND INFO entry (Redis's addReplyCommandInfo): ten fields.
void replyCommandInfo(ReplyWriter &r, const Command &command)
{
    r.arrayHeader(10);
    r.bulk(command.fullName);
    r.integer(command.arity);
    replyBitNames(r, command.flags, CommandFlagNames);
    r.integer(command.firstKey);
    r.integer(command.lastKey);
    r.integer(command.keyStep);
    replyAclCategories(r, command);
    r.setHeader(qsizetype(command.tips.size()));
    for (const char *tip : command.tips)
        r.bulk(tip);
    replyKeySpecs(r, command);
    if (command.subcommands.empty()) {
        r.setHeader(0);
        return;
    }
    r.arrayHeader(qsizetype(command.subcommands.size()));
    for (const Command &sub : command.subcommands)
        replyCommandInfo(r, sub);
}

// A set of names as Redis writes it (addReplyFlagsForArg, addReplyDocFlagsForCommand).
void replyNames(ReplyWriter &r, const QByteArrayList &names)
{
    r.setHeader(names.size());
    for (const QByteArray &name : names)
        r.simple(name);
}

// A text field of COMMAND DOCS, written only when Redis has it.
void replyDocText(ReplyWriter &r, const char *field, const QByteArray &value)
{
    if (!value.isNull()) {
        r.bulk(field);
        r.bulk(value);
    }
}

// The arguments of a command or of a "oneof"/"block" (Redis's addReplyCommandArgList), the
// fields in its order.
void replyArgumentDocs(ReplyWriter &r, const std::vector<CommandDocs::Argument> &arguments)
{
    r.arrayHeader(qsizetype(arguments.size()));
    for (const CommandDocs::Argument &arg : arguments) {
        r.mapHeader(2 + (arg.keySpecIndex >= 0) + !arg.token.isNull() + !arg.summary.isNull()
                    + !arg.since.isNull() + !arg.deprecatedSince.isNull() + !arg.flags.isEmpty()
                    + !arg.arguments.empty());
        r.bulk("name");
        r.bulk(arg.name);
        r.bulk("type");
        r.bulk(arg.type);
        if (arg.keySpecIndex >= 0) {
            r.bulk("key_spec_index");
            r.integer(arg.keySpecIndex);
        }
        replyDocText(r, "token", arg.token);
        replyDocText(r, "summary", arg.summary);
        replyDocText(r, "since", arg.since);
        replyDocText(r, "deprecated_since", arg.deprecatedSince);
        if (!arg.flags.isEmpty()) {
            r.bulk("flags");
            replyNames(r, arg.flags);
        }
        if (!arg.arguments.empty()) {
            r.bulk("arguments");
            replyArgumentDocs(r, arg.arguments);
        }
    }
}

// One COMMAND DOCS entry (Redis's addReplyCommandDocs), the fields in its order; the
// subcommands are the ones qkv's table has. A command without docs data (a qkv extension)
// still gets the fields redis-cli reads, so that its help keeps working.
void replyCommandDocs(ReplyWriter &r, const Command &command)
{
    static const CommandDocs::Doc fallback = [] {
        CommandDocs::Doc doc;
        doc.summary = doc.since = QByteArray(""); // present, empty
        doc.group = "generic";
        return doc;
    }();
    const CommandDocs::Doc *found = CommandDocs::find(command.fullName);
    const CommandDocs::Doc &doc = found ? *found : fallback;
    const bool hasSubcommands = !command.subcommands.empty();
    r.mapHeader(1 + !doc.summary.isNull() + !doc.since.isNull() + !doc.complexity.isNull()
                + !doc.docFlags.isEmpty() + !doc.deprecatedSince.isNull() + !doc.replacedBy.isNull()
                + !doc.history.empty() + !doc.arguments.empty() + hasSubcommands);
    replyDocText(r, "summary", doc.summary);
    replyDocText(r, "since", doc.since);
    r.bulk("group");
    r.bulk(doc.group);
    replyDocText(r, "complexity", doc.complexity);
    if (!doc.docFlags.isEmpty()) {
        r.bulk("doc_flags");
        replyNames(r, doc.docFlags);
    }
    replyDocText(r, "deprecated_since", doc.deprecatedSince);
    replyDocText(r, "replaced_by", doc.replacedBy);
    if (!doc.history.empty()) {
        r.bulk("history");
        r.setHeader(qsizetype(doc.history.size()));
        for (const auto &[version, change] : doc.history) {
            r.arrayHeader(2);
            r.bulk(version);
            r.bulk(change);
        }
    }
    if (!doc.arguments.empty()) {
        r.bulk("arguments");
        replyArgumentDocs(r, doc.arguments);
    }
    if (hasSubcommands) {
        r.bulk("subcommands");
        r.mapHeader(qsizetype(command.subcommands.size()));
        for (const Command &sub : command.subcommands) {
            r.bulk(sub.fullName);
            replyCommandDocs(r, sub);
        }
    }
}

// "get" or "config|get", case-insensitive, as Redis's lookupCommandBySds.
const Command *lookupCommand(Connection &c, QByteArrayView name)
{
    const qsizetype bar = name.indexOf('|');
    Command *command = c.server().commands().find(bar < 0 ? name : name.first(bar));
    if (!command || bar < 0)
        return command;
    const QByteArrayView sub = name.sliced(bar + 1);
    if (command->subcommands.empty() || sub.contains('|'))
        return nullptr;
    return CommandTable::findSubcommand(*command, sub);
}

void replyAllCommandInfo(Connection &c)
{
    const std::vector<Command *> all = c.server().commands().all();
    c.reply().arrayHeader(qsizetype(all.size()));
    for (const Command *command : all)
        replyCommandInfo(c.reply(), *command);
}

void commandCommand(Connection &c)
{
    replyAllCommandInfo(c);
}

void commandInfoCommand(Connection &c)
{
    if (c.argc() == 2) {
        replyAllCommandInfo(c);
        return;
    }
    c.reply().arrayHeader(c.argc() - 2);
    for (qsizetype j = 2; j < c.argc(); ++j) {
        if (const Command *command = lookupCommand(c, c.arg(j)))
            replyCommandInfo(c.reply(), *command);
        else
            c.reply().null();
    }
}

void commandDocsCommand(Connection &c)
{
    std::vector<const Command *> commands;
    if (c.argc() == 2) {
        for (const Command *command : c.server().commands().all())
            commands.push_back(command);
    } else {
        // Unknown names are left out rather than answered with a null.
        for (qsizetype j = 2; j < c.argc(); ++j) {
            if (const Command *command = lookupCommand(c, c.arg(j)))
                commands.push_back(command);
        }
    }
    c.reply().mapHeader(qsizetype(commands.size()));
    for (const Command *command : commands) {
        c.reply().bulk(command->fullName);
        replyCommandDocs(c.reply(), *command);
    }
}

void commandCountCommand(Connection &c)
{
    c.reply().integer(c.server().commands().count());
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: every command and
// subcommand name that passes the filter.
void commandListCommand(Connection &c)
{
    enum class Filter { None, Module, AclCategory, Pattern } filter = Filter::None;
    QByteArrayView argument;
    for (qsizetype j = 2; j < c.argc(); ++j) {
        if (!argIs(c.arg(j), "FILTERBY") || c.argc() - 1 - j != 2) {
            replySyntaxError(c);
            return;
        }
        const QByteArrayView type = c.arg(j + 1);
        if (argIs(type, "MODULE"))
            filter = Filter::Module;
        else if (argIs(type, "ACLCAT"))
            filter = Filter::AclCategory;
        else if (argIs(type, "PATTERN"))
            filter = Filter::Pattern;
        else {
            replySyntaxError(c);
            return;
        }
        argument = c.arg(j + 2);
        j += 2;
    }
    quint32 category = 0;
    for (size_t i = 0; i < std::size(AclCategory::Names); ++i) {
        if (filter == Filter::AclCategory && argIs(argument, AclCategory::Names[i]))
            category = 1U << i;
    }
    auto passes = [&](const Command &command) {
        switch (filter) {
        case Filter::None: return true;
        case Filter::Module: return false; // qkv has no modules
        case Filter::AclCategory: return (aclCategories(command) & category) != 0;
        case Filter::Pattern: return globMatch(argument, command.fullName, true);
        }
        return false;
    };
    QByteArrayList names;
    for (const Command *command : c.server().commands().all()) {
        if (passes(*command))
            names.append(command->fullName);
        for (const Command &sub : command->subcommands) {
            if (passes(sub))
                names.append(sub.fullName);
        }
    }
    c.reply().arrayHeader(names.size());
    for (const QByteArray &name : std::as_const(names))
        c.reply().bulk(name);
}

// The command a COMMAND GETKEYS request names (Redis's lookupCommand on argv+2): a container
// takes its subcommand from the next argument. The cross-protocol guards are not commands.
const Command *lookupCommandArgs(Connection &c)
{
    Command *command = c.server().commands().find(c.arg(2));
    if (command && !command->subcommands.empty())
        command = CommandTable::findSubcommand(*command, c.arg(3));
    return command;
}

// COMMAND GETKEYS / GETKEYSANDFLAGS command [arg ...] (Redis's getKeysSubcommandImpl).
void getKeysGeneric(Connection &c, bool withFlags)
{
    const Command *command = lookupCommandArgs(c);
    if (!command) {
        c.reply().error("ERR Invalid command specified");
        return;
    }
    if (!CommandKeys::hasKeyArguments(*command)) {
        c.reply().error("ERR The command has no key arguments");
        return;
    }
    const QByteArrayView *argv = c.args().data() + 2;
    const qsizetype argc = c.argc() - 2;
    if ((command->arity > 0 && command->arity != argc) || argc < -command->arity) {
        c.reply().error("ERR Invalid number of arguments specified for command");
        return;
    }
    const std::vector<KeyReference> keys = CommandKeys::find(*command, argv, argc);
    ReplyWriter &r = c.reply();
    if (keys.empty()) {
        if (command->flags & CommandFlag::NoMandatoryKeys)
            r.arrayHeader(0);
        else
            r.error("ERR Invalid arguments specified for command");
        return;
    }
    r.arrayHeader(qsizetype(keys.size()));
    for (const KeyReference &key : keys) {
        if (withFlags) {
            r.arrayHeader(2);
            r.bulk(argv[key.pos]);
            replyBitNames(r, key.flags, KeyFlagNames);
        } else {
            r.bulk(argv[key.pos]);
        }
    }
}

void commandGetkeysCommand(Connection &c)
{
    getKeysGeneric(c, false);
}

void commandGetkeysandflagsCommand(Connection &c)
{
    getKeysGeneric(c, true);
}

void commandHelpCommand(Connection &c)
{
    replyHelp(c, "COMMAND",
              { "(no subcommand)", "    Return details about all Redis commands.", "COUNT",
                "    Return the total number of commands in this Redis server.", "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.", "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.", "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.", "GETKEYSANDFLAGS <full-command>",
                "    Return the keys and the access flags from a full Redis command." });
}

// From now on the client receives every command the server runs (see Server::feedMonitors).
void monitorCommand(Connection &c)
{
    // Inside EXEC the client expects one reply per command, which a monitor does not give.
    if (c.isInExec()) {
        c.reply().error("ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    // Already monitoring: Redis ignores it without a reply.
    if (c.isMonitor())
        return;
    c.setMonitor(true);
    c.server().addMonitor(&c);
    c.reply().ok();
}

// Redis 7.0's shutdownCommand: the snapshot is saved when SAVE says so or save rules exist
// (never with NOSAVE); a failed save keeps the server running unless FORCE. On success the
// caller gets no reply: every client is closed and the process exits cleanly.
void shutdownCommand(Connection &c)
{
    quint8 flags = 0;
    bool abort = false;
    for (qsizetype i = 1; i < c.argc(); ++i) {
        if (argIs(c.arg(i), "NOSAVE"))
            flags |= ShutdownFlag::NoSave;
        else if (argIs(c.arg(i), "SAVE"))
            flags |= ShutdownFlag::Save;
        else if (argIs(c.arg(i), "NOW"))
            flags |= ShutdownFlag::Now;
        else if (argIs(c.arg(i), "FORCE"))
            flags |= ShutdownFlag::Force;
        else if (argIs(c.arg(i), "ABORT"))
            abort = true;
        else {
            replySyntaxError(c);
            return;
        }
    }
    if ((abort && flags) || ((flags & ShutdownFlag::Save) && (flags & ShutdownFlag::NoSave))) {
        replySyntaxError(c);
        return;
    }
    if (abort) {
        // Shutting down never waits here (no replicas to catch up), so there is none to abort.
        c.reply().error("ERR No shutdown in progress.");
        return;
    }
    // A script running long lets SHUTDOWN in: NOSAVE only, and it ends the script.
    if (ScriptRun *script = c.server().scripting().currentRun()) {
        if (!(flags & ShutdownFlag::NoSave)) {
            c.reply().error(c.server().scripting().busyError());
            return;
        }
        script->kill();
    }
    if (!c.server().prepareForShutdown(flags)) {
        c.reply().error("ERR Errors trying to SHUTDOWN. Check logs.");
        return;
    }
    qCWarning(lcServer).noquote() << "User requested shutdown from"
                                  << QString::fromLatin1(c.peerAddress());
    c.server().shutdown();
}

} // namespace

void registerServerCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using AclCategory::Connection;
    using AclCategory::Dangerous;
    table.add(Command { "info", -1, Loading | Stale, infoCommand }.acl(Dangerous).withTips(
            { "nondeterministic_output", "request_policy:all_shards", "response_policy:special" }));
    table.add(Command { "time", 1, Fast | Loading | Stale, timeCommand }.withTips(
            { "nondeterministic_output" }));

    constexpr quint32 Introspection = Loading | Stale;
    Command command = Command { "command", -1, Introspection, commandCommand }
                              .acl(Connection)
                              .withTips({ "nondeterministic_output_order" });
    command.subcommands = {
        Command { "count", 2, Introspection, commandCountCommand }.acl(Connection),
        Command { "info", -2, Introspection, commandInfoCommand }
                .acl(Connection)
                .withTips({ "nondeterministic_output_order" }),
        Command { "docs", -2, Introspection, commandDocsCommand }
                .acl(Connection)
                .withTips({ "nondeterministic_output_order" }),
        Command { "list", -2, Introspection, commandListCommand }
                .acl(Connection)
                .withTips({ "nondeterministic_output_order" }),
        Command { "getkeys", -4, Introspection, commandGetkeysCommand }.acl(Connection),
        Command { "getkeysandflags", -4, Introspection, commandGetkeysandflagsCommand }.acl(
                Connection),
        Command { "help", 2, Introspection, commandHelpCommand }.acl(Connection),
    };
    table.add(std::move(command));

    // Refused as Redis 7.0 refuses it by default (Connection::execute), so no handler.
    table.add({ "debug", -2, Admin | NoScript | Loading | Stale | Protected, nullptr });
    table.add({ "monitor", 1, Admin | NoScript | Loading | Stale, monitorCommand });
    table.add({ "shutdown", -1, Admin | NoScript | Loading | Stale | NoMulti | AllowBusy,
                shutdownCommand });
}
