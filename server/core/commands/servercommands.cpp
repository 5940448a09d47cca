// Server commands: INFO TIME CONFIG COMMAND.
#include "commandtable.h"
#include "commandutil.h"
#include "info.h"
#include "net/connection.h"
#include "net/server.h"
#include "store/globmatch.h"

#include <QDateTime>

#include <functional>

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
    const qint64 micros = QDateTime::currentMSecsSinceEpoch() * 1000;
    c.reply().arrayHeader(2);
    c.reply().bulk(QByteArray::number(micros / 1000000));
    c.reply().bulk(QByteArray::number(micros % 1000000));
}

struct ConfigParameter
{
    const char *name;
    std::function<QByteArray(const ServerConfig &)> value;
};

// The parameters CONFIG GET reports, in the order CONFIG GET * lists them.
const std::vector<ConfigParameter> &configParameters()
{
    static const std::vector<ConfigParameter> parameters = {
        { "save", [](const ServerConfig &) { return QByteArray(); } },
        { "appendonly", [](const ServerConfig &) { return QByteArrayLiteral("no"); } },
        { "databases", [](const ServerConfig &c) { return QByteArray::number(c.databases); } },
        { "maxclients", [](const ServerConfig &c) { return QByteArray::number(c.maxClients); } },
        { "timeout", [](const ServerConfig &) { return QByteArrayLiteral("0"); } },
        { "port", [](const ServerConfig &c) { return QByteArray::number(c.port); } },
        { "bind", [](const ServerConfig &c) { return c.bind.toUtf8(); } },
        { "requirepass", [](const ServerConfig &c) { return c.requirePass; } },
        { "maxmemory", [](const ServerConfig &) { return QByteArrayLiteral("0"); } },
        { "maxmemory-policy", [](const ServerConfig &) { return QByteArrayLiteral("noeviction"); } },
        { "proto-max-bulk-len",
          [](const ServerConfig &c) { return QByteArray::number(c.protoMaxBulkLength); } },
        { "client-query-buffer-limit",
          [](const ServerConfig &c) { return QByteArray::number(c.queryBufferLimit); } },
        { "tcp-backlog", [](const ServerConfig &c) { return QByteArray::number(c.listenBacklog); } },
        { "protected-mode", [](const ServerConfig &) { return QByteArrayLiteral("no"); } },
    };
    return parameters;
}

void configGetCommand(Connection &c)
{
    QList<std::pair<QByteArray, QByteArray>> found;
    for (qsizetype j = 2; j < c.argc(); ++j) {
        for (const ConfigParameter &parameter : configParameters()) {
            const QByteArray name(parameter.name);
            if (!globMatch(c.arg(j), name, true))
                continue;
            const bool seen = std::any_of(found.cbegin(), found.cend(),
                                          [&](const auto &pair) { return pair.first == name; });
            if (!seen)
                found.append({ name, parameter.value(c.server().config()) });
        }
    }
    c.reply().mapHeader(found.size());
    for (const auto &[name, value] : std::as_const(found)) {
        c.reply().bulk(name);
        c.reply().bulk(value);
    }
}

void commandCountCommand(Connection &c)
{
    c.reply().integer(c.server().commands().count());
}

} // namespace

void registerServerCommands(CommandTable &table)
{
    using namespace CommandFlag;
    table.add({ "info", -1, Loading | Stale, infoCommand });
    table.add({ "time", 1, Fast | Loading | Stale, timeCommand });

    Command config { "config", -2, Admin | NoScript | Loading | Stale, nullptr };
    config.subcommands = {
        { "get", -3, Admin | NoScript | Loading | Stale, configGetCommand },
    };
    table.add(std::move(config));

    Command command { "command", -1, Loading | Stale, nullptr };
    command.subcommands = {
        { "count", 2, Loading | Stale, commandCountCommand },
    };
    table.add(std::move(command));

    // Browsers speaking HTTP to the port: drop the connection without a reply.
    table.add({ "post", -1, CloseAfter | NoAuth | Loading | Stale, nullptr });
    table.add({ "host:", -1, CloseAfter | NoAuth | Loading | Stale, nullptr });
}
