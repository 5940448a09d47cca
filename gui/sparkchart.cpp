#include "sparkchart.h"

#include <QPainter>

SparkChart::SparkChart(const QString &title, Formatter formatter, QWidget *parent)
    : QWidget(parent)
    , m_title(title)
    , m_format(std::move(formatter))
{
    setMinimumHeight(90);
}

void SparkChart::setSecondSeries(const QString &name, const QColor &color)
{
    m_hasSecond = true;
    m_names[1] = name;
    m_colors[1] = color;
}

void SparkChart::setCeiling(double value, const QString &label)
{
    if (value == m_ceiling && label == m_ceilingLabel)
        return;
    m_ceiling = value;
    m_ceilingLabel = label;
    update();
}

void SparkChart::addSample(double value, double second)
{
    m_series[0].append(value);
    m_series[1].append(second);
    for (QList<double> &series : m_series) {
        if (series.size() > MaxSamples)
            series.removeFirst();
    }
    update();
}

QRectF SparkChart::paintFrame(QPainter *painter, const QWidget &widget)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF frame = QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    painter->setPen(widget.palette().color(QPalette::Mid));
    painter->setBrush(widget.palette().color(QPalette::Base));
    painter->drawRoundedRect(frame, 6, 6);
    QFont small = widget.font();
    small.setPointSizeF(widget.font().pointSizeF() * 0.9);
    painter->setFont(small);
    return frame;
}

void SparkChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRectF frame = paintFrame(&p, *this);
    p.setPen(palette().color(QPalette::PlaceholderText));
    const QRectF text = frame.adjusted(10, 6, -10, 0);
    p.drawText(text, Qt::AlignLeft | Qt::AlignTop, m_title);

    const int series = m_hasSecond ? 2 : 1;
    double dataPeak = 1;
    for (int s = 0; s < series; ++s) {
        for (double v : m_series[s])
            dataPeak = qMax(dataPeak, v);
    }
    const double peak = qMax(dataPeak, m_ceiling);
    QString current;
    for (int s = 0; s < series; ++s) {
        const double last = m_series[s].isEmpty() ? 0 : m_series[s].last();
        if (!current.isEmpty())
            current += QStringLiteral("  ");
        current += (m_names[s].isEmpty() ? QString() : m_names[s] + QLatin1Char(' '))
                + m_format(last);
    }
    p.setPen(palette().color(QPalette::Text));
    p.drawText(text, Qt::AlignRight | Qt::AlignTop, current);

    const QRectF plot = frame.adjusted(8, 26, -8, -8);
    p.setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DotLine));
    p.drawLine(plot.topLeft(), plot.topRight());
    // The limit's own label stands for the top of the scale when the limit is at or near it.
    const double ceilingY = plot.bottom() - plot.height() * m_ceiling / peak;
    if (m_ceiling <= 0 || ceilingY > plot.top() + p.fontMetrics().height() + 2)
        p.drawText(plot.adjusted(2, 2, 0, 0), Qt::AlignLeft | Qt::AlignTop, m_format(peak));
    if (m_ceiling > 0) {
        const QColor limit(0xef, 0x6c, 0x6c);
        p.setPen(QPen(limit, 1, Qt::DashLine));
        p.drawLine(QPointF(plot.left(), ceilingY), QPointF(plot.right(), ceilingY));
        p.setPen(limit);
        p.drawText(
                QRectF(plot.left() + 2, ceilingY + 2, plot.width() - 4, plot.bottom() - ceilingY),
                Qt::AlignLeft | Qt::AlignTop, m_ceilingLabel);
    }

    for (int s = series - 1; s >= 0; --s) {
        // Short histories use a one-minute axis, so a fresh chart is not a sliver.
        const double span
                = double(qMin<qsizetype>(MaxSamples, qMax<qsizetype>(60, m_series[s].size())));
        paintSeries(&p, plot, m_series[s], peak, span, m_colors[s]);
    }
}

void SparkChart::paintSeries(QPainter *p, const QRectF &plot, const QList<double> &values,
                             double peak, double span, const QColor &color)
{
    if (values.size() < 2 || span < 2 || peak <= 0)
        return;
    const double step = plot.width() / (span - 1);
    const double x0 = plot.right() - step * double(values.size() - 1);
    QPolygonF line;
    for (qsizetype i = 0; i < values.size(); ++i)
        line.append(
                QPointF(x0 + step * double(i), plot.bottom() - plot.height() * values[i] / peak));
    QPolygonF area = line;
    area.append(QPointF(line.last().x(), plot.bottom()));
    area.append(QPointF(line.first().x(), plot.bottom()));
    QColor fill = color;
    fill.setAlpha(50);
    p->save();
    p->setClipRect(plot.adjusted(-1, -1, 1, 1));
    p->setPen(Qt::NoPen);
    p->setBrush(fill);
    p->drawPolygon(area);
    p->setPen(QPen(color, 1.6));
    p->setBrush(Qt::NoBrush);
    p->drawPolyline(line);
    p->restore();
}
