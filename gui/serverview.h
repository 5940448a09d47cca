#pragma once

#include "dashboardsource.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

/* The Server tab: every INFO field (INFO everything), searchable, the fields that changed since
 * the previous refresh highlighted with their previous value; the CONFIG parameters, editable in
 * place (an edit asks for CONFIG SET, the server's answer decides what is shown); and the
 * persistence panel: last save, changes since, a running BGSAVE or AOF rewrite, AOF state and
 * size when the server has them, and Save now (BGSAVE). It only shows what it is handed and
 * asks through its signals.
 */
class ServerView final : public QWidget
{
    Q_OBJECT
public:
    enum InfoColumn { Section, Field, Value, Previous, InfoColumnCount };

    explicit ServerView(QWidget *parent = nullptr);

    QStandardItemModel *infoModel() const { return m_info; }
    QStandardItemModel *configModel() const { return m_config; }
    QLabel *persistenceLabel() const { return m_persistence; }

public slots:
    void setInfo(const QByteArray &info);
    void setConfig(const DashboardSource::ConfigList &parameters);
    void configChanged(const QByteArray &name, const QByteArray &value);
    // Forgets everything shown (another server).
    void clear();

signals:
    void configSetRequested(const QByteArray &name, const QByteArray &value);
    void configRefreshRequested();
    void saveRequested();

private:
    void updatePersistence(const QHash<QByteArray, QByteArray> &fields);
    void configEdited(int row);

    QStandardItemModel *m_info;
    QSortFilterProxyModel *m_infoFiltered;
    QStandardItemModel *m_config;
    QSortFilterProxyModel *m_configFiltered;
    QHash<QByteArray, int> m_infoRows;
    QHash<QByteArray, int> m_configRows;
    QLabel *m_persistence;
    QPushButton *m_save;
    QLineEdit *m_search;
    bool m_filling = false;
};
