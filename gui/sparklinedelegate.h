#pragma once

#include <QColor>
#include <QStyledItemDelegate>

// Paints a cell's series (a QList<double> under `role`, one value a second, the newest at the
// right) as a sparkline, scaled to the series' own peak, with SparkChart's painting.
class SparklineDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    SparklineDelegate(int role, int span, QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_role;
    int m_span;
    QColor m_color { 0x4f, 0xc3, 0xf7 };
};
