#include "inertparameters.h"

#include "commands/commandutil.h"
#include "observe/logsink.h"
#include "protocol/numbers.h"

#include <climits>
#include <initializer_list>

using CommandUtil::argIs;

namespace {

// Reads a value as Redis's parameter of that kind does: its error text, or empty with the
// value as CONFIG GET shows it in *value.
using InertParse = std::function<QByteArray(QByteArrayView text, QByteArray *value)>;

ConfigParameter inert(const char *name, const char *alias, const char *byDefault, InertParse parse,
                      ConfigStyle style = ConfigStyle::Plain, quint8 flags = 0)
{
    return { name,
             [name, byDefault](const ServerConfig &c) {
                 const auto found = c.inertValues.find(name);
                 return found == c.inertValues.end() ? QByteArray(byDefault) : found->second;
             },
             [name, parse](ServerConfig &config, QByteArrayView text) -> QByteArray {
                 QByteArray value;
                 QByteArray error = parse(text, &value);
                 if (error.isEmpty())
                     config.inertValues[name] = value;
                 return error;
             },
             flags,
             alias,
             style };
}

InertParse integer(long long min, long long max)
{
    return [min, max](QByteArrayView text, QByteArray *value) -> QByteArray {
        long long number = 0;
        QByteArray error = ConfigTable::readInteger(text, min, max, &number);
        if (error.isEmpty())
            *value = QByteArray::number(number);
        return error;
    };
}

InertParse memory(long long min)
{
    return [min](QByteArrayView text, QByteArray *value) -> QByteArray {
        long long bytes = 0;
        QByteArray error = ConfigTable::readMemory(text, min, &bytes);
        if (error.isEmpty())
            *value = QByteArray::number(bytes);
        return error;
    };
}

InertParse oneOf(std::initializer_list<const char *> names)
{
    const std::vector<const char *> choices(names);
    return [choices](QByteArrayView text, QByteArray *value) -> QByteArray {
        for (const char *choice : choices) {
            if (argIs(text, choice)) {
                *value = choice;
                return QByteArray();
            }
        }
        QByteArray error = "argument(s) must be one of the following: ";
        for (size_t i = 0; i < choices.size(); ++i)
            error += (i ? ", " : "") + QByteArray(choices[i]);
        return error;
    };
}

InertParse yesNo()
{
    return [](QByteArrayView text, QByteArray *value) -> QByteArray {
        if (!argIs(text, "yes") && !argIs(text, "no"))
            return "argument must be 'yes' or 'no'";
        *value = argIs(text, "yes") ? "yes" : "no";
        return QByteArray();
    };
}

InertParse anyText()
{
    return [](QByteArrayView text, QByteArray *value) {
        *value = text.toByteArray();
        return QByteArray();
    };
}

// The value that turns on a feature qkv lacks is refused with error (refused null: any
// number but 0); the others are accepted.
InertParse refusing(InertParse parse, const char *refused, const char *error)
{
    return [parse, refused, error](QByteArrayView text, QByteArray *value) -> QByteArray {
        QByteArray parsed;
        QByteArray failure = parse(text, &parsed);
        if (!failure.isEmpty())
            return failure;
        if (refused ? parsed == refused : parsed != "0")
            return error;
        *value = parsed;
        return QByteArray();
    };
}

// Turning TLS on fails as in Redis without certificates (here: qkv has no TLS); the log says
// why.
InertParse withoutTls(InertParse parse, const char *refused)
{
    const InertParse checked = refusing(std::move(parse), refused,
                                        "Unable to update TLS configuration. Check server logs.");
    return [checked](QByteArrayView text, QByteArray *value) -> QByteArray {
        QByteArray error = checked(text, value);
        if (error.startsWith("Unable"))
            qCWarning(lcServer) << "TLS is not supported by qkv";
        return error;
    };
}

constexpr char NoDefrag[]
        = "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "
          "modified Jemalloc like the one shipped by default with the Redis source distribution";

} // namespace

