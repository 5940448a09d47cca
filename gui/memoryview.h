#pragma once

#include "dashboardsource.h"

#include <QWidget>

class BarChart;
class QComboBox;
class QLabel;
class QPushButton;
class QStandardItemModel;
class StatTile;

/* The Memory tab: used memory, RSS, fragmentation and peak from INFO memory, keys per database
 * from INFO keyspace; and from a sample of keys with MEMORY USAGE (Sample asks for one of the
 * database chosen), memory by key prefix (the part before the first ':', as bars, largest first)
 * and the biggest keys of each type. Activating a biggest key asks to open it.
 */
class MemoryView final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int SampleKeys = 2000;
    static constexpr int BiggestPerType = 5;

    explicit MemoryView(QWidget *parent = nullptr);
    QStandardItemModel *biggestKeys() const { return m_biggest; }
    const BarChart *prefixChart() const { return m_prefixes; }

public slots:
    // Asks for a sample of the database chosen (sampleRequested), as the Sample button does.
    void sample();
    void setInfo(const QByteArray &info);
    void setSample(int db, const QList<KeySample> &keys);
    void clear();

signals:
    void sampleRequested(int db, int maxKeys);
    void keyActivated(int db, const QByteArray &key);

private:
    StatTile *m_used;
    StatTile *m_rss;
    StatTile *m_fragmentation;
    StatTile *m_peak;
    QLabel *m_databases;
    QComboBox *m_db;
    QLabel *m_sampleSummary;
    BarChart *m_prefixes;
    QStandardItemModel *m_biggest;
    int m_sampledDb = 0;
};
