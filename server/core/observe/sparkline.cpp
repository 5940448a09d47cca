#include "sparkline.h"

namespace {

constexpr char FillCharset[] = "_o#";
constexpr int CharsetLength = sizeof FillCharset - 1;

} // namespace

void Sparkline::add(double value, const QByteArray &label)
{
    if (m_values.empty()) {
        m_min = m_max = value;
    } else if (value < m_min) {
        m_min = value;
    } else if (value > m_max) { // as Redis: a new minimum is not also checked as a maximum
        m_max = value;
    }
    m_values.push_back(value);
    m_labels.append(label);
    if (!label.isEmpty())
        ++m_labelCount;
}

QByteArray Sparkline::render(int columns, int rows) const
{
    QByteArray output;
    const int count = int(m_values.size());
    for (int j = 0; j < count; j += columns) {
        if (j != 0)
            output += '\n';
        output += renderRange(rows, j, qMin(columns, count - j));
    }
    return output;
}

QByteArray Sparkline::renderRange(int rows, int offset, int length) const
{
    const double range = m_max - m_min == 0 ? 1 : m_max - m_min;
    const int steps = CharsetLength * rows;
    QByteArray output;
    // Rows of the graph, then (with labels) one blank row and a row per label character, as
    // long as any column still has something to write.
    for (int row = 0;; ++row) {
        QByteArray line(length, ' ');
        bool more = false;
        for (int j = 0; j < length; ++j) {
            const size_t i = size_t(offset + j);
            if (row < rows) {
                const int step = qBound(0, int(double(int((m_values[i] - m_min) * steps)) / range),
                                        steps - 1);
                const int index = step - (rows - row - 1) * CharsetLength;
                more = true;
                if (index >= 0 && index < CharsetLength)
                    line[j] = FillCharset[index];
                else if (index >= CharsetLength)
                    line[j] = '|';
                continue;
            }
            if (m_labelCount && row - rows < 1) {
                more = true;
                break;
            }
            const QByteArray &label = m_labels[qsizetype(i)];
            const int labelChar = row - rows - 1;
            if (!label.isEmpty() && label.size() > labelChar) {
                more = true;
                line[j] = label[labelChar];
            }
        }
        if (!more)
            break;
        output += line + '\n';
    }
    return output;
}
