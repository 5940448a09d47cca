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

    // Reply: *reply is the next reply. Closed: the connection is gone (or spoke no RESP) and is
    // closed now; *error says why, as redis-cli words it. Interrupted: Ctrl-C while waiting
    // (only when interruptible); the connection is left as it is. Timeout: nothing complete yet.
    enum class Status { Reply, Closed, Interrupted, Timeout };

    // On failure *error is redis-cli's sentence: "Could not connect to Redis at HOST:PORT: why".
    bool connectTo(const QString &host, quint16 port, QString *error,
                   int timeoutMs = ConnectTimeoutMs);
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void close();
    // The socket's descriptor while connected (for poll()), else -1.
    int descriptor() const { return isConnected() ? int(m_socket.socketDescriptor()) : -1; }

    // When on, waits end with Interrupted as soon as SIGINT is seen (see Interrupt).
    void setInterruptible(bool on) { m_interruptible = on; }

    // Queues one command; queued bytes go out together (a pipeline) on the next read().
    void queue(const QByteArrayList &args);
    // Queues bytes as they are (--pipe's raw RESP).
    void queueRaw(const QByteArray &bytes);
    // Bytes queued but not yet taken by the kernel.
    qint64 bytesToWrite() const { return m_socket.bytesToWrite(); }
    // Sends queued bytes, waiting at most timeoutMs for the kernel to take some.
    void flush(int timeoutMs);
    // Waits up to timeoutMs (-1: without a limit, since commands such as BLPOP may block; 0: only
    // what has arrived) for the next reply.
    Status read(Reply *reply, QString *error, int timeoutMs = -1);
    // read() without a limit; true for a reply.
    bool readReply(Reply *reply, QString *error) { return read(reply, error) == Status::Reply; }
    // Bytes as they come, not RESP (--rdb's SYNC payload): first what was received but not
    // parsed, else what arrives within timeoutMs (-1: no limit). Empty on a timeout, or with
    // *closed set when the connection has ended.
    QByteArray readRaw(int timeoutMs, bool *closed);
    // queue() then readReply().
    bool call(const QByteArrayList &args, Reply *reply, QString *error);

private:
    QTcpSocket m_socket;
    QByteArray m_input;
    qsizetype m_pos = 0; // first byte of m_input not consumed by m_reader
    ReplyReader m_reader;
    bool m_interruptible = false;
};
