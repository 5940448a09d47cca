#pragma once

#include <QColor>
#include <QList>
#include <QPainter>
#include <QWidget>

#include <functional>

// A small line chart of the last few minutes, painted directly: one or two series, cheap to
// redraw at the snapshot rate.
class SparkChart final : public QWidget
{
    Q_OBJECT
public:
    using Formatter = std::function<QString(double)>;

    SparkChart(const QString &title, Formatter formatter, QWidget *parent = nullptr);
    void setSecondSeries(const QString &name, const QColor &color);
    void setSeriesName(const QString &name) { m_names[0] = name; }
    // A limit drawn as a dashed line with label (maxmemory); 0 draws none. The scale always
    // takes it in, so the series shows how close it runs to the limit.
    void setCeiling(double value, const QString &label);
    double ceiling() const { return m_ceiling; }
    void addSample(double value, double second = 0);
    int sampleCount() const { return int(m_series[0].size()); }
    QSize sizeHint() const override { return { 260, 110 }; }

    static constexpr int MaxSamples = 300; // 5 minutes at one sample a second

    // Paints values (one a second, the newest at the right edge) as a filled line in plot,
    // scaled so that peak touches its top, on an axis of `span` samples.
    static void paintSeries(QPainter *painter, const QRectF &plot, const QList<double> &values,
                            double peak, double span, const QColor &color);
    // The card every chart is drawn on (this one and the latency charts): a rounded frame in
    // widget's palette, the painter left with the charts' smaller font. Returns the frame.
    static QRectF paintFrame(QPainter *painter, const QWidget &widget);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_title;
    Formatter m_format;
    QList<double> m_series[2];
    QString m_names[2];
    QColor m_colors[2] = { QColor(0x4f, 0xc3, 0xf7), QColor(0xff, 0xb7, 0x4d) };
    bool m_hasSecond = false;
    double m_ceiling = 0;
    QString m_ceilingLabel;
};
