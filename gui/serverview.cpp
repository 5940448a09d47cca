#include "serverview.h"

#include "formatting.h"
#include "infotext.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace {

const QColor ChangedBackground(0x3a, 0x32, 0x1c);

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(22);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    return view;
}

QSortFilterProxyModel *searchable(QAbstractItemModel *model, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setFilterKeyColumn(-1);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    return proxy;
}

QStandardItem *readOnly(const QString &text)
{
    auto *item = new QStandardItem(text);
    item->setEditable(false);
    return item;
}

} // namespace

ServerView::ServerView(QWidget *parent)
    : QWidget(parent)
    , m_info(new QStandardItemModel(0, InfoColumnCount, this))
    , m_infoFiltered(searchable(m_info, this))
    , m_config(new QStandardItemModel(0, 2, this))
    , m_configFiltered(searchable(m_config, this))
    , m_persistence(new QLabel(this))
    , m_save(new QPushButton(tr("Save now"), this))
    , m_search(new QLineEdit(this))
{
    m_info->setHorizontalHeaderLabels({ tr("Section"), tr("Field"), tr("Value"), tr("Before") });
    m_config->setHorizontalHeaderLabels({ tr("Parameter"), tr("Value") });
    m_persistence->setObjectName(QStringLiteral("persistenceSummary"));
    m_persistence->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_save->setObjectName(QStringLiteral("saveNowButton"));
    m_save->setToolTip(tr("Write a snapshot in the background (BGSAVE)"));
    m_search->setObjectName(QStringLiteral("serverSearch"));
    m_search->setPlaceholderText(tr("Search INFO fields and CONFIG parameters"));
    m_search->setClearButtonEnabled(true);
    auto *refreshConfig = new QPushButton(tr("Reload configuration"), this);

    auto *layout = new QVBoxLayout(this);
    auto *persistence = new QHBoxLayout;
    persistence->addWidget(m_persistence, 1);
    persistence->addWidget(m_save);
    layout->addLayout(persistence);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_search, 1);
    bar->addWidget(refreshConfig);
    layout->addLayout(bar);

    auto *split = new QSplitter(Qt::Horizontal, this);
    QTableView *info = makeTable(m_infoFiltered, split);
    info->setObjectName(QStringLiteral("infoView"));
    info->setEditTriggers(QAbstractItemView::NoEditTriggers);
    info->horizontalHeader()->resizeSection(Section, 110);
    info->horizontalHeader()->resizeSection(Field, 230);
    info->horizontalHeader()->resizeSection(Value, 250);
    QTableView *config = makeTable(m_configFiltered, split);
    config->setObjectName(QStringLiteral("configView"));
    config->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    config->horizontalHeader()->resizeSection(0, 230);
    config->setToolTip(tr("Double-click a value to change it with CONFIG SET"));
    split->addWidget(info);
    split->addWidget(config);
    split->setSizes({ 720, 480 });
    layout->addWidget(split, 1);

    connect(m_search, &QLineEdit::textChanged, m_infoFiltered,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_search, &QLineEdit::textChanged, m_configFiltered,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_save, &QPushButton::clicked, this, &ServerView::saveRequested);
    connect(refreshConfig, &QPushButton::clicked, this, &ServerView::configRefreshRequested);
    connect(m_config, &QStandardItemModel::itemChanged, this, [this](QStandardItem *item) {
        if (!m_filling)
            configEdited(item->row());
    });
}

void ServerView::clear()
{
    m_info->setRowCount(0);
    m_config->setRowCount(0);
    m_infoRows.clear();
    m_configRows.clear();
    m_persistence->clear();
}

void ServerView::setInfo(const QByteArray &text)
{
    const QList<InfoField> fields = InfoText::parse(text);
    QHash<QByteArray, QByteArray> byName;
    for (const InfoField &field : fields) {
        byName.insert(field.name, field.value);
        const QString value = QString::fromUtf8(field.value);
        const auto known = m_infoRows.constFind(field.name);
        if (known == m_infoRows.cend()) {
            m_infoRows.insert(field.name, m_info->rowCount());
            m_info->appendRow({ readOnly(QString::fromUtf8(field.section)),
                                readOnly(QString::fromUtf8(field.name)), readOnly(value),
                                readOnly(QString()) });
            continue;
        }
        // Changed since the previous refresh: highlighted, with the value it had.
        QStandardItem *current = m_info->item(*known, Value);
        const bool changed = current->text() != value;
        if (changed)
            m_info->item(*known, Previous)->setText(current->text());
        for (int column = 0; column < InfoColumnCount; ++column)
            m_info->item(*known, column)
                    ->setBackground(changed ? QBrush(ChangedBackground) : QBrush());
        if (changed)
            current->setText(value);
        else if (!m_info->item(*known, Previous)->text().isEmpty())
            m_info->item(*known, Previous)->setText(QString());
    }
    updatePersistence(byName);
}

