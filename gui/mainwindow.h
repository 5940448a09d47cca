#pragma once

#include "dashboardsource.h"
#include "observe/serversnapshot.h"

#include <QMainWindow>
#include <QPointer>
#include <QSet>

class ChannelsView;
class ClientsModel;

class CommandLogFilter;
class CommandLogModel;
class KeysModel;
class LatencyView;
class MemoryView;
class ServerView;
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
struct RedisUrl;

// The dashboard window. It learns everything from its DashboardSource (snapshots, key pages,
// INFO) and asks for actions through its signals, wired to the source by setSource(); it never
// knows whether the server runs in this process or elsewhere.
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
    ServerView *serverView() const { return m_serverView; }
    LatencyView *latencyView() const { return m_latencyView; }
    MemoryView *memoryView() const { return m_memoryView; }
    ChannelsView *channelsView() const { return m_channelsView; }
    int snapshotsReceived() const { return m_snapshots; }
    const StatTile *memoryTile() const { return m_memory; }
    const StatTile *evictionsTile() const { return m_evictions; }
    const StatTile *limitsTile() const { return m_limits; }
    const SparkChart *memoryChart() const { return m_memoryChart; }
    DashboardSource *source() const { return m_source; }

    // Takes its data from source from now on (not owned), forgetting what the previous one
    // showed.
    void setSource(DashboardSource *source);
    // Watches the server at url through a RemoteSource the window owns.
    void connectTo(const RedisUrl &url);

public slots:
    void applySnapshot(const ServerSnapshot &snapshot);
    void applyKeyPage(const KeyPage &page);
    void applyValuePage(const ValuePage &page);
    void keyChanged(int db, const QByteArray &key);
    void valueEditFailed(int db, const QByteArray &key, const QString &message);
    void databasesFlushed();
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
    // Shows the tab titled title (without its "&"), if there is one.
    void showTab(const QString &title);
    // File > Connect: asks for a server and connects to it.
    void showConnectDialog();

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
    void connectionChanged(bool connected, const QString &state);
    void updateStatus();
    // The Keys tab shows its first page as soon as it is shown (and again after a reconnect).
    void showFirstKeysPage();
    void applySlowLog(const ServerSnapshot &snapshot);
    void applyLimits(const ServerSnapshot &snapshot);

    StatTile *m_address;
    StatTile *m_uptime;
    StatTile *m_clientCount;
    StatTile *m_keyCount;
    StatTile *m_ops;
    StatTile *m_commands;
    StatTile *m_memory;
    StatTile *m_hitRatio;
    StatTile *m_evictions;
    StatTile *m_limits;
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
    QByteArray m_newKey; // created from New key and not yet confirmed

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

    ServerView *m_serverView = nullptr;
    LatencyView *m_latencyView = nullptr;
    MemoryView *m_memoryView = nullptr;
    ChannelsView *m_channelsView = nullptr;
    bool m_configLoaded = false;
    bool m_memorySampled = false;

    QPlainTextEdit *m_serverLog = nullptr;
    QLabel *m_status = nullptr;
    QString m_connection;
    QPointer<DashboardSource> m_source;
    QPointer<DashboardSource> m_ownedSource;
    QString m_sourceState;
    QString m_keyCounts;
    bool m_keysLoaded = false;
    qint64 m_lastChartSecond = 0;
    // evicted_keys when the evictions rate was last taken, and when (-1: not yet).
    qint64 m_lastEvicted = -1;
    qint64 m_lastEvictedMs = 0;
    qint64 m_lastKeysRefresh = 0;
    int m_snapshots = 0;
};
