#include "remotesource.h"

#include "infotext.h"
#include "observe/commandlog.h"
#include "protocol/argsplitter.h"
#include "respconnection.h"

#include <QDateTime>

#include <utility>

namespace {

constexpr int DatabasesShown = 16;

// "id=7 addr=127.0.0.1:5000 name= age=3 ..." as field to value.
QHash<QByteArray, QByteArray> clientFields(const QByteArray &line)
{
    QHash<QByteArray, QByteArray> out;
    for (const QByteArray &field : line.split(' ')) {
        const qsizetype eq = field.indexOf('=');
        if (eq > 0)
            out.insert(field.left(eq), field.mid(eq + 1));
    }
    return out;
}

ClientRow clientRow(const QHash<QByteArray, QByteArray> &f)
{
    ClientRow row;
    row.id = f.value("id").toULongLong();
    row.address = f.value("addr");
    row.name = f.value("name");
    const QByteArray version = f.value("lib-ver");
    row.library = version.isEmpty() ? f.value("lib-name") : f.value("lib-name") + ' ' + version;
    row.ageSeconds = f.value("age").toLongLong();
    row.idleSeconds = f.value("idle").toLongLong();
    row.db = f.value("db").toInt();
    row.lastCommand = f.value("cmd").toUpper();
    // Redis 7.4 counts commands and bytes per client; 7.0 does not.
    row.hasTotals = f.contains("tot-cmds");
    row.commands = f.value("tot-cmds").toULongLong();
    row.bytesIn = f.value("tot-net-in").toULongLong();
    row.bytesOut = f.value("tot-net-out").toULongLong();
    row.flags = f.value("flags");
    row.channels = f.value("sub").toLongLong();
    row.patterns = f.value("psub").toLongLong();
    row.shardChannels = f.value("ssub").toLongLong();
    row.queryBuffer = f.value("qbuf").toLongLong();
    row.outputMemory = f.value("omem").toLongLong();
    return row;
}

SlowLogEntry slowLogEntry(const Reply &r)
{
    SlowLogEntry entry;
    entry.id = quint64(r.elements.value(0).integer);
    entry.time = r.elements.value(1).integer;
    entry.durationUs = r.elements.value(2).integer;
    for (const Reply &arg : r.elements.value(3).elements)
        entry.args.append(arg.string);
    entry.client = r.elements.value(4).string;
    entry.name = r.elements.value(5).string;
    return entry;
}

// Whether a MONITOR line's command ("PUBLISH" "channel" "message", as the client spelled the
// name) publishes, and to a shard channel.
bool isPublish(QByteArrayView command, bool *shard)
{
    const qsizetype end = command.indexOf(' ');
    if (end < 0 || end > 10)
        return false;
    const QByteArray name = command.first(end).toByteArray().toUpper();
    *shard = name == "\"SPUBLISH\"";
    return *shard || name == "\"PUBLISH\"";
}

} // namespace

RemoteSource::RemoteSource(const RedisUrl &url, QObject *parent)
    : DashboardSource(url, parent)
    , m_monitor(new RespConnection(url, this))
{
    m_timer.setInterval(SnapshotIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RemoteSource::poll);
    // The monitor starts once the command connection is up, so its own address is known
    // before the first line arrives; after a loss both reconnect by themselves.
    connect(connection(), &RespConnection::ready, this, [this] {
        m_slowLogLength = -1;
        m_monitor->open();
        poll();
    });
    connect(connection(), &RespConnection::lost, this, [this] { m_pollPending = false; });
    connect(m_monitor, &RespConnection::ready, this, [this] {
        refreshOwnAddresses();
        m_monitor->send({ "MONITOR" });
    });
    m_monitor->setUnsolicitedHandler([this](const Reply &reply) { monitorLine(reply); });
}

RemoteSource::~RemoteSource() = default;

void RemoteSource::start()
{
    DashboardSource::start();
    m_timer.start();
}

QString RemoteSource::description() const
{
    return url().text();
}

void RemoteSource::watchChannel(ChannelKind kind, const QByteArray &name)
{
    m_watch.watch(kind, name);
}

void RemoteSource::infoArrived(const QByteArray &info)
{
    m_info = InfoText::fields(info);
}

void RemoteSource::refreshOwnAddresses()
{
    m_ownAddresses = connection()->ownAddresses() + m_monitor->ownAddresses();
}

