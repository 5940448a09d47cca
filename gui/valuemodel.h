#pragma once

#include "observe/serversnapshot.h"

#include <QAbstractTableModel>
#include <QSet>

/* The value viewer's table: the elements of one key's value, filled page by page as the server
 * answers (see ValuePage), so a million-element value never arrives at once. Its columns follow
 * the value's type:
 *
 *   list: Index, Element     hash: Field, Value     set: Member
 *   zset: Rank, Member, Score     string: Value (one row)     missing key: none
 *   stream: Index, ID, Fields (and its consumer groups in groups())
 *
 * A first page (cursor 0) replaces everything, columns included (a model reset); a later page
 * is appended only when it continues the walk (its cursor is nextCursor()), so a stale or
 * repeated answer is dropped. Members and fields a hash-table SCAN returns twice are shown
 * once. Cells show printable text (binary as \xHH) cut to DisplayChars; the tooltip holds up
 * to TooltipChars and the whole size. The raw bytes are under ElementRole and ValueRole.
 */
class ValueModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        ElementRole = Qt::UserRole + 1, // QByteArray: the element, field or member (maybe cut)
        ValueRole,                      // QByteArray: a hash field's value (maybe cut)
        IndexRole,                      // qint64: list index or sorted-set rank
        ScoreRole,                      // double
        WholeRole                       // bool: nothing in the row was cut
    };
    static constexpr int DisplayChars = 200;
    static constexpr int TooltipChars = 2000;

    explicit ValueModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Shows key of db from now on: no rows until its first page; pages of other keys are
    // ignored. A null key shows nothing.
    void restart(int db, const QByteArray &key);
    // Takes page if it belongs (see above); returns whether it did.
    bool addPage(const ValuePage &page);

    int db() const { return m_db; }
    const QByteArray &key() const { return m_key; }
    // Whether a first page arrived since restart().
    bool isLoaded() const { return m_loaded; }
    // "list", "hash", "set", "zset", "string"; "none" when the key is missing; empty before
    // the first page.
    const QByteArray &type() const { return m_summary.type; }
    const KeyRow &summary() const { return m_summary; }
    const QByteArray &encoding() const { return m_encoding; }
    bool hasMore() const { return m_nextCursor != 0; }
    quint64 nextCursor() const { return m_nextCursor; }
    const ValueRow &rowAt(int row) const { return m_rows.at(row); }
    // A stream's consumer groups, as of the latest page.
    const QList<StreamGroupRow> &groups() const { return m_groups; }
    // The row showing element (a field or member), or -1.
    int rowOfElement(const QByteArray &element) const;

private:
    enum class Cell { Index, Rank, Element, Field, Value, Member, Score, EntryId, Fields };
    static QList<Cell> cellsFor(const QByteArray &type);

    int m_db = 0;
    QByteArray m_key;
    bool m_loaded = false;
    KeyRow m_summary;
    QByteArray m_encoding;
    quint64 m_nextCursor = 0;
    QList<Cell> m_cells;
    QList<ValueRow> m_rows;
    QList<StreamGroupRow> m_groups;
    QSet<QByteArray> m_seen; // elements shown, for types whose elements are unique
};
