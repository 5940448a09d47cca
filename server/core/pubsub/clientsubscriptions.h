#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QSet>

#include <algorithm>
#include <vector>

// The channels, patterns or shard channels one client is subscribed to, in the order it
// subscribed (Redis 7.0 keeps patterns in a list; its channel dicts have no order a client can
// rely on, so the same order serves them too).
class SubscriptionSet
{
public:
    // False when name was already there.
    bool add(QByteArrayView name)
    {
        const QByteArray key = name.toByteArray();
        if (m_index.contains(key))
            return false;
        m_index.insert(key);
        m_order.push_back(key);
        return true;
    }
    bool remove(QByteArrayView name)
    {
        if (!m_index.remove(name.toByteArray()))
            return false;
        m_order.erase(std::find(m_order.begin(), m_order.end(), name));
        return true;
    }
    qsizetype size() const { return qsizetype(m_order.size()); }
    bool isEmpty() const { return m_order.empty(); }
    const std::vector<QByteArray> &names() const { return m_order; }

private:
    QSet<QByteArray> m_index;
    std::vector<QByteArray> m_order;
};

// Everything one client is subscribed to. A Connection owns one only once it subscribes, so
// that a client that never does pays a null pointer.
struct ClientSubscriptions
{
    SubscriptionSet channels;
    SubscriptionSet patterns;
    SubscriptionSet shardChannels;

    // What (P)SUBSCRIBE and (P)UNSUBSCRIBE report: channels and patterns together.
    qsizetype count() const { return channels.size() + patterns.size(); }
    // Redis's CLIENT_PUBSUB: any subscription at all, shard channels included.
    bool isSubscribed() const { return count() + shardChannels.size() > 0; }
};
