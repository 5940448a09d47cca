#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <array>
#include <map>

// The latency monitor (Redis's latency.c): for each event class ("command", "fast-command",
// "expire-cycle"...), the latest 160 spikes over latency-monitor-threshold milliseconds, one
// per second (the worst of that second), and the worst ever. LATENCY reads it. Events are kept
// in name order (Redis's dict has none a client can rely on).
class LatencyMonitor
{
public:
    static constexpr int SeriesLength = 160; // Redis's LATENCY_TS_LEN

    struct Sample
    {
        qint64 time = 0;    // seconds since the epoch; 0: an unused slot
        qint64 latency = 0; // milliseconds
    };
    struct Series
    {
        std::array<Sample, SeriesLength> samples {};
        int next = 0; // the slot the next sample goes to
        qint64 max = 0;
        const Sample &latest() const
        {
            return samples[size_t((next + SeriesLength - 1) % SeriesLength)];
        }
        // The used slots, oldest first.
        template<typename F> void forEach(F f) const
        {
            for (int j = 0; j < SeriesLength; ++j) {
                const Sample &sample = samples[size_t((next + j) % SeriesLength)];
                if (sample.time != 0)
                    f(sample);
            }
        }
    };

    // Redis's latencyAddSampleIfNeeded: records when threshold > 0 and latency >= threshold.
    void addIfNeeded(const char *event, qint64 latencyMs, long long thresholdMs, qint64 nowSeconds)
    {
        if (thresholdMs > 0 && latencyMs >= thresholdMs)
            add(event, latencyMs, nowSeconds);
    }
    void add(QByteArrayView event, qint64 latencyMs, qint64 nowSeconds);
    // LATENCY RESET: one event (case-insensitive, as Redis compares) or all; how many went.
    int reset(QByteArrayView event);
    int resetAll();
    const std::map<QByteArray, Series> &events() const { return m_events; }
    const Series *find(QByteArrayView event) const;

private:
    std::map<QByteArray, Series> m_events;
};