void RemoteSource::monitorLine(const Reply &reply)
{
    // 1700000000.123456 [0 127.0.0.1:5000] "SET" "key" "value"
    const QByteArray &line = reply.string;
    const qsizetype open = line.indexOf(" [");
    const qsizetype close = line.indexOf("] ", open);
    if (reply.type != Reply::Type::Status || open < 0 || close < 0)
        return;
    const QByteArray context = line.mid(open + 2, close - open - 2);
    const QByteArray address = context.mid(context.indexOf(' ') + 1);
    const qint64 timeMs = qint64(line.left(open).toDouble() * 1000);
    // Every message counts, the dashboard's own (its Publish box) included.
    countMessage(timeMs, QByteArrayView(line).sliced(close + 2));
    if (m_ownAddresses.contains(address))
        return;
    // Sampled under load as the server's command log samples, spread over time.
    if (timeMs / CommandWindowMs != m_commandWindow) {
        m_commandWindow = timeMs / CommandWindowMs;
        m_commandsInWindow = 0;
    }
    if (m_commandsInWindow >= CommandLog::MaxPerWindow || m_commands.size() >= MaxPendingCommands) {
        ++m_dropped;
        return;
    }
    QList<QByteArray> args;
    if (!splitInlineArgs(QByteArrayView(line).sliced(close + 2), &args) || args.isEmpty())
        return;
    ++m_commandsInWindow;
    CommandLogEntry entry;
    entry.sequence = ++m_sequence;
    entry.timeMs = timeMs;
    entry.clientId = m_idByAddress.value(address);
    const QByteArray name = m_nameByAddress.value(address);
    entry.client = name.isEmpty() ? address : name + '@' + address;
    entry.command = args.first().toUpper();
    entry.durationUs = -1;
    std::vector<QByteArrayView> views(args.cbegin(), args.cend());
    entry.text = CommandLog::describe(views);
    m_commands.append(entry);
}

void RemoteSource::countMessage(qint64 timeMs, QByteArrayView command)
{
    bool shard = false;
    QList<QByteArray> args;
    if (!isPublish(command, &shard) || !splitInlineArgs(command, &args) || args.size() != 3)
        return;
    ++m_totalPublished;
    // Bounded however many channel names publishers make up.
    QHash<QByteArray, quint64> &counts = m_published[shard ? 1 : 0];
    const auto it = counts.find(args.at(1));
    if (it != counts.end())
        ++*it;
    else if (counts.size() < 4 * MaxChannelRows)
        counts.insert(args.at(1), 1);
    m_watch.offer(timeMs, args.at(1), args.at(2), shard);
}

void RemoteSource::poll()
{
    if (m_pollPending || !connection()->isReady())
        return;
    m_pollPending = true;
    connection()->sendBatch(
            { { "CLIENT", "LIST" },
              { "SLOWLOG", "LEN" },
              { "SLOWLOG", "GET", "1" },
              { "CONFIG", "GET", "slowlog-log-slower-than" },
              { "CONFIG", "GET", "slowlog-max-len" },
              { "PUBSUB", "CHANNELS" },
              { "PUBSUB", "SHARDCHANNELS" },
              { "PUBSUB", "NUMPAT" } },
            [this](const QList<Reply> &replies) {
                if (replies.first().type == Reply::Type::Error) {
                    m_pollPending = false;
                    return;
                }
                // The whole slow log is read again only when its length or newest entry moved.
                const qint64 length = replies.at(1).integer;
                const qint64 newest = replies.at(2).elements.isEmpty()
                        ? 0
                        : replies.at(2).elements.first().elements.value(0).integer;
                const bool slowLog = length != m_slowLogLength || newest != m_slowLogNewest;
                m_slowLogLength = length;
                m_slowLogNewest = newest;
                QList<QByteArrayList> details;
                if (slowLog)
                    details.append(QByteArrayList { "SLOWLOG", "GET",
                                                    QByteArray::number(MaxSlowLogRows) });
                // Subscriber counts of the channels shown.
                for (const auto &[reply, command] :
                     { std::pair { &replies.at(5), "NUMSUB" },
                       std::pair { &replies.at(6), "SHARDNUMSUB" } }) {
                    QByteArrayList numsub { "PUBSUB", command };
                    for (const Reply &channel : reply->elements.first(
                                 qMin<qsizetype>(reply->elements.size(), MaxChannelRows)))
                        numsub.append(channel.string);
                    details.append(numsub);
                }
                connection()->sendBatch(details,
                                        [this, replies, slowLog](const QList<Reply> &details) {
                                            buildSnapshot(replies, details, slowLog);
                                        });
            });
}

