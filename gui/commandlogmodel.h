#pragma once

#include "observe/commandlogbatch.h"

#include <QAbstractTableModel>

#include <deque>

class QIODevice;

// The live command log: the most recent commands, at most `capacity` of them (older ones leave
// as new ones come). While paused, incoming commands are counted but not shown. It keeps the
// batches as they arrived, shared, and reads a row's strings only when a view asks for them:
// under load thousands of commands a second pass through, and the window shows a few dozen.
class CommandLogModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Client, Command, Arguments, Duration, ColumnCount };
    static constexpr int RawRole = Qt::UserRole; // unformatted text of the cell for filters

    explicit CommandLogModel(int capacity = 10000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void append(const CommandLogBatch &entries, quint64 droppedByServer);
    void clear();
    void setPaused(bool paused) { m_paused = paused; }
    bool isPaused() const { return m_paused; }
    // Commands the log did not show: overwritten in the server's ring, or arrived while paused.
    quint64 dropped() const { return m_dropped; }
    int capacity() const { return m_capacity; }
    // Writes every row as tab-separated text; returns false on a write error.
    bool exportTo(QIODevice *device) const;

signals:
    void droppedChanged(quint64 dropped);

private:
    // A batch and the count of its row 0, in a count that only grows: a row is found by a
    // binary search on it. Rows counted below m_firstRow have left the log.
    struct Chunk
    {
        CommandLogBatch batch;
        qint64 start;
    };
    CommandLogBatch::Entry entry(int row) const;
    void removeFront(qsizetype count);

    std::deque<Chunk> m_chunks;
    qint64 m_firstRow = 0; // the count of row 0
    qint64 m_endRow = 0;   // the count after the last row
    int m_capacity;
    bool m_paused = false;
    quint64 m_dropped = 0;
};
