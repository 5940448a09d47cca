#include "snapshottablemodel.h"

SnapshotTableModel::SnapshotTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

QVariantList SnapshotTableModel::cells(int row) const
{
    QVariantList values;
    const int columns = columnCount();
    values.reserve(2 * columns);
    for (int column = 0; column < columns; ++column) {
        const QModelIndex at = index(row, column);
        values.append(data(at, Qt::DisplayRole));
        values.append(data(at, SortRole));
    }
    return values;
}

void SnapshotTableModel::announceChanges(int row, const QVariantList &before)
{
    const QVariantList after = cells(row);
    int first = -1, last = -1;
    for (int column = 0; 2 * column < after.size(); ++column) {
        if (after.at(2 * column) == before.value(2 * column)
            && after.at(2 * column + 1) == before.value(2 * column + 1))
            continue;
        if (first < 0)
            first = column;
        last = column;
    }
    if (first >= 0)
        emit dataChanged(index(row, first), index(row, last),
                         { Qt::DisplayRole, SortRole, Qt::ToolTipRole });
}
