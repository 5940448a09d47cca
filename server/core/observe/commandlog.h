#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

class CommandLogBatch;

struct CommandLogEntry
{
    quint64 sequence = 0;
    qint64 timeMs = 0;
    quint64 clientId = 0;
    QByteArray client;     // "name@addr" or "addr"
    QByteArray command;    // uppercase name, e.g. "SET"
    QByteArray text;       // command and arguments, each shortened, quoted where needed
    qint64 durationUs = 0; // -1: not known (a remote server's MONITOR does not say)
};

// A bounded ring of the most recent commands, filled only while someone watches (the
// dashboard), so a headless server pays nothing for it. Old entries are overwritten; a
// reader that fell behind learns how many it missed.
class CommandLog
{
public:
    explicit CommandLog(int capacity = 10000);

    bool isEnabled() const { return m_enabled; }
    void setEnabled(bool enabled) { m_enabled = enabled; }
    int capacity() const { return int(m_ring.size()); }

    // Whether a command at this time gets an entry: at most MaxPerWindow per 100 ms, so that
    // under full load the log samples instead of costing the server its throughput. Commands
    // turned away count as skipped.
    bool admit(qint64 timeMs);
    quint64 skipped() const { return m_skipped; }
    static constexpr int MaxPerWindow = 200;

    void record(qint64 timeMs, quint64 clientId, const QByteArray &client,
                const QByteArray &command, QByteArray text, qint64 durationUs);
    // Entries with sequence > after, oldest first, copied out of the ring into one batch;
    // *missed counts those already overwritten.
    CommandLogBatch entriesAfter(quint64 after, quint64 *missed) const;
    quint64 lastSequence() const { return m_next - 1; }

    // Renders a command for logs: arguments cut to maxArgLength bytes, at most maxArgs shown,
    // those at the redacted positions (passwords) as "(redacted)".
    static QByteArray describe(const std::vector<QByteArrayView> &args,
                               const std::vector<qsizetype> &redacted = {}, int maxArgLength = 64,
                               int maxArgs = 16);

private:
    std::vector<CommandLogEntry> m_ring;
    quint64 m_next = 1;
    quint64 m_skipped = 0;
    qint64 m_window = 0;
    int m_admitted = 0;
    bool m_enabled = false;
};
