#include "dashboardbridge.h"

#include "commands/clientinfo.h"
#include "commands/info.h"
#include "keypreview.h"
#include "logsink.h"
#include "net/connection.h"
#include "net/server.h"
#include "pubsub/clientsubscriptions.h"
#include "store/evictionpolicy.h"
#include "store/evictor.h"
#include "store/globmatch.h"
#include "store/hashvalue.h"
#include "store/keyspace.h"
#include "store/listvalue.h"
#include "store/setvalue.h"
#include "store/streamvalue.h"
#include "store/zsetvalue.h"

#include <QDateTime>
#include <QLocale>

namespace {

// Scan steps allowed per element wanted: bounds the walk over a sparse hash table.
constexpr int StepsPerElement = 8;

// At most n bytes of view (QByteArrayView::first() wants n <= size()).
QByteArrayView leftOf(QByteArrayView view, qsizetype n)
{
    return view.first(qMin(n, view.size()));
}

// A score for people: the shortest text that reads back as the same double ("0.1", not
// ZSCAN's "0.10000000000000001"), "inf", "-inf".
QByteArray scoreText(double score)
{
    return QByteArray::number(score, 'g', QLocale::FloatingPointShortest);
}

const char *stringEncodingName(StringEncoding encoding)
{
    switch (encoding) {
    case StringEncoding::Raw: return "raw";
    case StringEncoding::Embstr: return "embstr";
    case StringEncoding::Int:
    case StringEncoding::SharedInt: return "int";
    }
    return "raw";
}

// Calls step(cursor) (one SCAN step, returning the next cursor) until done() or the scan ends,
// within a bounded number of steps. Returns the cursor to go on from (0: the scan is over).
template<typename Step, typename Done>
quint64 scanSteps(quint64 cursor, qsizetype wanted, Step step, Done done)
{
    qsizetype steps = 0;
    do {
        cursor = step(cursor);
    } while (cursor != 0 && !done() && ++steps < wanted * StepsPerElement);
    return cursor;
}

QByteArray aggregatePreview(const KeyEntry &entry)
{
    KeyPreview preview;
    char buffer[24];
    switch (entry.type) {
    case ValueType::String: return {};
    case ValueType::List:
        for (auto it = entry.as<ListValue>()->first(); it.isValid() && !preview.isFull(); it.next())
            preview.add(it.element().text(buffer));
        break;
    case ValueType::Set: {
        const SetValue *set = entry.as<SetValue>();
        if (set->isIntset()) {
            for (qsizetype i = 0; i < set->intset()->size() && !preview.isFull(); ++i)
                preview.add(QByteArray::number(set->intset()->at(i)));
            break;
        }
        scanSteps(
                0, KeyPreview::Elements,
                [&](quint64 cursor) {
                    return set->scan(cursor, [&](const SetValue::Element &member) {
                        if (!preview.isFull())
                            preview.add(member.text(buffer));
                    });
                },
                [&] { return preview.isFull(); });
        break;
    }
    case ValueType::ZSet:
        for (auto it = entry.as<ZSetValue>()->atRank(0); it.isValid() && !preview.isFull();
             it.next())
            preview.add(it.member(), QByteArray('(' + scoreText(it.score()) + ')'), " ");
        break;
    case ValueType::Stream:
        entry.as<StreamValue>()->visitFrom(0, KeyPreview::Elements,
                                           [&](const StreamValue::Entry &streamEntry) {
                                               if (!preview.isFull())
                                                   preview.add(streamEntry.id.toString());
                                           });
        break;
    case ValueType::Hash: {
        const HashValue *hash = entry.as<HashValue>();
        auto visit = [&](QByteArrayView field, QByteArrayView value) {
            if (!preview.isFull())
                preview.add(field, value, ": ");
        };
        if (const Listpack *pairs = hash->listpack()) { // its scan would visit every pair
            char valueBuffer[24];
            for (Listpack::Position p = pairs->first(); p && !preview.isFull();
                 p = pairs->next(pairs->next(p)))
                visit(pairs->at(p).text(buffer), pairs->at(pairs->next(p)).text(valueBuffer));
            break;
        }
        scanSteps(
                0, KeyPreview::Elements, [&](quint64 cursor) { return hash->scan(cursor, visit); },
                [&] { return preview.isFull(); });
        break;
    }
    }
    return preview.finish(entry.object()->length());
}

KeyRow keyRow(const KeyEntry &entry, qint64 now)
{
    KeyRow row;
    row.key = entry.key().toByteArray();
    row.type = typeName(entry.type);
    row.ttlMs = entry.hasExpire() ? qMax<qint64>(entry.expireAt - now, 0) : -1;
    if (entry.type == ValueType::String) {
        row.size = entry.string().size();
        row.preview = leftOf(entry.string(), KeyPreview::Bytes).toByteArray();
    } else {
        row.size = entry.object()->length();
        row.preview = aggregatePreview(entry);
    }
    return row;
}

// Fills a value page within its bounds: rows, bytes of an element, bytes of the page.
class PageFiller
{
public:
    PageFiller(ValuePage &page, int count)
        : m_page(page)
        , m_count(count)
    { }
    qsizetype count() const { return m_count; }
    bool isFull() const
    {
        return m_page.rows.size() >= m_count || m_bytes >= DashboardBridge::MaxPageBytes;
    }
    void add(QByteArrayView element, qint64 index = -1, double score = 0, QByteArrayView value = {})
    {
        ValueRow row;
        row.element = leftOf(element, DashboardBridge::MaxElementBytes).toByteArray();
        row.elementSize = element.size();
        row.value = leftOf(value, DashboardBridge::MaxElementBytes).toByteArray();
        row.valueSize = value.size();
        row.index = index;
        row.score = score;
        m_bytes += row.element.size() + row.value.size();
        m_page.rows.append(std::move(row));
    }
    // The cursor after a page read by position from `start`: 0 when the value ended.
    quint64 positionCursor(quint64 start, bool more) const
    {
        return more ? start + quint64(m_page.rows.size()) : 0;
    }

private:
    ValuePage &m_page;
    qsizetype m_count;
    qsizetype m_bytes = 0;
};

// The rows of one page of entry's value from cursor (see ValuePage); returns the next cursor.
quint64 fillValuePage(const KeyEntry &entry, quint64 cursor, PageFiller &page)
{
    // A position past the end is an empty page (and never a negative index, which the
    // value types read from the end).
    if (entry.type != ValueType::String && cursor >= quint64(entry.object()->length())
        && (entry.type == ValueType::List || entry.type == ValueType::ZSet
            || (entry.type == ValueType::Set && entry.as<SetValue>()->isIntset())
            || (entry.type == ValueType::Hash && entry.as<HashValue>()->isListpack())
            || entry.type == ValueType::Stream))
        return 0;
    char buffer[24];
    switch (entry.type) {
    case ValueType::String:
        page.add(leftOf(entry.string(), DashboardBridge::MaxStringBytes));
        return 0;
    case ValueType::List: {
        // iteratorAt walks whole nodes from the nearer end: a page deep in a million-element
        // list costs a few thousand node hops, not a million element visits.
        auto it = entry.as<ListValue>()->iteratorAt(qsizetype(cursor));
        for (qint64 index = qint64(cursor); it.isValid() && !page.isFull(); it.next(), ++index)
            page.add(it.element().text(buffer), index);
        return page.positionCursor(cursor, it.isValid());
    }
    case ValueType::ZSet: {
        auto it = entry.as<ZSetValue>()->atRank(qsizetype(cursor)); // O(log n) in a skip list
        for (qint64 rank = qint64(cursor); it.isValid() && !page.isFull(); it.next(), ++rank)
            page.add(it.member(), rank, it.score());
        return page.positionCursor(cursor, it.isValid());
    }
    case ValueType::Set: {
        const SetValue *set = entry.as<SetValue>();
        if (set->isIntset()) { // SSCAN returns it whole: page it by position instead
            const Intset &intset = *set->intset();
            qsizetype i = qsizetype(cursor);
            for (; i < intset.size() && !page.isFull(); ++i)
                page.add(QByteArray::number(intset.at(i)));
            return page.positionCursor(cursor, i < intset.size());
        }
        return scanSteps(
                cursor, page.count(),
                [&](quint64 c) {
                    return set->scan(c, [&](const SetValue::Element &member) {
                        page.add(member.text(buffer));
                    });
                },
                [&] { return page.isFull(); });
    }
    case ValueType::Hash: {
        const HashValue *hash = entry.as<HashValue>();
        if (const Listpack *pairs = hash->listpack()) { // HSCAN returns it whole: by position
            char valueBuffer[24];
            Listpack::Position p = pairs->seek(qsizetype(cursor) * 2);
            for (; p && !page.isFull(); p = pairs->next(pairs->next(p)))
                page.add(pairs->at(p).text(buffer), -1, 0,
                         pairs->at(pairs->next(p)).text(valueBuffer));
            return page.positionCursor(cursor, p != 0);
        }
        return scanSteps(
                cursor, page.count(),
                [&](quint64 c) {
                    return hash->scan(c, [&](QByteArrayView field, QByteArrayView value) {
                        page.add(field, -1, 0, value);
                    });
                },
                [&] { return page.isFull(); });
    }
    case ValueType::Stream: {
        // By position: whole nodes before it are skipped by their entry counts.
        const StreamValue *stream = entry.as<StreamValue>();
        qint64 index = qint64(cursor);
        stream->visitFrom(qsizetype(cursor), page.count(), [&](const StreamValue::Entry &e) {
            if (page.isFull())
                return;
            QByteArray fields;
            for (qsizetype i = 0; i < e.pairCount(); ++i) {
                if (i > 0)
                    fields += ", ";
                fields += e.field(i).toByteArray() + '=' + e.value(i).toByteArray();
            }
            page.add(e.id.toString(), index++, 0, fields);
        });
        return page.positionCursor(cursor, index < stream->length());
    }
    }
    return 0;
}

} // namespace

