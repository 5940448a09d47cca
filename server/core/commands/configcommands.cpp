// CONFIG GET / SET / RESETSTAT: the server's settings, read live from ServerConfig.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "store/globmatch.h"
#include "store/keyspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <functional>

using namespace CommandUtil;

namespace {

// Sets a parameter from its text; returns Redis's error text, empty on success.
using Setter = std::function<QByteArray(ServerConfig &, QByteArrayView)>;

struct ConfigParameter
{
    const char *name;
    std::function<QByteArray(const ServerConfig &)> value;
    Setter set;             // empty: cannot change while running ("can't set immutable config")
    bool sensitive = false; // a secret: CONFIG SET's value is redacted from SLOWLOG
    const char *alias = nullptr; // Redis's older name for it (hash-max-ziplist-entries...)
    // Redis's PROTECTED_CONFIG (dir, dbfilename): CONFIG SET refuses it unless
    // enable-protected-configs, which qkv takes from the command line only.
    bool isProtected = false;
};

// Redis's memtoull: digits with an optional unit (b k kb m mb g gb, any case).
bool parseMemory(QByteArrayView text, unsigned long long *value)
{
    const QByteArray copy = cString(text).toByteArray();
    const char *p = copy.constData();
    if (*p == '-')
        return false;
    const char *unit = p;
    while (*unit && std::isdigit(static_cast<unsigned char>(*unit)))
        ++unit;
    unsigned long long multiplier;
    if (*unit == '\0' || !qstricmp(unit, "b"))
        multiplier = 1;
    else if (!qstricmp(unit, "k"))
        multiplier = 1000;
    else if (!qstricmp(unit, "kb"))
        multiplier = 1024;
    else if (!qstricmp(unit, "m"))
        multiplier = 1000 * 1000;
    else if (!qstricmp(unit, "mb"))
        multiplier = 1024 * 1024;
    else if (!qstricmp(unit, "g"))
        multiplier = 1000ULL * 1000 * 1000;
    else if (!qstricmp(unit, "gb"))
        multiplier = 1024ULL * 1024 * 1024;
    else
        return false;
    const std::string digits(p, size_t(unit - p));
    if (digits.size() >= 128)
        return false;
    char *end = nullptr;
    errno = 0;
    const unsigned long long number = std::strtoull(digits.c_str(), &end, 10);
    if ((number == 0 && errno == EINVAL) || *end != '\0')
        return false;
    *value = number * multiplier;
    return true;
}

QByteArray outOfRange(long long min, long long max)
{
    return "argument must be between " + QByteArray::number(min) + " and " + QByteArray::number(max)
            + " inclusive";
}

// A plain integer (Redis's INTEGER_CONFIG): string2ll's digits, the whole argument.
Setter integerSetter(long long min, long long max, long long ServerConfig::*field)
{
    return [min, max, field](ServerConfig &config, QByteArrayView text) -> QByteArray {
        long long value = 0;
        if (!Numbers::toLongLong(text, &value))
            return "argument couldn't be parsed into an integer";
        if (value < min || value > max)
            return outOfRange(min, max);
        config.*field = value;
        return QByteArray();
    };
}

// A signed byte count with units (Redis's long long MEMORY_CONFIG).
Setter memorySetter(long long min, long long ServerConfig::*field)
{
    return [min, field](ServerConfig &config, QByteArrayView text) -> QByteArray {
        unsigned long long parsed = 0;
        if (!parseMemory(text, &parsed))
            return "argument must be a memory value";
        const auto value = static_cast<long long>(parsed);
        if (value < min)
            return outOfRange(min, LLONG_MAX);
        config.*field = value;
        return QByteArray();
    };
}

ConfigParameter integerParameter(const char *name, const char *alias, long long min, long long max,
                                 long long ServerConfig::*field)
{
    return { name, [field](const ServerConfig &c) { return QByteArray::number(c.*field); },
             integerSetter(min, max, field), false, alias };
}

// Redis's size_t MEMORY_CONFIG parameters: 0..LONG_MAX bytes, with units.
ConfigParameter memoryParameter(const char *name, const char *alias, long long ServerConfig::*field)
{
    return { name, [field](const ServerConfig &c) { return QByteArray::number(c.*field); },
             memorySetter(0, field), false, alias };
}

// A yes/no parameter (Redis's BOOL_CONFIG).
ConfigParameter yesNoParameter(const char *name, bool ServerConfig::*field)
{
    return { name,
             [field](const ServerConfig &c) {
                 return c.*field ? QByteArrayLiteral("yes") : QByteArrayLiteral("no");
             },
             [field](ServerConfig &config, QByteArrayView text) -> QByteArray {
                 if (argIs(text, "yes"))
                     config.*field = true;
                 else if (argIs(text, "no"))
                     config.*field = false;
                 else
                     return "argument must be 'yes' or 'no'";
                 return QByteArray();
             } };
}

// The parameters CONFIG GET reports, in the order CONFIG GET * lists them.
const std::vector<ConfigParameter> &configParameters()
{
    static const std::vector<ConfigParameter> parameters = {
        { "save", [](const ServerConfig &c) { return ServerConfig::formatSaveRules(c.saveRules); },
          [](ServerConfig &config, QByteArrayView text) -> QByteArray {
              if (!ServerConfig::parseSaveRules(text, &config.saveRules))
                  return "Invalid save parameters";
              return QByteArray();
          } },
        // Redis chdir()s to dir; qkv keeps it absolute instead, so nothing else (log file,
        // other servers in the process) sees the working directory move.
        { "dir",
          [](const ServerConfig &c) {
              return QFile::encodeName(c.dir.isEmpty() ? QDir::currentPath() : c.dir);
          },
          [](ServerConfig &config, QByteArrayView text) -> QByteArray {
              const QString path = QFile::decodeName(cString(text).toByteArray());
              const QFileInfo info(config.dir.isEmpty() ? path : QDir(config.dir).filePath(path));
              if (!info.exists())
                  return "No such file or directory";
              if (!info.isDir())
                  return "Not a directory";
              config.dir = info.canonicalFilePath();
              return QByteArray();
          },
          false, nullptr, true },
        { "dbfilename", [](const ServerConfig &c) { return QFile::encodeName(c.dbFilename); },
          [](ServerConfig &config, QByteArrayView text) -> QByteArray {
              // Redis's isValidDBfilename.
              if (text.contains('/'))
                  return "dbfilename can't be a path, just a filename";
              config.dbFilename = QFile::decodeName(text.toByteArray());
              return QByteArray();
          },
          false, nullptr, true },
        yesNoParameter("rdbcompression", &ServerConfig::rdbCompression),
        yesNoParameter("rdbchecksum", &ServerConfig::rdbChecksum),
        { "appendonly", [](const ServerConfig &) { return QByteArrayLiteral("no"); }, {} },
        { "databases", [](const ServerConfig &c) { return QByteArray::number(c.databases); }, {} },
        { "maxclients", [](const ServerConfig &c) { return QByteArray::number(c.maxClients); },
          // Redis's unsigned int range; ours is an int, so larger values are refused too.
          [](ServerConfig &config, QByteArrayView text) -> QByteArray {
              long long value = 0;
              if (!Numbers::toLongLong(text, &value))
                  return "argument couldn't be parsed into an integer";
              if (value < 1 || value > UINT_MAX)
                  return outOfRange(1, UINT_MAX);
              if (value > INT_MAX)
                  return "The operating system is not able to handle the specified number of "
                         "clients, try with "
                          + QByteArray::number(INT_MAX);
              config.maxClients = int(value);
              return QByteArray();
          } },
        { "timeout", [](const ServerConfig &) { return QByteArrayLiteral("0"); }, {} },
        { "port", [](const ServerConfig &c) { return QByteArray::number(c.port); }, {} },
        { "bind", [](const ServerConfig &c) { return c.bind.toUtf8(); }, {} },
        { "requirepass", [](const ServerConfig &c) { return c.requirePass; },
          // New connections must AUTH with it; connected clients stay authenticated.
          [](ServerConfig &config, QByteArrayView text) {
              config.requirePass = text.toByteArray();
              return QByteArray();
          },
          true },
        { "maxmemory", [](const ServerConfig &) { return QByteArrayLiteral("0"); }, {} },
        { "maxmemory-policy",
          [](const ServerConfig &) { return QByteArrayLiteral("noeviction"); },
          {} },
        { "proto-max-bulk-len",
          [](const ServerConfig &c) { return QByteArray::number(c.protoMaxBulkLength); },
          memorySetter(1024 * 1024, &ServerConfig::protoMaxBulkLength) },
        { "client-query-buffer-limit",
          [](const ServerConfig &c) { return QByteArray::number(c.queryBufferLimit); },
          memorySetter(1024 * 1024, &ServerConfig::queryBufferLimit) },
        { "tcp-backlog",
          [](const ServerConfig &c) { return QByteArray::number(c.listenBacklog); },
          {} },
        yesNoParameter("protected-mode", &ServerConfig::protectedMode),
        { "slowlog-log-slower-than",
          [](const ServerConfig &c) { return QByteArray::number(c.slowlogLogSlowerThan); },
          integerSetter(-1, LLONG_MAX, &ServerConfig::slowlogLogSlowerThan) },
        { "slowlog-max-len",
          [](const ServerConfig &c) { return QByteArray::number(c.slowlogMaxLen); },
          // Redis's unsigned long, bounded by LONG_MAX.
          integerSetter(0, LLONG_MAX, &ServerConfig::slowlogMaxLen) },
        integerParameter("latency-monitor-threshold", nullptr, 0, LLONG_MAX,
                         &ServerConfig::latencyMonitorThreshold),
        yesNoParameter("latency-tracking", &ServerConfig::latencyTracking),
        { "latency-tracking-info-percentiles",
          [](const ServerConfig &c) {
              QByteArrayList texts;
              for (double percentile : c.latencyTrackingPercentiles)
                  texts.append(ServerConfig::formatPercentile(percentile));
              return texts.join(' ');
          },
          [](ServerConfig &config, QByteArrayView text) -> QByteArray {
              QByteArray error;
              ServerConfig::parsePercentiles(text, &config.latencyTrackingPercentiles, &error);
              return error;
          } },
        integerParameter("tracking-table-max-keys", nullptr, 0, LLONG_MAX,
                         &ServerConfig::trackingTableMaxKeys),
        integerParameter("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, LLONG_MAX,
                         &ServerConfig::hashMaxListpackEntries),
        memoryParameter("hash-max-listpack-value", "hash-max-ziplist-value",
                        &ServerConfig::hashMaxListpackValue),
        integerParameter("list-max-listpack-size", "list-max-ziplist-size", INT_MIN, INT_MAX,
                         &ServerConfig::listMaxListpackSize),
        integerParameter("list-compress-depth", nullptr, 0, INT_MAX,
                         &ServerConfig::listCompressDepth),
        integerParameter("set-max-intset-entries", nullptr, 0, LLONG_MAX,
                         &ServerConfig::setMaxIntsetEntries),
        integerParameter("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, LLONG_MAX,
                         &ServerConfig::zsetMaxListpackEntries),
        memoryParameter("zset-max-listpack-value", "zset-max-ziplist-value",
                        &ServerConfig::zsetMaxListpackValue),
        integerParameter("stream-node-max-entries", nullptr, 0, LLONG_MAX,
                         &ServerConfig::streamNodeMaxEntries),
        memoryParameter("stream-node-max-bytes", nullptr, &ServerConfig::streamNodeMaxBytes),
        { "notify-keyspace-events",
          [](const ServerConfig &c) { return KeyspaceEvents::toString(c.notifyKeyspaceEvents); },
          [](ServerConfig &config, QByteArrayView text) -> QByteArray {
              if (!KeyspaceEvents::parse(text, &config.notifyKeyspaceEvents))
                  return KeyspaceEvents::InvalidError;
              return QByteArray();
          } },
        yesNoParameter("lazyfree-lazy-eviction", &ServerConfig::lazyfreeLazyEviction),
        yesNoParameter("lazyfree-lazy-expire", &ServerConfig::lazyfreeLazyExpire),
        yesNoParameter("lazyfree-lazy-server-del", &ServerConfig::lazyfreeLazyServerDel),
        yesNoParameter("lazyfree-lazy-user-del", &ServerConfig::lazyfreeLazyUserDel),
        yesNoParameter("lazyfree-lazy-user-flush", &ServerConfig::lazyfreeLazyUserFlush),
        yesNoParameter("replica-lazy-flush", &ServerConfig::replicaLazyFlush),
    };
    return parameters;
}

const ConfigParameter *findParameter(QByteArrayView name)
{
    for (const ConfigParameter &parameter : configParameters()) {
        if (argIs(name, parameter.name) || (parameter.alias && argIs(name, parameter.alias)))
            return &parameter;
    }
    return nullptr;
}

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
            const ConfigParameter *parameter = findParameter(pattern);
            if (parameter && !seen(pattern))
                found.append({ pattern, parameter });
            continue;
        }
        for (const ConfigParameter &parameter : configParameters()) {
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
        const ConfigParameter *parameter = findParameter(c.arg(j));
        if (parameter && parameter->sensitive)
            c.redactArgument(j + 1);
    }
    std::vector<const ConfigParameter *> parameters;
    // Redis 7.0 registers an alias as a config of its own: a value error names the alias when
    // it was given, and a name and its alias in one call are not duplicates (the last wins).
    std::vector<const char *> names;
    for (qsizetype j = 2; j < c.argc(); j += 2) {
        const ConfigParameter *parameter = findParameter(c.arg(j));
        const QByteArray given = cString(c.arg(j)).toByteArray();
        if (!parameter) {
            c.reply().error("ERR Unknown option or number of arguments for CONFIG SET - '" + given
                            + '\'');
            return;
        }
        const char *name = argIs(c.arg(j), parameter->name) ? parameter->name : parameter->alias;
        QByteArray error;
        if (!parameter->set)
            error = "can't set immutable config";
        else if (parameter->isProtected && !c.server().config().enableProtectedConfigs)
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
        const QByteArray error = parameters[i]->set(updated, c.arg(qsizetype(3 + 2 * i)));
        if (!error.isEmpty()) {
            c.reply().error("ERR CONFIG SET failed (possibly related to argument '"
                            + QByteArray(names[i]) + "') - " + error);
            return;
        }
    }
    c.server().config() = updated;
    KeyspaceEvents::watchDatabases(c.server());
    // Redis trims the slow log after every command while it is enabled; since record() trims as
    // it adds, a shorter slowlog-max-len (or the log turned back on) is the only other way it
    // can be over, so trimming here keeps the same entries.
    if (updated.slowlogLogSlowerThan >= 0)
        c.server().slowLog().trim(updated.slowlogMaxLen);
    c.reply().ok();
}

void configResetstatCommand(Connection &c)
{
    Server &server = c.server();
    ServerStats &stats = server.stats();
    stats.totalCommands = 0;
    stats.totalConnections = 0;
    stats.rejectedConnections = 0;
    stats.keyspaceHits = 0;
    stats.keyspaceMisses = 0;
    stats.netInputBytes = 0;
    stats.netOutputBytes = 0;
    stats.totalErrorReplies = 0;
    stats.errorCodes.clear();
    for (int i = 0; i < server.databaseCount(); ++i)
        server.database(i).resetStats();
    server.lazyFree().resetStats();
    for (Command *command : server.commands().all()) {
        command->resetStats();
        for (Command &sub : command->subcommands)
            sub.resetStats();
    }
    c.reply().ok();
}

// REWRITE is listed as Redis lists it; qkv has no configuration file, so it is not a
// subcommand here.
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
        { "help", 2, Loading | Stale, configHelpCommand },
    };
    table.add(std::move(config));
}
