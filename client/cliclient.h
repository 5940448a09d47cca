#pragma once

#include "protocol/reply.h"
#include "protocol/replyreader.h"

#include <QByteArrayList>
#include <QTcpSocket>

// A blocking connection to a Redis-protocol server for the console client: commands go out as
// RESP multibulk, replies come back one at a time. The client has nothing else to do while it
// waits, so QTcpSocket's blocking calls are the simple, right tool here.
class CliClient
{
public:
    static constexpr int ConnectTimeoutMs = 5000;

    // On failure *error is redis-cli's sentence: "Could not connect to Redis at HOST:PORT: why".
    bool connectTo(const QString &host, quint16 port, QString *error);
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void close();

    // Queues one command; queued commands go out together (a pipeline) on the next readReply().
    void queue(const QByteArrayList &args);
    // Waits, without a time limit since commands such as BLPOP may block, for the next reply.
    // On failure the connection is closed and *error says why, as redis-cli words it.
    bool readReply(Reply *reply, QString *error);
    // queue() then readReply().
    bool call(const QByteArrayList &args, Reply *reply, QString *error);

private:
    QTcpSocket m_socket;
    QByteArray m_input;
    qsizetype m_pos = 0; // first byte of m_input not consumed by m_reader
    ReplyReader m_reader;
};
