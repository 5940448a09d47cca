#pragma once

#include "commandlog.h"
#include "slowlog.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

#include <vector>

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
    quint64 keyspaceHits = 0;
    quint64 keyspaceMisses = 0;
    double inputKbps = 0;
    double outputKbps = 0;
    QList<ClientRow> clients;
    bool clientsTruncated = false;
    // Commands since the previous snapshot, oldest first; `droppedCommands` were overwritten
    // in the server's ring before this snapshot could pick them up.
    std::vector<CommandLogEntry> commands;
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
};

// One page of a SCAN-like walk over a database for the keys browser.
struct KeyRow
{
    QByteArray key;
    QByteArray type;
    qint64 ttlMs = -1; // -1: no expiry
    qint64 size = 0;
    QByteArray preview;
};

struct KeyPage
{
    int db = 0;
    QByteArray pattern;
    quint64 cursor = 0;     // the cursor this page was asked for (0: first page)
    quint64 nextCursor = 0; // 0: the walk is complete
    QList<KeyRow> keys;
};

Q_DECLARE_METATYPE(ServerSnapshot)
Q_DECLARE_METATYPE(KeyPage)
