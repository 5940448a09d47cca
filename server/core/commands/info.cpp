#include "info.h"

#include "net/connection.h"
#include "net/poller.h"
#include "net/server.h"
#include "observe/allocationcounter.h"
#include "observe/clock.h"
#include "persist/childfork.h"
#include "persist/persistence.h"
#include "scripting/functionlibraries.h"
#include "scripting/scripting.h"
#include "store/evictor.h"
#include "store/keyspace.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QSysInfo>

#include <cstdio>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace Info {

namespace {

QByteArray human(qint64 bytes)
{
    const double b = double(bytes);
    char buf[32];
    if (bytes < 1024)
        std::snprintf(buf, sizeof buf, "%lldB", static_cast<long long>(bytes));
    else if (bytes < 1024LL * 1024)
        std::snprintf(buf, sizeof buf, "%.2fK", b / 1024);
    else if (bytes < 1024LL * 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.2fM", b / (1024 * 1024));
    else
        std::snprintf(buf, sizeof buf, "%.2fG", b / (1024.0 * 1024 * 1024));
    return buf;
}

QByteArray fixed(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", value);
    return buf;
}

QByteArray cpuTime(const timeval &tv)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld.%06ld", static_cast<long>(tv.tv_sec),
                  static_cast<long>(tv.tv_usec));
    return buf;
}

// A stable 40-hex run id per process, as Redis's run_id.
const QByteArray &runId()
{
    static const QByteArray seed = QByteArray::number(QDateTime::currentMSecsSinceEpoch())
            + QByteArray::number(qint64(getpid()));
    static const QByteArray id = QCryptographicHash::hash(seed, QCryptographicHash::Sha1).toHex();
    return id;
}

class Writer
{
public:
    void section(const char *name)
    {
        if (!m_text.isEmpty())
            m_text += "\r\n";
        m_text += "# ";
        m_text += name;
        m_text += "\r\n";
    }
    void field(const char *name, const QByteArray &value)
    {
        m_text += name;
        m_text += ':';
        m_text += value;
        m_text += "\r\n";
    }
    void field(const char *name, qint64 value) { field(name, QByteArray::number(value)); }
    void line(const QByteArray &text)
    {
        m_text += text;
        m_text += "\r\n";
    }
    QByteArray text() const { return m_text; }

private:
    QByteArray m_text;
};

void serverSection(Writer &w, Server &server, qint64 now)
{
    const qint64 uptime = (now - server.stats().startMs()) / 1000;
    w.section("Server");
    w.field("redis_version", QByteArrayLiteral("7.0.15"));
    w.field("qkv_version", QByteArrayLiteral(QKV_VERSION));
    w.field("redis_git_sha1", QByteArrayLiteral("00000000"));
    w.field("redis_git_dirty", 0);
    w.field("redis_build_id", QByteArrayLiteral("0"));
    w.field("redis_mode", QByteArrayLiteral("standalone"));
    // Fixed for the process's life, and each costs system calls (uname, readlink and a stat per
    // path component): computed once, as Redis does.
    static const QByteArray os
            = (QSysInfo::kernelType() + QLatin1Char(' ') + QSysInfo::kernelVersion()
               + QLatin1Char(' ') + QSysInfo::currentCpuArchitecture())
                      .toUtf8();
    static const QByteArray executable = QCoreApplication::applicationFilePath().toUtf8();
    w.field("os", os);
    w.field("arch_bits", qint64(QSysInfo::WordSize));
    w.field("monotonic_clock", QByteArrayLiteral("POSIX clock_gettime"));
    w.field("multiplexing_api", QByteArray(server.poller()->name()));
    w.field("atomicvar_api", QByteArrayLiteral("c11-builtin"));
    w.field("gcc_version", QByteArray(__VERSION__).split(' ').first());
    static const qint64 pid = qint64(getpid()); // glibc makes each getpid() a system call
    w.field("process_id", pid);
    w.field("process_supervised", QByteArrayLiteral("no"));
    w.field("run_id", runId());
    w.field("tcp_port", server.port());
    w.field("server_time_usec", unixTimeMicros());
    w.field("uptime_in_seconds", uptime);
    w.field("uptime_in_days", uptime / 86400);
    w.field("hz", server.hz());
    w.field("configured_hz", server.config().hz);
    w.field("lru_clock", (now / 1000) & ((1 << 24) - 1));
    w.field("executable", executable);
    w.field("config_file", QByteArray());
    w.field("io_threads_active", 0);
}

