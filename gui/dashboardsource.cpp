#include "dashboardsource.h"

#include "keyreader.h"
#include "respconnection.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTimer>

#include <algorithm>

namespace {

bool isError(const Reply &reply)
{
    return reply.type == Reply::Type::Error;
}

QString errorText(const Reply &reply)
{
    return QString::fromUtf8(reply.string);
}

} // namespace

DashboardSource::DashboardSource(const RedisUrl &url, QObject *parent)
    : QObject(parent)
    , m_url(url)
    , m_connection(new RespConnection(url, this))
{
    qRegisterMetaType<ServerSnapshot>();
    qRegisterMetaType<KeyPage>();
    qRegisterMetaType<ValuePage>();
    qRegisterMetaType<ValueEdit>();
    qRegisterMetaType<ConfigList>();
    connect(m_connection, &RespConnection::ready, this, [this] {
        emit connectionChanged(true, tr("connected"));
        pollInfo();
    });
    connect(m_connection, &RespConnection::lost, this, [this](const QString &reason) {
        m_infoPending = false;
        emit connectionChanged(false, tr("reconnecting (%1)").arg(reason));
    });
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &DashboardSource::pollInfo);
    timer->start(InfoIntervalMs);
}

DashboardSource::~DashboardSource() = default;

void DashboardSource::start()
{
    m_connection->open();
}

bool DashboardSource::isConnected() const
{
    return m_connection->isReady();
}

void DashboardSource::pollInfo()
{
    if (m_infoPending || !m_connection->isReady())
        return;
    m_infoPending = true;
    m_connection->sendBatch({ { "INFO", "everything" }, { "LATENCY", "LATEST" } },
                            [this](const QList<Reply> &replies) {
                                m_infoPending = false;
                                const Reply &info = replies.at(0);
                                if (isError(info))
                                    return;
                                infoArrived(info.string);
                                emit infoReady(info.string);
                                const Reply &latest = replies.at(1);
                                if (isError(latest)) {
                                    emit latencyEventsReady({}, false);
                                    return;
                                }
                                QList<LatencyEvent> events;
                                for (const Reply &event : latest.elements) {
                                    events.append({ event.elements.value(0).string,
                                                    event.elements.value(1).integer,
                                                    event.elements.value(2).integer,
                                                    event.elements.value(3).integer,
                                                    {} });
                                }
                                pollLatencyHistory(events);
                            });
}

void DashboardSource::pollLatencyHistory(QList<LatencyEvent> events)
{
    QList<QByteArrayList> commands;
    for (const LatencyEvent &event : events)
        commands.append(QByteArrayList { "LATENCY", "HISTORY", event.name });
    m_infoPending = true;
    m_connection->sendBatch(commands, [this, events](const QList<Reply> &replies) mutable {
        m_infoPending = false;
        for (qsizetype i = 0; i < replies.size(); ++i) {
            for (const Reply &sample : replies.at(i).elements)
                events[i].history.append(
                        { sample.elements.value(0).integer, sample.elements.value(1).integer });
        }
        emit latencyEventsReady(events, true);
    });
}

void DashboardSource::infoArrived(const QByteArray &) { }

void DashboardSource::dropOwnConnections(ServerSnapshot *s, const QList<QByteArray> &ownAddresses)
{
    QSet<quint64> ownIds;
    QSet<QByteArray> addresses(ownAddresses.cbegin(), ownAddresses.cend());
    for (const ClientRow &client : s->clients) {
        if (client.name == RespConnection::ClientName) {
            ownIds.insert(client.id);
            addresses.insert(client.address);
        }
    }
    const qsizetype before = s->clients.size();
    s->clients.removeIf([&](const ClientRow &c) {
        return ownIds.contains(c.id) || addresses.contains(c.address);
    });
    s->connectedClients = qMax<qint64>(0, s->connectedClients - (before - s->clients.size()));
    // An entry's client is "name@address" or "address".
    s->commands = s->commands.filtered([&](const CommandLogBatch::Entry &entry) {
        if (ownIds.contains(entry.clientId))
            return false;
        const QByteArrayView address = entry.client.sliced(entry.client.indexOf('@') + 1);
        return !addresses.contains(QByteArray::fromRawData(address.data(), address.size()));
    });
    const qsizetype slowBefore = s->slowLog.size();
    s->slowLog.removeIf([&](const SlowLogEntry &entry) {
        return entry.name == RespConnection::ClientName || addresses.contains(entry.client);
    });
    s->slowLogLength = qMax<qint64>(0, s->slowLogLength - (slowBefore - s->slowLog.size()));
}