DashboardBridge::DashboardBridge(Server *server, const LogSink *logSink, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_logSink(logSink)
{
    qRegisterMetaType<ServerSnapshot>();
    qRegisterMetaType<KeyPage>();
    qRegisterMetaType<ValuePage>();
    qRegisterMetaType<ValueEdit>();
    m_server->commandLog().setEnabled(true);
    m_lastCommand = m_server->commandLog().lastSequence();
    m_lastSkipped = m_server->commandLog().skipped();
    m_timer.setInterval(SnapshotIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &DashboardBridge::tick);
    m_timer.start();
}

DashboardBridge::~DashboardBridge()
{
    m_server->commandLog().setEnabled(false);
    m_server->pubsub().setTap({});
}

void DashboardBridge::watchChannel(ChannelKind kind, const QByteArray &name)
{
    m_watch.watch(kind, name);
    if (!m_watch.isWatching()) {
        m_server->pubsub().setTap({});
        return;
    }
    m_server->pubsub().setTap([this](QByteArrayView channel, QByteArrayView message, bool shard) {
        if (m_watch.matches(channel, shard))
            m_watch.offer(QDateTime::currentMSecsSinceEpoch(), channel, message, shard);
    });
}

void DashboardBridge::requestPassword()
{
    emit passwordReady(m_server->config().requirePass);
}

void DashboardBridge::addChannels(ServerSnapshot *s) const
{
    const PubSubRegistry &pubsub = m_server->pubsub();
    s->totalPublished = pubsub.publishedTotal();
    s->patternCount = pubsub.patternCount();
    // Bounded work per tick, however many channels there are.
    const auto add = [s](ChannelKind kind) {
        return [s, kind](const QByteArray &name, qsizetype subscribers, quint64 published) {
            if (s->channels.size() >= MaxChannelRows) {
                s->channelsTruncated = true;
                return false;
            }
            s->channels.append({ kind, name, qint64(subscribers), published });
            return true;
        };
    };
    pubsub.forEachPattern(add(ChannelKind::Pattern));
    pubsub.forEachChannel(PubSubRegistry::Scope::Global, add(ChannelKind::Channel));
    pubsub.forEachChannel(PubSubRegistry::Scope::Shard, add(ChannelKind::ShardChannel));
}

void DashboardBridge::tick()
{
    emit snapshotReady(buildSnapshot());
}

ServerSnapshot DashboardBridge::buildSnapshot()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const ServerStats &stats = m_server->stats();
    ServerSnapshot s;
    s.timeMs = now;
    s.address
            = m_server->address().toString() + QLatin1Char(':') + QString::number(m_server->port());
    s.uptimeSeconds = (now - stats.startMs()) / 1000;
    s.connectedClients = qint64(m_server->clients().size());
    for (int i = 0; i < m_server->databaseCount(); ++i)
        s.keysPerDb.append(m_server->database(i).size());
    s.totalKeys = m_server->totalKeys();
    s.opsPerSecond = stats.opsPerSecond();
    s.totalCommands = stats.totalCommands;
    s.totalConnections = stats.totalConnections;
    s.usedMemory = Info::usedMemory();
    s.maxMemory = m_server->config().maxmemory;
    s.maxMemoryPolicy = EvictionPolicies::name(m_server->config().maxmemoryPolicy);
    s.evictedKeys = m_server->evictor().evictedKeys();
    s.rejectedConnections = stats.rejectedConnections;
    s.clientsClosedByLimits = qint64(stats.clientsClosedByLimits);
    s.keyspaceHits = stats.keyspaceHits;
    s.keyspaceMisses = stats.keyspaceMisses;
    s.inputKbps = stats.inputKbps();
    s.outputKbps = stats.outputKbps();

    // Bounded work per tick, however many clients are connected.
    for (const auto &entry : m_server->clients()) {
        if (s.clients.size() >= MaxClientRows) {
            s.clientsTruncated = true;
            break;
        }
        const Connection &c = *entry.second;
        ClientRow row;
        row.id = c.id();
        row.address = c.peerAddress();
        row.name = c.name();
        row.library = c.libVersion().isEmpty() ? c.libName() : c.libName() + ' ' + c.libVersion();
        row.ageSeconds = (now - c.createdMs()) / 1000;
        row.idleSeconds = (now - c.lastInteractionMs()) / 1000;
        row.db = c.dbIndex();
        row.commands = c.commandsProcessed();
        row.lastCommand = c.lastCommand();
        row.bytesIn = c.bytesIn();
        row.bytesOut = c.bytesOut();
        row.flags = ClientInfo::flags(c);
        row.queryBuffer = c.queryBufferSize();
        row.outputMemory = c.outputListBytes();
        if (const ClientSubscriptions *subscriptions = c.subscriptionsIfAny()) {
            row.channels = subscriptions->channels.size();
            row.patterns = subscriptions->patterns.size();
            row.shardChannels = subscriptions->shardChannels.size();
        }
        s.clients.append(row);
    }

    const CommandLog &log = m_server->commandLog();
    s.commands = log.entriesAfter(m_lastCommand, &s.droppedCommands);
    s.droppedCommands += log.skipped() - m_lastSkipped; // sampled out under load
    m_lastSkipped = log.skipped();
    if (!s.commands.isEmpty())
        m_lastCommand = s.commands.at(s.commands.size() - 1).sequence;

    addChannels(&s);
    s.channelMessages = m_watch.take(&s.droppedMessages);

    const SlowLog &slowLog = m_server->slowLog();
    s.slowLogSlowerThan = m_server->config().slowlogLogSlowerThan;
    s.slowLogMaxLen = m_server->config().slowlogMaxLen;
    s.slowLogLength = slowLog.size();
    const quint64 newest = slowLog.size() > 0 ? slowLog.entries().front().id : 0;
    if (slowLog.size() != m_slowLogLength || newest != m_slowLogNewest) {
        m_slowLogLength = slowLog.size();
        m_slowLogNewest = newest;
        s.slowLogChanged = true;
        const qsizetype shown = qMin<qsizetype>(slowLog.size(), MaxSlowLogRows);
        s.slowLog = QList<SlowLogEntry>(slowLog.entries().cbegin(),
                                        slowLog.entries().cbegin() + shown);
    }
    if (m_logSink) {
        for (const LogLine &line : m_logSink->linesAfter(m_lastLogLine)) {
            s.logLines.append(line.text);
            m_lastLogLine = line.sequence;
        }
    }
    return s;
}