namespace InertParameters {

std::vector<ConfigParameter> rows()
{
    using ConfigFlag::Sensitive;
    constexpr ConfigStyle Memory = ConfigStyle::Memory;
    constexpr ConfigStyle Quoted = ConfigStyle::Quoted;
    using ConfigTable::fixedParameter;
    return {
        // Replication: a primary with no replicas keeps these for when one comes.
        fixedParameter("replicaof", "").withAlias("slaveof"),
        inert("masterauth", nullptr, "", anyText(), Quoted, Sensitive),
        inert("masteruser", nullptr, "", anyText(), Quoted),
        inert("repl-backlog-size", nullptr, "1048576", memory(1), Memory),
        inert("repl-backlog-ttl", nullptr, "3600", integer(0, LLONG_MAX)),
        inert("repl-disable-tcp-nodelay", nullptr, "no", yesNo()),
        inert("repl-diskless-load", nullptr, "disabled",
              oneOf({ "disabled", "on-empty-db", "swapdb" })),
        inert("repl-diskless-sync", nullptr, "yes", yesNo()),
        inert("repl-diskless-sync-delay", nullptr, "5", integer(0, INT_MAX)),
        inert("repl-diskless-sync-max-replicas", nullptr, "0", integer(0, INT_MAX)),
        inert("repl-ping-replica-period", "repl-ping-slave-period", "10", integer(1, INT_MAX)),
        inert("repl-timeout", nullptr, "60", integer(1, INT_MAX)),
        inert("replica-announce-ip", "slave-announce-ip", "", anyText(), Quoted),
        inert("replica-announce-port", "slave-announce-port", "0", integer(0, 65535)),
        inert("replica-announced", nullptr, "yes", yesNo()),
        inert("replica-ignore-disk-write-errors", nullptr, "no", yesNo()),
        inert("replica-ignore-maxmemory", "slave-ignore-maxmemory", "yes", yesNo()),
        inert("replica-priority", "slave-priority", "100", integer(0, INT_MAX)),
        inert("replica-read-only", "slave-read-only", "yes", yesNo()),
        inert("replica-serve-stale-data", "slave-serve-stale-data", "yes", yesNo()),
        inert("rdb-del-sync-files", nullptr, "no", yesNo()),
        inert("propagation-error-behavior", nullptr, "ignore",
              oneOf({ "ignore", "panic", "panic-on-replicas" })),
        inert("shutdown-timeout", nullptr, "10", integer(0, INT_MAX)),
        inert("bind-source-addr", nullptr, "", anyText(), Quoted),
        // Cluster: off, and Redis ignores the rest while it is.
        fixedParameter("cluster-enabled", "no"),
        fixedParameter("cluster-config-file", "nodes.conf"),
        fixedParameter("cluster-port", "0"),
        inert("cluster-allow-pubsubshard-when-down", nullptr, "yes", yesNo()),
        inert("cluster-allow-reads-when-down", nullptr, "no", yesNo()),
        inert("cluster-allow-replica-migration", nullptr, "yes", yesNo()),
        inert("cluster-announce-bus-port", nullptr, "0", integer(0, 65535)),
        inert("cluster-announce-hostname", nullptr, "", anyText(), Quoted),
        inert("cluster-announce-ip", nullptr, "", anyText(), Quoted),
        inert("cluster-announce-port", nullptr, "0", integer(0, 65535)),
        inert("cluster-announce-tls-port", nullptr, "0", integer(0, 65535)),
        inert("cluster-link-sendbuf-limit", nullptr, "0", memory(0), Memory),
        inert("cluster-migration-barrier", nullptr, "1", integer(0, INT_MAX)),
        inert("cluster-node-timeout", nullptr, "15000", integer(0, LLONG_MAX)),
        inert("cluster-preferred-endpoint-type", nullptr, "ip",
              oneOf({ "ip", "hostname", "unknown-endpoint" })),
        inert("cluster-replica-no-failover", "cluster-slave-no-failover", "no", yesNo()),
        inert("cluster-replica-validity-factor", "cluster-slave-validity-factor", "10",
              integer(0, INT_MAX)),
        inert("cluster-require-full-coverage", nullptr, "yes", yesNo()),
        // TLS: the files and options wait for a TLS listener, which qkv cannot open.
        inert("tls-port", nullptr, "0", withoutTls(integer(0, 65535), nullptr)),
        inert("tls-replication", nullptr, "no", withoutTls(yesNo(), "yes")),
        inert("tls-cluster", nullptr, "no", withoutTls(yesNo(), "yes")),
        inert("tls-auth-clients", nullptr, "yes", oneOf({ "no", "yes", "optional" })),
        inert("tls-ca-cert-dir", nullptr, "", anyText(), Quoted),
        inert("tls-ca-cert-file", nullptr, "", anyText(), Quoted),
        inert("tls-cert-file", nullptr, "", anyText(), Quoted),
        inert("tls-ciphers", nullptr, "", anyText(), Quoted),
        inert("tls-ciphersuites", nullptr, "", anyText(), Quoted),
        inert("tls-client-cert-file", nullptr, "", anyText(), Quoted),
        inert("tls-client-key-file", nullptr, "", anyText(), Quoted),
        inert("tls-client-key-file-pass", nullptr, "", anyText(), Quoted, Sensitive),
        inert("tls-dh-params-file", nullptr, "", anyText(), Quoted),
        inert("tls-key-file", nullptr, "", anyText(), Quoted),
        inert("tls-key-file-pass", nullptr, "", anyText(), Quoted, Sensitive),
        inert("tls-prefer-server-ciphers", nullptr, "no", yesNo()),
        inert("tls-protocols", nullptr, "", anyText(), Quoted),
        inert("tls-session-cache-size", nullptr, "20480", integer(0, INT_MAX)),
        inert("tls-session-cache-timeout", nullptr, "300", integer(0, INT_MAX)),
        inert("tls-session-caching", nullptr, "yes", yesNo()),
        // Active defragmentation needs Redis's own jemalloc: off, as in a build without it.
        inert("activedefrag", nullptr, "no", refusing(yesNo(), "yes", NoDefrag)),
        inert("active-defrag-cycle-max", nullptr, "25", integer(1, 99)),
        inert("active-defrag-cycle-min", nullptr, "1", integer(1, 99)),
        inert("active-defrag-ignore-bytes", nullptr, "104857600", memory(1), Memory),
        inert("active-defrag-max-scan-fields", nullptr, "1000", integer(1, LLONG_MAX)),
        inert("active-defrag-threshold-lower", nullptr, "10", integer(0, 1000)),
        inert("active-defrag-threshold-upper", nullptr, "100", integer(0, 1000)),
        // qkv has no HyperLogLog commands.
        inert("hll-sparse-max-bytes", nullptr, "3000", memory(0), Memory),
        // Warnings about kernel bugs Redis checks for at start-up; qkv checks none.
        inert("ignore-warnings", nullptr, "", anyText(), Quoted),
        // qkv logs no crash report (a crash ends the process with the signal's default), and
        // RESTORE and the RDB reader validate every payload fully, whatever is asked (Redis's
        // "yes", which refuses what "no" would let through unchecked).
        inert("crash-log-enabled", nullptr, "yes", yesNo()),
        inert("crash-memcheck-enabled", nullptr, "yes", yesNo()),
        inert("sanitize-dump-payload", nullptr, "no", oneOf({ "no", "yes", "clients" })),
        // Redis fsyncs every 4 MB while it writes a snapshot or rewrite to spread the disk's
        // work; qkv's writers fsync once at the end, which gives the same files.
        inert("rdb-save-incremental-fsync", nullptr, "yes", yesNo()),
        inert("aof-rewrite-incremental-fsync", nullptr, "yes", yesNo()),
        // Process management qkv leaves to its supervisor: immutable, as in Redis.
        fixedParameter("daemonize", "no"),
        fixedParameter("supervised", "no"),
        fixedParameter("pidfile", ""),
        fixedParameter("unixsocket", ""),
        fixedParameter("unixsocketperm", "0"),
        fixedParameter("syslog-enabled", "no"),
        fixedParameter("syslog-ident", "redis"),
        fixedParameter("syslog-facility", "local0"),
        fixedParameter("always-show-logo", "no"),
        fixedParameter("set-proc-title", "yes"),
        fixedParameter("proc-title-template", "{title} {listen-addr} {server-mode}"),
        fixedParameter("disable-thp", "yes"),
        fixedParameter("socket-mark-id", "0"),
        fixedParameter("io-threads", "1"),
        fixedParameter("io-threads-do-reads", "no"),
        fixedParameter("server_cpulist", ""),
        fixedParameter("bio_cpulist", ""),
        fixedParameter("aof_rewrite_cpulist", ""),
        fixedParameter("bgsave_cpulist", ""),
        fixedParameter("enable-debug-command", "no"),
        fixedParameter("enable-module-command", "no"),
    };
}

} // namespace InertParameters
