#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>

#include <deque>
#include <vector>

// One SLOWLOG GET entry, as Redis keeps it (slowlogEntry).
struct SlowLogEntry
{
    quint64 id = 0;
    qint64 time = 0; // unix time in seconds, when the command finished
    qint64 durationUs = 0;
    QByteArrayList args; // shortened as Redis shortens them (see SlowLog::record)
    QByteArray client;   // "ip:port"
    QByteArray name;     // the client's name, empty when it has none
};

// Redis's slow log: the commands that ran for at least slowlog-log-slower-than microseconds,
// newest first, at most slowlog-max-len of them. Both settings live in ServerConfig (CONFIG
// GET/SET change them), so the caller passes them in. Owned by Server; single-threaded.
class SlowLog
{
public:
    static constexpr qsizetype MaxArgs = 32;       // SLOWLOG_ENTRY_MAX_ARGC
    static constexpr qsizetype MaxArgLength = 128; // SLOWLOG_ENTRY_MAX_STRING

    // Whether a command that ran for micros (>= 0) gets an entry under threshold; a negative
    // threshold logs nothing. One comparison, as it runs after every command: as unsigned, a
    // negative threshold is larger than any duration.
    static bool isSlow(qint64 micros, long long threshold)
    {
        return quint64(micros) >= quint64(threshold);
    }

    /* Adds a command as the newest entry, then drops the oldest beyond maxLength. Arguments
     * whose positions are in redacted are shown as "(redacted)". As in Redis, at most MaxArgs
     * arguments are kept (the last one kept says "... (N more arguments)") and each is cut to
     * MaxArgLength bytes followed by "... (N more bytes)". Ids count up from 0 and survive
     * reset().
     */
    void record(const std::vector<QByteArrayView> &args, const std::vector<qsizetype> &redacted,
                qint64 durationUs, const QByteArray &client, const QByteArray &name,
                long long maxLength);
    // Drops the oldest entries beyond maxLength.
    void trim(long long maxLength);
    void reset() { m_entries.clear(); }

    qsizetype size() const { return qsizetype(m_entries.size()); }
    // Newest first.
    const std::deque<SlowLogEntry> &entries() const { return m_entries; }

private:
    std::deque<SlowLogEntry> m_entries;
    quint64 m_nextId = 0;
};
