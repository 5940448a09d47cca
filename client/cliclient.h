#pragma once

#include "protocol/reply.h"
#include "protocol/replyreader.h"

#include <QByteArrayList>
#include <QTcpSocket>

// A blocking connection to a Redis-protocol server for the console client: sends commands as
// RESP multibulk and reads one reply at a time. The client has no load to speak of, so
// QTcpSocket's blocking API is the simple, right tool here.
class CliClient
{
public:
    bool connectTo(const QString &host, quint16 port, QString *error);
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void disconnect();

    // Queues one command; nothing is sent until flush().
    void queue(const QByteArrayList &args);
    bool flush(QString *error);
    bool readReply(Reply *reply, QString *error);
    // queue + flush + readReply.
    bool call(const QByteArrayList &args, Reply *reply, QString *error);

private:
    QTcpSocket m_socket;
    QByteArray m_out;
    QByteArray m_in;
    qsizetype m_pos = 0;
    ReplyReader m_reader;
};
