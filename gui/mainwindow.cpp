#include "mainwindow.h"

#include "channelsview.h"
#include "clientsmodel.h"
#include "commandlogfilter.h"
#include "commandlogmodel.h"
#include "connectdialog.h"
#include "dashboardsource.h"
#include "formatting.h"
#include "keysmodel.h"
#include "latencyview.h"
#include "memoryview.h"
#include "remotesource.h"
#include "serverview.h"
#include "slowlogmodel.h"
#include "sparkchart.h"
#include "stattile.h"
#include "valuedialog.h"
#include "valuemodel.h"
#include "valueviewer.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QGridLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace {

constexpr int KeysPerPage = 200;
constexpr qint64 LiveKeysIntervalMs = 2000;
constexpr qint64 ThresholdRequestTimeoutMs = 1000;

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(22);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    return view;
}

QSortFilterProxyModel *sorted(QAbstractItemModel *model, int sortRole, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setSortRole(sortRole);
    proxy->setDynamicSortFilter(true);
    return proxy;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_address(new StatTile(tr("Address")))
    , m_uptime(new StatTile(tr("Uptime")))
    , m_clientCount(new StatTile(tr("Clients")))
    , m_keyCount(new StatTile(tr("Keys")))
    , m_ops(new StatTile(tr("Ops/sec")))
    , m_commands(new StatTile(tr("Commands")))
    , m_memory(new StatTile(tr("Memory")))
    , m_hitRatio(new StatTile(tr("Hit ratio")))
    , m_evictions(new StatTile(tr("Evictions/s")))
    , m_limits(new StatTile(tr("Refused")))
    , m_opsChart(new SparkChart(tr("Operations / second"), &Formatting::rate))
    , m_clientsChart(new SparkChart(tr("Connected clients"),
                                    [](double v) { return QString::number(qRound64(v)); }))
    , m_memoryChart(new SparkChart(tr("Memory in use"),
                                   [](double v) { return Formatting::bytes(qint64(v)); }))
    , m_networkChart(new SparkChart(tr("Network (KB/s)"),
                                    [](double v) { return QString::number(v, 'f', 1); }))
    , m_clients(new ClientsModel(this))
    , m_clientsSorted(sorted(m_clients, ClientsModel::SortRole, this))
    , m_keys(new KeysModel(this))
    , m_keysSorted(sorted(m_keys, KeysModel::SortRole, this))
    , m_log(new CommandLogModel(10000, this))
    , m_logFilter(new CommandLogFilter(this))
    , m_slowLog(new SlowLogModel(this))
    , m_slowLogSorted(sorted(m_slowLog, SlowLogModel::SortRole, this))
{
    setWindowTitle(tr("qkv dashboard"));
    setWindowIcon(QIcon(QStringLiteral(":/qkv/qkv.svg")));
    m_logFilter->setSourceModel(m_log);
    m_networkChart->setSeriesName(tr("in"));
    m_limits->setToolTip(tr("Connections rejected (maxclients), then clients closed for going "
                            "over an output or query buffer limit (n/a: the server does not "
                            "count them)"));
    m_networkChart->setSecondSeries(tr("out"), QColor(0xff, 0xb7, 0x4d));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(10, 10, 10, 6);
    layout->setSpacing(8);

    auto *tiles = new QGridLayout;
    tiles->setSpacing(8);
    const QList<StatTile *> allTiles { m_address,  m_uptime, m_clientCount, m_keyCount,  m_ops,
                                       m_commands, m_memory, m_hitRatio,    m_evictions, m_limits };
    for (int i = 0; i < allTiles.size(); ++i)
        tiles->addWidget(allTiles[i], 0, i);
    layout->addLayout(tiles);

    auto *charts = new QHBoxLayout;
    charts->setSpacing(8);
    for (SparkChart *chart : { m_opsChart, m_clientsChart, m_memoryChart, m_networkChart })
        charts->addWidget(chart);
    layout->addLayout(charts);

    m_tabs = new QTabWidget(central);
    m_tabs->addTab(createClientsTab(), tr("Clients"));
    m_tabs->addTab(createKeysTab(), tr("Keys"));
    m_tabs->addTab(createCommandLogTab(), tr("Command log"));
    m_channelsView = new ChannelsView(m_tabs);
    m_tabs->addTab(m_channelsView, tr("Channels"));
    m_tabs->addTab(createSlowLogTab(), tr("Slow log"));
    m_serverView = new ServerView(m_tabs);
    m_tabs->addTab(m_serverView, tr("Server"));
    m_latencyView = new LatencyView(m_tabs);
    m_tabs->addTab(m_latencyView, tr("Latency"));
    m_memoryView = new MemoryView(m_tabs);
    m_tabs->addTab(m_memoryView, tr("Memory"));
    connect(m_memoryView, &MemoryView::keyActivated, this, [this](int db, const QByteArray &key) {
        m_db->setCurrentIndex(db);
        viewKey(key);
    });
    m_serverLog = new QPlainTextEdit(m_tabs);
    m_serverLog->setReadOnly(true);
    m_serverLog->setMaximumBlockCount(5000);
    m_serverLog->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_serverLog->setPlaceholderText(tr("The log of a server running in this process shows here; "
                                       "a remote server's log stays on its host."));
    m_tabs->addTab(m_serverLog, tr("Server log"));
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (!m_keysLoaded)
            showFirstKeysPage();
        if (!m_source || !m_source->isConnected())
            return;
        if (!m_configLoaded && m_tabs->currentWidget() == m_serverView) {
            m_configLoaded = true;
            m_source->requestConfig();
        }
        // A first sample when the tab first opens; the button takes the next ones.
        if (!m_memorySampled && m_tabs->currentWidget() == m_memoryView) {
            m_memorySampled = true;
            m_memoryView->sample();
        }
    });

    createMenus();
    m_status = new QLabel(tr("Starting…"), this);
    statusBar()->addWidget(m_status, 1);
    resize(1280, 820);
}

