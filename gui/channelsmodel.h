#pragma once

#include "observe/serversnapshot.h"

#include <QAbstractTableModel>
#include <QList>

/* Active Pub/Sub channels, patterns and shard channels, one row each, following snapshots: rows
 * stay in the order first seen (a sort proxy orders them), keep their place while active and
 * leave when their last subscriber does. Each row's messages per second come from the
 * differences of its published count, sampled once a second, and the last HistorySeconds of
 * them are its sparkline (SeriesRole), as is the total of all messages published.
 */
class ChannelsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Kind, Name, Subscribers, Rate, Activity, Published, ColumnCount };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int SeriesRole = Qt::UserRole + 1; // QList<double>, messages per second
    static constexpr int KindRole = Qt::UserRole + 2;   // int(ChannelKind)
    static constexpr int NameRole = Qt::UserRole + 3;   // the name's bytes
    static constexpr int HistorySeconds = 60;

    explicit ChannelsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The snapshot's channels at its time, and the total published so far.
    void update(const QList<ChannelRow> &channels, quint64 totalPublished, qint64 timeMs);
    void clear();
    int rowOf(ChannelKind kind, const QByteArray &name) const;
    quint64 totalPublished() const { return m_total.published; }
    double totalRate() const { return m_total.rate; }

private:
    // A published count and its rate, sampled once a second.
    struct Counter
    {
        quint64 published = 0;
        quint64 sampledPublished = 0;
        qint64 sampledAtMs = 0;
        double rate = 0;
        QList<double> history;
        // Takes published at timeMs; a new rate once a second has passed since the last.
        bool advance(quint64 published, qint64 timeMs);
    };
    struct Row
    {
        ChannelKind kind;
        QByteArray name;
        qint64 subscribers = 0;
        Counter counter;
    };

    QList<Row> m_rows;
    Counter m_total;
};
