#include "channelsmodel.h"

#include "formatting.h"

#include <QHash>

namespace {

QByteArray keyOf(ChannelKind kind, const QByteArray &name)
{
    return char('0' + int(kind)) + name;
}

QString kindName(ChannelKind kind)
{
    switch (kind) {
    case ChannelKind::Channel: return ChannelsModel::tr("channel");
    case ChannelKind::Pattern: return ChannelsModel::tr("pattern");
    case ChannelKind::ShardChannel: return ChannelsModel::tr("shard");
    }
    return {};
}

} // namespace

bool ChannelsModel::Counter::advance(quint64 now, qint64 timeMs)
{
    published = now;
    if (sampledAtMs == 0) {
        sampledAtMs = timeMs;
        sampledPublished = now;
        return false;
    }
    const qint64 elapsed = timeMs - sampledAtMs;
    if (elapsed < 1000)
        return false;
    // A count that went down started again (the channel emptied and came back): all of it is new.
    const quint64 delta = now >= sampledPublished ? now - sampledPublished : now;
    rate = double(delta) * 1000.0 / double(elapsed);
    history.append(rate);
    if (history.size() > HistorySeconds)
        history.removeFirst();
    sampledAtMs = timeMs;
    sampledPublished = now;
    return true;
}

ChannelsModel::ChannelsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int ChannelsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ChannelsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChannelsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case KindRole: return int(r.kind);
    case NameRole: return r.name;
    case SeriesRole: return QVariant::fromValue(r.counter.history);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(index.column() == Subscribers || index.column() == Rate
                                                   || index.column() == Published
                                           ? Qt::AlignRight | Qt::AlignVCenter
                                           : Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (index.column() == Published)
            return tr("Messages it received since the dashboard began counting");
        return {};
    case Qt::DisplayRole:
    case SortRole: break;
    default: return {};
    }
    const bool sort = role == SortRole;
    switch (index.column()) {
    case Kind: return kindName(r.kind);
    case Name: return Formatting::printable(r.name);
    case Subscribers: return r.subscribers;
    case Rate: return sort ? QVariant(r.counter.rate) : QVariant(Formatting::rate(r.counter.rate));
    case Activity: return sort ? QVariant(r.counter.rate) : QVariant();
    case Published:
        return sort ? QVariant(r.counter.published)
                    : QVariant(Formatting::count(r.counter.published));
    }
    return {};
}

QVariant ChannelsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[]
            = { "Kind", "Name", "Subscribers", "Msg/s", "Last minute", "Messages" };
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void ChannelsModel::update(const QList<ChannelRow> &channels, quint64 totalPublished, qint64 timeMs)
{
    m_total.advance(totalPublished, timeMs);
    QHash<QByteArray, const ChannelRow *> incoming;
    incoming.reserve(channels.size());
    for (const ChannelRow &channel : channels)
        incoming.insert(keyOf(channel.kind, channel.name), &channel);

    // Gone rows leave in runs, from the bottom up so earlier row numbers stay valid.
    for (int last = int(m_rows.size()) - 1; last >= 0;) {
        if (incoming.contains(keyOf(m_rows.at(last).kind, m_rows.at(last).name))) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0
               && !incoming.contains(keyOf(m_rows.at(first - 1).kind, m_rows.at(first - 1).name)))
            --first;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }
    for (Row &row : m_rows) {
        const ChannelRow *channel = incoming.take(keyOf(row.kind, row.name));
        row.subscribers = channel->subscribers;
        row.counter.advance(channel->published, timeMs);
    }
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    // What is left is new, appended in the snapshot's order.
    QList<Row> added;
    for (const ChannelRow &channel : channels) {
        if (!incoming.contains(keyOf(channel.kind, channel.name)))
            continue;
        Row row { channel.kind, channel.name, channel.subscribers, {} };
        row.counter.advance(channel.published, timeMs);
        added.append(std::move(row));
    }
    if (added.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + added.size()) - 1);
    m_rows.append(std::move(added));
    endInsertRows();
}

void ChannelsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
    m_total = {};
}

int ChannelsModel::rowOf(ChannelKind kind, const QByteArray &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).kind == kind && m_rows.at(row).name == name)
            return row;
    }
    return -1;
}
