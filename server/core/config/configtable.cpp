#include "configtable.h"

#include "commands/commandutil.h"
#include "inertparameters.h"
#include "net/filelimits.h"
#include "net/oomscore.h"
#include "net/server.h"
#include "observe/allocationcounter.h"
#include "observe/logsink.h"
#include "persist/persistence.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "store/evictor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

using CommandUtil::argIs;
using CommandUtil::cString;

namespace ConfigTable {

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
QByteArray readInteger(QByteArrayView text, long long min, long long max, long long *value)
{
    if (!Numbers::toLongLong(text, value))
        return "argument couldn't be parsed into an integer";
    if (*value < min || *value > max)
        return outOfRange(min, max);
    return QByteArray();
}

QByteArray readMemory(QByteArrayView text, long long min, long long *value)
{
    unsigned long long parsed = 0;
    if (!parseMemory(text, &parsed))
        return "argument must be a memory value";
    *value = static_cast<long long>(parsed);
    if (*value < min)
        return outOfRange(min, LLONG_MAX);
    return QByteArray();
}

ConfigSetter integerSetter(long long min, long long max, long long ServerConfig::*field)
{
    return [min, max, field](ServerConfig &config, QByteArrayView text) -> QByteArray {
        long long value = 0;
        QByteArray error = readInteger(text, min, max, &value);
        if (error.isEmpty())
            config.*field = value;
        return error;
    };
}

// A signed byte count with units (Redis's long long MEMORY_CONFIG).
ConfigSetter memorySetter(long long min, long long ServerConfig::*field)
{
    return [min, field](ServerConfig &config, QByteArrayView text) -> QByteArray {
        long long value = 0;
        QByteArray error = readMemory(text, min, &value);
        if (error.isEmpty())
            config.*field = value;
        return error;
    };
}

ConfigParameter integerParameter(const char *name, const char *alias, long long min, long long max,
                                 long long ServerConfig::*field)
{
    return { name, [field](const ServerConfig &c) { return QByteArray::number(c.*field); },
             integerSetter(min, max, field), 0, alias };
}

ConfigParameter memoryParameter(const char *name, const char *alias, long long ServerConfig::*field)
{
    return { name,
             [field](const ServerConfig &c) { return QByteArray::number(c.*field); },
             memorySetter(0, field),
             0,
             alias,
             ConfigStyle::Memory };
}

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

ConfigParameter fixedParameter(const char *name, const char *value)
{
    return { name, [value](const ServerConfig &) { return QByteArray(value); }, {} };
}

namespace {

// An immutable int parameter (port, databases...).
ConfigParameter immutableInt(const char *name, long long min, long long max,
                             int ServerConfig::*field)
{
    return { name, [field](const ServerConfig &c) { return QByteArray::number(c.*field); },
             [min, max, field](ServerConfig &config, QByteArrayView text) -> QByteArray {
                 long long value = 0;
                 QByteArray error = readInteger(text, min, max, &value);
                 if (error.isEmpty())
                     config.*field = int(value);
                 return error;
             },
             ConfigFlag::Immutable };
}

// A file name inside dir, never a path (dbfilename, appendfilename, appenddirname).
ConfigSetter fileNameSetter(QString ServerConfig::*field, const char *error)
{
    return [field, error](ServerConfig &config, QByteArrayView text) -> QByteArray {
        if (text.contains('/') || text.isEmpty())
            return error;
        config.*field = QFile::decodeName(text.toByteArray());
        return QByteArray();
    };
}

// Redis trims the slow log after every command while it is enabled; since record() trims as
// it adds, a shorter slowlog-max-len (or the log turned back on) is the only other way it
// can be over, so trimming here keeps the same entries.
void trimSlowLog(Server &server)
{
    if (server.config().slowlogLogSlowerThan >= 0)
        server.slowLog().trim(server.config().slowlogMaxLen);
}

QByteArray tooManyClients(long long possible)
{
    return "The operating system is not able to handle the specified number of clients, try "
           "with "
            + QByteArray::number(possible);
}

ConfigParameter appendFsyncParameter()
{
    return { "appendfsync",
             [](const ServerConfig &c) {
                 return QByteArray(ServerConfig::fsyncName(c.appendFsync));
             },
             [](ServerConfig &config, QByteArrayView text) -> QByteArray {
                 for (const auto mode :
                      { AppendFsync::Always, AppendFsync::EverySec, AppendFsync::No }) {
                     if (argIs(text, ServerConfig::fsyncName(mode))) {
                         config.appendFsync = mode;
                         return QByteArray();
                     }
                 }
                 return "argument(s) must be one of the following: everysec, always, no";
             } };
}

ConfigParameter maxmemoryPolicyParameter()
{
    return { "maxmemory-policy",
             [](const ServerConfig &c) {
                 return QByteArray(EvictionPolicies::name(c.maxmemoryPolicy));
             },
             [](ServerConfig &config, QByteArrayView text) -> QByteArray {
                 for (const EvictionPolicy policy : EvictionPolicies::All) {
                     if (argIs(text, EvictionPolicies::name(policy))) {
                         config.maxmemoryPolicy = policy;
                         return QByteArray();
                     }
                 }
                 return "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                        "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
                        "noeviction";
             } };
}

// Redis's maxmemory-clients (a MEMORY_CONFIG | PERCENT_CONFIG ssize_t): a byte count with
// units, or "<n>%" of maxmemory up to 100, which is kept negative. A count past LLONG_MAX turns
// negative, as in Redis, and so reads as a percentage.
QByteArray setMaxmemoryClients(ServerConfig &config, QByteArrayView text)
{
    unsigned long long bytes = 0;
    long long value = 0;
    if (parseMemory(text, &bytes))
        value = static_cast<long long>(bytes);
    else if (text.size() > 1 && text.endsWith('%') && Numbers::toLongLong(text.chopped(1), &value)
             && value >= 0)
        value = -value;
    else
        return "argument must be a memory or percent value";
    if (value < -100)
        return "percentage argument must be less or equal to 100";
    config.maxmemoryClients = value;
    return QByteArray();
}

ConfigParameter maxmemoryClientsParameter()
{
    return ConfigParameter { "maxmemory-clients",
                             [](const ServerConfig &c) {
                                 return c.maxmemoryClients < 0
                                         ? QByteArray::number(-c.maxmemoryClients) + '%'
                                         : QByteArray::number(c.maxmemoryClients);
                             },
                             setMaxmemoryClients,
                             0,
                             nullptr,
                             ConfigStyle::Memory }
            .withApply([](Server &server) { server.clientEviction().configChanged(); });
}

ConfigParameter aclPubsubDefaultParameter()
{
    return ConfigParameter {
        "acl-pubsub-default",
        [](const ServerConfig &c) {
            return QByteArray(c.aclPubsubAllChannels ? "allchannels" : "resetchannels");
        },
        [](ServerConfig &config, QByteArrayView text) -> QByteArray {
            if (argIs(text, "allchannels"))
                config.aclPubsubAllChannels = true;
            else if (argIs(text, "resetchannels"))
                config.aclPubsubAllChannels = false;
            else
                return "argument(s) must be one of the following: allchannels, resetchannels";
            return QByteArray();
        }
    }.withApply([](Server &server) {
        server.acl().setAllChannelsByDefault(server.config().aclPubsubAllChannels);
    });
}

// Redis's updateMaxmemory: a limit below what is used is logged, and eviction starts. The
// clients' limit is worked out again too: maxmemory-clients may be a percentage of it.
void maxmemoryChanged(Server &server)
{
    server.clientEviction().configChanged();
    const long long limit = server.config().maxmemory;
    if (limit == 0)
        return;
    const qint64 used = AllocationCounter::usedBytes();
    if (used > limit) {
        qCWarning(lcServer).noquote().nospace()
                << "WARNING: the new maxmemory value set via CONFIG SET (" << limit
                << ") is smaller than the current memory usage (" << used
                << "). This will result in key eviction and/or the inability to accept new write "
                   "commands depending on the maxmemory-policy.";
    }
    server.evictor().scheduleEvictions();
}

// Redis's hz: any int is taken, and kept within 1..500.
QByteArray setHz(ServerConfig &config, QByteArrayView text)
{
    constexpr long long MinHz = 1;
    constexpr long long MaxHz = 500;
    long long value = 0;
    QByteArray error = readInteger(text, 0, INT_MAX, &value);
    if (error.isEmpty())
        config.hz = qBound(MinHz, value, MaxHz);
    return error;
}

constexpr const char *LogLevelNames[] = { "debug", "verbose", "notice", "warning" };

ConfigParameter logLevelParameter()
{
    return ConfigParameter {
        "loglevel",
        [](const ServerConfig &c) { return QByteArray(LogLevelNames[int(c.logLevel)]); },
        [](ServerConfig &config, QByteArrayView text) -> QByteArray {
            for (int i = 0; i < int(std::size(LogLevelNames)); ++i) {
                if (argIs(text, LogLevelNames[i])) {
                    config.logLevel = LogLevel(i);
                    return QByteArray();
                }
            }
            return "argument(s) must be one of the following: debug, verbose, notice, warning";
        }
    }.withApply([](Server &server) { server.logLevelChanged(); });
}

// shutdown-on-sigint and shutdown-on-sigterm: Redis's bit-flag enum, several words at once
// ("nosave now": words split at each single space, as Redis's sdssplitlen, so an empty one
// is refused), shown in the table's order, "default" alone for none.
ConfigParameter shutdownOnSignalParameter(const char *name, quint8 ServerConfig::*field)
{
    static constexpr std::pair<const char *, quint8> Names[] = {
        { "default", 0 },
        { "save", ShutdownFlag::Save },
        { "nosave", ShutdownFlag::NoSave },
        { "now", ShutdownFlag::Now },
        { "force", ShutdownFlag::Force },
    };
    return { name,
             [field](const ServerConfig &c) {
                 if (c.*field == 0)
                     return QByteArray("default");
                 QByteArrayList shown;
                 for (const auto &[word, bit] : Names) {
                     if (bit && (c.*field & bit))
                         shown.append(word);
                 }
                 return shown.join(' ');
             },
             [field](ServerConfig &config, QByteArrayView text) -> QByteArray {
                 quint8 flags = 0;
                 const QByteArrayList words = text.toByteArray().split(' ');
                 for (const QByteArray &word : words) {
                     const auto found = std::find_if(
                             std::begin(Names), std::end(Names),
                             [&word](const auto &entry) { return argIs(word, entry.first); });
                     if (found == std::end(Names))
                         return "argument(s) must be one of the following: default, save, "
                                "nosave, now, force";
                     flags |= found->second;
                 }
                 if ((flags & ShutdownFlag::Save) && (flags & ShutdownFlag::NoSave))
                     return "shutdown options SAVE and NOSAVE can't be used simultaneously";
                 config.*field = flags;
                 return QByteArray();
             },
             ConfigFlag::MultiArg };
}

// A change of oom-score-adj or its values is written to the process at once; a refused
// write refuses the change, as Redis's updateOOMScoreAdj.
QByteArray applyOomScore(const ServerConfig &updated)
{
    return OomScore::apply(updated) ? QByteArray()
                                    : "Failed to set current oom_score_adj. Check server logs.";
}

ConfigParameter oomScoreAdjParameter()
{
    return ConfigParameter {
        "oom-score-adj",
        [](const ServerConfig &c) -> QByteArray {
            switch (c.oomScoreAdj) {
            case OomScoreAdj::No: return "no";
            case OomScoreAdj::Relative: return "yes"; // Redis's first name for the value
            case OomScoreAdj::Absolute: return "absolute";
            }
            return "no";
        },
        [](ServerConfig &config, QByteArrayView text) -> QByteArray {
            if (argIs(text, "no"))
                config.oomScoreAdj = OomScoreAdj::No;
            else if (argIs(text, "yes") || argIs(text, "relative"))
                config.oomScoreAdj = OomScoreAdj::Relative;
            else if (argIs(text, "absolute"))
                config.oomScoreAdj = OomScoreAdj::Absolute;
            else
                return "argument(s) must be one of the following: no, yes, relative, absolute";
            return QByteArray();
        }
    }.withCheck(applyOomScore);
}

// Three numbers split at each single space, each read as strtoll does (an empty one is 0).
ConfigParameter oomScoreAdjValuesParameter()
{
    return ConfigParameter {
        "oom-score-adj-values",
        [](const ServerConfig &c) {
            QByteArrayList shown;
            for (int value : c.oomScoreAdjValues)
                shown.append(QByteArray::number(value));
            return shown.join(' ');
        },
        [](ServerConfig &config, QByteArrayView text) -> QByteArray {
            const QByteArrayList words = text.toByteArray().split(' ');
            if (words.size() != qsizetype(config.oomScoreAdjValues.size()))
                return "wrong number of arguments";
            std::array<int, 3> values {};
            for (size_t i = 0; i < values.size(); ++i) {
                const QByteArray &word = words.at(qsizetype(i));
                char *end = nullptr;
                errno = 0;
                const long long value = std::strtoll(word.constData(), &end, 10);
                if (*end != '\0' || errno == ERANGE || value < -2000 || value > 2000)
                    return "Invalid oom-score-adj-values, elements must be between -2000 and "
                           "2000.";
                values[i] = int(value);
            }
            // Kept although it may not work, as Redis, which only warns.
            if (values[1] < values[0] || values[2] < values[1])
                qCWarning(lcServer) << "The oom-score-adj-values configuration may not work for "
                                       "non-privileged processes! Please consult the "
                                       "documentation.";
            config.oomScoreAdjValues = values;
            return QByteArray();
        },
        ConfigFlag::MultiArg
    }
            .withCheck(applyOomScore);
}

// The rows of this file, then those of the features qkv lacks.
std::vector<ConfigParameter> withInertRows(std::vector<ConfigParameter> rows)
{
    for (ConfigParameter &row : InertParameters::rows())
        rows.push_back(std::move(row));
    return rows;
}

} // namespace

const std::vector<ConfigParameter> &parameters()
{
    static const std::vector<ConfigParameter> implemented = {
        { "save", [](const ServerConfig &c) { return ServerConfig::formatSaveRules(c.saveRules); },
          [](ServerConfig &config, QByteArrayView text) -> QByteArray {
              if (!ServerConfig::parseSaveRules(text, &config.saveRules))
                  return "Invalid save parameters";
              return QByteArray();
          },
          ConfigFlag::MultiArg, nullptr, ConfigStyle::Save },
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
          ConfigFlag::Protected, nullptr, ConfigStyle::Always },
        { "dbfilename", [](const ServerConfig &c) { return QFile::encodeName(c.dbFilename); },
          // Redis's isValidDBfilename.
          fileNameSetter(&ServerConfig::dbFilename, "dbfilename can't be a path, just a filename"),
          ConfigFlag::Protected, nullptr, ConfigStyle::Quoted },
        yesNoParameter("rdbcompression", &ServerConfig::rdbCompression),
        yesNoParameter("rdbchecksum", &ServerConfig::rdbChecksum),
        integerParameter("rdb-key-save-delay", nullptr, INT_MIN, INT_MAX,
                         &ServerConfig::rdbKeySaveDelay)
                .withFlags(ConfigFlag::Hidden),
        yesNoParameter("stop-writes-on-bgsave-error", &ServerConfig::stopWritesOnBgsaveError),
        // Turning it on while running starts a rewrite that makes the first base file, as
        // Redis's startAppendOnly; turning it off closes the files (Persistence::aof()).
        yesNoParameter("appendonly", &ServerConfig::appendOnly).withApply([](Server &server) {
            server.persistence().appendOnlyChanged();
        }),
        { "appendfilename",
          [](const ServerConfig &c) { return QFile::encodeName(c.appendFilename); },
          fileNameSetter(&ServerConfig::appendFilename,
                         "appendfilename can't be a path, just a filename"),
          ConfigFlag::Immutable, nullptr, ConfigStyle::Quoted },
        { "appenddirname", [](const ServerConfig &c) { return QFile::encodeName(c.appendDirname); },
          fileNameSetter(&ServerConfig::appendDirname,
                         "appenddirname can't be a path, just a dirname"),
          ConfigFlag::Immutable, nullptr, ConfigStyle::Quoted },
        appendFsyncParameter(),
        yesNoParameter("no-appendfsync-on-rewrite", &ServerConfig::noAppendfsyncOnRewrite),
        yesNoParameter("aof-use-rdb-preamble", &ServerConfig::aofUseRdbPreamble),
        yesNoParameter("aof-load-truncated", &ServerConfig::aofLoadTruncated),
        yesNoParameter("aof-disable-auto-gc", &ServerConfig::aofDisableAutoGc)
                .withApply([](Server &server) { server.persistence().aof().deleteHistory(); }),
        integerParameter("auto-aof-rewrite-percentage", nullptr, 0, INT_MAX,
                         &ServerConfig::autoAofRewritePercentage),
        { "auto-aof-rewrite-min-size",
          [](const ServerConfig &c) { return QByteArray::number(c.autoAofRewriteMinSize); },
          memorySetter(0, &ServerConfig::autoAofRewriteMinSize), 0, nullptr, ConfigStyle::Memory },
        fixedParameter("aof-timestamp-enabled", "no"),
        immutableInt("databases", 1, INT_MAX, &ServerConfig::databases),
        ConfigParameter {
                "maxclients",
                [](const ServerConfig &c) { return QByteArray::number(c.maxClients); },
                // Redis's unsigned int range; ours is an int, so larger values are refused too.
                [](ServerConfig &config, QByteArrayView text) -> QByteArray {
                    long long value = 0;
                    if (QByteArray error = readInteger(text, 1, UINT_MAX, &value); !error.isEmpty())
                        return error;
                    if (value > INT_MAX)
                        return tooManyClients(
                                qMin<long long>(clientsWithinFileLimit(value), INT_MAX));
                    config.maxClients = int(value);
                    return QByteArray();
                } } // CONFIG SET raises the open files limit for them, as Redis's updateMaxclients.
                .withCheck([](const ServerConfig &c) {
                    const long long possible = clientsWithinFileLimit(c.maxClients);
                    return possible < c.maxClients ? tooManyClients(possible) : QByteArray();
                }),
        integerParameter("timeout", nullptr, 0, INT_MAX, &ServerConfig::idleTimeout),
        integerParameter("tcp-keepalive", nullptr, 0, INT_MAX, &ServerConfig::tcpKeepAlive),
        { "client-output-buffer-limit",
          [](const ServerConfig &c) { return c.outputBufferLimits.toString(); },
          [](ServerConfig &config, QByteArrayView text) {
              return config.outputBufferLimits.set(text);
          },
          ConfigFlag::MultiArg, nullptr, ConfigStyle::PerClientClass },
        immutableInt("port", 0, 65535, &ServerConfig::port),
        // Redis listens on every address given; qkv on the first (a leading '-' marks an
        // optional address in Redis and is dropped).
        { "bind", [](const ServerConfig &c) { return c.bind.toUtf8(); },
          [](ServerConfig &config, QByteArrayView text) -> QByteArray {
              QByteArray first = text.toByteArray().split(' ').first();
              if (first.startsWith('-'))
                  first.remove(0, 1);
              const QString address = QString::fromLatin1(first);
              if (QHostAddress(address).isNull() && address != QLatin1String("localhost"))
                  return "Invalid bind address '" + first + '\'';
              config.bind = address;
              return QByteArray();
          },
          ConfigFlag::Immutable | ConfigFlag::MultiArg },
        ConfigParameter {
                "requirepass", [](const ServerConfig &c) { return c.requirePass; },
                // New connections must AUTH with it; connected clients stay authenticated.
                [](ServerConfig &config, QByteArrayView text) {
                    config.requirePass = text.toByteArray();
                    return QByteArray();
                },
                ConfigFlag::Sensitive, nullptr, ConfigStyle::Quoted }
                .withApply([](Server &server) {
                    server.acl().setDefaultPassword(server.config().requirePass);
                }),
        { "aclfile", [](const ServerConfig &c) { return QFile::encodeName(c.aclFile); },
          [](ServerConfig &config, QByteArrayView text) {
              config.aclFile = QFile::decodeName(text.toByteArray());
              return QByteArray();
          },
          ConfigFlag::Immutable, nullptr, ConfigStyle::Quoted },
        aclPubsubDefaultParameter(),
        integerParameter("acllog-max-len", nullptr, 0, LLONG_MAX, &ServerConfig::aclLogMaxLength)
                .withApply([](Server &server) {
                    server.acl().log().trim(server.config().aclLogMaxLength);
                }),
        memoryParameter("maxmemory", nullptr, &ServerConfig::maxmemory).withApply(maxmemoryChanged),
        maxmemoryClientsParameter(),
        maxmemoryPolicyParameter(),
        integerParameter("maxmemory-samples", nullptr, 1, INT_MAX, &ServerConfig::maxmemorySamples),
        integerParameter("maxmemory-eviction-tenacity", nullptr, 0, 100,
                         &ServerConfig::maxmemoryEvictionTenacity),
        integerParameter("lfu-log-factor", nullptr, 0, INT_MAX, &ServerConfig::lfuLogFactor),
        integerParameter("lfu-decay-time", nullptr, 0, INT_MAX, &ServerConfig::lfuDecayTime),
        { "proto-max-bulk-len",
          [](const ServerConfig &c) { return QByteArray::number(c.protoMaxBulkLength); },
          memorySetter(1024 * 1024, &ServerConfig::protoMaxBulkLength), 0, nullptr,
          ConfigStyle::Memory },
        { "client-query-buffer-limit",
          [](const ServerConfig &c) { return QByteArray::number(c.queryBufferLimit); },
          memorySetter(1024 * 1024, &ServerConfig::queryBufferLimit), 0, nullptr,
          ConfigStyle::Memory },
        immutableInt("tcp-backlog", 0, INT_MAX, &ServerConfig::listenBacklog),
        yesNoParameter("protected-mode", &ServerConfig::protectedMode),
        integerParameter("slowlog-log-slower-than", nullptr, -1, LLONG_MAX,
                         &ServerConfig::slowlogLogSlowerThan)
                .withApply(trimSlowLog),
        // Redis's unsigned long, bounded by LONG_MAX.
        integerParameter("slowlog-max-len", nullptr, 0, LLONG_MAX, &ServerConfig::slowlogMaxLen)
                .withApply(trimSlowLog),
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
          },
          ConfigFlag::MultiArg, nullptr, ConfigStyle::List },
        integerParameter("tracking-table-max-keys", nullptr, 0, LLONG_MAX,
                         &ServerConfig::trackingTableMaxKeys),
        integerParameter("busy-reply-threshold", "lua-time-limit", 0, LLONG_MAX,
                         &ServerConfig::busyReplyThreshold),
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
          },
          0, nullptr, ConfigStyle::Quoted, KeyspaceEvents::watchDatabases },
        yesNoParameter("lazyfree-lazy-eviction", &ServerConfig::lazyfreeLazyEviction),
        yesNoParameter("lazyfree-lazy-expire", &ServerConfig::lazyfreeLazyExpire),
        yesNoParameter("lazyfree-lazy-server-del", &ServerConfig::lazyfreeLazyServerDel),
        yesNoParameter("lazyfree-lazy-user-del", &ServerConfig::lazyfreeLazyUserDel),
        yesNoParameter("lazyfree-lazy-user-flush", &ServerConfig::lazyfreeLazyUserFlush),
        yesNoParameter("replica-lazy-flush", &ServerConfig::replicaLazyFlush)
                .withAlias("slave-lazy-flush"),
        yesNoParameter("jemalloc-bg-thread", &ServerConfig::jemallocBgThread)
                .withApply([](Server &server) {
                    AllocationCounter::setBackgroundThread(server.config().jemallocBgThread);
                }),
        yesNoParameter("enable-protected-configs", &ServerConfig::enableProtectedConfigs)
                .withFlags(ConfigFlag::Immutable),
        ConfigParameter { "hz", [](const ServerConfig &c) { return QByteArray::number(c.hz); },
                          setHz }
                .withApply([](Server &server) { server.hzChanged(); }),
        yesNoParameter("dynamic-hz", &ServerConfig::dynamicHz).withApply([](Server &server) {
            server.hzChanged();
        }),
        yesNoParameter("activerehashing", &ServerConfig::activeRehashing),
        integerParameter("active-expire-effort", nullptr, 1, 10, &ServerConfig::activeExpireEffort),
        integerParameter("min-replicas-to-write", "min-slaves-to-write", 0, INT_MAX,
                         &ServerConfig::minReplicasToWrite),
        integerParameter("min-replicas-max-lag", "min-slaves-max-lag", 0, INT_MAX,
                         &ServerConfig::minReplicasMaxLag),
        logLevelParameter(),
        shutdownOnSignalParameter("shutdown-on-sigint", &ServerConfig::shutdownOnSigint),
        shutdownOnSignalParameter("shutdown-on-sigterm", &ServerConfig::shutdownOnSigterm),
        oomScoreAdjParameter(),
        oomScoreAdjValuesParameter(),
        // qkv's own log file (--log-file); empty: none (Redis: standard output).
        { "logfile", [](const ServerConfig &c) { return QFile::encodeName(c.logFile); },
          [](ServerConfig &config, QByteArrayView text) {
              config.logFile = QFile::decodeName(text.toByteArray());
              return QByteArray();
          },
          ConfigFlag::Immutable, nullptr, ConfigStyle::Quoted },
    };
    static const std::vector<ConfigParameter> parameters = withInertRows(implemented);
    return parameters;
}

