#pragma once

#include <QByteArray>
#include <QHash>

#include <array>

// Counters of the whole server, as INFO reports them, plus instantaneous rates sampled
// every 100 ms over a sliding window (Redis's STATS_METRIC_SAMPLES).
class ServerStats
{
public:
    explicit ServerStats(qint64 startMs)
        : m_startMs(startMs)
    { }

    qint64 startMs() const { return m_startMs; }

    quint64 totalCommands = 0;
    quint64 totalConnections = 0;
    quint64 rejectedConnections = 0;
    // Clients closed for going over client-output-buffer-limit or client-query-buffer-limit:
    // Redis 7.0 has no INFO field for it, so only the in-process dashboard shows it.
    quint64 clientsClosedByLimits = 0;
    quint64 keyspaceHits = 0;
    quint64 keyspaceMisses = 0;
    quint64 netInputBytes = 0;
    quint64 netOutputBytes = 0;
    quint64 totalErrorReplies = 0;
    QHash<QByteArray, quint64> errorCodes; // "ERR" -> count, for INFO errorstats

    void countError(const QByteArray &code);
    // Called by the server cron every ~100 ms.
    void sample(qint64 nowMs);
    double opsPerSecond() const { return m_ops.average(); }
    double inputKbps() const { return m_input.average() / 1024.0; }
    double outputKbps() const { return m_output.average() / 1024.0; }

private:
    struct Metric
    {
        static constexpr int Samples = 16;
        std::array<double, Samples> values {};
        int next = 0;
        int filled = 0;
        quint64 lastValue = 0;
        qint64 lastMs = 0;
        void add(quint64 value, qint64 nowMs);
        double average() const;
    };

    qint64 m_startMs;
    Metric m_ops;
    Metric m_input;
    Metric m_output;
};
