#include "commandlogmodel.h"

#include <QDateTime>
#include <QIODevice>

CommandLogModel::CommandLogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(qMax(1, capacity))
{ }

int CommandLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CommandLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CommandLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CommandLogEntry &e = m_rows.at(size_t(index.row()));
    if (role == Qt::TextAlignmentRole && index.column() == Duration)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != RawRole && role != Qt::ToolTipRole)
        return {};
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

void CommandLogModel::append(const std::vector<CommandLogEntry> &entries, quint64 droppedByServer)
{
    quint64 dropped = droppedByServer;
    if (m_paused) {
        dropped += entries.size();
    } else if (!entries.empty()) {
        // Only the newest `capacity` of a big batch can stay: skip the rest up front.
        const size_t keep = qMin(entries.size(), size_t(m_capacity));
        dropped += entries.size() - keep;
        const size_t overflow = m_rows.size() + keep > size_t(m_capacity)
                ? m_rows.size() + keep - size_t(m_capacity)
                : 0;
        if (overflow > 0) {
            beginRemoveRows({}, 0, int(overflow) - 1);
            m_rows.erase(m_rows.begin(), m_rows.begin() + qsizetype(overflow));
            endRemoveRows();
        }
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + keep) - 1);
        m_rows.insert(m_rows.end(), entries.end() - qsizetype(keep), entries.end());
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
    m_rows.clear();
    endResetModel();
    m_dropped = 0;
    emit droppedChanged(m_dropped);
}

bool CommandLogModel::exportTo(QIODevice *device) const
{
    QByteArray header = "time\tclient\tcommand\tcommand line\tduration_us\n";
    if (device->write(header) != header.size())
        return false;
    for (const CommandLogEntry &e : m_rows) {
        const QByteArray line
                = QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(Qt::ISODateWithMs).toUtf8()
                + '\t' + e.client + '\t' + e.command + '\t' + e.text + '\t'
                + QByteArray::number(e.durationUs) + '\n';
        if (device->write(line) != line.size())
            return false;
    }
    return true;
}
