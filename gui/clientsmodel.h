#pragma once

#include "observe/serversnapshot.h"

#include <QAbstractTableModel>

// Connected clients, one row each. Updated from snapshots by id, so rows that stay keep their
// place (and the view its selection); Qt::UserRole gives the sort key of a cell.
class ClientsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Id,
        Address,
        Name,
        Age,
        Idle,
        Db,
        Commands,
        LastCommand,
        BytesIn,
        BytesOut,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit ClientsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void update(const QList<ClientRow> &clients);
    quint64 idAt(int row) const;

private:
    QList<ClientRow> m_rows;
};