void DashboardSource::runAction(const QByteArrayList &args, const QString &what,
                                std::function<void()> done)
{
    m_connection->send(args, [this, what, done](const Reply &reply) {
        if (isError(reply))
            emit actionFailed(tr("%1: %2").arg(what, errorText(reply)));
        else if (done)
            done();
    });
}

void DashboardSource::killClient(quint64 id)
{
    runAction({ "CLIENT", "KILL", "ID", QByteArray::number(id) },
              tr("Disconnect client %1").arg(id));
}

void DashboardSource::requestKeys(int db, const QByteArray &pattern, quint64 cursor, int count)
{
    KeyReader::readKeys(m_connection, db, pattern, cursor, count,
                        [this](const KeyPage &page) { emit keysReady(page); });
}

void DashboardSource::deleteKey(int db, const QByteArray &key)
{
    m_connection->select(db);
    runAction({ "UNLINK", key }, tr("Delete"), [this, db, key] { emit keyChanged(db, key); });
}

void DashboardSource::setTtl(int db, const QByteArray &key, qint64 seconds)
{
    m_connection->select(db);
    const QByteArrayList args = seconds < 0
            ? QByteArrayList { "PERSIST", key }
            : QByteArrayList { "EXPIRE", key, QByteArray::number(seconds) };
    runAction(args, tr("Expire"), [this, db, key] { emit keyChanged(db, key); });
}

void DashboardSource::requestValue(int db, const QByteArray &key, quint64 cursor, int count)
{
    KeyReader::readValue(m_connection, db, key, cursor, count,
                         [this](const ValuePage &page) { emit valueReady(page); });
}

void DashboardSource::editValue(const ValueEdit &edit)
{
    using Op = ValueEdit::Op;
    if (edit.op == Op::ListSet || edit.op == Op::ListRemove) {
        changeListElement(edit);
        return;
    }
    QList<QByteArrayList> commands;
    // Where the first reply must not be 0 or nil, else `missing` is the error: that is how the
    // commands report a field or member that was not there.
    QString missing;
    const QByteArray &key = edit.key;
    switch (edit.op) {
    case Op::SetString: commands = { { "SET", key, edit.value, "KEEPTTL" } }; break;
    case Op::HashSet: commands = { { "HSET", key, edit.element, edit.value } }; break;
    case Op::HashDelete:
        commands = { { "HDEL", key, edit.element } };
        missing = QStringLiteral("ERR no such field");
        break;
    case Op::ListPushHead: commands = { { "LPUSH", key, edit.value } }; break;
    case Op::ListPushTail: commands = { { "RPUSH", key, edit.value } }; break;
    case Op::SetAdd: commands = { { "SADD", key, edit.element } }; break;
    case Op::SetRemove:
    case Op::ZSetRemove:
        commands = { { edit.op == Op::SetRemove ? "SREM" : "ZREM", key, edit.element } };
        missing = QStringLiteral("ERR no such member");
        break;
    case Op::ZSetAdd: commands = { { "ZADD", key, edit.value, edit.element } }; break;
    case Op::ZSetScore:
        // ZADD XX says nothing of a missing member: ZSCORE first tells.
        commands = { { "ZSCORE", key, edit.element },
                     { "ZADD", key, "XX", edit.value, edit.element } };
        missing = QStringLiteral("ERR no such member");
        break;
    case Op::ListSet:
    case Op::ListRemove: break;
    }
    m_connection->select(edit.db);
    m_connection->sendBatch(commands, [this, edit, missing](const QList<Reply> &replies) {
        for (const Reply &reply : replies) {
            if (isError(reply)) {
                emit editFailed(edit.db, edit.key, errorText(reply));
                return;
            }
        }
        const Reply &first = replies.first();
        if (!missing.isEmpty()
            && (first.type == Reply::Type::Nil
                || (first.type == Reply::Type::Integer && first.integer == 0))) {
            emit editFailed(edit.db, edit.key, missing);
            return;
        }
        emit keyChanged(edit.db, edit.key);
    });
}