void RemoteSource::addChannels(ServerSnapshot *s, const QList<Reply> &replies,
                               const QList<Reply> &details)
{
    s->patternCount = replies.at(7).integer;
    s->totalPublished = m_totalPublished;
    s->channelsTruncated = replies.at(5).elements.size() > MaxChannelRows
            || replies.at(6).elements.size() > MaxChannelRows;
    const Reply *numsub[2] = { &details.at(details.size() - 2), &details.last() };
    for (int shard = 0; shard < 2; ++shard) {
        QHash<QByteArray, quint64> seen;
        const QList<Reply> &pairs = numsub[shard]->elements;
        for (qsizetype i = 0; i + 1 < pairs.size(); i += 2) {
            const QByteArray &name = pairs.at(i).string;
            const quint64 published = m_published[shard].value(name);
            s->channels.append({ shard ? ChannelKind::ShardChannel : ChannelKind::Channel, name,
                                 pairs.at(i + 1).integer, published });
            seen.insert(name, published);
        }
        // Only active channels keep their counts, so the table cannot grow for ever.
        m_published[shard].swap(seen);
    }
    s->channelMessages = m_watch.take(&s->droppedMessages);
}

void RemoteSource::buildSnapshot(const QList<Reply> &replies, const QList<Reply> &details,
                                 bool slowLog)
{
    m_pollPending = false;
    ServerSnapshot s;
    s.timeMs = QDateTime::currentMSecsSinceEpoch();
    s.address = url().hostAndPort();
    const auto number = [this](const char *name) { return m_info.value(name).toLongLong(); };
    s.uptimeSeconds = number("uptime_in_seconds");
    s.connectedClients = number("connected_clients");
    s.opsPerSecond = m_info.value("instantaneous_ops_per_sec").toDouble();
    s.totalCommands = quint64(number("total_commands_processed"));
    s.totalConnections = quint64(number("total_connections_received"));
    s.usedMemory = number("used_memory");
    s.maxMemory = number("maxmemory");
    s.maxMemoryPolicy = m_info.value("maxmemory_policy");
    s.evictedKeys = quint64(number("evicted_keys"));
    s.rejectedConnections = quint64(number("rejected_connections"));
    s.keyspaceHits = quint64(number("keyspace_hits"));
    s.keyspaceMisses = quint64(number("keyspace_misses"));
    s.inputKbps = m_info.value("instantaneous_input_kbps").toDouble();
    s.outputKbps = m_info.value("instantaneous_output_kbps").toDouble();
    s.keysPerDb.fill(0, DatabasesShown);
    for (int db = 0; db < DatabasesShown; ++db) {
        const QByteArray value = m_info.value("db" + QByteArray::number(db));
        if (!value.isEmpty())
            s.keysPerDb[db] = InfoText::part(value, "keys").toLongLong();
        s.totalKeys += s.keysPerDb[db];
    }

    m_idByAddress.clear();
    m_nameByAddress.clear();
    for (const QByteArray &line : replies.at(0).string.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const ClientRow row = clientRow(clientFields(line.trimmed()));
        m_idByAddress.insert(row.address, row.id);
        m_nameByAddress.insert(row.address, row.name);
        s.clients.append(row);
    }
    s.commands = std::exchange(m_commands, {});
    s.droppedCommands = m_dropped;
    m_dropped = 0;
    refreshOwnAddresses();
    dropOwnConnections(&s, m_ownAddresses);

    s.slowLogLength = replies.at(1).integer;
    s.slowLogSlowerThan = replies.at(3).elements.value(1).string.toLongLong();
    s.slowLogMaxLen = replies.at(4).elements.value(1).string.toLongLong();
    if (slowLog) {
        s.slowLogChanged = true;
        for (const Reply &entry : details.first().elements)
            s.slowLog.append(slowLogEntry(entry));
    }
    addChannels(&s, replies, details);
    emit snapshotReady(s);
}
