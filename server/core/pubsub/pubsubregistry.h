#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QHash>

#include <functional>
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

    // For the dashboard: every publish since start, and per channel (or pattern) the messages
    // it received since it last became active; counted whether anyone watches or not, one
    // increment each, so that a dashboard attached later sees rates at once.
    quint64 publishedTotal() const { return m_published; }
    // f(name, subscribers, published) for each active channel of scope until it returns false.
    template<typename F> void forEachChannel(Scope scope, F f) const
    {
        const QHash<QByteArray, Channel> &channels = table(scope);
        for (auto it = channels.cbegin(); it != channels.cend(); ++it) {
            if (!f(it.key(), qsizetype(it->clients.size()), it->published))
                return;
        }
    }
    // f(pattern, subscribers, messages matched) for each pattern until it returns false.
    template<typename F> void forEachPattern(F f) const
    {
        for (const Pattern &entry : m_patterns) {
            if (!f(entry.pattern, qsizetype(entry.clients.size()), entry.published))
                return;
        }
    }
    // Called with every message published (channel, message, shard) while set: the dashboard's
    // watch on a channel. Unset, a publish pays one test of an empty function.
    using Tap = std::function<void(QByteArrayView, QByteArrayView, bool)>;
    void setTap(Tap tap) { m_tap = std::move(tap); }

private:
    using Clients = std::vector<Connection *>; // in the order they subscribed
    struct Channel
    {
        Clients clients;
        quint64 published = 0;
    };
    struct Pattern
    {
        QByteArray pattern;
        Clients clients;
        quint64 published = 0;
    };

    QHash<QByteArray, Channel> &table(Scope scope)
    {
        return scope == Scope::Shard ? m_shardChannels : m_channels;
    }
    const QHash<QByteArray, Channel> &table(Scope scope) const
    {
        return scope == Scope::Shard ? m_shardChannels : m_channels;
    }
    std::vector<Pattern>::iterator findPattern(QByteArrayView pattern);

    QHash<QByteArray, Channel> m_channels;
    QHash<QByteArray, Channel> m_shardChannels;
    std::vector<Pattern> m_patterns; // in the order first subscribed
    quint64 m_published = 0;
    Tap m_tap;
};
