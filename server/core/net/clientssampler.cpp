#include "clientssampler.h"

#include "connection.h"

#include <algorithm>

void ClientsSampler::sample(const std::map<quint64, Connection *> &clients, qint64 nowMs)
{
    // A new second starts with a fresh peak slot, as Redis zeroes the slot it moves into.
    const qint64 second = nowMs / 1000;
    const auto slot = size_t(second % PeakSlots);
    if (second != m_slotSecond) {
        m_slotSecond = second;
        m_peakInput[slot] = 0;
        m_peakOutput[slot] = 0;
    }
    // The server ticks 10 times a second: a tenth of the clients each time covers them all.
    size_t visits = std::max<size_t>(5, clients.size() / 10);
    auto it = clients.lower_bound(m_nextId);
    while (visits-- > 0 && !clients.empty()) {
        if (it == clients.end())
            it = clients.begin();
        Connection &c = *it->second;
        const qint64 input = c.queryBufferSize();
        const qint64 output = c.outputBufferSize();
        m_total += input + output - c.sampledBuffers();
        c.setSampledBuffers(input + output);
        m_peakInput[slot] = std::max(m_peakInput[slot], input);
        m_peakOutput[slot] = std::max(m_peakOutput[slot], output);
        ++it;
    }
    m_nextId = it == clients.end() ? 0 : it->first;
}

void ClientsSampler::forget(const Connection &connection)
{
    m_total -= connection.sampledBuffers();
}

qint64 ClientsSampler::recentMaxInput() const
{
    return *std::max_element(m_peakInput.begin(), m_peakInput.end());
}

qint64 ClientsSampler::recentMaxOutput() const
{
    return *std::max_element(m_peakOutput.begin(), m_peakOutput.end());
}
