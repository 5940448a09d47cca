#include "snapshottablemodel.h"

SnapshotTableModel::SnapshotTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void SnapshotTableModel::refreshAll(int rowCount)
{
    if (rowCount > 0)
        emit dataChanged(index(0, 0), index(rowCount - 1, columnCount() - 1),
                         { Qt::DisplayRole, SortRole, Qt::ToolTipRole });
}
