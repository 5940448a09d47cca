#include "transaction.h"

#include "commands/commandtable.h"
#include "store/keyspace.h"

#include <algorithm>

Transaction::~Transaction()
{
    unwatchAll();
}

quint32 Transaction::queuedFlags() const
{
    quint32 flags = 0;
    for (const QueuedCommand &queued : m_queued)
        flags |= queued.command->flags;
    return flags;
}

void Transaction::queue(Command *command, const std::vector<QByteArrayView> &args)
{
    if (m_queueError || m_dirty)
        return;
    QueuedCommand queued { command, {} };
    queued.args.reserve(args.size());
    for (const QByteArrayView &arg : args) {
        queued.args.push_back(arg.toByteArray());
        m_queuedBytes += arg.size();
    }
    m_queued.push_back(std::move(queued));
}

void Transaction::watch(Keyspace &db, QByteArrayView key)
{
    if (m_dirty)
        return;
    const bool known = std::any_of(m_watched.begin(), m_watched.end(), [&](const auto &watched) {
        return watched.first == &db && watched.second == key;
    });
    if (known)
        return;
    m_watched.emplace_back(&db, key.toByteArray());
    db.watch(key, this);
}

void Transaction::unwatchAll()
{
    for (const auto &[db, key] : m_watched)
        db->unwatch(key, this);
    m_watched.clear();
    m_dirty = false;
}

void Transaction::discard()
{
    m_queued.clear();
    m_queuedBytes = 0;
    m_active = false;
    m_queueError = false;
    unwatchAll();
}