QWidget *MainWindow::createClientsTab()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *bar = new QHBoxLayout;
    m_clientsSummary = new QLabel(page);
    auto *disconnect = new QPushButton(tr("Disconnect"), page);
    disconnect->setObjectName(QStringLiteral("disconnectButton"));
    disconnect->setToolTip(tr("Close the selected client's connection"));
    bar->addWidget(m_clientsSummary, 1);
    bar->addWidget(disconnect);
    layout->addLayout(bar);
    m_clientsView = makeTable(m_clientsSorted, page);
    m_clientsView->setObjectName(QStringLiteral("clientsView"));
    m_clientsView->setSortingEnabled(true);
    m_clientsView->sortByColumn(ClientsModel::Id, Qt::AscendingOrder);
    m_clientsView->horizontalHeader()->resizeSection(ClientsModel::Address, 150);
    // Narrow numeric columns leave room for the name and subscriptions without scrolling.
    for (const auto &[column, width] :
         { std::pair { ClientsModel::Id, 60 }, std::pair { ClientsModel::Name, 130 },
           std::pair { ClientsModel::Age, 60 }, std::pair { ClientsModel::Idle, 60 },
           std::pair { ClientsModel::Db, 40 }, std::pair { ClientsModel::Flags, 50 },
           std::pair { ClientsModel::Subscriptions, 110 }, std::pair { ClientsModel::BytesIn, 90 },
           std::pair { ClientsModel::BytesOut, 90 }, std::pair { ClientsModel::QueryBuffer, 70 },
           std::pair { ClientsModel::OutputMemory, 70 } })
        m_clientsView->horizontalHeader()->resizeSection(column, width);
    layout->addWidget(m_clientsView);
    connect(disconnect, &QPushButton::clicked, this, &MainWindow::disconnectSelectedClient);
    return page;
}