void DashboardSource::changeListElement(const ValueEdit &edit)
{
    // Only while the element at the index is still the one shown: WATCH, check, then MULTI;
    // EXEC fails if the list changed in between. Removing by index is LSET to a value no
    // list holds, then LREM of it.
    const QByteArray index = QByteArray::number(edit.index);
    const QString changed
            = QStringLiteral("ERR the list changed: element %1 is no longer the one shown")
                      .arg(edit.index);
    m_connection->select(edit.db);
    m_connection->sendBatch(
            { { "WATCH", edit.key }, { "LINDEX", edit.key, index } },
            [this, edit, index, changed](const QList<Reply> &replies) {
                if (isError(replies.at(1))) {
                    m_connection->send({ "UNWATCH" });
                    emit editFailed(edit.db, edit.key, errorText(replies.at(1)));
                    return;
                }
                if (replies.at(1).type != Reply::Type::Bulk
                    || replies.at(1).string != edit.element) {
                    m_connection->send({ "UNWATCH" });
                    emit editFailed(edit.db, edit.key, changed);
                    return;
                }
                QList<QByteArrayList> transaction { { "MULTI" } };
                if (edit.op == ValueEdit::Op::ListSet) {
                    transaction.append(QByteArrayList { "LSET", edit.key, index, edit.value });
                } else {
                    const QByteArray marker = "qkv-dashboard-removed-"
                            + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
                    transaction.append(QByteArrayList { "LSET", edit.key, index, marker });
                    transaction.append(QByteArrayList { "LREM", edit.key, "1", marker });
                }
                transaction.append(QByteArrayList { "EXEC" });
                m_connection->select(edit.db);
                m_connection->sendBatch(
                        transaction, [this, edit, changed](const QList<Reply> &replies) {
                            const Reply &exec = replies.last();
                            if (isError(exec)) {
                                emit editFailed(edit.db, edit.key, errorText(exec));
                                return;
                            }
                            if (exec.type == Reply::Type::Nil) {
                                emit editFailed(edit.db, edit.key, changed);
                                return;
                            }
                            for (const Reply &result : exec.elements) {
                                if (isError(result)) {
                                    emit editFailed(edit.db, edit.key, errorText(result));
                                    return;
                                }
                            }
                            emit keyChanged(edit.db, edit.key);
                        });
            });
}

void DashboardSource::flushAll()
{
    runAction({ "FLUSHALL" }, tr("Flush"), [this] { emit flushed(); });
}

void DashboardSource::setSlowLogThreshold(qint64 micros)
{
    runAction({ "CONFIG", "SET", "slowlog-log-slower-than", QByteArray::number(micros) },
              tr("Slow log threshold"));
}

void DashboardSource::resetSlowLog()
{
    runAction({ "SLOWLOG", "RESET" }, tr("Slow log reset"));
}

void DashboardSource::requestConfig()
{
    m_connection->send({ "CONFIG", "GET", "*" }, [this](const Reply &reply) {
        if (isError(reply)) {
            emit actionFailed(tr("CONFIG GET: %1").arg(errorText(reply)));
            return;
        }
        ConfigList parameters;
        for (qsizetype i = 0; i + 1 < reply.elements.size(); i += 2)
            parameters.append({ reply.elements.at(i).string, reply.elements.at(i + 1).string });
        std::sort(parameters.begin(), parameters.end());
        emit configReady(parameters);
    });
}

void DashboardSource::setConfig(const QByteArray &name, const QByteArray &value)
{
    runAction({ "CONFIG", "SET", name, value }, tr("CONFIG SET %1").arg(QString::fromUtf8(name)),
              [this, name] {
                  m_connection->send({ "CONFIG", "GET", name }, [this, name](const Reply &reply) {
                      if (reply.elements.size() == 2)
                          emit configChanged(name, reply.elements.at(1).string);
                  });
              });
}

void DashboardSource::saveNow()
{
    m_connection->send({ "BGSAVE" }, [this](const Reply &reply) {
        if (isError(reply))
            emit actionFailed(tr("BGSAVE: %1").arg(errorText(reply)));
        else
            emit actionDone(QString::fromUtf8(reply.string));
    });
}

void DashboardSource::publish(ChannelKind kind, const QByteArray &channel,
                              const QByteArray &message)
{
    const QByteArray command = kind == ChannelKind::ShardChannel ? "SPUBLISH" : "PUBLISH";
    m_connection->send({ command, channel, message }, [this, command, channel](const Reply &reply) {
        if (isError(reply))
            emit actionFailed(tr("%1: %2").arg(QString::fromLatin1(command), errorText(reply)));
        else
            emit published(channel, reply.integer);
    });
}

void DashboardSource::sampleMemory(int db, int maxKeys)
{
    KeyReader::sampleMemory(m_connection, db, maxKeys, [this, db](const QList<KeySample> &keys) {
        emit memorySampled(db, keys);
    });
}
