#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QHash>
#include <QSet>

#include <deque>
#include <vector>

// The clients of one database blocked on its keys (Redis's db->blocking_keys and
// db->ready_keys): for each key, the ids of the clients waiting for it in the order they
// blocked. When a key that someone waits for is added, it becomes ready (once, however often
// it is signalled) until the server takes the ready keys and serves their clients.
// Not thread-safe: it lives on the server thread.
class BlockingKeys
{
public:
    void add(QByteArrayView key, quint64 clientId);
    void remove(QByteArrayView key, quint64 clientId);
    // The clients waiting for key, first to block first; null when none.
    const std::deque<quint64> *waiters(QByteArrayView key) const;
    bool isEmpty() const { return m_waiters.isEmpty(); }
    QByteArrayList waitedKeys() const { return m_waiters.keys(); }

    // Redis's signalKeyAsReady: a key was added; it becomes ready if someone waits for it.
    void signal(QByteArrayView key);
    bool hasReady() const { return !m_ready.empty(); }
    // The ready keys in the order they became ready; none is ready afterwards.
    std::vector<QByteArray> takeReady();

private:
    QHash<QByteArray, std::deque<quint64>> m_waiters;
    std::vector<QByteArray> m_ready;
    QSet<QByteArray> m_readySet;
};