namespace {

// How far the running BGSAVE or AOF rewrite child got, from INFO's current_* fields (Redis 7.0's
// and qkv's): ", 34% of 3,000 keys, copy-on-write 440 kB"; empty before its first report.
QString childProgress(const QHash<QByteArray, QByteArray> &f)
{
    const quint64 total = f.value("current_save_keys_total").toULongLong();
    if (total == 0)
        return QString();
    return QObject::tr(", %1% of %2 keys, copy-on-write %3")
            .arg(QString::fromUtf8(f.value("current_fork_perc")), Formatting::count(total),
                 Formatting::bytes(f.value("current_cow_size").toLongLong()));
}

} // namespace

void ServerView::updatePersistence(const QHash<QByteArray, QByteArray> &f)
{
    if (!f.contains("rdb_last_save_time")) {
        m_persistence->setText(tr("No persistence figures in INFO"));
        return;
    }
    QStringList parts;
    const qint64 lastSave = f.value("rdb_last_save_time").toLongLong();
    parts.append(tr("Last save %1 (%2)")
                         .arg(QDateTime::fromSecsSinceEpoch(lastSave).toString(
                                      QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                              QString::fromUtf8(f.value("rdb_last_bgsave_status"))));
    parts.append(
            tr("%1 changes since")
                    .arg(Formatting::count(f.value("rdb_changes_since_last_save").toULongLong())));
    if (f.value("rdb_bgsave_in_progress") == "1")
        parts.append(tr("BGSAVE running for %1")
                             .arg(Formatting::duration(
                                     f.value("rdb_current_bgsave_time_sec").toLongLong()))
                     + childProgress(f));
    if (f.value("aof_enabled") == "1") {
        QString aof = tr("AOF on");
        if (f.contains("aof_current_size"))
            aof += QStringLiteral(", ")
                    + Formatting::bytes(f.value("aof_current_size").toLongLong());
        aof += tr(", last rewrite %1").arg(QString::fromUtf8(f.value("aof_last_bgrewrite_status")));
        parts.append(aof);
    } else if (f.contains("aof_enabled")) {
        parts.append(tr("AOF off"));
    }
    if (f.value("aof_rewrite_in_progress") == "1")
        parts.append(tr("AOF rewrite running for %1")
                             .arg(Formatting::duration(
                                     f.value("aof_current_rewrite_time_sec").toLongLong()))
                     + childProgress(f));
    m_persistence->setText(parts.join(QStringLiteral("  ·  ")));
    m_save->setEnabled(f.value("rdb_bgsave_in_progress") != "1");
}

void ServerView::setConfig(const DashboardSource::ConfigList &parameters)
{
    m_filling = true;
    m_config->setRowCount(0);
    m_configRows.clear();
    for (const auto &[name, value] : parameters) {
        m_configRows.insert(name, m_config->rowCount());
        auto *valueItem = new QStandardItem(QString::fromUtf8(value));
        valueItem->setData(value, Qt::UserRole);
        m_config->appendRow({ readOnly(QString::fromUtf8(name)), valueItem });
    }
    m_filling = false;
}

void ServerView::configChanged(const QByteArray &name, const QByteArray &value)
{
    const auto row = m_configRows.constFind(name);
    if (row == m_configRows.cend())
        return;
    m_filling = true;
    QStandardItem *item = m_config->item(*row, 1);
    item->setText(QString::fromUtf8(value));
    item->setData(value, Qt::UserRole);
    m_filling = false;
}

void ServerView::configEdited(int row)
{
    QStandardItem *item = m_config->item(row, 1);
    const QByteArray name = m_config->item(row, 0)->text().toUtf8();
    const QByteArray wanted = item->text().toUtf8();
    // What the server has stays shown until it accepts the change (configChanged).
    m_filling = true;
    item->setText(QString::fromUtf8(item->data(Qt::UserRole).toByteArray()));
    m_filling = false;
    emit configSetRequested(name, wanted);
}