QWidget *MainWindow::createKeysTab()
{
    auto *page = new QWidget;
    m_keysTab = page;
    auto *layout = new QVBoxLayout(page);
    auto *bar = new QHBoxLayout;
    m_db = new QComboBox(page);
    for (int i = 0; i < 16; ++i)
        m_db->addItem(QStringLiteral("db%1").arg(i), i);
    m_pattern = new QLineEdit(page);
    m_pattern->setObjectName(QStringLiteral("keyPattern"));
    m_pattern->setPlaceholderText(tr("Filter keys with a glob, e.g. user:*"));
    m_pattern->setClearButtonEnabled(true);
    auto *refresh = new QPushButton(tr("Refresh"), page);
    m_liveKeys = new QCheckBox(tr("Live"), page);
    m_liveKeys->setToolTip(tr("Refresh the first page of keys and the value shown every two "
                              "seconds"));
    m_moreKeys = new QPushButton(tr("Load more"), page);
    m_moreKeys->setObjectName(QStringLiteral("moreKeysButton"));
    bar->addWidget(m_db);
    bar->addWidget(m_pattern, 1);
    bar->addWidget(refresh);
    bar->addWidget(m_liveKeys);
    bar->addWidget(m_moreKeys);
    layout->addLayout(bar);

    // The keys on the left, the selected key's value on the right.
    auto *split = new QSplitter(Qt::Horizontal, page);
    split->setObjectName(QStringLiteral("keysSplitter"));
    split->setChildrenCollapsible(false);
    auto *keysPane = new QWidget(split);
    auto *keysLayout = new QVBoxLayout(keysPane);
    keysLayout->setContentsMargins(0, 0, 0, 0);
    m_keysView = makeTable(m_keysSorted, keysPane);
    m_keysView->setObjectName(QStringLiteral("keysView"));
    // SCAN's order at first, with no sort arrow (the rows are not in key order); a click on a
    // header sorts, a third click returns to SCAN's order.
    m_keysView->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_keysView->horizontalHeader()->setSortIndicatorClearable(true);
    m_keysView->setSortingEnabled(true);
    m_keysView->horizontalHeader()->resizeSection(KeysModel::Key, 200);
    m_keysView->horizontalHeader()->resizeSection(KeysModel::Type, 60);
    m_keysView->horizontalHeader()->resizeSection(KeysModel::Ttl, 70);
    m_keysView->horizontalHeader()->resizeSection(KeysModel::Size, 110);
    keysLayout->addWidget(m_keysView);
    auto *actions = new QHBoxLayout;
    m_keysSummary = new QLabel(keysPane);
    auto *create = new QPushButton(tr("New key…"), keysPane);
    create->setObjectName(QStringLiteral("newKeyButton"));
    auto *remove = new QPushButton(tr("Delete"), keysPane);
    auto *ttl = new QPushButton(tr("Set TTL…"), keysPane);
    auto *persist = new QPushButton(tr("Persist"), keysPane);
    actions->addWidget(m_keysSummary, 1);
    for (QPushButton *button : { create, ttl, persist, remove })
        actions->addWidget(button);
    keysLayout->addLayout(actions);

    m_values = new ValueViewer(split);
    split->addWidget(keysPane);
    split->addWidget(m_values);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({ 700, 500 });
    layout->addWidget(split);

    connect(refresh, &QPushButton::clicked, this, &MainWindow::refreshKeys);
    connect(m_pattern, &QLineEdit::returnPressed, this, &MainWindow::refreshKeys);
    connect(m_db, &QComboBox::currentIndexChanged, this, &MainWindow::refreshKeys);
    connect(m_moreKeys, &QPushButton::clicked, this, &MainWindow::loadMoreKeys);
    connect(create, &QPushButton::clicked, this, &MainWindow::newKey);
    connect(remove, &QPushButton::clicked, this, &MainWindow::deleteSelectedKey);
    connect(ttl, &QPushButton::clicked, this, &MainWindow::setTtlOfSelectedKey);
    connect(persist, &QPushButton::clicked, this, &MainWindow::persistSelectedKey);
    connect(m_keysView, &QTableView::doubleClicked, this, &MainWindow::editSelectedKey);
    connect(m_keysView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::keySelectionChanged);
    connect(m_values, &ValueViewer::pageRequested, this, &MainWindow::valuePageRequested);
    connect(m_values, &ValueViewer::editRequested, this, &MainWindow::valueEditRequested);
    return page;
}

QWidget *MainWindow::createCommandLogTab()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *bar = new QHBoxLayout;
    auto *text = new QLineEdit(page);
    text->setObjectName(QStringLiteral("logFilter"));
    text->setPlaceholderText(tr("Filter by text"));
    text->setClearButtonEnabled(true);
    m_commandFilter = new QComboBox(page);
    m_commandFilter->setEditable(true);
    m_commandFilter->addItem(QString());
    m_commandFilter->lineEdit()->setPlaceholderText(tr("Any command"));
    auto *client = new QLineEdit(page);
    client->setPlaceholderText(tr("Client"));
    client->setClearButtonEnabled(true);
    auto *pause = new QPushButton(tr("Pause"), page);
    pause->setObjectName(QStringLiteral("pauseButton"));
    pause->setCheckable(true);
    auto *clear = new QPushButton(tr("Clear"), page);
    auto *exportButton = new QPushButton(tr("Export…"), page);
    bar->addWidget(text, 2);
    bar->addWidget(m_commandFilter, 1);
    bar->addWidget(client, 1);
    bar->addWidget(pause);
    bar->addWidget(clear);
    bar->addWidget(exportButton);
    layout->addLayout(bar);

    m_logView = makeTable(m_logFilter, page);
    m_logView->setObjectName(QStringLiteral("commandLogView"));
    m_logView->horizontalHeader()->resizeSection(CommandLogModel::Time, 100);
    m_logView->horizontalHeader()->resizeSection(CommandLogModel::Client, 170);
    m_logView->horizontalHeader()->resizeSection(CommandLogModel::Command, 110);
    m_logView->horizontalHeader()->resizeSection(CommandLogModel::Arguments, 560);
    layout->addWidget(m_logView);
    m_dropped = new QLabel(page);
    layout->addWidget(m_dropped);
    updateDroppedLabel(0);

    connect(text, &QLineEdit::textChanged, m_logFilter, &CommandLogFilter::setText);
    connect(client, &QLineEdit::textChanged, m_logFilter, &CommandLogFilter::setClient);
    connect(m_commandFilter, &QComboBox::currentTextChanged, m_logFilter,
            &CommandLogFilter::setCommand);
    connect(pause, &QPushButton::toggled, this, [this, pause](bool paused) {
        m_log->setPaused(paused);
        pause->setText(paused ? tr("Resume") : tr("Pause"));
    });
    connect(clear, &QPushButton::clicked, m_log, &CommandLogModel::clear);
    connect(exportButton, &QPushButton::clicked, this, &MainWindow::exportCommandLog);
    connect(m_log, &CommandLogModel::droppedChanged, this, &MainWindow::updateDroppedLabel);
    // Follow new entries only while the user has not scrolled up.
    QScrollBar *scroll = m_logView->verticalScrollBar();
    connect(scroll, &QScrollBar::valueChanged, this,
            [this, scroll](int value) { m_followLog = value >= scroll->maximum() - 2; });
    connect(m_logFilter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_followLog)
            m_logView->scrollToBottom();
    });
    return page;
}

