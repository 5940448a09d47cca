#pragma once

#include "observe/slowlog.h"
#include "snapshottablemodel.h"

// The server's slow log (SLOWLOG GET), newest first, following snapshots by entry id (see
// SnapshotTableModel): entries never change once logged, so an update only inserts the new
// ones at the top and removes those the server dropped.
class SlowLogModel final : public SnapshotTableModel
{
    Q_OBJECT
public:
    enum Column { Id, Time, Duration, Client, CommandLine, ColumnCount };
    // Longer command lines are cut for display; the tooltip has them whole.
    static constexpr int DisplayLength = 200;

    explicit SlowLogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // entries: the whole slow log as the server holds it, newest first.
    void update(const QList<SlowLogEntry> &entries);
    quint64 idAt(int row) const;

private:
    // An entry with the texts of its cells, made once rather than on every paint.
    struct Row : SlowLogEntry
    {
        explicit Row(const SlowLogEntry &entry);
        QString clientText;
        QString commandLine;
    };

    QList<Row> m_rows;
};
