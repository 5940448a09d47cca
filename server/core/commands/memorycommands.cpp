// MEMORY: what the server and each key cost (Redis's object.c memoryCommand).
#include "commandtable.h"
#include "commandutil.h"
#include "info.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/allocationcounter.h"
#include "store/keyspace.h"

#include <climits>

using namespace CommandUtil;

namespace {

// Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES.
constexpr long long DefaultSamples = 5;

// MEMORY USAGE key [SAMPLES count]. Like Redis it finds the key without expiring it.
void memoryUsageCommand(Connection &c)
{
    long long samples = DefaultSamples;
    for (qsizetype j = 3; j < c.argc(); ++j) {
        if (argIs(c.arg(j), "SAMPLES") && j + 1 < c.argc()) {
            if (!parseLongLong(c, c.arg(++j), &samples))
                return;
            if (samples < 0) {
                replySyntaxError(c);
                return;
            }
        } else {
            replySyntaxError(c);
            return;
        }
    }
    const KeyEntry *entry = c.db().find(c.arg(2), LLONG_MIN);
    if (!entry) {
        c.reply().null();
        return;
    }
    c.reply().integer(
            qint64(Keyspace::memoryUsage(*entry, samples > INT_MAX ? 0 : qsizetype(samples))));
}

// MEMORY STATS: Redis's fields, from the figures INFO memory reports.
void memoryStatsCommand(Connection &c)
{
    Server &server = c.server();
    const Info::MemoryFigures m = Info::memoryFigures(server);
    ReplyWriter &r = c.reply();
    qsizetype databases = 0;
    for (int i = 0; i < server.databaseCount(); ++i)
        databases += server.database(i).size() > 0 ? 1 : 0;
    const qint64 keys = server.totalKeys();
    const qint64 netUsed = m.used - m.startup;
    auto ratio = [](qint64 a, qint64 b) { return b ? double(a) / double(b) : 0.0; };
    r.mapHeader(27 + databases);
    auto field = [&](const char *name, qint64 value) {
        r.bulk(name);
        r.integer(value);
    };
    auto real = [&](const char *name, double value) {
        r.bulk(name);
        r.doubleValue(value);
    };
    field("peak.allocated", m.peak);
    field("total.allocated", m.used);
    field("startup.allocated", m.startup);
    field("replication.backlog", 0);
    field("clients.slaves", 0);
    field("clients.normal", m.clients);
    field("cluster.links", 0);
    field("aof.buffer", 0);
    field("lua.caches", 0);
    field("functions.caches", 0);
    for (int i = 0; i < server.databaseCount(); ++i) {
        const Keyspace &db = server.database(i);
        if (db.size() == 0)
            continue;
        r.bulk(QByteArray("db." + QByteArray::number(i)));
        r.mapHeader(3);
        field("overhead.hashtable.main", db.overheadBytes());
        field("overhead.hashtable.expires", 0);
        field("overhead.hashtable.slot-to-keys", 0);
    }
    field("overhead.total", m.overhead);
    field("keys.count", keys);
    field("keys.bytes-per-key", keys ? netUsed / keys : 0);
    field("dataset.bytes", m.dataset);
    real("dataset.percentage", netUsed > 0 ? 100.0 * double(m.dataset) / double(netUsed) : 0);
    real("peak.percentage", m.peak ? 100.0 * double(m.used) / double(m.peak) : 100);
    field("allocator.allocated", m.used);
    field("allocator.active", m.active);
    field("allocator.resident", m.rss);
    real("allocator-fragmentation.ratio", ratio(m.active, m.used));
    field("allocator-fragmentation.bytes", m.active - m.used);
    real("allocator-rss.ratio", ratio(m.rss, m.active));
    field("allocator-rss.bytes", m.rss - m.active);
    real("rss-overhead.ratio", 1.0);
    field("rss-overhead.bytes", 0);
    real("fragmentation", ratio(m.rss, m.used));
    field("fragmentation.bytes", m.rss - m.used);
}

// MEMORY DOCTOR: Redis's checks that apply to qkv (peak, fragmentation, client buffers).
void memoryDoctorCommand(Connection &c)
{
    const Info::MemoryFigures m = Info::memoryFigures(c.server());
    if (m.used < 5 * 1024 * 1024) {
        c.reply().verbatim(
                "Hi Sam, this instance is empty or is using very little memory, my issues detector "
                "can't be used in these conditions. Please, leave for your mission on Earth and "
                "fill it with some data. The new Sam and I will be back to our programming as soon "
                "as I finished rebooting.");
        return;
    }
    QByteArray report;
    if (double(m.peak) / double(m.used) > 1.5)
        report += " * Peak memory: In the past this instance used more than 150% the memory "
                  "that is currently using. The allocator is normally not able to release "
                  "memory after a peak, so you can expect to see a big fragmentation ratio, "
                  "however this is actually harmless and is only due to the memory peak, and if "
                  "the Redis instance Resident Set Size (RSS) is currently bigger than expected, "
                  "the memory will be used as soon as you fill the Redis instance with more "
                  "data. If the memory peak was only occasional and you want to try to reclaim "
                  "memory, please try the MEMORY PURGE command, otherwise the only other option "
                  "is to shutdown and restart the instance.\n\n";
    if (double(m.rss) / double(m.used) > 1.4 && m.rss - m.used > 10 * 1024 * 1024)
        report += " * High total RSS: This instance has a memory fragmentation and RSS overhead "
                  "greater than 1.4 (this means that the Resident Set Size of the Redis process "
                  "is much larger than the sum of the logical allocations Redis performed). This "
                  "problem is usually due either to a large peak memory (check if there is a "
                  "peak memory entry above in the report) or may result from a workload that "
                  "causes the allocator to fragment memory a lot. You may try enabling "
                  "'activedefrag' config option.\n\n";
    const qsizetype clients = qsizetype(c.server().clients().size());
    if (clients > 0 && m.clients / clients > 1024 * 200)
        report += " * Big client buffers: The clients output buffers are in average greater than "
                  "200k. Maybe you have pub/sub clients or clients reading slowly, or clients "
                  "that issue MONITOR.\n\n";
    if (report.isEmpty()) {
        c.reply().verbatim("Hi Sam, I can't find any memory issue in your instance. I can only "
                           "account for what occurs on this base.");
        return;
    }
    c.reply().verbatim(
            QByteArray("Sam, I detected a few issues in this Redis instance memory implants:\n\n"
                       + report + "I'm here to keep you safe, Sam. I want to help you.\n"));
}

void memoryMallocStatsCommand(Connection &c)
{
    c.reply().verbatim(AllocationCounter::statistics());
}

void memoryPurgeCommand(Connection &c)
{
    AllocationCounter::purge();
    c.reply().ok();
}

void memoryHelpCommand(Connection &c)
{
    replyHelp(c, "MEMORY",
              { "DOCTOR", "    Return memory problems reports.", "MALLOC-STATS",
                "    Return internal statistics report from the memory allocator.", "PURGE",
                "    Attempt to purge dirty pages for reclamation by the allocator.", "STATS",
                "    Return information about the memory usage of the server.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all)." });
}

} // namespace

void registerMemoryCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    const std::vector<const char *> allShards { "nondeterministic_output",
                                                "request_policy:all_shards",
                                                "response_policy:special" };
    Command memory { "memory", -2, 0, nullptr };
    memory.subcommands = {
        Command { "doctor", 2, 0, memoryDoctorCommand }.withTips(allShards),
        Command { "help", 2, Loading | Stale, memoryHelpCommand },
        Command { "malloc-stats", 2, 0, memoryMallocStatsCommand }.withTips(allShards),
        Command { "purge", 2, 0, memoryPurgeCommand }.withTips(
                { "request_policy:all_shards", "response_policy:all_succeeded" }),
        Command { "stats", 2, 0, memoryStatsCommand }.withTips(allShards),
        Command { "usage", -3, ReadOnly, memoryUsageCommand, 2, 2, 1 }.keys({ { RO, 2 } }),
    };
    table.add(std::move(memory));
}
