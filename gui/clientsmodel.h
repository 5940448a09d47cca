#pragma once

#include "observe/serversnapshot.h"
#include "snapshottablemodel.h"

// Connected clients, one row each, following snapshots by id (see SnapshotTableModel).
class ClientsModel final : public SnapshotTableModel
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
        Flags,
        Subscriptions,
        Commands,
        LastCommand,
        BytesIn,
        BytesOut,
        QueryBuffer,
        OutputMemory,
        ColumnCount
    };
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
