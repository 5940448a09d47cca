#include "trackingtable.h"

#include "clienttracking.h"
#include "commands/commandkeys.h"
#include "net/connection.h"
#include "net/server.h"
#include "store/keyspace.h"

#include <algorithm>

namespace {

// Redis's stringCheckPrefix: one of the two starts with the other.
bool overlaps(QByteArrayView a, QByteArrayView b)
{
    const qsizetype length = qMin(a.size(), b.size());
    return a.first(length) == b.first(length);
}

// Redis formats prefixes with %s: a NUL ends them.
QByteArray cText(const QByteArray &prefix)
{
    const qsizetype nul = prefix.indexOf('\0');
    return nul < 0 ? prefix : prefix.left(nul);
}

void appendBulk(QByteArray &out, QByteArrayView data)
{
    out += '$' + QByteArray::number(data.size()) + "\r\n";
    out.append(data.data(), data.size());
    out += "\r\n";
}

QByteArray keyArray(QByteArrayView key)
{
    QByteArray out = "*1\r\n";
    appendBulk(out, key);
    return out;
}

// The null a flush sends, in the protocol of the tracking client (not its redirect's).
QByteArray flushValue(const Connection &client)
{
    return client.protocol() == 3 ? QByteArrayLiteral("_\r\n") : QByteArrayLiteral("$-1\r\n");
}

} // namespace

TrackingTable::TrackingTable(Server &server)
    : m_server(server)
{ }

QByteArray TrackingTable::prefixCollision(const ClientTracking *current,
                                          const std::vector<QByteArray> &prefixes)
{
    static const QByteArray tail = ". Prefixes for a single client must not overlap.";
    for (size_t i = 0; i < prefixes.size(); ++i) {
        if (current) {
            for (const QByteArray &existing : current->prefixes) {
                if (overlaps(existing, prefixes[i]))
                    return "Prefix '" + cText(prefixes[i]) + "' overlaps with an existing prefix '"
                            + cText(existing) + "'" + tail;
            }
        }
        for (size_t j = i + 1; j < prefixes.size(); ++j) {
            if (overlaps(prefixes[i], prefixes[j]))
                return "Prefix '" + cText(prefixes[i]) + "' overlaps with another provided prefix '"
                        + cText(prefixes[j]) + "'" + tail;
        }
    }
    return QByteArray();
}

void TrackingTable::enable(Connection &client, const Options &options)
{
    ClientTracking &tracking = client.tracking();
    if (!tracking.on)
        ++m_clients;
    tracking.on = true;
    tracking.brokenRedirect = false;
    tracking.redirect = options.redirect;
    tracking.bcast = options.bcast;
    tracking.optin = options.optin;
    tracking.optout = options.optout;
    tracking.noloop = options.noloop;
    if (options.bcast) {
        const std::vector<QByteArray> all = options.prefixes.empty()
                ? std::vector<QByteArray> { QByteArray("") }
                : options.prefixes;
        for (const QByteArray &prefix : all) {
            if (!tracking.prefixes.insert(prefix).second)
                continue;
            m_prefixes[prefix].clients.push_back(&client);
        }
    }
    updateHooks();
}

void TrackingTable::disable(Connection &client)
{
    ClientTracking *tracking = client.trackingIfAny();
    if (!tracking || !tracking->on)
        return;
    for (const QByteArray &prefix : tracking->prefixes) {
        const auto it = m_prefixes.find(prefix);
        std::vector<Connection *> &clients = it->second.clients;
        clients.erase(std::remove(clients.begin(), clients.end(), &client), clients.end());
        if (clients.empty())
            m_prefixes.erase(it);
    }
    --m_clients;
    *tracking = ClientTracking();
    updateHooks();
}

void TrackingTable::sendPending()
{
    for (const std::optional<QByteArray> &key : std::exchange(m_pending, {}))
        send(*m_current, key ? keyArray(*key) : flushValue(*m_current));
}

void TrackingTable::rememberKeys(Connection &client, const Command &command,
                                 const std::vector<QByteArrayView> &argv)
{
    // Shard channels are keys to COMMAND, not data to cache.
    if (command.flags & CommandFlag::PubSub)
        return;
    const std::vector<KeyReference> keys
            = CommandKeys::find(command, argv.data(), qsizetype(argv.size()));
    for (const KeyReference &key : keys) {
        std::vector<quint64> &ids = m_keys[argv[size_t(key.pos)].toByteArray()];
        if (std::find(ids.begin(), ids.end(), client.id()) == ids.end()) {
            ids.push_back(client.id());
            ++m_items;
        }
    }
    updateHooks();
}

void TrackingTable::keyModified(QByteArrayView key, bool byCommand)
{
    // An expired key changes with no client behind it, even during a command (Redis passes no
    // client), so NOLOOP does not hide it from a BCAST client.
    invalidate(key, byCommand && m_current ? m_current->id() : 0);
}

