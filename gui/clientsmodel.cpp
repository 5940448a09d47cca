#include "clientsmodel.h"

#include "formatting.h"

namespace {

// "2 channels, 1 pattern" as "2 ch · 1 pat"; empty for a client subscribed to nothing.
QString subscriptions(const ClientRow &c)
{
    QStringList parts;
    if (c.channels > 0)
        parts.append(ClientsModel::tr("%1 ch").arg(c.channels));
    if (c.patterns > 0)
        parts.append(ClientsModel::tr("%1 pat").arg(c.patterns));
    if (c.shardChannels > 0)
        parts.append(ClientsModel::tr("%1 shard").arg(c.shardChannels));
    return parts.join(QStringLiteral(" · "));
}

} // namespace

ClientsModel::ClientsModel(QObject *parent)
    : SnapshotTableModel(parent)
{ }

int ClientsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClientsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClientsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ClientRow &c = m_rows.at(index.row());
    if (role == IdRole)
        return c.id;
    if (role == Qt::TextAlignmentRole) {
        const bool numeric = index.column() == Id || index.column() == Age || index.column() == Idle
                || index.column() == Db || index.column() == Commands || index.column() == BytesIn
                || index.column() == BytesOut || index.column() == QueryBuffer
                || index.column() == OutputMemory;
        return QVariant::fromValue(numeric ? Qt::AlignRight | Qt::AlignVCenter
                                           : Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole && index.column() == Name && !c.library.isEmpty())
        return QString::fromUtf8(c.library);
    if (role == Qt::ToolTipRole && index.column() == Subscriptions)
        return tr("sub=%1 psub=%2 ssub=%3: channels, patterns and shard channels subscribed to")
                .arg(c.channels)
                .arg(c.patterns)
                .arg(c.shardChannels);
    if (role == Qt::ToolTipRole && index.column() == QueryBuffer)
        return tr("qbuf: bytes read from the client and not yet executed");
    if (role == Qt::ToolTipRole && index.column() == OutputMemory)
        return tr("omem: replies waiting to be sent, beyond the fixed reply buffer");
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    const bool counted
            = index.column() == Commands || index.column() == BytesIn || index.column() == BytesOut;
    if (counted && !c.hasTotals && !sort)
        return QStringLiteral("-");
    switch (index.column()) {
    case Id: return c.id;
    case Address: return QString::fromLatin1(c.address);
    case Name: return QString::fromUtf8(c.name);
    case Age: return sort ? QVariant(c.ageSeconds) : Formatting::duration(c.ageSeconds);
    case Idle: return sort ? QVariant(c.idleSeconds) : Formatting::duration(c.idleSeconds);
    case Db: return c.db;
    case Flags: return QString::fromLatin1(c.flags);
    case Subscriptions:
        return sort ? QVariant(c.channels + c.patterns + c.shardChannels) : subscriptions(c);
    case Commands: return sort ? QVariant(c.commands) : Formatting::count(c.commands);
    case LastCommand: return QString::fromLatin1(c.lastCommand);
    case BytesIn: return sort ? QVariant(c.bytesIn) : Formatting::bytes(qint64(c.bytesIn));
    case BytesOut: return sort ? QVariant(c.bytesOut) : Formatting::bytes(qint64(c.bytesOut));
    case QueryBuffer: return sort ? QVariant(c.queryBuffer) : Formatting::bytes(c.queryBuffer);
    case OutputMemory: return sort ? QVariant(c.outputMemory) : Formatting::bytes(c.outputMemory);
    }
    return {};
}

QVariant ClientsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[]
            = { "ID",       "Address",   "Name",          "Age",      "Idle",
                "DB",       "Flags",     "Subscriptions", "Commands", "Last command",
                "Bytes in", "Bytes out", "Qbuf",          "Omem" };
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void ClientsModel::update(const QList<ClientRow> &clients)
{
    sync(m_rows, clients, KeptRows::Refresh);
}

quint64 ClientsModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : 0;
}
