#include "channelwatch.h"

#include "store/globmatch.h"

void ChannelWatch::watch(ChannelKind kind, const QByteArray &name)
{
    m_kind = kind;
    m_name = name;
    m_pending.clear();
    m_dropped = 0;
    m_admitted = 0;
}

bool ChannelWatch::matches(QByteArrayView channel, bool shard) const
{
    if (m_name.isEmpty())
        return false;
    switch (m_kind) {
    case ChannelKind::Channel: return !shard && channel == m_name;
    case ChannelKind::ShardChannel: return shard && channel == m_name;
    case ChannelKind::Pattern: return !shard && globMatch(m_name, channel);
    }
    return false;
}

void ChannelWatch::offer(qint64 timeMs, QByteArrayView channel, QByteArrayView message, bool shard)
{
    if (!matches(channel, shard))
        return;
    if (timeMs / WindowMs != m_window) {
        m_window = timeMs / WindowMs;
        m_admitted = 0;
    }
    if (m_admitted >= MaxPerWindow || m_pending.size() >= MaxPending) {
        ++m_dropped;
        return;
    }
    ++m_admitted;
    m_pending.append({ timeMs, channel.toByteArray(),
                       message.first(qMin(message.size(), MaxMessageBytes)).toByteArray(),
                       message.size() });
}

QList<ChannelMessage> ChannelWatch::take(quint64 *dropped)
{
    *dropped = m_dropped;
    m_dropped = 0;
    QList<ChannelMessage> out;
    out.swap(m_pending);
    return out;
}
