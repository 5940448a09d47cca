// SLOWLOG GET / LEN / RESET / HELP: the commands that ran for at least slowlog-log-slower-than
// microseconds (Connection::execute records them in Server::slowLog()).
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"

using namespace CommandUtil;

namespace {

// SLOWLOG GET [count]: the newest count entries (10 by default, -1 for all).
void slowlogGetCommand(Connection &c)
{
    // Redis parses SLOWLOG's arguments in the command itself, so an extra one is not an arity
    // error but its generic subcommand error.
    if (c.argc() > 3) {
        replySubcommandSyntaxError(c);
        return;
    }
    long long count = 10;
    // Redis gives the same text for a non-integer as for a count below -1.
    if (c.argc() == 3 && (!Numbers::toLongLong(c.arg(2), &count) || count < -1)) {
        c.reply().error("ERR count should be greater than or equal to -1");
        return;
    }
    const std::deque<SlowLogEntry> &entries = c.server().slowLog().entries();
    const qsizetype size = qsizetype(entries.size());
    const qsizetype shown = (count == -1 || count > size) ? size : qsizetype(count);
    ReplyWriter &r = c.reply();
    r.arrayHeader(shown);
    for (qsizetype i = 0; i < shown; ++i) {
        const SlowLogEntry &entry = entries[size_t(i)];
        r.arrayHeader(6);
        r.integer(qint64(entry.id));
        r.integer(entry.time);
        r.integer(entry.durationUs);
        r.arrayHeader(entry.args.size());
        for (const QByteArray &arg : entry.args)
            r.bulk(arg);
        r.bulk(entry.client);
        r.bulk(entry.name);
    }
}

void slowlogLenCommand(Connection &c)
{
    c.reply().integer(c.server().slowLog().size());
}

// Entry ids keep counting after a reset, as in Redis.
void slowlogResetCommand(Connection &c)
{
    c.server().slowLog().reset();
    c.reply().ok();
}

void slowlogHelpCommand(Connection &c)
{
    replyHelp(c, "SLOWLOG",
              { "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
                "    Reset the slowlog." });
}

} // namespace

void registerSlowlogCommands(CommandTable &table)
{
    using namespace CommandFlag;
    constexpr quint32 Flags = Admin | Loading | Stale;
    Command slowlog { "slowlog", -2, 0, nullptr };
    slowlog.subcommands = {
        Command { "get", -2, Flags, slowlogGetCommand }.withTips(
                { "request_policy:all_nodes", "nondeterministic_output" }),
        Command { "len", 2, Flags, slowlogLenCommand }.withTips({ "request_policy:all_nodes",
                                                                  "response_policy:agg_sum",
                                                                  "nondeterministic_output" }),
        Command { "reset", 2, Flags, slowlogResetCommand }.withTips(
                { "request_policy:all_nodes", "response_policy:all_succeeded" }),
        { "help", 2, Loading | Stale, slowlogHelpCommand },
    };
    table.add(std::move(slowlog));
}
