#pragma once

#include "observe/serversnapshot.h"

#include <QMainWindow>
#include <QSet>

class ClientsModel;
class CommandLogFilter;
class CommandLogModel;
class KeysModel;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTabWidget;
class QTableView;
class SlowLogModel;
class SparkChart;
class StatTile;
class ValueViewer;

// The dashboard window. It learns everything from snapshots and key pages and asks for
// actions through its signals; it never touches the server's state itself.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    ClientsModel *clientsModel() const { return m_clients; }
    KeysModel *keysModel() const { return m_keys; }
    CommandLogModel *commandLogModel() const { return m_log; }
    SlowLogModel *slowLogModel() const { return m_slowLog; }
    ValueViewer *valueViewer() const { return m_values; }
    int snapshotsReceived() const { return m_snapshots; }

public slots:
    void applySnapshot(const ServerSnapshot &snapshot);
    void applyKeyPage(const KeyPage &page);
    void applyValuePage(const ValuePage &page);
    void keyChanged(int db, const QByteArray &key);
    void valueEditFailed(int db, const QByteArray &key, const QString &message);
    // Actions, also reachable from the buttons and menus.
    void disconnectSelectedClient();
    void refreshKeys();
    void loadMoreKeys();
    void deleteSelectedKey();
    void setTtlOfSelectedKey();
    void persistSelectedKey();
    void editSelectedKey();
    void newKey();
    // Shows key of the database shown in the value viewer (and selects its row once listed).
    void viewKey(const QByteArray &key);
    void exportCommandLog();
    void flushAll();
    void copyConnectionString();
    void setSlowLogThreshold(int micros);
    void resetSlowLog();

signals:
    void killClientRequested(quint64 id);
    void keysRequested(int db, const QByteArray &pattern, quint64 cursor, int count);
    void deleteKeyRequested(int db, const QByteArray &key);
    void ttlRequested(int db, const QByteArray &key, qint64 seconds);
    void valuePageRequested(int db, const QByteArray &key, quint64 cursor, int count);
    void valueEditRequested(const ValueEdit &edit);
    void flushAllRequested();
    void slowLogThresholdRequested(qint64 micros);
    void slowLogResetRequested();

private:
    QWidget *createClientsTab();
    QWidget *createKeysTab();
    QWidget *createCommandLogTab();
    QWidget *createSlowLogTab();
    void createMenus();
    QByteArray selectedKey() const;
    void keySelectionChanged();
    // Selects the row of the key the viewer shows, when nothing is selected (after a refresh).
    void reselectViewedKey();
    void updateDroppedLabel(quint64 dropped);
    void applySlowLog(const ServerSnapshot &snapshot);

    StatTile *m_address;
    StatTile *m_uptime;
    StatTile *m_clientCount;
    StatTile *m_keyCount;
    StatTile *m_ops;
    StatTile *m_commands;
    StatTile *m_memory;
    StatTile *m_hitRatio;
    SparkChart *m_opsChart;
    SparkChart *m_clientsChart;
    SparkChart *m_memoryChart;
    SparkChart *m_networkChart;

    QTabWidget *m_tabs = nullptr;
    ClientsModel *m_clients;
    QSortFilterProxyModel *m_clientsSorted;
    QTableView *m_clientsView = nullptr;
    QLabel *m_clientsSummary = nullptr;

    KeysModel *m_keys;
    QWidget *m_keysTab = nullptr;
    QSortFilterProxyModel *m_keysSorted;
    QTableView *m_keysView = nullptr;
    QComboBox *m_db = nullptr;
    QLineEdit *m_pattern = nullptr;
    QCheckBox *m_liveKeys = nullptr;
    QPushButton *m_moreKeys = nullptr;
    QLabel *m_keysSummary = nullptr;
    ValueViewer *m_values = nullptr;
    bool m_centerViewedKey = false;

    CommandLogModel *m_log;
    CommandLogFilter *m_logFilter;
    QTableView *m_logView = nullptr;
    QComboBox *m_commandFilter = nullptr;
    QSet<QByteArray> m_commandNames;
    QLabel *m_dropped = nullptr;
    bool m_followLog = true;

    SlowLogModel *m_slowLog;
    QSortFilterProxyModel *m_slowLogSorted;
    QTableView *m_slowLogView = nullptr;
    QLabel *m_slowLogSummary = nullptr;
    QSpinBox *m_slowLogThreshold = nullptr;
    // The threshold asked for and not yet seen in a snapshot: until then (or a second passes)
    // snapshots built before the request must not put the old value back in the spin box.
    qint64 m_requestedThreshold = 0;
    qint64 m_thresholdRequestedMs = 0;

    QPlainTextEdit *m_serverLog = nullptr;
    QLabel *m_status = nullptr;
    QString m_connection;
    qint64 m_lastChartSecond = 0;
    qint64 m_lastKeysRefresh = 0;
    int m_snapshots = 0;
};
