#include "sparklinedelegate.h"

#include "sparkchart.h"

#include <QPainter>

SparklineDelegate::SparklineDelegate(int role, int span, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_role(role)
    , m_span(span)
{ }

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const
{
    // The background and selection as any cell, then the line over them.
    QStyledItemDelegate::paint(painter, option, index);
    const QList<double> values = index.data(m_role).value<QList<double>>();
    double peak = 0;
    for (double v : values)
        peak = qMax(peak, v);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF plot = QRectF(option.rect).adjusted(4, 3, -4, -3);
    if (peak <= 0) {
        // A flat line: active, but quiet.
        painter->setPen(QPen(option.palette.color(QPalette::Mid), 1));
        painter->drawLine(QPointF(plot.left(), plot.bottom()),
                          QPointF(plot.right(), plot.bottom()));
    } else {
        SparkChart::paintSeries(painter, plot, values, peak, m_span, m_color);
    }
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option,
                                  const QModelIndex &index) const
{
    return QStyledItemDelegate::sizeHint(option, index).expandedTo(QSize(120, 20));
}
