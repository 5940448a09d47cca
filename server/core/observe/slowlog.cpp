#include "slowlog.h"

#include <algorithm>
#include <ctime>

void SlowLog::record(const std::vector<QByteArrayView> &args,
                     const std::vector<qsizetype> &redacted, qint64 durationUs,
                     const QByteArray &client, const QByteArray &name, long long maxLength)
{
    SlowLogEntry entry;
    entry.id = m_nextId++;
    // Redis stamps entries with time(NULL); the same call reads the same (coarse) clock.
    entry.time = qint64(std::time(nullptr));
    entry.durationUs = durationUs;
    entry.client = client;
    entry.name = name;

    // A long argument list is useless memory: the last slot kept says how many were left out.
    const qsizetype argc = qsizetype(args.size());
    const qsizetype kept = qMin(argc, MaxArgs);
    entry.args.reserve(kept);
    for (qsizetype j = 0; j < kept; ++j) {
        if (kept != argc && j == kept - 1) {
            entry.args.append("... (" + QByteArray::number(argc - kept + 1) + " more arguments)");
            break;
        }
        if (std::find(redacted.cbegin(), redacted.cend(), j) != redacted.cend()) {
            entry.args.append(QByteArrayLiteral("(redacted)"));
            continue;
        }
        const QByteArrayView arg = args[size_t(j)];
        if (arg.size() > MaxArgLength) {
            entry.args.append(arg.first(MaxArgLength).toByteArray() + "... ("
                              + QByteArray::number(arg.size() - MaxArgLength) + " more bytes)");
        } else {
            entry.args.append(arg.toByteArray());
        }
    }
    m_entries.push_front(std::move(entry));
    trim(maxLength);
}

void SlowLog::trim(long long maxLength)
{
    while (qint64(m_entries.size()) > maxLength)
        m_entries.pop_back();
}
