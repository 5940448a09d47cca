// CONFIG GET / SET / REWRITE / RESETSTAT: the server's settings, read live from ServerConfig
// through the ConfigTable.
#include "commandtable.h"
#include "commandutil.h"
#include "config/configfile.h"
#include "config/configtable.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/logsink.h"
#include "store/evictor.h"
#include "store/globmatch.h"
#include "store/keyspace.h"

#include <cstring>

using namespace CommandUtil;

namespace {

void configGetCommand(Connection &c)
{
    // Names without glob characters are looked up as given and echoed as given, as Redis does.
    QList<std::pair<QByteArray, const ConfigParameter *>> found;
    auto seen = [&](const QByteArray &name) {
        return std::any_of(found.cbegin(), found.cend(),
                           [&](const auto &pair) { return equalsIgnoreCase(pair.first, name); });
    };
    for (qsizetype j = 2; j < c.argc(); ++j) {
        const QByteArray pattern = cString(c.arg(j)).toByteArray();
        if (std::strpbrk(pattern.constData(), "[*?") == nullptr) {
            const ConfigParameter *parameter = ConfigTable::find(pattern);
            if (parameter && !seen(pattern))
                found.append({ pattern, parameter });
            continue;
        }
        for (const ConfigParameter &parameter : ConfigTable::parameters()) {
            if (parameter.flags & ConfigFlag::Hidden)
                continue;
            for (const char *candidate : { parameter.name, parameter.alias }) {
                const QByteArray name(candidate);
                if (candidate && !seen(name) && globMatch(pattern, name, true))
                    found.append({ name, &parameter });
            }
        }
    }
    c.reply().mapHeader(found.size());
    for (const auto &[name, parameter] : std::as_const(found)) {
        c.reply().bulk(name);
        c.reply().bulk(parameter->value(c.server().config()));
    }
}

// All pairs are checked first and then applied together: one bad pair changes nothing.
void configSetCommand(Connection &c)
{
    if (c.argc() % 2 != 0) {
        replySyntaxError(c);
        return;
    }
    // Secrets stay out of SLOWLOG even when the command fails: Redis redacts every sensitive
    // value while it looks the names up, before it reports any error.
    for (qsizetype j = 2; j < c.argc(); j += 2) {
        const ConfigParameter *parameter = ConfigTable::find(c.arg(j));
        if (parameter && (parameter->flags & ConfigFlag::Sensitive))
            c.redactArgument(j + 1);
    }
    std::vector<const ConfigParameter *> parameters;
    // Redis 7.0 registers an alias as a config of its own: a value error names the alias when
    // it was given, and a name and its alias in one call are not duplicates (the last wins).
    std::vector<const char *> names;
    for (qsizetype j = 2; j < c.argc(); j += 2) {
        const ConfigParameter *parameter = ConfigTable::find(c.arg(j));
        const QByteArray given = cString(c.arg(j)).toByteArray();
        if (!parameter) {
            c.reply().error("ERR Unknown option or number of arguments for CONFIG SET - '" + given
                            + '\'');
            return;
        }
        const char *name
                = ConfigTable::isAlias(*parameter, c.arg(j)) ? parameter->alias : parameter->name;
        QByteArray error;
        if (!parameter->set || (parameter->flags & ConfigFlag::Immutable))
            error = "can't set immutable config";
        else if ((parameter->flags & ConfigFlag::Protected)
                 && !c.server().config().enableProtectedConfigs)
            error = "can't set protected config";
        else if (std::find(names.cbegin(), names.cend(), name) != names.cend())
            error = "duplicate parameter";
        if (!error.isEmpty()) {
            c.reply().error("ERR CONFIG SET failed (possibly related to argument '" + given
                            + "') - " + error);
            return;
        }
        parameters.push_back(parameter);
        names.push_back(name);
    }
    ServerConfig updated = c.server().config();
    for (size_t i = 0; i < parameters.size(); ++i) {
        QByteArray error = parameters[i]->set(updated, c.arg(qsizetype(3 + 2 * i)));
        if (error.isEmpty() && parameters[i]->check)
            error = parameters[i]->check(updated);
        if (!error.isEmpty()) {
            c.reply().error("ERR CONFIG SET failed (possibly related to argument '"
                            + QByteArray(names[i]) + "') - " + error);
            return;
        }
    }
    c.server().config() = updated;
    for (size_t i = 0; i < parameters.size(); ++i) {
        // Each change is applied once, however many of its rows were set.
        const bool first
                = std::none_of(parameters.begin(), parameters.begin() + qsizetype(i),
                               [&](const ConfigParameter *p) { return p == parameters[i]; });
        if (parameters[i]->apply && first)
            parameters[i]->apply(c.server());
    }
    c.reply().ok();
}

// Redis's CONFIG REWRITE: only a server started with a file has one to rewrite.
void configRewriteCommand(Connection &c)
{
    const QString path = c.server().config().configFile;
    if (path.isEmpty()) {
        c.reply().error("ERR The server is running without a config file");
        return;
    }
    QString error;
    if (!ConfigFile::rewrite(path, c.server().config(), c.server().acl().userLines(), &error)) {
        qCWarning(lcServer).noquote() << "CONFIG REWRITE failed:" << error;
        c.reply().error("ERR Rewriting config file: " + error.toUtf8());
        return;
    }
    qCInfo(lcServer) << "CONFIG REWRITE executed with success.";
    c.reply().ok();
}

void configResetstatCommand(Connection &c)
{
    Server &server = c.server();
    ServerStats &stats = server.stats();
    stats.totalCommands = 0;
    stats.totalConnections = 0;
    stats.rejectedConnections = 0;
    stats.clientsClosedByLimits = 0;
    stats.keyspaceHits = 0;
    stats.keyspaceMisses = 0;
    stats.netInputBytes = 0;
    stats.netOutputBytes = 0;
    stats.totalErrorReplies = 0;
    stats.errorCodes.clear();
    for (int i = 0; i < server.databaseCount(); ++i)
        server.database(i).resetStats();
    server.lazyFree().resetStats();
    server.evictor().resetStats();
    server.clientEviction().resetStats();
    for (Command *command : server.commands().all()) {
        command->resetStats();
        for (Command &sub : command->subcommands)
            sub.resetStats();
    }
    c.reply().ok();
}

void configHelpCommand(Connection &c)
{
    replyHelp(c, "CONFIG",
              { "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                "RESETSTAT", "    Reset statistics reported by the INFO command.", "REWRITE",
                "    Rewrite the configuration file." });
}

} // namespace

void registerConfigCommands(CommandTable &table)
{
    using namespace CommandFlag;
    constexpr quint32 Flags = Admin | NoScript | Loading | Stale;
    Command config { "config", -2, 0, nullptr };
    config.subcommands = {
        { "get", -3, Flags, configGetCommand },
        Command { "set", -4, Flags, configSetCommand }.withTips(
                { "request_policy:all_nodes", "response_policy:all_succeeded" }),
        { "resetstat", 2, Flags, configResetstatCommand },
        { "rewrite", 2, Flags, configRewriteCommand },
        { "help", 2, Loading | Stale, configHelpCommand },
    };
    table.add(std::move(config));
}
