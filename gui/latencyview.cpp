#include "latencyview.h"

#include "infotext.h"
#include "latencychart.h"

#include <QDateTime>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace {

// A number cell: shown as text, sorted as a number.
void setNumber(QStandardItem *item, double value, int decimals)
{
    item->setData(value, Qt::UserRole);
    item->setText(decimals < 0 ? QStringLiteral("-") : QString::number(value, 'f', decimals));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
}

} // namespace

LatencyView::LatencyView(QWidget *parent)
    : QWidget(parent)
    , m_model(new QStandardItemModel(0, ColumnCount, this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_summary(new QLabel(this))
    , m_events(new QStandardItemModel(0, 4, this))
    , m_eventsSummary(new QLabel(this))
    , m_chartGrid(new QGridLayout)
{
    m_model->setHorizontalHeaderLabels({ tr("Command"), tr("Calls"), tr("Average µs"), tr("p50 µs"),
                                         tr("p99 µs"), tr("p99.9 µs"), tr("Failed") });
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(Qt::UserRole);
    m_sorted->setDynamicSortFilter(true);
    auto *view = new QTableView(this);
    view->setObjectName(QStringLiteral("latencyView"));
    view->setModel(m_sorted);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(22);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setSortingEnabled(true);
    view->sortByColumn(Calls, Qt::DescendingOrder);
    view->horizontalHeader()->resizeSection(Command, 200);
    m_summary->setObjectName(QStringLiteral("latencySummary"));
    m_events->setHorizontalHeaderLabels(
            { tr("Event"), tr("Latest spike"), tr("Latest ms"), tr("Worst ms") });
    m_eventsSummary->setObjectName(QStringLiteral("latencyEventsSummary"));
    auto *events = new QTableView(this);
    events->setObjectName(QStringLiteral("latencyEventsView"));
    events->setModel(m_events);
    events->setEditTriggers(QAbstractItemView::NoEditTriggers);
    events->setAlternatingRowColors(true);
    events->verticalHeader()->hide();
    events->verticalHeader()->setDefaultSectionSize(22);
    events->horizontalHeader()->setStretchLastSection(true);
    events->horizontalHeader()->resizeSection(0, 110);
    events->horizontalHeader()->resizeSection(1, 150);
    events->horizontalHeader()->resizeSection(2, 80);
    events->setMinimumWidth(440);
    m_eventsSummary->setWordWrap(true);
    // The events on the left, their charts (two a row, scrolling when many) on the right.
    auto *charts = new QWidget;
    charts->setObjectName(QStringLiteral("latencyCharts"));
    m_chartGrid->setContentsMargins(0, 0, 0, 0);
    m_chartGrid->setSpacing(8);
    charts->setLayout(m_chartGrid);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(charts);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *eventsPane = new QVBoxLayout;
    eventsPane->addWidget(m_eventsSummary);
    eventsPane->addWidget(events, 1);
    auto *bottom = new QHBoxLayout;
    bottom->addLayout(eventsPane, 2);
    bottom->addWidget(scroll, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(view, 1);
    layout->addLayout(bottom, 1);
}

void LatencyView::setEvents(const QList<LatencyEvent> &events, bool supported)
{
    m_events->setRowCount(0);
    for (const LatencyEvent &event : events) {
        QList<QStandardItem *> items {
            new QStandardItem(QString::fromUtf8(event.name)),
            new QStandardItem(QDateTime::fromSecsSinceEpoch(event.time)
                                      .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
        };
        for (qint64 ms : { event.latestMs, event.maxMs }) {
            items.append(new QStandardItem(QString::number(ms)));
            items.last()->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        }
        m_events->appendRow(items);
    }
    // One chart per event, in LATENCY LATEST's order; charts of events gone (LATENCY RESET) go.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QHash<QByteArray, LatencyChart *> charts;
    for (const LatencyEvent &event : events) {
        LatencyChart *chart = m_charts.take(event.name);
        if (chart)
            m_chartGrid->removeWidget(chart); // placed again below, in the new order
        else
            chart = new LatencyChart;
        chart->setEvent(event, now);
        m_chartGrid->addWidget(chart, int(charts.size()) / 2, int(charts.size()) % 2);
        charts.insert(event.name, chart);
    }
    qDeleteAll(m_charts);
    m_charts.swap(charts);
    m_eventsSummary->setText(
            !supported ? tr("Latency events: this server does not answer LATENCY LATEST.")
                    : events.isEmpty()
                    ? tr("Latency events (LATENCY LATEST): none above latency-monitor-threshold "
                         "(0 turns the monitor off; set it in the Server tab).")
                    : tr("Latency events (LATENCY LATEST): the latest and worst spike of each."));
}

void LatencyView::clear()
{
    qDeleteAll(m_charts);
    m_charts.clear();
    m_events->setRowCount(0);
    m_eventsSummary->clear();
    m_model->setRowCount(0);
    m_rows.clear();
}

void LatencyView::setInfo(const QByteArray &info)
{
    bool percentiles = false;
    for (const InfoField &field : InfoText::parse(info)) {
        const bool stats = field.name.startsWith("cmdstat_");
        const bool latency = field.name.startsWith("latency_percentiles_usec_");
        if (!stats && !latency)
            continue;
        static const QByteArray statsPrefix = "cmdstat_",
                                latencyPrefix = "latency_percentiles_usec_";
        const QByteArray command = field.name.mid((stats ? statsPrefix : latencyPrefix).size());
        auto row = m_rows.constFind(command);
        if (row == m_rows.cend()) {
            QList<QStandardItem *> items;
            items.append(new QStandardItem(
                    QString::fromUtf8(command).replace(QLatin1Char('|'), QLatin1Char(' '))));
            items.first()->setData(items.first()->text(), Qt::UserRole);
            for (int column = Calls; column < ColumnCount; ++column) {
                items.append(new QStandardItem);
                setNumber(items.last(), 0, column == Calls || column == Failed ? 0 : -1);
            }
            row = m_rows.insert(command, m_model->rowCount());
            m_model->appendRow(items);
        }
        const auto set = [&](int column, const char *part, int decimals) {
            const QByteArray value = InfoText::part(field.value, part);
            if (!value.isEmpty())
                setNumber(m_model->item(*row, column), value.toDouble(), decimals);
        };
        if (stats) {
            set(Calls, "calls", 0);
            set(Average, "usec_per_call", 2);
            set(Failed, "failed_calls", 0);
        } else {
            percentiles = true;
            set(P50, "p50", 3);
            set(P99, "p99", 3);
            set(P999, "p99.9", 3);
        }
    }
    m_summary->setText(percentiles ? tr("%n command(s) run since the statistics were reset (INFO "
                                        "commandstats, latencystats)",
                                        nullptr, int(m_rows.size()))
                                   : tr("%n command(s) run since the statistics were reset (INFO "
                                        "commandstats; this server gives no percentiles)",
                                        nullptr, int(m_rows.size())));
}
