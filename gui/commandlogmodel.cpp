#include "commandlogmodel.h"

#include <QDateTime>
#include <QIODevice>

#include <algorithm>

CommandLogModel::CommandLogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(qMax(1, capacity))
{ }

int CommandLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_endRow - m_firstRow);
}

int CommandLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CommandLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role == Qt::TextAlignmentRole && index.column() == Duration)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != RawRole && role != Qt::ToolTipRole)
        return {};
    const CommandLogBatch::Entry e = entry(index.row());
    switch (index.column()) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(QStringLiteral("HH:mm:ss.zzz"));
    case Client: return QString::fromUtf8(e.client);
    case Command: return QString::fromLatin1(e.command);
    case Arguments: return QString::fromUtf8(e.text);
    case Duration:
        return role == RawRole
                ? QVariant(e.durationUs)
                : QVariant(e.durationUs < 0 ? QStringLiteral("-")
                                            : QStringLiteral("%1 µs").arg(e.durationUs));
    }
    return {};
}

QVariant CommandLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = { "Time", "Client", "Command", "Command line", "Duration" };
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void CommandLogModel::append(const CommandLogBatch &entries, quint64 droppedByServer)
{
    quint64 dropped = droppedByServer;
    if (m_paused) {
        dropped += quint64(entries.size());
    } else if (!entries.isEmpty()) {
        // Only the newest `capacity` of a big batch can stay: skip the rest up front.
        const qsizetype keep = qMin(entries.size(), qsizetype(m_capacity));
        const qsizetype skip = entries.size() - keep;
        dropped += quint64(skip);
        const qint64 overflow = rowCount() + keep - m_capacity;
        if (overflow > 0) {
            beginRemoveRows({}, 0, int(overflow) - 1);
            removeFront(overflow);
            endRemoveRows();
        }
        // Skipped rows are counted below m_firstRow: a batch that skips any has just emptied
        // the log, so no older chunk shares their counts.
        beginInsertRows({}, rowCount(), rowCount() + int(keep) - 1);
        m_chunks.push_back({ entries, m_endRow - skip });
        m_endRow += keep;
        endInsertRows();
    }
    if (dropped > 0) {
        m_dropped += dropped;
        emit droppedChanged(m_dropped);
    }
}

void CommandLogModel::clear()
{
    beginResetModel();
    m_chunks.clear();
    m_firstRow = m_endRow;
    endResetModel();
    m_dropped = 0;
    emit droppedChanged(m_dropped);
}

CommandLogBatch::Entry CommandLogModel::entry(int row) const
{
    const qint64 count = m_firstRow + row;
    // The last chunk starting at or before the row's count holds it.
    const auto after = std::upper_bound(m_chunks.cbegin(), m_chunks.cend(), count,
                                        [](qint64 n, const Chunk &c) { return n < c.start; });
    const Chunk &chunk = *(after - 1);
    return chunk.batch.at(qsizetype(count - chunk.start));
}

void CommandLogModel::removeFront(qsizetype count)
{
    m_firstRow += count;
    while (!m_chunks.empty()
           && m_chunks.front().start + m_chunks.front().batch.size() <= m_firstRow)
        m_chunks.pop_front();
}

bool CommandLogModel::exportTo(QIODevice *device) const
{
    QByteArray header = "time\tclient\tcommand\tcommand line\tduration_us\n";
    if (device->write(header) != header.size())
        return false;
    for (const Chunk &chunk : m_chunks) {
        for (qsizetype i = qMax<qint64>(0, m_firstRow - chunk.start); i < chunk.batch.size(); ++i) {
            const CommandLogBatch::Entry e = chunk.batch.at(i);
            QByteArray line
                    = QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(Qt::ISODateWithMs).toUtf8();
            line.append('\t').append(e.client).append('\t').append(e.command);
            line.append('\t').append(e.text).append('\t');
            line.append(QByteArray::number(e.durationUs)).append('\n');
            if (device->write(line) != line.size())
                return false;
        }
    }
    return true;
}
