#pragma once

#include <QByteArrayList>
#include <QList>

// Scenarios across several connections to one server (Pub/Sub, keyspace notifications,
// tracking), for comparing what each connection receives on redis-server and on qkv.
namespace MultiClient {

// One step: which client sends the command. Two commands are the harness's own:
// {"CLOSE"} disconnects the client, {"SLEEP", ms} waits (for expiry).
struct Step
{
    int client;
    QByteArrayList command;
};
using Scenario = QList<Step>;

// Runs scenario on the server at port with `clients` fresh connections, after FLUSHALL and
// with keyspace notifications off. After each step every connection is drained (the sender
// first, then the others in order), so each entry is "<step> c<i>: <bytes>" for a connection
// that received something: its replies, messages and pushes in the order they arrived.
QByteArrayList transcript(quint16 port, const Scenario &scenario, int clients = 4);

} // namespace MultiClient
