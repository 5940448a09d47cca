#pragma once

#include "commandlogbatch.h"
#include "slowlog.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

// What the dashboard knows of the server: a value built on the server thread a few times a
// second and sent over a queued signal, so the window never touches live server state.
struct ClientRow
{
    quint64 id = 0;
    QByteArray address;
    QByteArray name;
    QByteArray library; // "redis-py 5.0" from CLIENT SETINFO, if sent
    qint64 ageSeconds = 0;
    qint64 idleSeconds = 0;
    int db = 0;
    quint64 commands = 0;
    QByteArray lastCommand;
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
    bool hasTotals = true;    // false: the server does not count commands and bytes per client
    QByteArray flags;         // CLIENT LIST's letters: "N", "P" (subscribed), "O" (monitor)...
    qint64 channels = 0;      // sub=: channels subscribed to
    qint64 patterns = 0;      // psub=
    qint64 shardChannels = 0; // ssub=
    qint64 queryBuffer = 0;   // qbuf=: bytes read but not yet executed
    qint64 outputMemory = 0;  // omem=: replies queued beyond the fixed reply buffer
};

enum class ChannelKind : quint8 { Channel, Pattern, ShardChannel };

// One active channel, pattern or shard channel of Pub/Sub.
struct ChannelRow
{
    ChannelKind kind = ChannelKind::Channel;
    QByteArray name;
    qint64 subscribers = 0;
    // Messages it received, counted from when the source started counting them (the channel
    // became active, or the dashboard attached): rates come from its differences.
    quint64 published = 0;
};

// One message of the watched channel (DashboardSource::watchChannel), sampled under load.
struct ChannelMessage
{
    qint64 timeMs = 0;
    QByteArray channel;
    QByteArray message; // at most ChannelWatch::MaxMessageBytes of it
    qint64 size = 0;    // the whole message's
};

struct ServerSnapshot
{
    qint64 timeMs = 0;
    QString address; // "127.0.0.1:6379"
    qint64 uptimeSeconds = 0;
    qint64 connectedClients = 0;
    qint64 totalKeys = 0;
    QList<qint64> keysPerDb;
    double opsPerSecond = 0;
    quint64 totalCommands = 0;
    quint64 totalConnections = 0;
    qint64 usedMemory = 0;
    qint64 maxMemory = 0; // maxmemory (0: no limit) and its maxmemory-policy
    QByteArray maxMemoryPolicy;
    quint64 evictedKeys = 0;
    quint64 rejectedConnections = 0;
    qint64 clientsClosedByLimits = -1; // -1: the server does not say (Redis has no counter)
    quint64 keyspaceHits = 0;
    quint64 keyspaceMisses = 0;
    double inputKbps = 0;
    double outputKbps = 0;
    QList<ClientRow> clients;
    bool clientsTruncated = false;
    // Commands since the previous snapshot, oldest first; `droppedCommands` were overwritten
    // in the server's ring before this snapshot could pick them up.
    CommandLogBatch commands;
    quint64 droppedCommands = 0;
    QList<QByteArray> logLines; // new server log lines since the previous snapshot
    // SLOWLOG: its settings and length in every snapshot; its entries (newest first, at most
    // DashboardBridge::MaxSlowLogRows) only when the log changed since the previous snapshot,
    // as it changes rarely and is sent whole.
    long long slowLogSlowerThan = 0; // slowlog-log-slower-than, in µs (-1: off, 0: all)
    long long slowLogMaxLen = 0;     // slowlog-max-len
    qint64 slowLogLength = 0;
    bool slowLogChanged = false;
    QList<SlowLogEntry> slowLog;
    // Pub/Sub: active channels, patterns (when the server lists them: Redis only counts them,
    // patternCount) and shard channels; messages published in all (since the source started
    // counting); the watched channel's messages since the previous snapshot, oldest first,
    // and how many of them sampling left out.
    QList<ChannelRow> channels;
    bool channelsTruncated = false;
    qint64 patternCount = 0;
    quint64 totalPublished = 0;
    QList<ChannelMessage> channelMessages;
    quint64 droppedMessages = 0;
};

