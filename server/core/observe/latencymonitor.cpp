#include "latencymonitor.h"

void LatencyMonitor::add(QByteArrayView event, qint64 latencyMs, qint64 nowSeconds)
{
    Series &series = m_events[event.toByteArray()];
    series.max = qMax(series.max, latencyMs);
    // A second sample in the same second only raises that second's value.
    Sample &previous = series.samples[size_t((series.next + SeriesLength - 1) % SeriesLength)];
    if (previous.time == nowSeconds) {
        previous.latency = qMax(previous.latency, latencyMs);
        return;
    }
    series.samples[size_t(series.next)] = { nowSeconds, latencyMs };
    series.next = (series.next + 1) % SeriesLength;
}

int LatencyMonitor::reset(QByteArrayView event)
{
    int removed = 0;
    for (auto it = m_events.begin(); it != m_events.end();) {
        if (QByteArrayView(it->first).compare(event, Qt::CaseInsensitive) == 0) {
            it = m_events.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    return removed;
}

int LatencyMonitor::resetAll()
{
    const int removed = int(m_events.size());
    m_events.clear();
    return removed;
}

const LatencyMonitor::Series *LatencyMonitor::find(QByteArrayView event) const
{
    const auto it = m_events.find(event.toByteArray());
    return it == m_events.end() ? nullptr : &it->second;
}