void clientsSection(Writer &w, Server &server)
{
    w.section("Clients");
    w.field("connected_clients", qint64(server.clients().size()));
    w.field("cluster_connections", 0);
    w.field("maxclients", server.config().maxClients);
    w.field("client_recent_max_input_buffer", server.clientsSampler().recentMaxInput());
    w.field("client_recent_max_output_buffer", server.clientsSampler().recentMaxOutput());
    w.field("blocked_clients", qint64(server.postponedCount() + server.blockedClients().count()));
    w.field("tracking_clients", qint64(server.tracking().clientCount()));
    w.field("clients_in_timeout_table", qint64(server.blockedClients().timeoutCount()));
}

// Taken once at start-up, for used_memory_startup.
const qint64 startupMemory = usedMemory();
// What is resident at start-up besides the heap (code, libraries, stacks): taken out of the
// resident size to estimate the heap's (see memoryFigures).
const qint64 startupNonHeapResident = residentMemory() - startupMemory;

QByteArray ratio(qint64 a, qint64 b)
{
    return fixed(b ? double(a) / double(b) : 0);
}

void memorySection(Writer &w, Server &server)
{
    const MemoryFigures m = memoryFigures(server);
    const qint64 used = m.used;
    const qint64 rss = m.rss;
    const qint64 active = m.active;
    const qint64 peak = m.peak;
    const qint64 clients = m.clients;
    const qint64 overhead = m.overhead;
    const qint64 dataset = m.dataset;
    const qint64 netUsed = used - m.startup;
    // A system call (sysinfo) each time, for a figure fixed at boot: Redis also takes it once.
    static const qint64 system = qint64(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
    w.section("Memory");
    w.field("used_memory", used);
    w.field("used_memory_human", human(used));
    w.field("used_memory_rss", rss);
    w.field("used_memory_rss_human", human(rss));
    w.field("used_memory_peak", peak);
    w.field("used_memory_peak_human", human(peak));
    w.field("used_memory_peak_perc", fixed(peak ? 100.0 * double(used) / double(peak) : 100) + '%');
    w.field("used_memory_overhead", overhead);
    w.field("used_memory_startup", startupMemory);
    w.field("used_memory_dataset", dataset);
    w.field("used_memory_dataset_perc",
            fixed(netUsed > 0 ? 100.0 * double(dataset) / double(netUsed) : 0) + '%');
    w.field("allocator_allocated", used);
    w.field("allocator_active", active);
    w.field("allocator_resident", rss);
    w.field("total_system_memory", system);
    w.field("total_system_memory_human", human(system));
    const Scripting &scripting = server.scripting();
    const FunctionLibraries &functions = scripting.functions();
    const qint64 luaMemory = scripting.luaMemory();
    const qint64 functionsVm = functions.luaMemory();
    w.field("used_memory_lua", luaMemory);
    w.field("used_memory_vm_eval", luaMemory);
    w.field("used_memory_lua_human", human(luaMemory));
    w.field("used_memory_scripts_eval", scripting.scriptsMemory());
    w.field("number_of_cached_scripts", scripting.scriptCount());
    w.field("number_of_functions", functions.functionCount());
    w.field("number_of_libraries", qsizetype(functions.libraries().size()));
    w.field("used_memory_vm_functions", functionsVm);
    w.field("used_memory_vm_total", luaMemory + functionsVm);
    w.field("used_memory_vm_total_human", human(luaMemory + functionsVm));
    w.field("used_memory_functions", functions.librariesMemory());
    const qint64 scriptsMemory = scripting.scriptsMemory() + functions.librariesMemory();
    w.field("used_memory_scripts", scriptsMemory);
    w.field("used_memory_scripts_human", human(scriptsMemory));
    const ServerConfig &config = server.config();
    w.field("maxmemory", qint64(config.maxmemory));
    w.field("maxmemory_human", human(qint64(config.maxmemory)));
    w.field("maxmemory_policy", QByteArray(EvictionPolicies::name(config.maxmemoryPolicy)));
    w.field("allocator_frag_ratio", ratio(active, used));
    w.field("allocator_frag_bytes", active - used);
    w.field("allocator_rss_ratio", ratio(rss, active));
    w.field("allocator_rss_bytes", rss - active);
    w.field("rss_overhead_ratio", ratio(rss, rss));
    w.field("rss_overhead_bytes", 0);
    w.field("mem_fragmentation_ratio", ratio(rss, used));
    w.field("mem_fragmentation_bytes", rss - used);
    w.field("mem_not_counted_for_evict", server.evictor().notCountedBytes());
    w.field("mem_replication_backlog", 0);
    w.field("mem_total_replication_buffers", 0);
    w.field("mem_clients_slaves", 0);
    w.field("mem_clients_normal", clients);
    w.field("mem_cluster_links", 0);
    w.field("mem_aof_buffer", qint64(server.persistence().aof().bufferLength()));
    w.field("mem_allocator", AllocationCounter::allocatorName());
    w.field("active_defrag_running", 0);
    w.field("lazyfree_pending_objects", server.lazyFree().pendingObjects());
    w.field("lazyfreed_objects", server.lazyFree().freedObjects());
}

void persistenceSection(Writer &w, Server &server)
{
    w.section("Persistence");
    w.field("loading", 0);
    w.field("async_loading", 0);
    // What the running child (BGSAVE, BGREWRITEAOF) reported last; all 0 without one.
    const ChildFork::Progress child = ChildFork::progress();
    w.field("current_cow_peak", child.cowPeakBytes);
    w.field("current_cow_size", child.cowBytes);
    w.field("current_cow_size_age", child.cowAgeSeconds);
    w.field("current_fork_perc",
            QByteArray::number(child.keysTotal
                                       ? double(child.keysProcessed) * 100 / double(child.keysTotal)
                                       : 0.0,
                               'f', 2));
    w.field("current_save_keys_processed", child.keysProcessed);
    w.field("current_save_keys_total", child.keysTotal);
    const Persistence &p = server.persistence();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    w.field("rdb_changes_since_last_save", qint64(p.changesSinceLastSave()));
    w.field("rdb_bgsave_in_progress", p.isBackgroundSaveRunning() ? 1 : 0);
    w.field("rdb_last_save_time", p.lastSaveSeconds());
    w.field("rdb_last_bgsave_status",
            p.lastBackgroundSaveOk() ? QByteArrayLiteral("ok") : QByteArrayLiteral("err"));
    w.field("rdb_last_bgsave_time_sec", p.lastBackgroundSaveSeconds());
    w.field("rdb_current_bgsave_time_sec", p.currentBackgroundSaveSeconds(now));
    w.field("rdb_saves", qint64(p.saves()));
    w.field("rdb_last_cow_size", p.lastCowBytes());
    w.field("rdb_last_load_keys_expired", p.loadStats().keysExpired);
    w.field("rdb_last_load_keys_loaded", p.loadStats().keysLoaded);
    const Aof &aof = p.aof();
    auto status = [](bool ok) { return ok ? QByteArrayLiteral("ok") : QByteArrayLiteral("err"); };
    w.field("aof_enabled", aof.isOn() ? 1 : 0);
    w.field("aof_rewrite_in_progress", aof.isRewriteRunning() ? 1 : 0);
    w.field("aof_rewrite_scheduled", aof.isRewriteScheduled() ? 1 : 0);
    w.field("aof_last_rewrite_time_sec", aof.lastRewriteSeconds());
    w.field("aof_current_rewrite_time_sec", aof.currentRewriteSeconds(now));
    w.field("aof_last_bgrewrite_status", status(aof.lastRewriteOk()));
    w.field("aof_rewrites", qint64(aof.rewrites()));
    w.field("aof_rewrites_consecutive_failures", qint64(aof.consecutiveRewriteFailures()));
    w.field("aof_last_write_status", status(aof.lastWriteOk()));
    w.field("aof_last_cow_size", aof.lastCowBytes());
    w.field("module_fork_in_progress", 0);
    w.field("module_fork_last_cow_size", 0);
    if (aof.isOn()) {
        w.field("aof_current_size", aof.currentSize());
        w.field("aof_base_size", aof.baseSize());
        w.field("aof_pending_rewrite", aof.isRewriteScheduled() ? 1 : 0);
        w.field("aof_buffer_length", qint64(aof.bufferLength()));
        w.field("aof_pending_bio_fsync", aof.fsyncPending() ? 1 : 0);
        w.field("aof_delayed_fsync", qint64(aof.delayedFsyncs()));
    }
}

void statsSection(Writer &w, Server &server)
{
    const ServerStats &s = server.stats();
    quint64 expired = 0;
    quint64 expireMicros = 0;
    quint64 capReached = 0;
    double stale = 0;
    for (int i = 0; i < server.databaseCount(); ++i) {
        const Keyspace &db = server.database(i);
        expired += db.expiredCount();
        expireMicros += db.expireCycleMicros();
        capReached += db.expireCycleCapReached();
        stale = qMax(stale, db.staleEstimate());
    }
    w.section("Stats");
    w.field("total_connections_received", qint64(s.totalConnections));
    w.field("total_commands_processed", qint64(s.totalCommands));
    w.field("instantaneous_ops_per_sec", qint64(s.opsPerSecond() + 0.5));
    w.field("total_net_input_bytes", qint64(s.netInputBytes));
    w.field("total_net_output_bytes", qint64(s.netOutputBytes));
    w.field("total_net_repl_input_bytes", 0);
    w.field("total_net_repl_output_bytes", 0);
    w.field("instantaneous_input_kbps", fixed(s.inputKbps()));
    w.field("instantaneous_output_kbps", fixed(s.outputKbps()));
    w.field("instantaneous_input_repl_kbps", QByteArrayLiteral("0.00"));
    w.field("instantaneous_output_repl_kbps", QByteArrayLiteral("0.00"));
    w.field("rejected_connections", qint64(s.rejectedConnections));
    w.field("sync_full", 0);
    w.field("sync_partial_ok", 0);
    w.field("sync_partial_err", 0);
    w.field("expired_keys", qint64(expired));
    w.field("expired_stale_perc", fixed(stale * 100));
    w.field("expired_time_cap_reached_count", qint64(capReached));
    w.field("expire_cycle_cpu_milliseconds", qint64(expireMicros / 1000));
    const Evictor &evictor = server.evictor();
    w.field("evicted_keys", qint64(evictor.evictedKeys()));
    w.field("evicted_clients", qint64(server.clientEviction().evictedClients()));
    w.field("total_eviction_exceeded_time", evictor.totalExceededMs());
    w.field("current_eviction_exceeded_time", evictor.currentExceededMs());
    w.field("keyspace_hits", qint64(s.keyspaceHits));
    w.field("keyspace_misses", qint64(s.keyspaceMisses));
    w.field("pubsub_channels", server.pubsub().channelCount(PubSubRegistry::Scope::Global));
    w.field("pubsub_patterns", server.pubsub().patternCount());
    w.field("pubsubshard_channels", server.pubsub().channelCount(PubSubRegistry::Scope::Shard));
    w.field("latest_fork_usec", ChildFork::latestMicros());
    w.field("total_forks", ChildFork::total());
    w.field("migrate_cached_sockets", 0);
    w.field("slave_expires_tracked_keys", 0);
    w.field("active_defrag_hits", 0);
    w.field("active_defrag_misses", 0);
    w.field("active_defrag_key_hits", 0);
    w.field("active_defrag_key_misses", 0);
    w.field("total_active_defrag_time", 0);
    w.field("current_active_defrag_time", 0);
    w.field("tracking_total_keys", qint64(server.tracking().keyCount()));
    w.field("tracking_total_items", qint64(server.tracking().itemCount()));
    w.field("tracking_total_prefixes", qint64(server.tracking().prefixCount()));
    w.field("unexpected_error_replies", 0);
    w.field("total_error_replies", qint64(s.totalErrorReplies));
    w.field("dump_payload_sanitizations", 0);
    w.field("io_threaded_reads_processed", 0);
    w.field("io_threaded_writes_processed", 0);
}

void replicationSection(Writer &w)
{
    w.section("Replication");
    w.field("role", QByteArrayLiteral("master"));
    w.field("connected_slaves", 0);
    w.field("master_failover_state", QByteArrayLiteral("no-failover"));
    w.field("master_replid", runId());
    w.field("master_replid2", QByteArray(40, '0'));
    w.field("master_repl_offset", 0);
    w.field("second_repl_offset", -1);
    w.field("repl_backlog_active", 0);
    w.field("repl_backlog_size", 1048576);
    w.field("repl_backlog_first_byte_offset", 0);
    w.field("repl_backlog_histlen", 0);
}

void cpuSection(Writer &w)
{
    rusage self {};
    rusage children {};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    w.section("CPU");
    w.field("used_cpu_sys", cpuTime(self.ru_stime));
    w.field("used_cpu_user", cpuTime(self.ru_utime));
    w.field("used_cpu_sys_children", cpuTime(children.ru_stime));
    w.field("used_cpu_user_children", cpuTime(children.ru_utime));
    // The thread running the server (the main one when headless).
    rusage thread {};
    getrusage(RUSAGE_THREAD, &thread);
    w.field("used_cpu_sys_main_thread", cpuTime(thread.ru_stime));
    w.field("used_cpu_user_main_thread", cpuTime(thread.ru_utime));
}

void errorstatsSection(Writer &w, Server &server)
{
    w.section("Errorstats");
    const auto &codes = server.stats().errorCodes;
    QByteArrayList names = codes.keys();
    std::sort(names.begin(), names.end());
    for (const QByteArray &code : std::as_const(names))
        w.line("errorstat_" + code + ":count=" + QByteArray::number(codes.value(code)));
}

void commandstatsSection(Writer &w, Server &server)
{
    w.section("Commandstats");
    std::vector<const Command *> rows;
    for (Command *command : server.commands().all()) {
        rows.push_back(command);
        for (const Command &sub : command->subcommands)
            rows.push_back(&sub);
    }
    for (const Command *command : rows) {
        if (command->calls == 0 && command->rejectedCalls == 0 && command->failedCalls == 0)
            continue;
        const double perCall
                = command->calls ? double(command->microseconds) / double(command->calls) : 0;
        w.line("cmdstat_" + command->fullName + ":calls=" + QByteArray::number(command->calls)
               + ",usec=" + QByteArray::number(command->microseconds) + ",usec_per_call="
               + fixed(perCall) + ",rejected_calls=" + QByteArray::number(command->rejectedCalls)
               + ",failed_calls=" + QByteArray::number(command->failedCalls));
    }
}

// Per command, the percentiles of latency-tracking-info-percentiles in microseconds; empty
// while latency-tracking is off, as in Redis, whatever histograms are kept.
void latencystatsSection(Writer &w, Server &server)
{
    w.section("Latencystats");
    if (!server.config().latencyTracking)
        return;
    const std::vector<double> &percentiles = server.config().latencyTrackingPercentiles;
    auto line = [&](const Command &command) {
        if (!command.latency)
            return;
        QByteArray text = "latency_percentiles_usec_" + command.fullName + ':';
        for (size_t j = 0; j < percentiles.size(); ++j) {
            char value[64];
            std::snprintf(value, sizeof value, "%.3f",
                          double(command.latency->valueAtPercentile(percentiles[j])) / 1000.0);
            text += (j ? ",p" : "p") + ServerConfig::formatPercentile(percentiles[j]) + '='
                    + QByteArray(value);
        }
        w.line(text);
    };
    for (Command *command : server.commands().all()) {
        line(*command);
        for (const Command &sub : command->subcommands)
            line(sub);
    }
}

void keyspaceSection(Writer &w, Server &server, qint64 now)
{
    w.section("Keyspace");
    for (int i = 0; i < server.databaseCount(); ++i) {
        const Keyspace &db = server.database(i);
        if (db.size() == 0)
            continue;
        w.line("db" + QByteArray::number(i) + ":keys=" + QByteArray::number(db.size())
               + ",expires=" + QByteArray::number(db.volatileCount())
               + ",avg_ttl=" + QByteArray::number(db.averageTtl(now)));
    }
}

} // namespace

