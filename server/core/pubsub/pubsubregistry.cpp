#include "pubsubregistry.h"

#include "clientsubscriptions.h"
#include "net/connection.h"
#include "protocol/replywriter.h"
#include "store/globmatch.h"

#include <algorithm>

namespace {

const char *subscribeKind(PubSubRegistry::Scope scope)
{
    return scope == PubSubRegistry::Scope::Shard ? "ssubscribe" : "subscribe";
}

const char *unsubscribeKind(PubSubRegistry::Scope scope)
{
    return scope == PubSubRegistry::Scope::Shard ? "sunsubscribe" : "unsubscribe";
}

SubscriptionSet &setOf(ClientSubscriptions &subscriptions, PubSubRegistry::Scope scope)
{
    return scope == PubSubRegistry::Scope::Shard ? subscriptions.shardChannels
                                                 : subscriptions.channels;
}

// Redis's addReplyPubsub(Un)Subscribed and friends: [kind, name or null, count], a push frame
// in RESP3, sent even while CLIENT REPLY is off.
void confirm(Connection &client, const char *kind, const QByteArray *name,
             PubSubRegistry::Scope scope)
{
    ClientSubscriptions &subscriptions = client.subscriptions();
    ReplyWriter &push = client.push();
    push.pushHeader(3);
    push.bulk(kind);
    if (name)
        push.bulk(*name);
    else
        push.null();
    push.integer(scope == PubSubRegistry::Scope::Shard ? subscriptions.shardChannels.size()
                                                       : subscriptions.count());
}

void removeClient(std::vector<Connection *> &clients, Connection *client)
{
    clients.erase(std::find(clients.begin(), clients.end(), client));
}

} // namespace

void PubSubRegistry::subscribe(Connection &client, QByteArrayView channel, Scope scope)
{
    if (setOf(client.subscriptions(), scope).add(channel))
        table(scope)[channel.toByteArray()].clients.push_back(&client);
    const QByteArray name = channel.toByteArray();
    confirm(client, subscribeKind(scope), &name, scope);
}

void PubSubRegistry::unsubscribe(Connection &client, QByteArrayView channel, Scope scope,
                                 bool notify)
{
    // A copy: channel may be the client's own stored name, which remove() frees.
    const QByteArray name = channel.toByteArray();
    if (setOf(client.subscriptions(), scope).remove(name)) {
        QHash<QByteArray, Channel> &channels = table(scope);
        const auto it = channels.find(name);
        removeClient(it->clients, &client);
        // An empty channel leaves the table, so that PUBSUB CHANNELS cannot grow for ever.
        if (it->clients.empty())
            channels.erase(it);
    }
    if (notify)
        confirm(client, unsubscribeKind(scope), &name, scope);
}

void PubSubRegistry::unsubscribeAll(Connection &client, Scope scope, bool notify)
{
    const std::vector<QByteArray> names = setOf(client.subscriptions(), scope).names();
    for (const QByteArray &name : names)
        unsubscribe(client, name, scope, notify);
    if (notify && names.empty())
        confirm(client, unsubscribeKind(scope), nullptr, scope);
}

std::vector<PubSubRegistry::Pattern>::iterator PubSubRegistry::findPattern(QByteArrayView pattern)
{
    return std::find_if(m_patterns.begin(), m_patterns.end(),
                        [&](const Pattern &entry) { return entry.pattern == pattern; });
}

void PubSubRegistry::psubscribe(Connection &client, QByteArrayView pattern)
{
    if (client.subscriptions().patterns.add(pattern)) {
        auto it = findPattern(pattern);
        if (it == m_patterns.end())
            it = m_patterns.insert(m_patterns.end(), Pattern { pattern.toByteArray(), {} });
        it->clients.push_back(&client);
    }
    const QByteArray name = pattern.toByteArray();
    confirm(client, "psubscribe", &name, Scope::Global);
}

void PubSubRegistry::punsubscribe(Connection &client, QByteArrayView pattern, bool notify)
{
    const QByteArray name = pattern.toByteArray();
    if (client.subscriptions().patterns.remove(name)) {
        const auto it = findPattern(name);
        removeClient(it->clients, &client);
        if (it->clients.empty())
            m_patterns.erase(it);
    }
    if (notify)
        confirm(client, "punsubscribe", &name, Scope::Global);
}

void PubSubRegistry::punsubscribeAll(Connection &client, bool notify)
{
    const std::vector<QByteArray> names = client.subscriptions().patterns.names();
    for (const QByteArray &name : names)
        punsubscribe(client, name, notify);
    if (notify && names.empty())
        confirm(client, "punsubscribe", nullptr, Scope::Global);
}

void PubSubRegistry::forget(Connection &client)
{
    if (!client.subscriptionsIfAny())
        return;
    unsubscribeAll(client, Scope::Global, false);
    unsubscribeAll(client, Scope::Shard, false);
    punsubscribeAll(client, false);
}

// Redis's pubsubPublishMessage: channel subscribers first, in the order they subscribed, then
// each matching pattern's. Each frame is made once and copied to every receiver.
int PubSubRegistry::publish(QByteArrayView channel, QByteArrayView message, Scope scope)
{
    int receivers = 0;
    ++m_published;
    if (m_tap)
        m_tap(channel, message, scope == Scope::Shard);
    QHash<QByteArray, Channel> &channels = table(scope);
    if (!channels.isEmpty()) {
        // No copy of the name: PUBLISH to a channel nobody listens to allocates nothing.
        const auto it = channels.find(QByteArray::fromRawData(channel.data(), channel.size()));
        if (it != channels.end()) {
            ++it->published;
            QByteArray frame;
            ReplyWriter w(&frame);
            w.arrayHeader(3);
            w.bulk(scope == Scope::Shard ? "smessage" : "message");
            w.bulk(channel);
            w.bulk(message);
            // A receiver over its output limit is closed later, so the list stays as it is.
            for (Connection *client : it->clients)
                client->pushFrame(frame);
            receivers += int(it->clients.size());
        }
    }
    if (scope == Scope::Shard || m_patterns.empty())
        return receivers;
    for (Pattern &entry : m_patterns) {
        if (!globMatch(entry.pattern, channel))
            continue;
        ++entry.published;
        QByteArray frame;
        ReplyWriter w(&frame);
        w.arrayHeader(4);
        w.bulk("pmessage");
        w.bulk(entry.pattern);
        w.bulk(channel);
        w.bulk(message);
        for (Connection *client : entry.clients)
            client->pushFrame(frame);
        receivers += int(entry.clients.size());
    }
    return receivers;
}

QByteArrayList PubSubRegistry::channels(QByteArrayView pattern, Scope scope) const
{
    QByteArrayList result;
    const QHash<QByteArray, Channel> &channels = table(scope);
    for (auto it = channels.cbegin(); it != channels.cend(); ++it) {
        if (pattern.isNull() || globMatch(pattern, it.key()))
            result.append(it.key());
    }
    return result;
}

qsizetype PubSubRegistry::subscriberCount(QByteArrayView channel, Scope scope) const
{
    const QHash<QByteArray, Channel> &channels = table(scope);
    const auto it = channels.constFind(QByteArray::fromRawData(channel.data(), channel.size()));
    return it == channels.constEnd() ? 0 : qsizetype(it->clients.size());
}
