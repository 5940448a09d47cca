#pragma once

#include "dashboardsource.h"

#include <QWidget>

/* One latency monitor event's spikes (its LATENCY HISTORY) over time, painted directly: a stem
 * and a dot for each spike at its time and height in milliseconds, joined by a line. The time
 * axis runs from the oldest spike (at least MinSpanSeconds back) to now, the height axis from 0
 * to the worst spike shown.
 */
class LatencyChart final : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 MinSpanSeconds = 60;

    explicit LatencyChart(QWidget *parent = nullptr);
    void setEvent(const LatencyEvent &event, qint64 nowSeconds);
    const LatencyEvent &event() const { return m_event; }
    // Where each spike is drawn in plot, oldest first.
    QList<QPointF> points(const QRectF &plot) const;
    // The first second of the time axis (its last is now).
    qint64 startTime() const;
    QSize sizeHint() const override { return { 380, 130 }; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    double peak() const;

    LatencyEvent m_event;
    qint64 m_now = 0;
};
