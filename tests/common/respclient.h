#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QHostAddress>
#include <QTcpSocket>

// A blocking RESP client for tests that talk to a server over a real socket: requests go out
// as multibulk, replies come back whole (any RESP2/RESP3 type) and raw.
class RespClient
{
public:
    static constexpr int DefaultTimeoutMs = 5000;

    // Connects to 127.0.0.1:port, from the local address `from` when one is given (another
    // loopback address stands in for a remote client).
    bool connectTo(quint16 port, const QHostAddress &from = QHostAddress());
    void send(const QByteArrayList &args);
    // Every request in one write, so that the server reads them together (one round).
    void sendPipeline(const QList<QByteArrayList> &requests);
    // The next whole reply, or a null QByteArray when none arrives within timeoutMs or the
    // connection closes first.
    QByteArray readReply(int timeoutMs = DefaultTimeoutMs);
    QByteArray call(const QByteArrayList &args, int timeoutMs = DefaultTimeoutMs);
    // Everything received until a PING sent now is answered (replies still due, messages,
    // pushes), without the PING's reply; "<closed>" or "<timeout>" is appended when it is not.
    // What arrives after that reply in the same read is kept for the next read.
    QByteArray drain(int timeoutMs = DefaultTimeoutMs);
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void disconnect() { m_socket.disconnectFromHost(); }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
};
