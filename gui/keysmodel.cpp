#include "keysmodel.h"

#include "formatting.h"

#include <QSet>

KeysModel::KeysModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int KeysModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int KeysModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KeysModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KeyRow &k = m_rows.at(index.row());
    if (role == KeyRole)
        return k.key;
    if (role == Qt::TextAlignmentRole && (index.column() == Ttl || index.column() == Size))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    const bool sort = role == SortRole;
    switch (index.column()) {
    case Key: return Formatting::printable(k.key);
    case Type: return QString::fromLatin1(k.type);
    case Ttl: return sort ? QVariant(k.ttlMs) : Formatting::ttl(k.ttlMs);
    case Size: return sort ? QVariant(k.size) : Formatting::size(k.type, k.size);
    case Value: return Formatting::printable(k.preview);
    }
    return {};
}

QVariant KeysModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = { "Key", "Type", "TTL", "Size", "Value" };
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void KeysModel::restart(int db, const QByteArray &pattern)
{
    beginResetModel();
    m_rows.clear();
    m_db = db;
    m_pattern = pattern;
    m_nextCursor = 0;
    endResetModel();
}

void KeysModel::addPage(const KeyPage &page)
{
    if (page.db != m_db || page.pattern != m_pattern)
        return;
    m_nextCursor = page.nextCursor;
    // A reverse-binary scan may return a key twice when the table resized between pages.
    QSet<QByteArray> known;
    for (const KeyRow &row : std::as_const(m_rows))
        known.insert(row.key);
    QList<KeyRow> fresh;
    for (const KeyRow &row : page.keys) {
        if (!known.contains(row.key))
            fresh.append(row);
    }
    if (fresh.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size()) - 1);
    m_rows.append(fresh);
    endInsertRows();
}

void KeysModel::removeKey(const QByteArray &key)
{
    const int row = rowOf(key);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

void KeysModel::updateKey(int db, const KeyRow &row)
{
    if (db != m_db)
        return;
    const int at = rowOf(row.key);
    if (at < 0)
        return;
    if (row.type == "none") {
        removeKey(row.key);
        return;
    }
    m_rows[at] = row;
    emit dataChanged(index(at, 0), index(at, ColumnCount - 1));
}

int KeysModel::rowOf(const QByteArray &key) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).key == key)
            return row;
    }
    return -1;
}

QByteArray KeysModel::keyAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).key : QByteArray();
}
