#include "valuemodel.h"

#include "formatting.h"

namespace {

// A cell's tooltip: more of the bytes than the cell shows, and how long they really are.
QString tooltip(const QByteArray &bytes, qint64 wholeSize)
{
    QString text = Formatting::elided(bytes, ValueModel::TooltipChars);
    if (wholeSize > bytes.size() || text.size() > ValueModel::TooltipChars)
        text += QStringLiteral("\n(%1 in all)").arg(Formatting::bytes(wholeSize));
    return text;
}

} // namespace

ValueModel::ValueModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int ValueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ValueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_cells.size());
}

QList<ValueModel::Cell> ValueModel::cellsFor(const QByteArray &type)
{
    if (type == "list")
        return { Cell::Index, Cell::Element };
    if (type == "hash")
        return { Cell::Field, Cell::Value };
    if (type == "set")
        return { Cell::Member };
    if (type == "zset")
        return { Cell::Rank, Cell::Member, Cell::Score };
    if (type == "string")
        return { Cell::Value };
    if (type == "stream")
        return { Cell::Index, Cell::EntryId, Cell::Fields };
    return {};
}

QVariant ValueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ValueRow &r = m_rows.at(index.row());
    switch (role) {
    case ElementRole: return r.element;
    case ValueRole: return r.value;
    case IndexRole: return r.index;
    case ScoreRole: return r.score;
    case WholeRole: return r.isWhole();
    default: break;
    }
    const Cell cell = m_cells.at(index.column());
    // A hash's Value column holds the field's value; a string's its only element.
    const bool isHashValue
            = (cell == Cell::Value && m_summary.type == "hash") || cell == Cell::Fields;
    const QByteArray &bytes = isHashValue ? r.value : r.element;
    const qint64 wholeSize = isHashValue ? r.valueSize : r.elementSize;
    const bool numeric = cell == Cell::Index || cell == Cell::Rank || cell == Cell::Score;
    if (role == Qt::TextAlignmentRole && numeric)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (cell) {
    case Cell::Index:
    case Cell::Rank: return Formatting::count(quint64(r.index));
    case Cell::Score: return Formatting::score(r.score);
    case Cell::Element:
    case Cell::Field:
    case Cell::Value:
    case Cell::Member:
    case Cell::EntryId:
    case Cell::Fields: break;
    }
    if (role == Qt::ToolTipRole)
        return tooltip(bytes, wholeSize);
    QString text = Formatting::elided(bytes, DisplayChars);
    if (wholeSize > bytes.size() && !text.endsWith(QStringLiteral("…")))
        text += QStringLiteral("…");
    return text;
}

QVariant ValueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0
        || section >= m_cells.size())
        return {};
    switch (m_cells.at(section)) {
    case Cell::Index: return tr("Index");
    case Cell::Rank: return tr("Rank");
    case Cell::Element: return tr("Element");
    case Cell::Field: return tr("Field");
    case Cell::Value: return tr("Value");
    case Cell::Member: return tr("Member");
    case Cell::Score: return tr("Score");
    case Cell::EntryId: return tr("ID");
    case Cell::Fields: return tr("Fields");
    }
    return {};
}

void ValueModel::restart(int db, const QByteArray &key)
{
    beginResetModel();
    m_db = db;
    m_key = key;
    m_loaded = false;
    m_summary = {};
    m_encoding.clear();
    m_nextCursor = 0;
    m_cells.clear();
    m_rows.clear();
    m_groups.clear();
    m_seen.clear();
    endResetModel();
}

bool ValueModel::addPage(const ValuePage &page)
{
    if (m_key.isNull() || page.db != m_db || page.key != m_key)
        return false;
    const bool first = page.cursor == 0;
    // A later page continues the walk of the same value, or it is stale.
    if (!first && (!m_loaded || page.cursor != m_nextCursor || page.summary.type != m_summary.type))
        return false;
    // Lists show positions (an element may repeat); every other type's elements are unique.
    const bool unique = page.summary.type != "list" && page.summary.type != "string";
    m_groups = page.groups;
    if (first)
        m_seen.clear();
    QList<ValueRow> fresh;
    fresh.reserve(page.rows.size());
    for (const ValueRow &row : page.rows) {
        if (unique) {
            if (m_seen.contains(row.element))
                continue;
            m_seen.insert(row.element);
        }
        fresh.append(row);
    }
    m_nextCursor = page.nextCursor;
    if (first) {
        beginResetModel();
        m_loaded = true;
        m_summary = page.summary;
        m_encoding = page.encoding;
        m_cells = cellsFor(page.summary.type);
        m_rows = std::move(fresh);
        endResetModel();
        return true;
    }
    m_summary = page.summary; // the same type; its size may have moved
    if (!fresh.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size()) - 1);
        m_rows.append(fresh);
        endInsertRows();
    }
    return true;
}

int ValueModel::rowOfElement(const QByteArray &element) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).element == element)
            return row;
    }
    return -1;
}
