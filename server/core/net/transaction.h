#pragma once

#include "store/watchedkeys.h"

#include <QByteArray>
#include <QByteArrayView>

#include <utility>
#include <vector>

class Keyspace;
struct Command;

// One client's MULTI/EXEC state (Redis's multiState, CLIENT_DIRTY_EXEC, CLIENT_DIRTY_CAS and
// watched_keys): the commands queued with copies of their arguments, whether queuing one
// failed (EXEC then aborts), and the keys it WATCHes with whether one of them changed.
// It runs nothing itself: EXEC takes the queue and runs it through the Connection.
class Transaction final : public KeyWatcher
{
public:
    struct QueuedCommand
    {
        Command *command;
        std::vector<QByteArray> args;
    };

    Transaction() = default;
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    // Between MULTI and EXEC or DISCARD.
    bool isActive() const { return m_active; }
    void begin() { m_active = true; }
    // Copies the arguments. Once EXEC is bound to fail nothing more is kept, as in Redis
    // (CLIENT LIST's multi= then stops growing).
    void queue(Command *command, const std::vector<QByteArrayView> &args);
    qsizetype queuedCount() const { return qsizetype(m_queued.size()); }
    // Bytes of the queued arguments, for CLIENT LIST's multi-mem.
    qsizetype queuedBytes() const { return m_queuedBytes; }
    // The CommandFlag bits of every queued command together (Redis's mstate.cmd_flags): a
    // write pause holds EXEC when one of them writes.
    quint32 queuedFlags() const;
    std::vector<QueuedCommand> takeQueued() { return std::exchange(m_queued, {}); }

    // A command was rejected while queuing: EXEC will answer EXECABORT.
    void flagError()
    {
        if (m_active)
            m_queueError = true;
    }
    bool hasQueueError() const { return m_queueError; }

    // WATCH key in db. Nothing is added once a watched key has changed: EXEC fails anyway.
    void watch(Keyspace &db, QByteArrayView key);
    // UNWATCH: forgets the keys and that one of them changed.
    void unwatchAll();
    // A watched key changed since WATCH: EXEC answers a null array.
    bool isDirty() const { return m_dirty; }
    bool isWatching() const { return !m_watched.empty(); }

    // EXEC, DISCARD, RESET and disconnecting: leaves MULTI, drops the queue, unwatches.
    void discard();

    void watchedKeyModified() override { m_dirty = true; }

private:
    std::vector<QueuedCommand> m_queued;
    std::vector<std::pair<Keyspace *, QByteArray>> m_watched;
    qsizetype m_queuedBytes = 0;
    bool m_active = false;
    bool m_queueError = false;
    bool m_dirty = false;
};
