#pragma once

#include "dashboardsource.h"

#include <QHash>
#include <QWidget>

class LatencyChart;
class QGridLayout;
class QLabel;
class QSortFilterProxyModel;
class QStandardItemModel;

// The Latency tab: per command, calls, failures and average time from INFO commandstats, and
// p50/p99/p99.9 from INFO latencystats when the server has them (Redis 7). Rows are updated in
// place at every INFO, sorted by calls unless the user sorts otherwise. Below, the latency
// monitor's events (LATENCY LATEST) when the server answers it, and beside them a chart of each
// event's spikes over time (LATENCY HISTORY).
class LatencyView final : public QWidget
{
    Q_OBJECT
public:
    enum Column { Command, Calls, Average, P50, P99, P999, Failed, ColumnCount };

    explicit LatencyView(QWidget *parent = nullptr);
    QStandardItemModel *model() const { return m_model; }
    QStandardItemModel *eventsModel() const { return m_events; }
    // The chart of event, or null.
    LatencyChart *chart(const QByteArray &event) const { return m_charts.value(event); }
    int chartCount() const { return int(m_charts.size()); }

public slots:
    void setInfo(const QByteArray &info);
    void setEvents(const QList<LatencyEvent> &events, bool supported);
    void clear();

private:
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_sorted;
    QHash<QByteArray, int> m_rows;
    QLabel *m_summary;
    QStandardItemModel *m_events;
    QLabel *m_eventsSummary;
    QHash<QByteArray, LatencyChart *> m_charts;
    QGridLayout *m_chartGrid;
};
