#include "barchart.h"

#include <QPainter>

#include <algorithm>

namespace {

constexpr int RowHeight = 22;
constexpr int LabelWidth = 160;
constexpr int ValueWidth = 90;

} // namespace

BarChart::BarChart(Formatter format, QWidget *parent)
    : QWidget(parent)
    , m_format(std::move(format))
{ }

void BarChart::setBars(QList<QPair<QString, double>> bars)
{
    std::sort(bars.begin(), bars.end(),
              [](const auto &a, const auto &b) { return a.second > b.second; });
    m_bars = bars.mid(0, MaxBars);
    updateGeometry();
    update();
}

QSize BarChart::sizeHint() const
{
    return { 400, RowHeight * int(qMax<qsizetype>(m_bars.size(), 3)) + 8 };
}

void BarChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const double largest = m_bars.isEmpty() ? 0 : m_bars.first().second;
    const int barSpace = qMax(20, width() - LabelWidth - ValueWidth - 16);
    const QColor bar(0x4f, 0xa3, 0xf7), text = palette().color(QPalette::WindowText);
    int y = 4;
    for (const auto &[label, value] : m_bars) {
        painter.setPen(text);
        painter.drawText(QRect(0, y, LabelWidth - 8, RowHeight), Qt::AlignRight | Qt::AlignVCenter,
                         fontMetrics().elidedText(label, Qt::ElideMiddle, LabelWidth - 8));
        const int length = largest > 0 ? qMax(2, int(barSpace * value / largest)) : 0;
        painter.fillRect(QRect(LabelWidth, y + 4, length, RowHeight - 8), bar);
        painter.drawText(QRect(LabelWidth + length + 6, y, ValueWidth, RowHeight),
                         Qt::AlignLeft | Qt::AlignVCenter, m_format(value));
        y += RowHeight;
    }
}