QWidget *MainWindow::createSlowLogTab()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *bar = new QHBoxLayout;
    m_slowLogSummary = new QLabel(page);
    m_slowLogSummary->setObjectName(QStringLiteral("slowLogSummary"));
    auto *thresholdLabel = new QLabel(tr("Log commands taking at least"), page);
    m_slowLogThreshold = new QSpinBox(page);
    m_slowLogThreshold->setObjectName(QStringLiteral("slowLogThreshold"));
    // The values CONFIG SET slowlog-log-slower-than takes (up to what an int holds: 35 min).
    m_slowLogThreshold->setRange(-1, std::numeric_limits<int>::max());
    m_slowLogThreshold->setSpecialValueText(tr("Off"));
    m_slowLogThreshold->setSuffix(QStringLiteral(" µs"));
    m_slowLogThreshold->setGroupSeparatorShown(true);
    m_slowLogThreshold->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    m_slowLogThreshold->setMinimumWidth(120);
    // Only finished values go to the server, not every digit while one is typed.
    m_slowLogThreshold->setKeyboardTracking(false);
    m_slowLogThreshold->setToolTip(
            tr("slowlog-log-slower-than, in microseconds: 0 logs every command, Off (-1) none"));
    thresholdLabel->setBuddy(m_slowLogThreshold);
    auto *reset = new QPushButton(tr("Reset"), page);
    reset->setObjectName(QStringLiteral("slowLogResetButton"));
    reset->setToolTip(tr("Empty the server's slow log (SLOWLOG RESET)"));
    bar->addWidget(m_slowLogSummary, 1);
    bar->addWidget(thresholdLabel);
    bar->addWidget(m_slowLogThreshold);
    bar->addWidget(reset);
    layout->addLayout(bar);

    m_slowLogView = makeTable(m_slowLogSorted, page);
    m_slowLogView->setObjectName(QStringLiteral("slowLogView"));
    m_slowLogView->setSortingEnabled(true);
    m_slowLogView->sortByColumn(SlowLogModel::Id, Qt::DescendingOrder);
    m_slowLogView->horizontalHeader()->resizeSection(SlowLogModel::Time, 150);
    m_slowLogView->horizontalHeader()->resizeSection(SlowLogModel::Duration, 90);
    m_slowLogView->horizontalHeader()->resizeSection(SlowLogModel::Client, 200);
    layout->addWidget(m_slowLogView);

    connect(m_slowLogThreshold, &QSpinBox::valueChanged, this, &MainWindow::setSlowLogThreshold);
    connect(reset, &QPushButton::clicked, this, &MainWindow::resetSlowLog);
    return page;
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Connect…"), this, &MainWindow::showConnectDialog)
            ->setShortcut(QKeySequence::Open);
    file->addAction(tr("Copy connection string"), this, &MainWindow::copyConnectionString);
    file->addAction(tr("Export command log…"), this, &MainWindow::exportCommandLog);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *server = menuBar()->addMenu(tr("&Server"));
    server->addAction(tr("Refresh keys"), this, &MainWindow::refreshKeys)
            ->setShortcut(QKeySequence::Refresh);
    server->addSeparator();
    server->addAction(tr("Flush all databases…"), this, &MainWindow::flushAll);
}

