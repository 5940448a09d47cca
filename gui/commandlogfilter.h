#pragma once

#include <QSortFilterProxyModel>

// Filters the command log by free text, by command name and by client.
class CommandLogFilter final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit CommandLogFilter(QObject *parent = nullptr);

    void setText(const QString &text);
    void setCommand(const QString &command); // exact name, empty for any
    void setClient(const QString &client);   // substring of the client column

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    QString m_command;
    QString m_client;
};
