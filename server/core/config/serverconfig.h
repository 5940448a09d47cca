#pragma once

#include "outputbufferlimits.h"
#include "store/evictionpolicy.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <array>
#include <map>
#include <vector>

// One `save <seconds> <changes>` rule: snapshot when at least `changes` keys changed and more
// than `seconds` passed since the last save.
struct SaveRule
{
    qint64 seconds;
    qint64 changes;
    bool operator==(const SaveRule &other) const
    {
        return seconds == other.seconds && changes == other.changes;
    }
};

// loglevel: the least severe log lines written (Redis's LL_*; Qt's debug lines are debug and
// verbose, its info lines notice).
enum class LogLevel : quint8 { Debug, Verbose, Notice, Warning };

// appendfsync: when the append-only file is fsynced (Redis's AOF_FSYNC_*).
enum class AppendFsync : quint8 { Always, EverySec, No };

// oom-score-adj: whether and how qkv sets its processes' OOM scores (OomScore).
enum class OomScoreAdj : quint8 { No, Relative, Absolute };

// How to stop: SHUTDOWN's arguments, and shutdown-on-sigint/-sigterm's (Redis's SHUTDOWN_*).
namespace ShutdownFlag {
enum : quint8 { Save = 1, NoSave = 2, Now = 4, Force = 8 };
}

// Everything the server can be told at start-up. Built from the command line; the values
// that Redis lets CONFIG SET change live are read from here by the running server.
struct ServerConfig
{
    QString bind = QStringLiteral("127.0.0.1");
    int port = 6379;
    bool headless = false;
    // logfile (--log-file): qkv's log file; empty for none.
    QString logFile = QStringLiteral("logs/server.log");
    LogLevel logLevel = LogLevel::Notice;
    bool verbose = false; // echo info lines to stderr too
    // shutdown-on-sigint, shutdown-on-sigterm: ShutdownFlag bits (0: Redis's "default").
    quint8 shutdownOnSigint = 0;
    quint8 shutdownOnSigterm = 0;
    OomScoreAdj oomScoreAdj = OomScoreAdj::No;
    // oom-score-adj-values: the server's, a replica's and a fork child's, -2000..2000.
    std::array<int, 3> oomScoreAdjValues { 0, 200, 800 };
    int maxClients = 10000;
    int databases = 16;
    int listenBacklog = 511;
    long long protoMaxBulkLength = 512LL * 1024 * 1024;
    long long queryBufferLimit = 1024LL * 1024 * 1024;
    OutputBufferLimits outputBufferLimits;
    // timeout: clients idle this many seconds are closed (0: never), as Redis's maxidletime.
    long long idleTimeout = 0;
    // tcp-keepalive: seconds before TCP keepalive probes start on a new connection (0: none).
    long long tcpKeepAlive = 300;
    QByteArray requirePass;
    // ACL: the users file ACL LOAD and ACL SAVE use (none: users come from the config file
    // only), and how many entries ACL LOG keeps.
    QString aclFile;
    long long aclLogMaxLength = 128;
    // acl-pubsub-default: whether new users and selectors may use every channel (allchannels)
    // or none until told (resetchannels, Redis 7.0's default).
    bool aclPubsubAllChannels = false;
    // The configuration file's `user <name> <rules...>` lines, applied at start-up.
    std::vector<QList<QByteArray>> users;
    // Redis's protected mode: while the default user has no password, only clients on the
    // loopback interface are let in.
    bool protectedMode = true;
    // The cron's frequency (hz, already clamped to Redis's 1..500), whether it rises with the
    // number of clients (dynamic-hz), whether it rehashes tables nobody touches
    // (activerehashing), and how hard the active expiry works (active-expire-effort, 1..10).
    long long hz = 10;
    bool dynamicHz = true;
    bool activeRehashing = true;
    long long activeExpireEffort = 1;
    // min-replicas-to-write / min-replicas-max-lag: with a number of replicas required (and a
    // lag), writes are refused, as qkv has none (Redis's -NOREPLICAS).
    long long minReplicasToWrite = 0;
    long long minReplicasMaxLag = 10;
    // Redis parameters of features qkv does not have (replication, cluster, TLS, active
    // defragmentation...), which a standalone Redis primary accepts and does not act on: their
    // values as CONFIG GET shows them, by name; a missing one has Redis's default.
    std::map<QByteArray, QByteArray> inertValues;
    int commandLogRate = 1000; // command lines per second written to the log file; 0 = none
    int commandLogCapacity = 10000;
    // SLOWLOG: commands that run at least this many microseconds are logged (-1: none, 0: all),
    // and the log keeps this many entries.
    long long slowlogLogSlowerThan = 10000;
    long long slowlogMaxLen = 128;
    // The latency monitor records events of at least this many ms (0: off); latency-tracking
    // keeps a histogram per command for INFO latencystats, which shows these percentiles.
    long long latencyMonitorThreshold = 0;
    bool latencyTracking = true;
    std::vector<double> latencyTrackingPercentiles { 50, 99, 99.9 };
    // Client-side caching: at most this many tracked keys (0: no limit); more are invalidated.
    long long trackingTableMaxKeys = 1000000;
    // busy-reply-threshold (lua-time-limit), ms: past it a running script lets other clients in
    // (they get -BUSY) and can be killed; 0 never.
    long long busyReplyThreshold = 5000;
    // When the aggregate types leave their compact encodings (Redis's defaults): more elements
    // than *Entries, or an element longer than *Value bytes. listMaxListpackSize is a list
    // node's limit: > 0 elements, or -1..-5 for 4, 8, 16, 32, 64 KB.
    long long hashMaxListpackEntries = 512;
    long long hashMaxListpackValue = 64;
    long long listMaxListpackSize = -2;
    long long listCompressDepth = 0;
    long long setMaxIntsetEntries = 512;
    long long zsetMaxListpackEntries = 128;
    long long zsetMaxListpackValue = 64;
    // A stream node closes at this many bytes or entries (0: no limit), as Redis's do.
    long long streamNodeMaxBytes = 4096;
    long long streamNodeMaxEntries = 100;
    // Keyspace notification classes (KeyspaceEvents flags); 0: off, Redis's default.
    int notifyKeyspaceEvents = 0;
    // Memory limit and eviction (Redis 7.0's defaults): maxmemory in bytes (0: none); how many
    // keys each database contributes to a sample; the eviction time budget per command (0..100,
    // Evictor::timeLimit()); the LFU counter's logarithm factor and decay period in minutes.
    long long maxmemory = 0;
    // maxmemory-clients: the limit on every client's memory together (ClientEviction): bytes,
    // or when negative a percentage of maxmemory (-10 for 10%), as Redis stores it; 0: none.
    long long maxmemoryClients = 0;
    EvictionPolicy maxmemoryPolicy = EvictionPolicy::NoEviction;
    long long maxmemorySamples = 5;
    long long maxmemoryEvictionTenacity = 10;
    long long lfuLogFactor = 10;
    long long lfuDecayTime = 1;
    // Which deletions free big values on the background thread (LazyFree); Redis 7.0's
    // defaults, all off. UNLINK and FLUSH... ASYNC always do.
    bool lazyfreeLazyEviction = false;
    bool lazyfreeLazyExpire = false;
    bool lazyfreeLazyServerDel = false;
    bool lazyfreeLazyUserDel = false;
    bool lazyfreeLazyUserFlush = false;
    bool replicaLazyFlush = false; // no replication yet: kept for CONFIG only
    // jemalloc gives freed pages back to the system from its own thread rather than from
    // whichever thread frees or allocates (Redis's default, yes).
    bool jemallocBgThread = true;
    // RDB snapshots: <dir>/<dbfilename>, written by SAVE, BGSAVE, the save rules and at
    // shutdown when rules exist, loaded at start-up by qkv-server. dir is absolute (empty: the
    // working directory). A server made in-process (tests) has no rules; the command line
    // gives qkv-server Redis's defaults (defaultSaveRules()) unless --save says otherwise.
    QString dir;
    QString dbFilename = QStringLiteral("dump.rdb");
    std::vector<SaveRule> saveRules;
    static std::vector<SaveRule> defaultSaveRules()
    {
        return { { 3600, 1 }, { 300, 100 }, { 60, 10000 } };
    }
    bool rdbCompression = true;
    bool rdbChecksum = true;
    // rdb-key-save-delay, Redis's aid for testing a long-running child: microseconds slept
    // after each key written to a snapshot or rewritten file (negative -N: 1 us after one key
    // in N, at random).
    long long rdbKeySaveDelay = 0;
    // Writes are refused (-MISCONF) while the last BGSAVE failed.
    bool stopWritesOnBgsaveError = true;
    // The append-only file: <dir>/<appendDirname>/ holds the manifest <appendFilename>.manifest
    // and the base and incremental files named after appendFilename (Redis 7.0's layout).
    bool appendOnly = false;
    QString appendFilename = QStringLiteral("appendonly.aof");
    QString appendDirname = QStringLiteral("appendonlydir");
    AppendFsync appendFsync = AppendFsync::EverySec;
    bool noAppendfsyncOnRewrite = false;
    bool aofUseRdbPreamble = true;
    bool aofLoadTruncated = true;
    // aof-disable-auto-gc: the files a rewrite replaced stay (as history in the manifest).
    bool aofDisableAutoGc = false;
    long long autoAofRewritePercentage = 100;
    long long autoAofRewriteMinSize = 64LL * 1024 * 1024;
    static const char *fsyncName(AppendFsync mode)
    {
        return mode == AppendFsync::Always      ? "always"
                : mode == AppendFsync::EverySec ? "everysec"
                                                : "no";
    }
    // The configuration file the server was started with (absolute; empty: none), which
    // CONFIG REWRITE rewrites.
    QString configFile;
    // Redis's enable-protected-configs: whether CONFIG SET may change dir and dbfilename
    // (off by default, as in Redis 7.0).
    bool enableProtectedConfigs = false;

