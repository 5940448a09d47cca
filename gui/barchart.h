#pragma once

#include <QList>
#include <QPair>
#include <QWidget>

#include <functional>

// Horizontal bars, one per labelled value, longest first, each with its value written by the
// formatter. Shows at most MaxBars.
class BarChart final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int MaxBars = 15;
    using Formatter = std::function<QString(double)>;

    explicit BarChart(Formatter format, QWidget *parent = nullptr);
    void setBars(QList<QPair<QString, double>> bars);
    const QList<QPair<QString, double>> &bars() const { return m_bars; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    Formatter m_format;
    QList<QPair<QString, double>> m_bars;
};
