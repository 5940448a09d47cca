#include "slowlogmodel.h"

#include "formatting.h"
#include "observe/commandlog.h"

#include <QDateTime>

#include <limits>

SlowLogModel::Row::Row(const SlowLogEntry &e)
    : SlowLogEntry(e)
    , clientText(QString::fromUtf8(e.name.isEmpty() ? e.client : e.name + '@' + e.client))
{
    // The command log's rendering, without its cuts (the server already cut the arguments as
    // Redis does): arguments with spaces or binary bytes are quoted, so they stay apart.
    std::vector<QByteArrayView> args(e.args.cbegin(), e.args.cend());
    commandLine = QString::fromUtf8(
            CommandLog::describe(args, {}, std::numeric_limits<int>::max(), int(args.size())));
}

SlowLogModel::SlowLogModel(QObject *parent)
    : SnapshotTableModel(parent)
{ }

int SlowLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SlowLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SlowLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &e = m_rows.at(index.row());
    if (role == IdRole)
        return e.id;
    if (role == Qt::TextAlignmentRole) {
        const bool numeric = index.column() == Id || index.column() == Duration;
        return QVariant::fromValue(numeric ? Qt::AlignRight | Qt::AlignVCenter
                                           : Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole && index.column() == CommandLine) {
        // Rich text, so that Qt wraps a long command line instead of running off the screen.
        return QStringLiteral("<p>%1</p>").arg(e.commandLine.toHtmlEscaped());
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    switch (index.column()) {
    case Id: return e.id;
    case Time:
        return sort ? QVariant(e.time)
                    : QVariant(QDateTime::fromSecsSinceEpoch(e.time).toString(
                            QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    case Duration: return sort ? QVariant(e.durationUs) : Formatting::micros(e.durationUs);
    case Client: return e.clientText;
    case CommandLine:
        if (sort || e.commandLine.size() <= DisplayLength)
            return e.commandLine;
        return QString(e.commandLine.left(DisplayLength) + QStringLiteral("…"));
    }
    return {};
}

QVariant SlowLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = { "ID", "Time", "Duration", "Client", "Command line" };
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void SlowLogModel::update(const QList<SlowLogEntry> &entries)
{
    sync(m_rows, entries, KeptRows::Keep);
}

quint64 SlowLogModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : 0;
}