void MainWindow::applyLimits(const ServerSnapshot &s)
{
    if (s.maxMemory > 0) {
        m_memory->setValue(Formatting::bytes(s.usedMemory),
                           tr("of %1 · %2")
                                   .arg(Formatting::bytes(s.maxMemory),
                                        QString::fromLatin1(s.maxMemoryPolicy)));
        m_memoryChart->setCeiling(double(s.maxMemory),
                                  tr("maxmemory %1").arg(Formatting::bytes(s.maxMemory)));
    } else {
        m_memory->setValue(Formatting::bytes(s.usedMemory));
        m_memoryChart->setCeiling(0, QString());
    }
    // The rate is taken over a second or more, whatever the snapshot rate; a counter that went
    // down was reset (CONFIG RESETSTAT, another server) and gives no rate.
    const qint64 evicted = qint64(s.evictedKeys);
    const bool restart = m_lastEvicted < 0 || evicted < m_lastEvicted;
    if (restart || s.timeMs - m_lastEvictedMs >= 1000) {
        const double perSecond = restart
                ? 0
                : double(evicted - m_lastEvicted) * 1000.0 / double(s.timeMs - m_lastEvictedMs);
        m_lastEvicted = evicted;
        m_lastEvictedMs = s.timeMs;
        m_evictions->setValue(Formatting::rate(perSecond),
                              tr("%1 evicted").arg(Formatting::count(s.evictedKeys)));
    }
    const QString closed = s.clientsClosedByLimits < 0
            ? tr("n/a")
            : Formatting::count(quint64(s.clientsClosedByLimits));
    m_limits->setValue(tr("%1 / %2").arg(Formatting::count(s.rejectedConnections), closed),
                       tr("rejected / limits"));
}

void MainWindow::applySnapshot(const ServerSnapshot &s)
{
    ++m_snapshots;
    m_connection = QStringLiteral("redis://") + s.address;
    m_address->setValue(s.address);
    m_uptime->setValue(Formatting::duration(s.uptimeSeconds));
    m_clientCount->setValue(QString::number(s.connectedClients),
                            tr("%1 total").arg(Formatting::count(s.totalConnections)));
    m_keyCount->setValue(Formatting::count(quint64(s.totalKeys)));
    m_ops->setValue(Formatting::rate(s.opsPerSecond));
    m_commands->setValue(Formatting::count(s.totalCommands));
    applyLimits(s);
    const quint64 lookups = s.keyspaceHits + s.keyspaceMisses;
    m_hitRatio->setValue(
            lookups ? QStringLiteral("%1 %").arg(100.0 * double(s.keyspaceHits) / double(lookups),
                                                 0, 'f', 1)
                    : QStringLiteral("-"),
            tr("%1 hits, %2 misses")
                    .arg(Formatting::count(s.keyspaceHits), Formatting::count(s.keyspaceMisses)));
    for (int i = 0; i < s.keysPerDb.size() && i < m_db->count(); ++i)
        m_db->setItemText(i, QStringLiteral("db%1 (%2)").arg(i).arg(s.keysPerDb[i]));

    // Charts take one sample a second whatever the snapshot rate.
    const qint64 second = s.timeMs / 1000;
    if (second != m_lastChartSecond) {
        m_lastChartSecond = second;
        m_opsChart->addSample(s.opsPerSecond);
        m_clientsChart->addSample(double(s.connectedClients));
        m_memoryChart->addSample(double(s.usedMemory));
        m_networkChart->addSample(s.inputKbps, s.outputKbps);
    }

    m_clients->update(s.clients);
    m_clientsSummary->setText(
            tr("%n client(s) connected", nullptr, int(s.connectedClients))
            + (s.clientsTruncated ? tr(" (first %1 shown)").arg(s.clients.size()) : QString()));

    m_log->append(s.commands, s.droppedCommands);
    for (qsizetype i = 0; i < s.commands.size() && m_commandFilter->count() < 200; ++i) {
        const QByteArrayView name = s.commands.at(i).command;
        if (!m_commandNames.contains(QByteArray::fromRawData(name.data(), name.size()))) {
            m_commandNames.insert(name.toByteArray());
            m_commandFilter->addItem(QString::fromLatin1(name));
        }
    }
    applySlowLog(s);
    m_channelsView->applySnapshot(s);

    // One append per snapshot: a layout pass per line would cost more than the server's work.
    if (!s.logLines.isEmpty())
        m_serverLog->appendPlainText(QString::fromUtf8(s.logLines.join('\n')));

    if (m_liveKeys->isChecked() && s.timeMs - m_lastKeysRefresh >= LiveKeysIntervalMs) {
        refreshKeys();
        if (m_values->model()->isLoaded())
            m_values->reload();
    }
    m_keyCounts = tr("%1 keys in %2 databases")
                          .arg(Formatting::count(quint64(s.totalKeys)))
                          .arg(std::count_if(s.keysPerDb.cbegin(), s.keysPerDb.cend(),
                                             [](qint64 n) { return n > 0; }));
    updateStatus();
}