void TrackingTable::invalidate(QByteArrayView key, quint64 modifier)
{
    if (!m_prefixes.empty()) {
        // Redis's trackingRememberKeyToBroadcast: every prefix of the key collects it.
        for (auto &[prefix, state] : m_prefixes) {
            if (key.startsWith(prefix))
                state.keys[key.toByteArray()] = modifier;
        }
        if (!m_broadcastScheduled) {
            m_broadcastScheduled = true;
            QMetaObject::invokeMethod(
                    &m_server, [this] { broadcast(); }, Qt::QueuedConnection);
        }
    }
    const auto it = m_keys.constFind(QByteArray::fromRawData(key.data(), key.size()));
    if (it == m_keys.constEnd())
        return;
    const std::vector<quint64> ids = it.value();
    m_items -= ids.size();
    m_keys.erase(it);
    for (quint64 id : ids) {
        Connection *target = m_server.client(id);
        ClientTracking *tracking = target ? target->trackingIfAny() : nullptr;
        // A client that switched to BCAST since it read the key no longer hears of it.
        if (!tracking || !tracking->on || tracking->bcast)
            continue;
        if (target == m_current) {
            if (!tracking->noloop)
                m_pending.push_back(key.toByteArray());
            continue;
        }
        send(*target, keyArray(key));
    }
    updateHooks();
}

void TrackingTable::invalidateAll()
{
    if (m_clients > 0) {
        for (const auto &entry : m_server.clients()) {
            Connection &client = *entry.second;
            const ClientTracking *tracking = client.trackingIfAny();
            if (!tracking || !tracking->on)
                continue;
            if (&client == m_current)
                m_pending.push_back(std::nullopt);
            else
                send(client, flushValue(client));
        }
    }
    m_keys.clear();
    m_items = 0;
    updateHooks();
}

void TrackingTable::enforceLimit()
{
    const long long limit = m_server.config().trackingTableMaxKeys;
    if (limit <= 0 || m_keys.size() <= limit) {
        m_limitEffort = 0;
        return;
    }
    // Hash order stands in for Redis's random walk: it has nothing to do with the keys' age.
    for (int effort = 100 * (m_limitEffort + 1); effort > 0 && !m_keys.isEmpty(); --effort) {
        const QByteArray key = m_keys.constBegin().key();
        invalidate(key, 0);
        if (m_keys.size() <= limit) {
            m_limitEffort = 0;
            return;
        }
    }
    ++m_limitEffort;
}

void TrackingTable::send(Connection &client, const QByteArray &value)
{
    ClientTracking *tracking = client.trackingIfAny();
    Connection *target = &client;
    bool redirected = false;
    if (tracking && tracking->redirect) {
        target = m_server.client(tracking->redirect);
        if (!target) {
            tracking->brokenRedirect = true;
            if (client.protocol() == 3)
                client.pushFrame("*2\r\n$21\r\ntracking-redir-broken\r\n:"
                                 + QByteArray::number(tracking->redirect) + "\r\n");
            return;
        }
        redirected = true;
    }
    if (target->protocol() == 3)
        target->pushFrame("*2\r\n$10\r\ninvalidate\r\n" + value);
    else if (redirected && target->isSubscribed())
        target->pushFrame("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n" + value);
    // Otherwise a RESP2 connection cannot take a push: nothing is sent.
}

void TrackingTable::broadcast()
{
    m_broadcastScheduled = false;
    for (auto &[prefix, state] : m_prefixes) {
        if (state.keys.empty())
            continue;
        const std::map<QByteArray, quint64> keys = std::exchange(state.keys, {});
        auto build = [&keys](quint64 skip) {
            QByteArray body;
            qsizetype count = 0;
            for (const auto &[key, modifier] : keys) {
                if (skip && modifier == skip)
                    continue;
                appendBulk(body, key);
                ++count;
            }
            return count ? '*' + QByteArray::number(count) + "\r\n" + body : QByteArray();
        };
        const QByteArray common = build(0);
        // A copy: a send may close a client over its output limit.
        const std::vector<Connection *> clients = state.clients;
        for (Connection *client : clients) {
            const ClientTracking *tracking = client->trackingIfAny();
            const QByteArray value = tracking && tracking->noloop ? build(client->id()) : common;
            if (!value.isEmpty())
                send(*client, value);
        }
    }
}

void TrackingTable::updateHooks()
{
    const bool wanted = m_clients > 0 || !m_keys.isEmpty();
    if (wanted == m_hooked)
        return;
    m_hooked = wanted;
    for (int i = 0; i < m_server.databaseCount(); ++i)
        m_server.database(i).setKeyInvalidator(wanted ? this : nullptr);
}
