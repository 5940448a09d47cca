#pragma once

#include "store/streamid.h"

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

class Connection;
struct Command;
struct KeyEntry;
enum class ValueType : quint8;

// What a blocked client waits for (Redis's client->bpop): the keys, the type their value must
// have, when to give up, and how to serve it once one of them holds something. The command
// family that blocks fills it in; the server keeps it until the client is served, times out
// or is unblocked.
struct BlockRequest
{
    // Serves the client from key, whose entry holds `type` and is not empty: pops what the
    // command pops and writes its reply, as the command would have.
    using Serve = void (*)(Connection &client, const BlockRequest &request, QByteArrayView key,
                           KeyEntry *entry);

    // Instead of serve, for waits that a ready key may not end (XREAD, XREADGROUP): called
    // for every signal of a key, whatever it holds now (entry null when it is gone); returns
    // whether it wrote the reply, which ends the wait.
    using Wake = bool (*)(Connection &client, const BlockRequest &request, QByteArrayView key,
                          KeyEntry *entry);

    // The reply when the wait ends unserved (its timeout, CLIENT UNBLOCK ... TIMEOUT); null
    // replies a null array, as the list, sorted set and stream commands do.
    using TimedOut = void (*)(Connection &client);

    ValueType type;
    std::vector<QByteArray> keys;
    qint64 timeoutAt = 0; // ms since the epoch; 0 waits for ever
    Serve serve = nullptr;
    Wake wake = nullptr;
    TimedOut timedOut = nullptr;
    Command *command = nullptr; // for error texts and statistics while serving
    // The command's parameters, as its family reads them in serve.
    QByteArray target; // BLMOVE's destination
    int from = 0;      // which end to pop (the family's own constants)
    int to = 0;        // which end to push (BLMOVE)
    long long count = 0;
    bool withKey = false; // whether the reply names the key (BLPOP, BLMPOP, BZMPOP...)
    // XREAD: for each of keys, the id that new entries must be greater than. XREADGROUP: the
    // group and consumer, and NOACK.
    std::vector<StreamId> streamIds;
    QByteArray group;
    QByteArray consumer;
    bool noAck = false;

    // Filled in by Connection::block(): for the slow log once served.
    std::vector<QByteArray> args;
};
