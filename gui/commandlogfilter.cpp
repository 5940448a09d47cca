#include "commandlogfilter.h"

#include "commandlogmodel.h"

CommandLogFilter::CommandLogFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{ }

void CommandLogFilter::setText(const QString &text)
{
    m_text = text;
    invalidateFilter();
}

void CommandLogFilter::setCommand(const QString &command)
{
    m_command = command;
    invalidateFilter();
}

void CommandLogFilter::setClient(const QString &client)
{
    m_client = client;
    invalidateFilter();
}

bool CommandLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    auto cell = [&](int column) {
        return model->index(sourceRow, column, sourceParent)
                .data(CommandLogModel::RawRole)
                .toString();
    };
    if (!m_command.isEmpty()
        && cell(CommandLogModel::Command).compare(m_command, Qt::CaseInsensitive) != 0)
        return false;
    if (!m_client.isEmpty()
        && !cell(CommandLogModel::Client).contains(m_client, Qt::CaseInsensitive))
        return false;
    return m_text.isEmpty()
            || cell(CommandLogModel::Arguments).contains(m_text, Qt::CaseInsensitive)
            || cell(CommandLogModel::Client).contains(m_text, Qt::CaseInsensitive);
}
