#include "serverstats.h"

void ServerStats::countError(const QByteArray &code)
{
    ++totalErrorReplies;
    // Redis caps distinct error codes at 128 so that a client cannot grow the table.
    if (errorCodes.size() < 128 || errorCodes.contains(code))
        ++errorCodes[code];
}

void ServerStats::sample(qint64 nowMs)
{
    m_ops.add(totalCommands, nowMs);
    m_input.add(netInputBytes, nowMs);
    m_output.add(netOutputBytes, nowMs);
}

void ServerStats::Metric::add(quint64 value, qint64 nowMs)
{
    if (lastMs > 0 && nowMs > lastMs) {
        values[size_t(next)] = double(value - lastValue) * 1000.0 / double(nowMs - lastMs);
        next = (next + 1) % Samples;
        filled = qMin(filled + 1, Samples);
    }
    lastValue = value;
    lastMs = nowMs;
}

double ServerStats::Metric::average() const
{
    if (filled == 0)
        return 0;
    double sum = 0;
    for (int i = 0; i < filled; ++i)
        sum += values[size_t(i)];
    return sum / filled;
}