void MainWindow::setSource(DashboardSource *source)
{
    if (m_source) {
        disconnect(m_source, nullptr, this, nullptr);
        disconnect(this, nullptr, m_source, nullptr);
        for (QObject *view :
             { static_cast<QObject *>(m_serverView), static_cast<QObject *>(m_latencyView),
               static_cast<QObject *>(m_memoryView), static_cast<QObject *>(m_channelsView) }) {
            disconnect(m_source, nullptr, view, nullptr);
            disconnect(view, nullptr, m_source, nullptr);
        }
    }
    if (m_ownedSource && m_ownedSource != source)
        m_ownedSource->deleteLater();
    m_source = source;
    // Nothing of the previous server stays on screen.
    m_clients->update({});
    m_log->clear();
    m_serverLog->clear();
    m_slowLog->update({});
    // The URL's database first ("redis://host/2").
    {
        const QSignalBlocker blocker(m_db);
        m_db->setCurrentIndex(qBound(0, source->url().db, m_db->count() - 1));
    }
    m_keys->restart(m_db->currentData().toInt(), m_keys->pattern());
    m_values->showKey(m_keys->db(), {});
    m_keysLoaded = false;
    m_configLoaded = false;
    m_memorySampled = false;
    m_serverView->clear();
    m_latencyView->clear();
    m_memoryView->clear();
    m_channelsView->clear();
    m_keyCounts.clear();
    m_lastEvicted = -1;
    m_sourceState = source->isConnected() ? tr("connected") : tr("connecting…");
    setWindowTitle(tr("qkv dashboard - %1").arg(source->description()));
    updateStatus();

    connect(source, &DashboardSource::snapshotReady, this, &MainWindow::applySnapshot);
    connect(source, &DashboardSource::keysReady, this, &MainWindow::applyKeyPage);
    connect(source, &DashboardSource::valueReady, this, &MainWindow::applyValuePage);
    connect(source, &DashboardSource::keyChanged, this, &MainWindow::keyChanged);
    connect(source, &DashboardSource::editFailed, this, &MainWindow::valueEditFailed);
    connect(source, &DashboardSource::flushed, this, &MainWindow::databasesFlushed);
    connect(source, &DashboardSource::connectionChanged, this, &MainWindow::connectionChanged);
    connect(source, &DashboardSource::actionFailed, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    connect(source, &DashboardSource::actionDone, this,
            [this](const QString &message) { statusBar()->showMessage(message, 5000); });
    connect(this, &MainWindow::killClientRequested, source, &DashboardSource::killClient);
    connect(this, &MainWindow::keysRequested, source, &DashboardSource::requestKeys);
    connect(this, &MainWindow::deleteKeyRequested, source, &DashboardSource::deleteKey);
    connect(this, &MainWindow::ttlRequested, source, &DashboardSource::setTtl);
    connect(this, &MainWindow::valuePageRequested, source, &DashboardSource::requestValue);
    connect(this, &MainWindow::valueEditRequested, source, &DashboardSource::editValue);
    connect(this, &MainWindow::flushAllRequested, source, &DashboardSource::flushAll);
    connect(this, &MainWindow::slowLogThresholdRequested, source,
            &DashboardSource::setSlowLogThreshold);
    connect(this, &MainWindow::slowLogResetRequested, source, &DashboardSource::resetSlowLog);
    connect(source, &DashboardSource::infoReady, m_serverView, &ServerView::setInfo);
    connect(source, &DashboardSource::infoReady, m_latencyView, &LatencyView::setInfo);
    connect(source, &DashboardSource::latencyEventsReady, m_latencyView, &LatencyView::setEvents);
    connect(source, &DashboardSource::infoReady, m_memoryView, &MemoryView::setInfo);
    connect(source, &DashboardSource::configReady, m_serverView, &ServerView::setConfig);
    connect(source, &DashboardSource::configChanged, m_serverView, &ServerView::configChanged);
    connect(source, &DashboardSource::memorySampled, m_memoryView, &MemoryView::setSample);
    connect(m_serverView, &ServerView::configSetRequested, source, &DashboardSource::setConfig);
    connect(m_serverView, &ServerView::configRefreshRequested, source,
            &DashboardSource::requestConfig);
    connect(m_serverView, &ServerView::saveRequested, source, &DashboardSource::saveNow);
    connect(m_memoryView, &MemoryView::sampleRequested, source, &DashboardSource::sampleMemory);
    connect(m_channelsView, &ChannelsView::watchRequested, source, &DashboardSource::watchChannel);
    connect(m_channelsView, &ChannelsView::publishRequested, source, &DashboardSource::publish);
    connect(source, &DashboardSource::published, m_channelsView, &ChannelsView::published);
    if (source->isConnected())
        showFirstKeysPage();
}

void MainWindow::connectTo(const RedisUrl &url)
{
    auto *source = new RemoteSource(url, this);
    setSource(source);
    m_ownedSource = source;
    source->start();
}

void MainWindow::showTab(const QString &title)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->tabText(i).remove(QLatin1Char('&')) == title)
            m_tabs->setCurrentIndex(i);
    }
}

void MainWindow::showConnectDialog()
{
    ConnectDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        connectTo(dialog.url());
}

