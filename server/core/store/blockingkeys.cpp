#include "blockingkeys.h"

#include <algorithm>
#include <utility>

void BlockingKeys::add(QByteArrayView key, quint64 clientId)
{
    m_waiters[key.toByteArray()].push_back(clientId);
}

void BlockingKeys::remove(QByteArrayView key, quint64 clientId)
{
    const auto it = m_waiters.find(key.toByteArray());
    if (it == m_waiters.end())
        return;
    std::deque<quint64> &ids = it.value();
    ids.erase(std::remove(ids.begin(), ids.end(), clientId), ids.end());
    if (ids.empty())
        m_waiters.erase(it);
}

const std::deque<quint64> *BlockingKeys::waiters(QByteArrayView key) const
{
    const auto it = m_waiters.constFind(key.toByteArray());
    return it == m_waiters.cend() ? nullptr : &it.value();
}

void BlockingKeys::signal(QByteArrayView key)
{
    const QByteArray copy = key.toByteArray();
    if (!m_waiters.contains(copy) || m_readySet.contains(copy))
        return;
    m_readySet.insert(copy);
    m_ready.push_back(copy);
}

std::vector<QByteArray> BlockingKeys::takeReady()
{
    m_readySet.clear();
    return std::exchange(m_ready, {});
}
