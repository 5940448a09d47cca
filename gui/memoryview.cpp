#include "memoryview.h"

#include "barchart.h"
#include "formatting.h"
#include "infotext.h"
#include "stattile.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QMap>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace {

// "user:42:name" is in "user:*"; a key without ':' is its own group of one, "(no prefix)".
QString prefixOf(const QByteArray &key)
{
    const qsizetype colon = key.indexOf(':');
    return colon < 0 ? QObject::tr("(no prefix)")
                     : Formatting::printable(key.left(colon + 1)) + QLatin1Char('*');
}

} // namespace

MemoryView::MemoryView(QWidget *parent)
    : QWidget(parent)
    , m_used(new StatTile(tr("Used memory")))
    , m_rss(new StatTile(tr("RSS")))
    , m_fragmentation(new StatTile(tr("Fragmentation")))
    , m_peak(new StatTile(tr("Peak")))
    , m_databases(new QLabel(this))
    , m_db(new QComboBox(this))
    , m_sampleSummary(new QLabel(this))
    , m_prefixes(new BarChart([](double v) { return Formatting::bytes(qint64(v)); }, this))
    , m_biggest(new QStandardItemModel(0, 3, this))
{
    m_biggest->setHorizontalHeaderLabels({ tr("Type"), tr("Key"), tr("Memory") });
    m_databases->setObjectName(QStringLiteral("memoryDatabases"));
    m_sampleSummary->setObjectName(QStringLiteral("memorySampleSummary"));
    m_sampleSummary->setText(tr("Sample keys to see memory by prefix and the biggest keys."));
    for (int i = 0; i < 16; ++i)
        m_db->addItem(QStringLiteral("db%1").arg(i), i);
    auto *sampleButton = new QPushButton(tr("Sample %1 keys").arg(SampleKeys), this);
    sampleButton->setObjectName(QStringLiteral("memorySampleButton"));
    sampleButton->setToolTip(tr("SCAN for keys of the database and ask MEMORY USAGE of each"));

    auto *layout = new QVBoxLayout(this);
    auto *tiles = new QGridLayout;
    const QList<StatTile *> all { m_used, m_rss, m_fragmentation, m_peak };
    for (int i = 0; i < all.size(); ++i)
        tiles->addWidget(all[i], 0, i);
    layout->addLayout(tiles);
    layout->addWidget(m_databases);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_sampleSummary, 1);
    bar->addWidget(m_db);
    bar->addWidget(sampleButton);
    layout->addLayout(bar);

    auto *split = new QSplitter(Qt::Horizontal, this);
    auto *scroll = new QScrollArea(split);
    scroll->setWidget(m_prefixes);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *biggest = new QTableView(split);
    biggest->setObjectName(QStringLiteral("biggestKeysView"));
    biggest->setModel(m_biggest);
    biggest->setEditTriggers(QAbstractItemView::NoEditTriggers);
    biggest->setSelectionBehavior(QAbstractItemView::SelectRows);
    biggest->setAlternatingRowColors(true);
    biggest->verticalHeader()->hide();
    biggest->verticalHeader()->setDefaultSectionSize(22);
    biggest->horizontalHeader()->setStretchLastSection(true);
    biggest->horizontalHeader()->resizeSection(0, 60);
    biggest->horizontalHeader()->resizeSection(1, 260);
    biggest->setToolTip(tr("Double-click a key to open it in the Keys tab"));
    split->addWidget(scroll);
    split->addWidget(biggest);
    split->setSizes({ 600, 500 });
    layout->addWidget(split, 1);

    connect(sampleButton, &QPushButton::clicked, this, &MemoryView::sample);
    connect(biggest, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        emit keyActivated(m_sampledDb,
                          m_biggest->item(index.row(), 1)->data(Qt::UserRole).toByteArray());
    });
}

void MemoryView::sample()
{
    emit sampleRequested(m_db->currentData().toInt(), SampleKeys);
}

void MemoryView::clear()
{
    m_prefixes->setBars({});
    m_biggest->setRowCount(0);
}

void MemoryView::setInfo(const QByteArray &info)
{
    const QHash<QByteArray, QByteArray> f = InfoText::fields(info);
    m_used->setValue(
            Formatting::bytes(f.value("used_memory").toLongLong()),
            tr("dataset %1").arg(Formatting::bytes(f.value("used_memory_dataset").toLongLong())));
    m_rss->setValue(Formatting::bytes(f.value("used_memory_rss").toLongLong()));
    m_fragmentation->setValue(QString::fromUtf8(f.value("mem_fragmentation_ratio", "-")));
    m_peak->setValue(Formatting::bytes(f.value("used_memory_peak").toLongLong()),
                     QString::fromUtf8(f.value("used_memory_peak_perc")));
    QStringList dbs;
    for (int db = 0; db < 16; ++db) {
        const QByteArray value = f.value("db" + QByteArray::number(db));
        if (!value.isEmpty())
            dbs.append(tr("db%1: %2 keys, %3 with expiry")
                               .arg(db)
                               .arg(Formatting::count(InfoText::part(value, "keys").toULongLong()),
                                    Formatting::count(
                                            InfoText::part(value, "expires").toULongLong())));
    }
    m_databases->setText(dbs.isEmpty() ? tr("No keys") : dbs.join(QStringLiteral("  ·  ")));
}

void MemoryView::setSample(int db, const QList<KeySample> &keys)
{
    m_sampledDb = db;
    QHash<QString, double> byPrefix;
    QMap<QByteArray, QList<KeySample>> byType;
    qint64 total = 0;
    bool measured = false;
    for (const KeySample &key : keys) {
        if (key.bytes < 0)
            continue;
        measured = true;
        total += key.bytes;
        byPrefix[prefixOf(key.key)] += double(key.bytes);
        byType[key.type].append(key);
    }
    QList<QPair<QString, double>> bars;
    for (auto it = byPrefix.cbegin(); it != byPrefix.cend(); ++it)
        bars.append({ it.key(), it.value() });
    m_prefixes->setBars(bars);

    m_biggest->setRowCount(0);
    for (auto it = byType.begin(); it != byType.end(); ++it) {
        QList<KeySample> &ofType = it.value();
        std::sort(ofType.begin(), ofType.end(),
                  [](const KeySample &a, const KeySample &b) { return a.bytes > b.bytes; });
        for (const KeySample &key : ofType.mid(0, BiggestPerType)) {
            auto *name = new QStandardItem(Formatting::printable(key.key));
            name->setData(key.key, Qt::UserRole);
            auto *bytes = new QStandardItem(Formatting::bytes(key.bytes));
            bytes->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_biggest->appendRow({ new QStandardItem(QString::fromLatin1(key.type)), name, bytes });
        }
    }
    m_sampleSummary->setText(
            measured ? tr("%1 keys of db%2 sampled, %3 in all")
                               .arg(Formatting::count(quint64(keys.size())))
                               .arg(db)
                               .arg(Formatting::bytes(total))
                     : tr("The server does not answer MEMORY USAGE: no sizes to show."));
}
