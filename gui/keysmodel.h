#pragma once

#include "observe/serversnapshot.h"

#include <QAbstractTableModel>

// The keys browser: the rows of a SCAN-like walk over one database with a glob filter,
// filled page by page as the server answers, so a million keys never arrive at once. Size is a
// string's bytes or an aggregate's elements; Value a string's first bytes or an aggregate's
// first few elements.
class KeysModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Key, Type, Ttl, Size, Value, ColumnCount };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int KeyRole = Qt::UserRole + 1;

    explicit KeysModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Starts a new walk: clears the rows; pages for another db or pattern are ignored.
    void restart(int db, const QByteArray &pattern);
    void addPage(const KeyPage &page);
    void removeKey(const QByteArray &key);
    // What the server now says of one key (a value page's summary): its row takes it in
    // place, so views keep selection and scroll; type "none" removes it. Other dbs, and keys
    // not shown, are ignored.
    void updateKey(int db, const KeyRow &row);
    int rowOf(const QByteArray &key) const;

    int db() const { return m_db; }
    const QByteArray &pattern() const { return m_pattern; }
    bool hasMore() const { return m_nextCursor != 0; }
    quint64 nextCursor() const { return m_nextCursor; }
    QByteArray keyAt(int row) const;

private:
    QList<KeyRow> m_rows;
    int m_db = 0;
    QByteArray m_pattern;
    quint64 m_nextCursor = 0;
};