void MainWindow::connectionChanged(bool connected, const QString &state)
{
    m_sourceState = state;
    updateStatus();
    if (!connected)
        return;
    showFirstKeysPage();
    if (m_tabs->currentWidget() == m_serverView) {
        m_configLoaded = true;
        m_source->requestConfig();
    }
}

void MainWindow::updateStatus()
{
    if (!m_source)
        return;
    QStringList parts { m_source->description(), m_sourceState };
    if (!m_keyCounts.isEmpty() && m_source->isConnected())
        parts.append(m_keyCounts);
    m_status->setText(parts.join(QStringLiteral("  ·  ")));
}

void MainWindow::showFirstKeysPage()
{
    if (m_tabs->currentWidget() != m_keysTab || !m_source || !m_source->isConnected())
        return;
    m_keysLoaded = true;
    refreshKeys();
}

void MainWindow::applySlowLog(const ServerSnapshot &s)
{
    if (s.slowLogChanged)
        m_slowLog->update(s.slowLog);
    QString setting;
    if (s.slowLogSlowerThan < 0)
        setting = tr("Slow log off, last %1 kept");
    else if (s.slowLogSlowerThan == 0)
        setting = tr("Every command logged, last %1 kept");
    else
        setting = tr("Commands slower than %1, last %2 kept")
                          .arg(Formatting::micros(s.slowLogSlowerThan));
    setting = setting.arg(Formatting::count(quint64(s.slowLogMaxLen)));
    m_slowLogSummary->setText(
            setting + QStringLiteral("  ·  ")
            + (s.slowLogLength == 1
                       ? tr("1 entry")
                       : tr("%1 entries").arg(Formatting::count(quint64(s.slowLogLength))))
            + (s.slowLogLength > m_slowLog->rowCount()
                       ? tr(" (newest %1 shown)").arg(m_slowLog->rowCount())
                       : QString()));

    // The spin box follows the server (CONFIG SET from any client) unless the user is typing
    // in it, or a value asked for has not reached the server yet.
    if (m_thresholdRequestedMs != 0
        && (s.slowLogSlowerThan == m_requestedThreshold
            || s.timeMs - m_thresholdRequestedMs > ThresholdRequestTimeoutMs))
        m_thresholdRequestedMs = 0;
    if (m_thresholdRequestedMs == 0 && !m_slowLogThreshold->hasFocus()) {
        const QSignalBlocker blocker(m_slowLogThreshold);
        m_slowLogThreshold->setValue(
                int(qMin<long long>(s.slowLogSlowerThan, m_slowLogThreshold->maximum())));
    }
}

void MainWindow::applyKeyPage(const KeyPage &page)
{
    m_keys->addPage(page);
    m_moreKeys->setEnabled(m_keys->hasMore());
    m_keysSummary->setText(tr("%n key(s) shown", nullptr, m_keys->rowCount())
                           + (m_keys->hasMore() ? tr(", more available") : QString()));
    reselectViewedKey();
}

void MainWindow::applyValuePage(const ValuePage &page)
{
    // The page says how the key is now: its row in the list follows, in place.
    m_keys->updateKey(page.db, page.summary);
    m_values->applyPage(page);
}

void MainWindow::keyChanged(int db, const QByteArray &key)
{
    if (db == m_keys->db() && key == m_newKey) {
        m_newKey.clear();
        refreshKeys();
    }
    // The key shown changed (an edit from here): ask for it again, which also updates its row
    // and keeps the list as it is. Any other change reloads the list.
    if (m_values->shows(db, key))
        m_values->reload();
    else if (db == m_keys->db())
        refreshKeys();
}

void MainWindow::valueEditFailed(int db, const QByteArray &key, const QString &message)
{
    m_values->showError(db, key, message);
    statusBar()->showMessage(message, 8000);
}

void MainWindow::disconnectSelectedClient()
{
    const QModelIndexList rows = m_clientsView->selectionModel()->selectedRows();
    if (!rows.isEmpty())
        emit killClientRequested(rows.first().data(ClientsModel::IdRole).toULongLong());
}

void MainWindow::refreshKeys()
{
    QByteArray pattern = m_pattern->text().trimmed().toUtf8();
    if (pattern.isEmpty())
        pattern = "*";
    m_lastKeysRefresh = QDateTime::currentMSecsSinceEpoch();
    const int db = m_db->currentData().toInt();
    if (m_values->db() != db)
        m_values->showKey(db, {});
    m_keys->restart(db, pattern);
    emit keysRequested(m_keys->db(), pattern, 0, KeysPerPage);
}

void MainWindow::loadMoreKeys()
{
    if (m_keys->hasMore())
        emit keysRequested(m_keys->db(), m_keys->pattern(), m_keys->nextCursor(), KeysPerPage);
}

