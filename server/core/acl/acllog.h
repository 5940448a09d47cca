#pragma once

#include <QByteArray>

#include <deque>

class ReplyWriter;

// ACL LOG (Redis 7.0's ACLLog): the most recent denials, newest first. A denial like one of
// the last ten (same reason, context, object and user, within 60 s) bumps that entry's count
// and moves it to the front instead of adding a new one.
class AclLog
{
public:
    struct Entry
    {
        qint64 count;
        QByteArray reason;  // "command", "key", "channel", "auth"
        QByteArray context; // "toplevel", "multi", "lua"
        QByteArray object;  // the command's full name, the key, the channel, or "AUTH"
        QByteArray username;
        qint64 createdMs;
        QByteArray clientInfo; // the CLIENT LIST line of the client denied
    };

    void add(Entry entry, long long maxLength);
    void trim(long long maxLength);
    void clear() { m_entries.clear(); }
    // ACL LOG [count]: the first count entries as Redis's maps.
    void reply(ReplyWriter &r, qsizetype count, qint64 nowMs) const;

private:
    std::deque<Entry> m_entries;
};
