#pragma once

#include <QtGlobal>

#include <array>
#include <map>

class Connection;

// Redis's clientsCron for memory figures: every server tick visits a slice of the clients
// (all of them once a second), records each one's buffer sizes, and keeps the totals and
// recent peaks that INFO and MEMORY STATS report. So INFO costs the same with 10,000 clients
// as with one, instead of walking every client under a request.
class ClientsSampler
{
public:
    // Visits the next slice of clients (at least 5, or a tenth of them), from where the
    // previous call stopped.
    void sample(const std::map<quint64, Connection *> &clients, qint64 nowMs);
    // A client is going away: its recorded sizes leave the totals.
    void forget(const Connection &connection);

    // Query and output buffer bytes of every client, as last sampled (mem_clients_normal).
    qint64 totalBuffers() const { return m_total; }
    // The largest query / output buffer seen in the last few seconds
    // (client_recent_max_input_buffer / client_recent_max_output_buffer).
    qint64 recentMaxInput() const;
    qint64 recentMaxOutput() const;

private:
    // Redis's CLIENTS_PEAK_MEM_USAGE_SLOTS: one peak per second, the last 8 seconds.
    static constexpr int PeakSlots = 8;

    quint64 m_nextId = 0; // where the next slice starts
    qint64 m_total = 0;
    qint64 m_slotSecond = -1;
    std::array<qint64, PeakSlots> m_peakInput {};
    std::array<qint64, PeakSlots> m_peakOutput {};
};
