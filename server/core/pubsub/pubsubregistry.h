#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QHash>

#include <vector>

class Connection;

// The server's Pub/Sub registry (Redis's server.pubsub_channels, pubsub_patterns and
// pubsubshard_channels): who listens to what, and delivery of messages. Each subscription is
// kept both here and in the client's ClientSubscriptions. Subscribing and unsubscribing write
// Redis's confirmation frames to the client; publishing writes message frames to the
// receivers' output, never to the publisher's reply. Lives on the server thread.
class PubSubRegistry
{
public:
    enum class Scope { Global, Shard };

    // SUBSCRIBE / SSUBSCRIBE one channel; the confirmation is sent even when already subscribed.
    void subscribe(Connection &client, QByteArrayView channel, Scope scope);
    // UNSUBSCRIBE / SUNSUBSCRIBE one channel, confirmed when notify.
    void unsubscribe(Connection &client, QByteArrayView channel, Scope scope, bool notify);
    // Every channel of scope, in the order subscribed; with none, one confirmation with a null
    // channel when notify.
    void unsubscribeAll(Connection &client, Scope scope, bool notify);
    void psubscribe(Connection &client, QByteArrayView pattern);
    void punsubscribe(Connection &client, QByteArrayView pattern, bool notify);
    void punsubscribeAll(Connection &client, bool notify);
    // RESET and disconnect: leaves everything silently.
    void forget(Connection &client);

    // PUBLISH / SPUBLISH: the number of deliveries (a client matching through a channel and
    // two patterns counts three times). Shard messages never reach patterns.
    int publish(QByteArrayView channel, QByteArrayView message, Scope scope);
    // Whether anyone at all listens (keyspace notifications skip building channel names).
    bool isEmpty() const
    {
        return m_channels.isEmpty() && m_patterns.empty() && m_shardChannels.isEmpty();
    }

    // PUBSUB and INFO.
    QByteArrayList channels(QByteArrayView pattern, Scope scope) const; // null pattern: all
    qsizetype subscriberCount(QByteArrayView channel, Scope scope) const;
    qsizetype channelCount(Scope scope) const { return table(scope).size(); }
    qsizetype patternCount() const { return qsizetype(m_patterns.size()); }

private:
    using Clients = std::vector<Connection *>; // in the order they subscribed
    struct Pattern
    {
        QByteArray pattern;
        Clients clients;
    };

    QHash<QByteArray, Clients> &table(Scope scope)
    {
        return scope == Scope::Shard ? m_shardChannels : m_channels;
    }
    const QHash<QByteArray, Clients> &table(Scope scope) const
    {
        return scope == Scope::Shard ? m_shardChannels : m_channels;
    }
    std::vector<Pattern>::iterator findPattern(QByteArrayView pattern);

    QHash<QByteArray, Clients> m_channels;
    QHash<QByteArray, Clients> m_shardChannels;
    std::vector<Pattern> m_patterns; // in the order first subscribed
};