// One page of a SCAN-like walk over a database for the keys browser.
struct KeyRow
{
    QByteArray key;
    QByteArray type;    // TYPE's answer: "string", "list", "set", "zset", "hash"; "none": missing
    qint64 ttlMs = -1;  // -1: no expiry
    qint64 size = 0;    // a string's bytes; an aggregate's elements (fields, members...)
    QByteArray preview; // a string's first bytes; an aggregate's first few elements, as text
};

struct KeyPage
{
    int db = 0;
    QByteArray pattern;
    quint64 cursor = 0;     // the cursor this page was asked for (0: first page)
    quint64 nextCursor = 0; // 0: the walk is complete
    QList<KeyRow> keys;
};

// One element of a value in the value viewer. Bytes longer than the bridge sends whole are cut
// (elementSize / valueSize keep the whole length), and a cut element cannot be edited by name.
struct ValueRow
{
    QByteArray element; // list element, hash field, set or sorted-set member; a string's value
    QByteArray value;   // a hash field's value
    qint64 index = -1;  // list index, sorted-set rank (from the lowest score); -1 otherwise
    double score = 0;   // sorted set
    qint64 elementSize = 0;
    qint64 valueSize = 0;

    bool isWhole() const { return element.size() == elementSize && value.size() == valueSize; }
};

// A stream's consumer group, as the value viewer lists them (XINFO GROUPS's main fields).
struct StreamGroupRow
{
    QByteArray name;
    qint64 consumers = 0;
    qint64 pending = 0;
    QByteArray lastDeliveredId;
};

// One page of a key's value for the value viewer, asked for with a cursor as keys are:
// 0 for the first page, then nextCursor until it is 0. Lists and sorted sets page by position
// (the cursor is the index or rank the page starts at), hashes and sets by their SCAN cursor
// (by position while in a compact encoding). A page is bounded work on the server thread,
// whatever the size of the value; a value changed between pages may show an element twice or
// miss one, as SCAN may.
struct ValuePage
{
    int db = 0;
    QByteArray key;
    quint64 cursor = 0;
    quint64 nextCursor = 0;       // 0: nothing more
    KeyRow summary;               // the key as the keys browser shows it (type "none": it is gone)
    QByteArray encoding;          // OBJECT ENCODING's answer
    QList<ValueRow> rows;         // a string: one row, its value; a stream: id, then "f=v, ..."
    QList<StreamGroupRow> groups; // a stream's, on every page
};

// A change to a value from the viewer, carried out on the server thread with the semantics of
// the Redis command each names. `element` is the hash field, list element or member the change
// is about; `value` is a hash value, a new list element, a score (as ZADD reads it) or a
// string. Aggregates are created when missing (as their first write creates them) and deleted
// once emptied; an edit of a key of another type fails with WRONGTYPE.
struct ValueEdit
{
    enum class Op : quint8 {
        SetString,    // SET key value, keeping the TTL
        HashSet,      // HSET key element value
        HashDelete,   // HDEL key element
        ListPushHead, // LPUSH key value
        ListPushTail, // RPUSH key value
        ListSet,      // LSET key index value, only while the element at index is still element
        ListRemove,   // removes the element at index, only while it is still element (the
                      // LSET index <unique> + LREM key 1 <unique> idiom, in one step)
        SetAdd,       // SADD key element
        SetRemove,    // SREM key element
        ZSetAdd,      // ZADD key value element
        ZSetScore,    // ZADD key XX value element: fails when the member is gone
        ZSetRemove,   // ZREM key element
    };

    int db = 0;
    QByteArray key;
    Op op = Op::SetString;
    QByteArray element;
    QByteArray value;
    qint64 index = 0;
};

Q_DECLARE_METATYPE(ServerSnapshot)
Q_DECLARE_METATYPE(KeyPage)
Q_DECLARE_METATYPE(ValuePage)
Q_DECLARE_METATYPE(ValueEdit)
