#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QSet>

// A table whose rows are identified by an id and follow snapshots: sync() turns the rows into
// the incoming list with removals and insertions only, so the rows that stay keep their place
// and a view keeps its selection and scroll position. Qt::UserRole gives the sort key of a cell.
class SnapshotTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit SnapshotTableModel(QObject *parent = nullptr);

protected:
    enum class KeptRows {
        Refresh, // rows that stay take the incoming values (dataChanged for the cells that moved)
        Keep     // rows never change once shown: they stay as they are
    };

    /* Makes `rows` hold `incoming`, in its order, where both are lists of things with an `id`
     * member and Row is constructible from Incoming. Rows whose id is not in `incoming` are
     * removed, new ones inserted where `incoming` has them. Rows that stay are expected in the
     * same relative order in both lists; if they are not, the model is reset.
     */
    template<typename Row, typename Incoming>
    void sync(QList<Row> &rows, const QList<Incoming> &incoming, KeptRows kept);

private:
    // What a row shows and sorts by, column after column.
    QVariantList cells(int row) const;
    // dataChanged for the span of row's columns whose cells differ from `before`, none when
    // nothing moved: a view repaints those cells only, not the whole table every snapshot.
    void announceChanges(int row, const QVariantList &before);
};

template<typename Row, typename Incoming>
void SnapshotTableModel::sync(QList<Row> &rows, const QList<Incoming> &incoming, KeptRows kept)
{
    using Id = decltype(Incoming::id);
    QSet<Id> wanted;
    wanted.reserve(incoming.size());
    for (const Incoming &item : incoming)
        wanted.insert(item.id);

    // Gone rows leave in runs, from the bottom up so earlier row numbers stay valid.
    for (int last = int(rows.size()) - 1; last >= 0;) {
        if (wanted.contains(rows.at(last).id)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !wanted.contains(rows.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, last);
        rows.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }

    QSet<Id> present;
    present.reserve(rows.size());
    for (const Row &row : rows)
        present.insert(row.id);
    int row = 0;
    for (qsizetype i = 0; i < incoming.size();) {
        if (row < rows.size() && rows.at(row).id == incoming.at(i).id) {
            if (kept == KeptRows::Refresh) {
                const QVariantList before = cells(row);
                rows[row] = Row(incoming.at(i));
                announceChanges(row, before);
            }
            ++row;
            ++i;
            continue;
        }
        if (present.contains(incoming.at(i).id)) {
            // A kept row moved: not something snapshots do, but stay correct if they ever do.
            beginResetModel();
            rows.clear();
            for (const Incoming &item : incoming)
                rows.append(Row(item));
            endResetModel();
            return;
        }
        // A run of new rows goes in with one insertion, spliced in one pass.
        qsizetype end = i;
        while (end < incoming.size() && !present.contains(incoming.at(end).id))
            ++end;
        const int count = int(end - i);
        beginInsertRows({}, row, row + count - 1);
        QList<Row> spliced;
        spliced.reserve(rows.size() + count);
        for (int k = 0; k < row; ++k)
            spliced.append(std::move(rows[k]));
        for (qsizetype k = i; k < end; ++k)
            spliced.append(Row(incoming.at(k)));
        for (int k = row; k < rows.size(); ++k)
            spliced.append(std::move(rows[k]));
        rows = std::move(spliced);
        endInsertRows();
        row += count;
        i = end;
    }
}
