// LATENCY: the latency monitor's events (LATEST HISTORY RESET GRAPH DOCTOR) and the
// per-command latency histograms (HISTOGRAM), as Redis's latency.c reports them.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/latencymonitor.h"
#include "observe/sparkline.h"

#include <QDateTime>
#include <QFile>

#include <cstdio>

using namespace CommandUtil;

namespace {

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

void latencyLatestCommand(Connection &c)
{
    const auto &events = c.server().latencyMonitor().events();
    ReplyWriter &r = c.reply();
    r.arrayHeader(qsizetype(events.size()));
    for (const auto &[event, series] : events) {
        r.arrayHeader(4);
        r.bulk(event);
        r.integer(series.latest().time);
        r.integer(series.latest().latency);
        r.integer(series.max);
    }
}

void latencyHistoryCommand(Connection &c)
{
    const LatencyMonitor::Series *series = c.server().latencyMonitor().find(c.arg(2));
    ReplyWriter &r = c.reply();
    if (!series) {
        r.arrayHeader(0);
        return;
    }
    qsizetype count = 0;
    series->forEach([&](const LatencyMonitor::Sample &) { ++count; });
    r.arrayHeader(count);
    series->forEach([&](const LatencyMonitor::Sample &sample) {
        r.arrayHeader(2);
        r.integer(sample.time);
        r.integer(sample.latency);
    });
}

void latencyResetCommand(Connection &c)
{
    LatencyMonitor &monitor = c.server().latencyMonitor();
    if (c.argc() == 2) {
        c.reply().integer(monitor.resetAll());
        return;
    }
    int resets = 0;
    for (qsizetype j = 2; j < c.argc(); ++j)
        resets += monitor.reset(cString(c.arg(j)));
    c.reply().integer(resets);
}

// How long ago a sample was, as a graph label: "12s", "3m", "2h", "1d".
QByteArray ageLabel(qint64 elapsed)
{
    if (elapsed < 60)
        return QByteArray::number(elapsed) + 's';
    if (elapsed < 3600)
        return QByteArray::number(elapsed / 60) + 'm';
    if (elapsed < 3600 * 24)
        return QByteArray::number(elapsed / 3600) + 'h';
    return QByteArray::number(elapsed / (3600 * 24)) + 'd';
}

void latencyGraphCommand(Connection &c)
{
    const QByteArray event = c.arg(2).toByteArray();
    const LatencyMonitor::Series *series = c.server().latencyMonitor().find(event);
    if (!series) {
        c.reply().error("ERR No samples available for event '" + cString(event).toByteArray()
                        + "'");
        return;
    }
    Sparkline sparkline;
    qint64 low = 0;
    qint64 high = 0;
    bool first = true;
    const qint64 now = nowSeconds();
    series->forEach([&](const LatencyMonitor::Sample &sample) {
        low = first ? sample.latency : qMin(low, sample.latency);
        high = first ? sample.latency : qMax(high, sample.latency);
        first = false;
        sparkline.add(double(sample.latency), ageLabel(now - sample.time));
    });
    constexpr int Columns = 80;
    const QByteArray graph = event + " - high " + QByteArray::number(high) + " ms, low "
            + QByteArray::number(low) + " ms (all time high " + QByteArray::number(series->max)
            + " ms)\n" + QByteArray(Columns, '-') + '\n' + sparkline.render(Columns, 4);
    c.reply().verbatim(graph);
}

// Redis's analyzeLatencyForEvent: the mean and mean absolute deviation of the kept samples,
// and the seconds since the oldest one (at least 1).
struct EventStats
{
    qint64 samples = 0;
    qint64 average = 0;
    qint64 deviation = 0;
    qint64 period = 0;
};

EventStats analyze(const LatencyMonitor::Series &series, qint64 now)
{
    EventStats stats;
    qint64 sum = 0;
    qint64 oldest = 0;
    series.forEach([&](const LatencyMonitor::Sample &sample) {
        ++stats.samples;
        sum += sample.latency;
        if (oldest == 0 || sample.time < oldest)
            oldest = sample.time;
    });
    if (stats.samples == 0)
        return stats;
    stats.average = sum / stats.samples;
    stats.period = qMax<qint64>(1, now - oldest);
    qint64 deviations = 0;
    series.forEach([&](const LatencyMonitor::Sample &sample) {
        deviations += qAbs(stats.average - sample.latency);
    });
    stats.deviation = deviations / stats.samples;
    return stats;
}

// Whether the process has transparent huge pages (Redis sums AnonHugePages over smaps).
bool usesHugePages()
{
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    if (!smaps.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : smaps.readAll().split('\n')) {
        if (line.startsWith("AnonHugePages:") && line.mid(14).trimmed().split(' ').value(0) != "0")
            return true;
    }
    return false;
}

// Redis's createLatencyReport, for the events qkv records (command, fast-command,
// expire-cycle, fork) and the huge-pages check.
QByteArray latencyReport(Server &server)
{
    const auto &events = server.latencyMonitor().events();
    const ServerConfig &config = server.config();
    if (events.empty() && config.latencyMonitorThreshold == 0)
        return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
               "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
               "order to enable it. If we weren't in a deep space mission I'd suggest to take a "
               "look at https://redis.io/topics/latency-monitor.\n";
    bool slowlogEnable = false, slowlogTuning = false, slowlogInspect = false;
    bool scheduler = false, hz = false, largeObjects = false, betterVm = false;
    int advices = 0;
    QByteArray report;
    int number = 0;
    const qint64 now = nowSeconds();
    for (const auto &[event, series] : events) {
        if (++number == 1)
            report += "Dave, I have observed latency spikes in this Redis instance. You don't mind "
                      "talking about it, do you Dave?\n\n";
        const EventStats stats = analyze(series, now);
        char period[64];
        std::snprintf(period, sizeof period, "%.2f",
                      stats.samples ? double(stats.period) / double(stats.samples) : 0.0);
        report += QByteArray::number(number) + ". " + event + ": "
                + QByteArray::number(stats.samples) + " latency spikes (average "
                + QByteArray::number(stats.average) + "ms, mean deviation "
                + QByteArray::number(stats.deviation) + "ms, period " + QByteArray(period)
                + " sec). Worst all time event " + QByteArray::number(series.max) + "ms.";
        if (event == "fork") {
            // Redis's thresholds for server.stat_fork_rate, in GB of memory forked a second.
            const double rate = server.forkRate();
            const char *quality = rate < 10 ? "terrible"
                    : rate < 25             ? "poor"
                    : rate < 100            ? "good"
                                            : "excellent";
            if (rate < 25) {
                betterVm = true;
                ++advices;
            }
            char text[96];
            std::snprintf(text, sizeof text, " Fork rate is %.2f GB/sec (%s).", rate, quality);
            report += QByteArray(text);
        }
        report += '\n';
        if (event == "command") {
            if (config.slowlogLogSlowerThan < 0) {
                slowlogEnable = true;
                ++advices;
            } else if (config.slowlogLogSlowerThan / 1000 > config.latencyMonitorThreshold) {
                slowlogTuning = true;
                ++advices;
            }
            slowlogInspect = largeObjects = true;
            advices += 2;
        } else if (event == "fast-command") {
            scheduler = true;
            ++advices;
        } else if (event == "expire-cycle") {
            hz = largeObjects = true;
            advices += 2;
        }
    }
    const bool hugePages = usesHugePages();
    advices += hugePages ? 1 : 0;
    if (number == 0 && advices == 0)
        return report
                + "Dave, no latency spike was observed during the lifetime of this Redis instance, "
                  "not in the slightest bit. I honestly think you ought to sit down calmly, take a "
                  "stress pill, and think things over.\n";
    if (advices == 0)
        return report
                + "\nWhile there are latency events logged, I'm not able to suggest any easy fix. "
                  "Please use the Redis community to get some help, providing this report in your "
                  "help request.\n";
    report += "\nI have a few advices for you:\n\n";
    const QByteArray threshold = QByteArray::number(config.latencyMonitorThreshold * 1000);
    if (betterVm)
        report += "- If you are using a virtual machine, consider upgrading it with a faster one "
                  "using a hypervisior that provides less latency during fork() calls. Xen is "
                  "known to have poor fork() performance. Even in the context of the same VM "
                  "provider, certain kinds of instances can execute fork faster than others.\n";
    if (slowlogEnable)
        report += "- There are latency issues with potentially slow commands you are using. Try "
                  "to enable the Slow Log Redis feature using the command 'CONFIG SET "
                  "slowlog-log-slower-than "
                + threshold
                + "'. If the Slow log is disabled Redis is not able to log slow commands execution "
                  "for you.\n";
    if (slowlogTuning)
        report += "- Your current Slow Log configuration only logs events that are slower than "
                  "your configured latency monitor threshold. Please use 'CONFIG SET "
                  "slowlog-log-slower-than "
                + threshold + "'.\n";
    if (slowlogInspect)
        report += "- Check your Slow Log to understand what are the commands you are running which "
                  "are too slow to execute. Please check https://redis.io/commands/slowlog for "
                  "more information.\n";
    if (scheduler)
        report += "- The system is slow to execute Redis code paths not containing system calls. "
                  "This usually means the system does not provide Redis CPU time to run for long "
                  "periods. You should try to:\n"
                  "  1) Lower the system load.\n"
                  "  2) Use a computer / VM just for Redis if you are running other software in "
                  "the same system.\n"
                  "  3) Check if you have a \"noisy neighbour\" problem.\n"
                  "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic "
                  "latency in your system.\n"
                  "  5) Check if the problem is allocator-related by recompiling Redis with "
                  "MALLOC=libc, if you are using Jemalloc. However this may create fragmentation "
                  "problems.\n";
    if (hz && server.hz() < 100)
        report += "- In order to make the Redis keys expiring process more incremental, try to set "
                  "the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
    if (largeObjects)
        report += "- Deleting, expiring or evicting (because of maxmemory policy) large objects is "
                  "a blocking operation. If you have very large objects that are often deleted, "
                  "expired, or evicted, try to fragment those objects into multiple smaller "
                  "objects.\n";
    if (hugePages)
        report += "- I detected a non zero amount of anonymous huge pages used by your process. "
                  "This creates very serious latency events in different conditions, especially "
                  "when Redis is persisting on disk. To disable THP support use the command 'echo "
                  "never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it "
                  "into /etc/rc.local so that the command will be executed again after a reboot. "
                  "Note that even if you have already disabled THP, you still need to restart the "
                  "Redis process to get rid of the huge pages already created.\n";
    return report;
}

void latencyDoctorCommand(Connection &c)
{
    c.reply().verbatim(latencyReport(c.server()));
}

// calls, then histogram_usec: each power-of-two bucket's upper bound (µs) with the number of
// calls up to it.
void replyHistogram(ReplyWriter &r, const LatencyHistogram &histogram)
{
    r.mapHeader(2);
    r.bulk("calls");
    r.integer(qint64(histogram.totalCount()));
    r.bulk("histogram_usec");
    std::vector<std::pair<qint64, quint64>> buckets;
    histogram.forEachLogBucket([&](qint64 upTo, quint64 cumulative) {
        buckets.emplace_back(upTo / 1000, cumulative);
    });
    r.mapHeader(qsizetype(buckets.size()));
    for (const auto &[micros, cumulative] : buckets) {
        r.integer(micros);
        r.integer(qint64(cumulative));
    }
}

// LATENCY HISTOGRAM [command ...]: every command called so far, or the named ones (a container
// name brings its subcommands); unknown names are skipped.
void latencyHistogramCommand(Connection &c)
{
    std::vector<const Command *> chosen;
    auto addWithSubcommands = [&](const Command &command) {
        if (command.latency)
            chosen.push_back(&command);
        for (const Command &sub : command.subcommands) {
            if (sub.latency)
                chosen.push_back(&sub);
        }
    };
    CommandTable &table = c.server().commands();
    if (c.argc() == 2) {
        for (Command *command : table.all())
            addWithSubcommands(*command);
    }
    for (qsizetype j = 2; j < c.argc(); ++j) {
        const QByteArrayView name = c.arg(j);
        const qsizetype bar = name.indexOf('|');
        Command *command = table.find(bar < 0 ? name : name.first(bar));
        if (command && bar >= 0)
            command = CommandTable::findSubcommand(*command, name.sliced(bar + 1));
        if (command)
            addWithSubcommands(*command);
    }
    ReplyWriter &r = c.reply();
    r.mapHeader(qsizetype(chosen.size()));
    for (const Command *command : chosen) {
        r.bulk(command->fullName);
        replyHistogram(r, *command->latency);
    }
}

void latencyHelpCommand(Connection &c)
{
    replyHelp(c, "LATENCY",
              { "DOCTOR", "    Return a human readable latency analysis report.", "GRAPH <event>",
                "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
                "    Return time-latency samples for the <event> class.", "LATEST",
                "    Return the latest latency samples for all events.", "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)", "HISTOGRAM [COMMAND ...]",
                "    Return a cumulative distribution of latencies in the format of a histogram "
                "for the specified command names.",
                "    If no commands are specified then all histograms are replied." });
}

} // namespace

void registerLatencyCommands(CommandTable &table)
{
    using namespace CommandFlag;
    constexpr quint32 Flags = Admin | NoScript | Loading | Stale;
    const std::vector<const char *> special { "nondeterministic_output", "request_policy:all_nodes",
                                              "response_policy:special" };
    Command latency { "latency", -2, 0, nullptr };
    latency.subcommands = {
        Command { "doctor", 2, Flags, latencyDoctorCommand }.withTips(special),
        Command { "graph", 3, Flags, latencyGraphCommand }.withTips(special),
        Command { "help", 2, Loading | Stale, latencyHelpCommand },
        Command { "histogram", -2, Flags, latencyHistogramCommand }.withTips(special),
        Command { "history", 3, Flags, latencyHistoryCommand }.withTips(special),
        Command { "latest", 2, Flags, latencyLatestCommand }.withTips(special),
        Command { "reset", -2, Flags, latencyResetCommand }.withTips(
                { "request_policy:all_nodes", "response_policy:all_succeeded" }),
    };
    table.add(std::move(latency));
}