QByteArray MainWindow::selectedKey() const
{
    const QModelIndexList rows = m_keysView->selectionModel()->selectedRows();
    return rows.isEmpty() ? QByteArray() : rows.first().data(KeysModel::KeyRole).toByteArray();
}

void MainWindow::keySelectionChanged()
{
    // A selection lost to a refresh keeps the value shown; reselectViewedKey() brings it back.
    const QByteArray key = selectedKey();
    if (!key.isNull() && !m_values->shows(m_keys->db(), key))
        m_values->showKey(m_keys->db(), key);
}

void MainWindow::reselectViewedKey()
{
    if (!m_keysView->selectionModel()->selectedRows().isEmpty()
        || !m_values->shows(m_keys->db(), m_values->key()))
        return;
    const int row = m_keys->rowOf(m_values->key());
    if (row < 0)
        return;
    const QModelIndex index = m_keysSorted->mapFromSource(m_keys->index(row, 0));
    m_keysView->selectRow(index.row());
    // A key asked for by name comes to the middle; one reselected after a refresh only
    // into view.
    m_keysView->scrollTo(index,
                         m_centerViewedKey ? QAbstractItemView::PositionAtCenter
                                           : QAbstractItemView::EnsureVisible);
    m_centerViewedKey = false;
}

void MainWindow::viewKey(const QByteArray &key)
{
    m_tabs->setCurrentWidget(m_keysTab);
    m_keysView->clearSelection();
    m_values->showKey(m_keys->db(), key);
    m_centerViewedKey = true;
    reselectViewedKey();
}

void MainWindow::deleteSelectedKey()
{
    const QByteArray key = selectedKey();
    if (key.isNull())
        return;
    m_keys->removeKey(key);
    emit deleteKeyRequested(m_keys->db(), key);
}

void MainWindow::setTtlOfSelectedKey()
{
    const QByteArray key = selectedKey();
    if (key.isNull())
        return;
    bool ok = false;
    const int seconds = QInputDialog::getInt(
            this, tr("Set TTL"), tr("Expire %1 in seconds:").arg(Formatting::printable(key)), 60, 1,
            std::numeric_limits<int>::max(), 1, &ok);
    if (ok)
        emit ttlRequested(m_keys->db(), key, seconds);
}

void MainWindow::persistSelectedKey()
{
    const QByteArray key = selectedKey();
    if (!key.isNull())
        emit ttlRequested(m_keys->db(), key, -1);
}

void MainWindow::editSelectedKey()
{
    const QByteArray key = selectedKey();
    if (key.isNull())
        return;
    if (!m_values->shows(m_keys->db(), key))
        m_values->showKey(m_keys->db(), key);
    // A string is edited whole; an aggregate element by element in the viewer.
    if (m_values->model()->type() == "string")
        m_values->editSelected();
    else
        m_values->view()->setFocus();
}

void MainWindow::newKey()
{
    NewKeyDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    // The list is read again once the key exists (keyChanged), which also reloads the viewer.
    m_newKey = dialog.key();
    emit valueEditRequested(dialog.edit(m_keys->db()));
    m_values->showKey(m_keys->db(), dialog.key());
}

void MainWindow::exportCommandLog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export command log"),
                                                      QStringLiteral("commands.tsv"),
                                                      tr("Tab-separated values (*.tsv)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !m_log->exportTo(&file) || !file.commit())
        QMessageBox::warning(this, tr("Export failed"), file.errorString());
}

void MainWindow::flushAll()
{
    const auto answer
            = QMessageBox::warning(this, tr("Flush all databases"),
                                   tr("Delete every key in every database? This cannot be undone."),
                                   QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes)
        emit flushAllRequested();
}

void MainWindow::databasesFlushed()
{
    m_keys->restart(m_keys->db(), m_keys->pattern());
    m_values->reload(); // it is gone too
}

void MainWindow::copyConnectionString()
{
    QApplication::clipboard()->setText(m_connection);
    statusBar()->showMessage(tr("Copied %1").arg(m_connection), 3000);
}

void MainWindow::setSlowLogThreshold(int micros)
{
    m_requestedThreshold = micros;
    m_thresholdRequestedMs = QDateTime::currentMSecsSinceEpoch();
    const QSignalBlocker blocker(m_slowLogThreshold);
    m_slowLogThreshold->setValue(micros);
    emit slowLogThresholdRequested(micros);
}

void MainWindow::resetSlowLog()
{
    emit slowLogResetRequested();
}

void MainWindow::updateDroppedLabel(quint64 dropped)
{
    m_dropped->setText(
            tr("Showing the last %1 commands%2")
                    .arg(Formatting::count(quint64(m_log->capacity())))
                    .arg(dropped ? tr("  ·  %1 not shown (sampled under load, or paused)")
                                           .arg(Formatting::count(dropped))
                                 : QString()));
}