qint64 usedMemory()
{
    return AllocationCounter::usedBytes();
}

MemoryFigures memoryFigures(Server &server)
{
    static qint64 peak = 0;
    MemoryFigures m {};
    m.used = usedMemory();
    m.rss = residentMemory();
    // The heap's resident pages, as an estimate of what the allocator holds: one read of
    // /proc/self/statm, cheap enough for the dashboard's INFO every second.
    m.active = qMax(m.used, m.rss - startupNonHeapResident);
    peak = qMax(peak, m.used);
    m.peak = peak;
    m.startup = startupMemory;
    m.clients = server.clientsSampler().totalBuffers();
    m.overhead = m.startup + m.clients;
    for (int i = 0; i < server.databaseCount(); ++i)
        m.overhead += server.database(i).overheadBytes();
    m.overhead = qMin(m.overhead, m.used);
    m.dataset = m.used - m.overhead;
    return m;
}

qint64 residentMemory()
{
    // Kept open and read with one pread: INFO and the dashboard's once-a-second INFO read it,
    // and fopen, fstat, read and fclose cost four system calls each time.
    static const int statm = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    char text[128];
    const ssize_t length = statm >= 0 ? ::pread(statm, text, sizeof text - 1, 0) : -1;
    if (length <= 0)
        return 0;
    text[length] = '\0';
    long long size = 0;
    long long resident = 0;
    if (std::sscanf(text, "%lld %lld", &size, &resident) != 2)
        return 0;
    return resident * sysconf(_SC_PAGESIZE);
}

QByteArray build(Connection &c, const QByteArrayList &sections)
{
    Server &server = c.server();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool everything = sections.contains("all") || sections.contains("everything");
    const bool defaults = sections.isEmpty() || sections.contains("default") || everything;
    auto wanted = [&](const char *name) { return defaults || sections.contains(name); };

    Writer w;
    if (wanted("server"))
        serverSection(w, server, now);
    if (wanted("clients"))
        clientsSection(w, server);
    if (wanted("memory"))
        memorySection(w, server);
    if (wanted("persistence"))
        persistenceSection(w, server);
    if (wanted("stats"))
        statsSection(w, server);
    if (wanted("replication"))
        replicationSection(w);
    if (wanted("cpu"))
        cpuSection(w);
    if (wanted("modules"))
        w.section("Modules");
    if (everything || sections.contains("commandstats"))
        commandstatsSection(w, server);
    if (wanted("errorstats"))
        errorstatsSection(w, server);
    if (everything || sections.contains("latencystats"))
        latencystatsSection(w, server);
    if (wanted("cluster")) {
        w.section("Cluster");
        w.field("cluster_enabled", 0);
    }
    if (wanted("keyspace"))
        keyspaceSection(w, server, now);
    return w.text();
}

} // namespace Info