const ConfigParameter *find(QByteArrayView name)
{
    for (const ConfigParameter &parameter : parameters()) {
        if (argIs(name, parameter.name) || (parameter.alias && argIs(name, parameter.alias)))
            return &parameter;
    }
    return nullptr;
}

bool isAlias(const ConfigParameter &parameter, QByteArrayView name)
{
    return !argIs(name, parameter.name);
}

const ServerConfig &defaults()
{
    static const ServerConfig config = [] {
        ServerConfig made;
        made.saveRules = ServerConfig::defaultSaveRules();
        made.logFile.clear(); // Redis's standard output
        return made;
    }();
    return config;
}

bool isRedisDirective(QByteArrayView name)
{
    // Redis 7.0's CONFIG GET * names, then the directives only a file may give.
    static const char *const names[] = {
        "acl-pubsub-default",
        "aclfile",
        "acllog-max-len",
        "active-defrag-cycle-max",
        "active-defrag-cycle-min",
        "active-defrag-ignore-bytes",
        "active-defrag-max-scan-fields",
        "active-defrag-threshold-lower",
        "active-defrag-threshold-upper",
        "active-expire-effort",
        "activedefrag",
        "activerehashing",
        "always-show-logo",
        "aof-disable-auto-gc",
        "aof-load-truncated",
        "aof-rewrite-incremental-fsync",
        "aof-timestamp-enabled",
        "aof-use-rdb-preamble",
        "aof_rewrite_cpulist",
        "appenddirname",
        "appendfilename",
        "appendfsync",
        "appendonly",
        "auto-aof-rewrite-min-size",
        "auto-aof-rewrite-percentage",
        "bgsave_cpulist",
        "bind",
        "bind-source-addr",
        "bio_cpulist",
        "busy-reply-threshold",
        "client-output-buffer-limit",
        "client-query-buffer-limit",
        "cluster-allow-pubsubshard-when-down",
        "cluster-allow-reads-when-down",
        "cluster-allow-replica-migration",
        "cluster-announce-bus-port",
        "cluster-announce-hostname",
        "cluster-announce-ip",
        "cluster-announce-port",
        "cluster-announce-tls-port",
        "cluster-config-file",
        "cluster-enabled",
        "cluster-link-sendbuf-limit",
        "cluster-migration-barrier",
        "cluster-node-timeout",
        "cluster-port",
        "cluster-preferred-endpoint-type",
        "cluster-replica-no-failover",
        "cluster-replica-validity-factor",
        "cluster-require-full-coverage",
        "cluster-slave-no-failover",
        "cluster-slave-validity-factor",
        "crash-log-enabled",
        "crash-memcheck-enabled",
        "daemonize",
        "databases",
        "dbfilename",
        "dir",
        "disable-thp",
        "dynamic-hz",
        "enable-debug-command",
        "enable-module-command",
        "enable-protected-configs",
        "hash-max-listpack-entries",
        "hash-max-listpack-value",
        "hash-max-ziplist-entries",
        "hash-max-ziplist-value",
        "hll-sparse-max-bytes",
        "hz",
        "ignore-warnings",
        "io-threads",
        "io-threads-do-reads",
        "jemalloc-bg-thread",
        "latency-monitor-threshold",
        "latency-tracking",
        "latency-tracking-info-percentiles",
        "lazyfree-lazy-eviction",
        "lazyfree-lazy-expire",
        "lazyfree-lazy-server-del",
        "lazyfree-lazy-user-del",
        "lazyfree-lazy-user-flush",
        "lfu-decay-time",
        "lfu-log-factor",
        "list-compress-depth",
        "list-max-listpack-size",
        "list-max-ziplist-size",
        "logfile",
        "loglevel",
        "lua-time-limit",
        "masterauth",
        "masteruser",
        "maxclients",
        "maxmemory",
        "maxmemory-clients",
        "maxmemory-eviction-tenacity",
        "maxmemory-policy",
        "maxmemory-samples",
        "min-replicas-max-lag",
        "min-replicas-to-write",
        "min-slaves-max-lag",
        "min-slaves-to-write",
        "no-appendfsync-on-rewrite",
        "notify-keyspace-events",
        "oom-score-adj",
        "oom-score-adj-values",
        "pidfile",
        "port",
        "proc-title-template",
        "propagation-error-behavior",
        "protected-mode",
        "proto-max-bulk-len",
        "rdb-del-sync-files",
        "rdb-save-incremental-fsync",
        "rdbchecksum",
        "rdbcompression",
        "repl-backlog-size",
        "repl-backlog-ttl",
        "repl-disable-tcp-nodelay",
        "repl-diskless-load",
        "repl-diskless-sync",
        "repl-diskless-sync-delay",
        "repl-diskless-sync-max-replicas",
        "repl-ping-replica-period",
        "repl-ping-slave-period",
        "repl-timeout",
        "replica-announce-ip",
        "replica-announce-port",
        "replica-announced",
        "replica-ignore-disk-write-errors",
        "replica-ignore-maxmemory",
        "replica-lazy-flush",
        "replica-priority",
        "replica-read-only",
        "replica-serve-stale-data",
        "replicaof",
        "requirepass",
        "sanitize-dump-payload",
        "save",
        "server_cpulist",
        "set-max-intset-entries",
        "set-proc-title",
        "shutdown-on-sigint",
        "shutdown-on-sigterm",
        "shutdown-timeout",
        "slave-announce-ip",
        "slave-announce-port",
        "slave-ignore-maxmemory",
        "slave-lazy-flush",
        "slave-priority",
        "slave-read-only",
        "slave-serve-stale-data",
        "slaveof",
        "slowlog-log-slower-than",
        "slowlog-max-len",
        "socket-mark-id",
        "stop-writes-on-bgsave-error",
        "stream-node-max-bytes",
        "stream-node-max-entries",
        "supervised",
        "syslog-enabled",
        "syslog-facility",
        "syslog-ident",
        "tcp-backlog",
        "tcp-keepalive",
        "timeout",
        "tls-auth-clients",
        "tls-ca-cert-dir",
        "tls-ca-cert-file",
        "tls-cert-file",
        "tls-ciphers",
        "tls-ciphersuites",
        "tls-client-cert-file",
        "tls-client-key-file",
        "tls-client-key-file-pass",
        "tls-cluster",
        "tls-dh-params-file",
        "tls-key-file",
        "tls-key-file-pass",
        "tls-port",
        "tls-prefer-server-ciphers",
        "tls-protocols",
        "tls-replication",
        "tls-session-cache-size",
        "tls-session-cache-timeout",
        "tls-session-caching",
        "tracking-table-max-keys",
        "unixsocket",
        "unixsocketperm",
        "zset-max-listpack-entries",
        "zset-max-listpack-value",
        "zset-max-ziplist-entries",
        "zset-max-ziplist-value",
        // File-only directives.
        "include",
        "rename-command",
        "user",
        "loadmodule",
        "sentinel",
    };
    return std::any_of(std::begin(names), std::end(names),
                       [&](const char *known) { return argIs(name, known); });
}

} // namespace ConfigTable
