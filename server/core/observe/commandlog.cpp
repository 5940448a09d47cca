#include "commandlog.h"

#include "commandlogbatch.h"

#include "protocol/repr.h"

#include <algorithm>

#include <QStringBuilder>

CommandLog::CommandLog(int capacity)
    : m_ring(size_t(qMax(1, capacity)))
{ }

bool CommandLog::admit(qint64 timeMs)
{
    if (!m_enabled)
        return false;
    const qint64 window = timeMs / 100;
    if (window != m_window) {
        m_window = window;
        m_admitted = 0;
    }
    if (m_admitted < MaxPerWindow) {
        ++m_admitted;
        return true;
    }
    ++m_skipped;
    return false;
}

void CommandLog::record(qint64 timeMs, quint64 clientId, const QByteArray &client,
                        const QByteArray &command, QByteArray text, qint64 durationUs)
{
    CommandLogEntry &entry = m_ring[size_t(m_next % m_ring.size())];
    entry.sequence = m_next++;
    entry.timeMs = timeMs;
    entry.clientId = clientId;
    entry.client = client;
    entry.command = command;
    entry.text = std::move(text);
    entry.durationUs = durationUs;
}

CommandLogBatch CommandLog::entriesAfter(quint64 after, quint64 *missed) const
{
    const quint64 last = m_next - 1;
    const quint64 oldest = last >= m_ring.size() ? last - m_ring.size() + 1 : 1;
    quint64 first = after + 1;
    *missed = first < oldest ? oldest - first : 0;
    first = qMax(first, oldest);
    CommandLogBatch result;
    for (quint64 seq = first; seq <= last; ++seq)
        result.append(m_ring[size_t(seq % m_ring.size())]);
    return result;
}

QByteArray CommandLog::describe(const std::vector<QByteArrayView> &args,
                                const std::vector<qsizetype> &redacted, int maxArgLength,
                                int maxArgs)
{
    QByteArray text;
    const int shown = qMin(int(args.size()), maxArgs);
    for (int i = 0; i < shown; ++i) {
        if (i)
            text += ' ';
        if (std::find(redacted.begin(), redacted.end(), i) != redacted.end()) {
            text += "(redacted)";
            continue;
        }
        const QByteArrayView arg = args[size_t(i)];
        const QByteArrayView cut = arg.first(qMin<qsizetype>(arg.size(), maxArgLength));
        // Plain words stay bare for readability; anything else is quoted as redis-cli would.
        const bool plain = !cut.isEmpty() && std::all_of(cut.begin(), cut.end(), [](char c) {
            return c > ' ' && c < 127 && c != '"' && c != '\\' && c != '\'';
        });
        if (plain)
            text += cut;
        else
            Repr::appendQuoted(text, cut);
        if (arg.size() > maxArgLength)
            text += QByteArrayLiteral("...(") + QByteArray::number(arg.size()) + " bytes)";
    }
    if (int(args.size()) > shown)
        text += QByteArrayLiteral(" ...(") + QByteArray::number(qsizetype(args.size()) - shown)
                + " more)";
    return text;
}