    // <dir>/<dbfilename>.
    QString rdbPath() const;
    // Redis's `save` syntax: "<seconds> <changes> ..." pairs, or "" for none. False if invalid.
    static bool parseSaveRules(QByteArrayView text, std::vector<SaveRule> *rules);
    // CONFIG GET save's spelling: "3600 1 300 100".
    static QByteArray formatSaveRules(const std::vector<SaveRule> &rules);
    // latency-tracking-info-percentiles: numbers from 0 to 100 separated by spaces; false with
    // Redis's CONFIG SET error text otherwise.
    static bool parsePercentiles(QByteArrayView text, std::vector<double> *percentiles,
                                 QByteArray *error);
    // One percentile as Redis prints it ("%f" without trailing zeros: 50, 99.9, 12.345679).
    static QByteArray formatPercentile(double percentile);

    // <dir>/<appendDirname>.
    QString aofDirPath() const;
    // Parses arguments (argv[0] first) as redis-server does: an optional configuration file
    // first, then `--name value...` for any parameter, plus qkv's own options (--headless,
    // --log-file, --log-commands, --verbose). On failure returns false with the message to
    // print in *error (Redis's "FATAL CONFIG FILE ERROR" block for a bad directive); on
    // --help/--version prints and sets *exitNow. Warnings (directives qkv ignores) are
    // appended to *warnings.
    static bool fromArguments(const QStringList &arguments, ServerConfig *config, QString *error,
                              bool *exitNow, QStringList *warnings = nullptr);
};
