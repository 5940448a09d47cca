#include "acllog.h"

#include "protocol/replywriter.h"

namespace {
// Redis's ACL_LOG_GROUPING_MAX_TIME_DELTA, and how many recent entries are searched for one
// to group with.
constexpr qint64 GroupingMs = 60000;
constexpr int GroupingScan = 10;
} // namespace

void AclLog::add(Entry entry, long long maxLength)
{
    const qsizetype scan = qMin<qsizetype>(GroupingScan, qsizetype(m_entries.size()));
    for (qsizetype i = 0; i < scan; ++i) {
        Entry &old = m_entries[size_t(i)];
        if (old.reason == entry.reason && old.context == entry.context && old.object == entry.object
            && old.username == entry.username && entry.createdMs - old.createdMs < GroupingMs) {
            entry.count = old.count + 1;
            m_entries.erase(m_entries.begin() + i);
            break;
        }
    }
    m_entries.push_front(std::move(entry));
    trim(maxLength);
}

void AclLog::trim(long long maxLength)
{
    while (qint64(m_entries.size()) > maxLength)
        m_entries.pop_back();
}

void AclLog::reply(ReplyWriter &r, qsizetype count, qint64 nowMs) const
{
    const qsizetype shown = qMin(count, qsizetype(m_entries.size()));
    r.arrayHeader(shown);
    for (qsizetype i = 0; i < shown; ++i) {
        const Entry &entry = m_entries[size_t(i)];
        r.mapHeader(7);
        r.bulk("count");
        r.integer(entry.count);
        r.bulk("reason");
        r.bulk(entry.reason);
        r.bulk("context");
        r.bulk(entry.context);
        r.bulk("object");
        r.bulk(entry.object);
        r.bulk("username");
        r.bulk(entry.username);
        r.bulk("age-seconds");
        r.doubleValue(double(nowMs - entry.createdMs) / 1000.0);
        r.bulk("client-info");
        r.bulk(entry.clientInfo);
    }
}
