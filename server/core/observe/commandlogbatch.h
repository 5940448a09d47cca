#pragma once

#include "commandlog.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

// A run of command log entries in one flat block: the text of every entry in one byte array,
// the numbers in one list. Copies share both (two reference counts, whatever the length), so
// a batch crosses from the server thread to the window, is kept and freed without touching
// each entry's strings: with thousands of entries a second, those strings' reference counts
// bounced between the two cores and cost both threads. Appending detaches a shared copy.
class CommandLogBatch
{
public:
    // An entry as read back; its views point into the batch and live as long as it does.
    struct Entry
    {
        quint64 sequence = 0;
        qint64 timeMs = 0;
        quint64 clientId = 0;
        QByteArrayView client;
        QByteArrayView command;
        QByteArrayView text;
        qint64 durationUs = 0;
    };

    qsizetype size() const { return m_rows.size(); }
    bool isEmpty() const { return m_rows.isEmpty(); }
    Entry at(qsizetype i) const;
    // Copies the entry's strings into the batch.
    void append(const CommandLogEntry &entry);
    void append(const Entry &entry);
    // The entries `keep` accepts, in order; shares this batch when it accepts them all.
    template<typename Predicate> CommandLogBatch filtered(Predicate keep) const
    {
        qsizetype i = 0;
        while (i < size() && keep(at(i)))
            ++i;
        if (i == size())
            return *this;
        CommandLogBatch result;
        for (qsizetype j = 0; j < size(); ++j) {
            const Entry e = at(j);
            if (j < i || (j > i && keep(e)))
                result.append(e);
        }
        return result;
    }

private:
    struct Row
    {
        quint64 sequence;
        qint64 timeMs;
        quint64 clientId;
        qint64 durationUs;
        qsizetype offset; // of the client, then the command, then the text, in m_bytes
        int clientLength;
        int commandLength;
        int textLength;
    };

    void append(const Row &numbers, QByteArrayView client, QByteArrayView command,
                QByteArrayView text);

    QByteArray m_bytes;
    QList<Row> m_rows;
};