void DashboardBridge::requestKeys(int db, const QByteArray &pattern, quint64 cursor, int count)
{
    if (db < 0 || db >= m_server->databaseCount())
        return;
    Keyspace &keyspace = m_server->database(db);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    KeyPage page;
    page.db = db;
    page.pattern = pattern;
    page.cursor = cursor;
    const bool all = pattern.isEmpty() || pattern == "*";
    // Like SCAN: a bounded number of bucket visits per request, so a million keys never
    // stall the server thread; the window asks for the next page with nextCursor.
    int visits = 0;
    do {
        cursor = keyspace.scan(cursor, [&](const KeyEntry &entry) {
            if (entry.isExpired(now))
                return;
            if (!all && !globMatch(pattern, entry.key()))
                return;
            page.keys.append(keyRow(entry, now));
        });
    } while (cursor != 0 && page.keys.size() < count && ++visits < count * 10);
    page.nextCursor = cursor;
    emit keysReady(page);
}

void DashboardBridge::requestValue(int db, const QByteArray &key, quint64 cursor, int count)
{
    if (db < 0 || db >= m_server->databaseCount())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    ValuePage page;
    page.db = db;
    page.key = key;
    page.cursor = cursor;
    const KeyEntry *entry = m_server->database(db).find(key, now);
    if (!entry) {
        page.summary.key = key;
        page.summary.type = QByteArrayLiteral("none");
        emit valueReady(page);
        return;
    }
    page.summary = keyRow(*entry, now);
    page.encoding = entry->type == ValueType::String ? stringEncodingName(entry->encoding)
                                                     : entry->object()->encodingName();
    PageFiller filler(page, qBound(1, count, MaxValueRows));
    page.nextCursor = fillValuePage(*entry, cursor, filler);
    if (entry->type == ValueType::Stream) {
        for (const auto &[name, group] : entry->as<StreamValue>()->groups())
            page.groups.append({ name, qint64(group->consumers.size()),
                                 qint64(group->pending.size()), group->lastId.toString() });
    }
    emit valueReady(page);
}
