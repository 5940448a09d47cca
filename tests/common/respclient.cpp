#include "respclient.h"

#include "respframe.h"

#include <QDeadlineTimer>
#include <QHostAddress>

#include <utility>

bool RespClient::connectTo(quint16 port, const QHostAddress &from)
{
    if (!from.isNull() && !m_socket.bind(from))
        return false;
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    return m_socket.waitForConnected(DefaultTimeoutMs);
}

void RespClient::send(const QByteArrayList &args)
{
    m_socket.write(RespFrame::request(args));
    m_socket.flush();
}

void RespClient::sendPipeline(const QList<QByteArrayList> &requests)
{
    QByteArray bytes;
    for (const QByteArrayList &args : requests)
        bytes += RespFrame::request(args);
    m_socket.write(bytes);
    m_socket.flush();
}

QByteArray RespClient::readReply(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    qsizetype end = -1;
    while ((end = RespFrame::replyEnd(m_buffer, 0)) < 0) {
        const bool ready
                = m_socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        m_buffer += m_socket.readAll();
        if (RespFrame::replyEnd(m_buffer, 0) >= 0)
            continue;
        if (!ready || deadline.hasExpired())
            return QByteArray();
    }
    const QByteArray reply = m_buffer.left(end);
    m_buffer.remove(0, end);
    return reply;
}

QByteArray RespClient::call(const QByteArrayList &args, int timeoutMs)
{
    send(args);
    return readReply(timeoutMs);
}

QByteArray RespClient::drain(int timeoutMs)
{
    static const QByteArray sentinel = QByteArrayLiteral("__qkv_drain_sentinel__");
    send({ "PING", sentinel });
    const QDeadlineTimer deadline(timeoutMs);
    qsizetype start = -1;
    qsizetype end = -1;
    while ((start = RespFrame::pingReplyAnywhere(m_buffer, sentinel, &end)) < 0
           && !deadline.hasExpired() && isConnected()) {
        m_socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        m_buffer += m_socket.readAll();
    }
    QByteArray received = std::exchange(m_buffer, QByteArray());
    if (start >= 0) {
        m_buffer = received.mid(end); // what came after the sentinel is for the next read
        received.truncate(start);
    } else {
        received += isConnected() ? "<timeout>" : "<closed>";
    }
    return received;
}
