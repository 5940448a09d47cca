#pragma once

#include <QByteArray>
#include <QByteArrayList>

#include <vector>

// An ASCII sparkline as LATENCY GRAPH draws it (Redis's sparkline.c, filled style): each
// sample is a column `rows` characters high, drawn with "_o#" and '|' below the top, then a
// blank line and the samples' labels written downwards; more samples than `columns` continue
// in another block below.
class Sparkline
{
public:
    void add(double value, const QByteArray &label);
    QByteArray render(int columns, int rows) const;

private:
    QByteArray renderRange(int rows, int offset, int length) const;

    std::vector<double> m_values;
    QByteArrayList m_labels;
    int m_labelCount = 0;
    double m_min = 0;
    double m_max = 0;
};
