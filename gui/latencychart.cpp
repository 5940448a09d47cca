#include "latencychart.h"

#include "sparkchart.h"

#include <QDateTime>
#include <QPainter>

LatencyChart::LatencyChart(QWidget *parent)
    : QWidget(parent)
{
    setMinimumSize(260, 115);
}

void LatencyChart::setEvent(const LatencyEvent &event, qint64 nowSeconds)
{
    m_event = event;
    m_now = nowSeconds;
    update();
}

qint64 LatencyChart::startTime() const
{
    const qint64 oldest = m_event.history.isEmpty() ? m_now : m_event.history.first().time;
    return qMin(oldest, m_now - MinSpanSeconds);
}

double LatencyChart::peak() const
{
    qint64 worst = 1;
    for (const LatencySample &sample : m_event.history)
        worst = qMax(worst, sample.ms);
    return double(worst);
}

QList<QPointF> LatencyChart::points(const QRectF &plot) const
{
    const qint64 start = startTime();
    const double span = double(qMax<qint64>(1, qMax(m_now, start + 1) - start));
    const double top = peak();
    QList<QPointF> out;
    for (const LatencySample &sample : m_event.history) {
        const double x = plot.left() + plot.width() * double(sample.time - start) / span;
        const double y = plot.bottom() - plot.height() * double(sample.ms) / top;
        out.append(QPointF(qMin(x, plot.right()), y));
    }
    return out;
}

void LatencyChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRectF frame = SparkChart::paintFrame(&p, *this);
    const QRectF text = frame.adjusted(10, 6, -10, -4);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(text, Qt::AlignLeft | Qt::AlignTop, QString::fromUtf8(m_event.name));
    p.drawText(text, Qt::AlignRight | Qt::AlignTop,
               tr("latest %1 ms  ·  worst %2 ms").arg(m_event.latestMs).arg(m_event.maxMs));

    const int lineHeight = p.fontMetrics().height();
    const QRectF plot = frame.adjusted(10, 12 + lineHeight, -10, -8 - lineHeight);
    p.setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DotLine));
    p.drawLine(plot.topLeft(), plot.topRight());
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(plot.adjusted(2, 2, 0, 0), Qt::AlignLeft | Qt::AlignTop,
               tr("%1 ms").arg(qint64(peak())));
    const QRectF axis(plot.left(), plot.bottom() + 2, plot.width(), lineHeight + 2);
    p.drawText(axis, Qt::AlignLeft | Qt::AlignTop,
               QDateTime::fromSecsSinceEpoch(startTime()).toString(QStringLiteral("HH:mm:ss")));
    p.drawText(axis, Qt::AlignRight | Qt::AlignTop, tr("now"));
    p.drawText(axis, Qt::AlignHCenter | Qt::AlignTop,
               tr("%n spike(s)", nullptr, int(m_event.history.size())));

    const QList<QPointF> points = this->points(plot);
    if (points.isEmpty())
        return;
    const QColor color(0xff, 0x8a, 0x65);
    QColor stem = color;
    stem.setAlpha(90);
    p.setPen(QPen(stem, 2));
    for (const QPointF &point : points)
        p.drawLine(QPointF(point.x(), plot.bottom()), point);
    p.setPen(QPen(color, 1.4));
    p.drawPolyline(QPolygonF(points));
    p.setBrush(color);
    for (const QPointF &point : points)
        p.drawEllipse(point, 2.5, 2.5);
}
