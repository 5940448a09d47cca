#include "cliclient.h"

#include "protocol/replywriter.h"

namespace {
constexpr int TimeoutMs = 30000;
}

bool CliClient::connectTo(const QString &host, quint16 port, QString *error)
{
    m_in.clear();
    m_pos = 0;
    m_reader = ReplyReader();
    m_socket.abort();
    m_socket.connectToHost(host, port);
    if (!m_socket.waitForConnected(5000)) {
        *error = QStringLiteral("Could not connect to Redis at %1:%2: %3")
                         .arg(host)
                         .arg(port)
                         .arg(m_socket.error() == QAbstractSocket::ConnectionRefusedError
                                      ? QStringLiteral("Connection refused")
                                      : m_socket.errorString());
        return false;
    }
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    return true;
}

void CliClient::disconnect()
{
    m_socket.disconnectFromHost();
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.waitForDisconnected(1000);
}

void CliClient::queue(const QByteArrayList &args)
{
    // A request is an array of bulk strings: the server's reply writer encodes it.
    ReplyWriter writer(&m_out);
    writer.arrayHeader(args.size());
    for (const QByteArray &arg : args)
        writer.bulk(arg);
}

bool CliClient::flush(QString *error)
{
    const QByteArray data = std::exchange(m_out, QByteArray());
    if (m_socket.write(data) != data.size()) {
        *error = m_socket.errorString();
        return false;
    }
    while (m_socket.bytesToWrite() > 0) {
        if (!m_socket.waitForBytesWritten(TimeoutMs)) {
            *error = m_socket.errorString();
            return false;
        }
    }
    return true;
}

bool CliClient::readReply(Reply *reply, QString *error)
{
    for (;;) {
        switch (m_reader.parse(m_in, &m_pos, reply)) {
        case ReplyReader::Status::Reply:
            if (m_pos == m_in.size()) {
                m_in.clear();
                m_pos = 0;
            }
            return true;
        case ReplyReader::Status::Error:
            *error = QStringLiteral("Protocol error: ") + QString::fromUtf8(m_reader.errorText());
            m_socket.abort();
            return false;
        case ReplyReader::Status::NeedMore:
            break;
        }
        if (m_pos > 0) {
            m_in.remove(0, m_pos);
            m_pos = 0;
        }
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(TimeoutMs)) {
            *error = m_socket.state() == QAbstractSocket::ConnectedState
                    ? QStringLiteral("Timed out waiting for a reply")
                    : QStringLiteral("Server closed the connection");
            return false;
        }
        m_in += m_socket.readAll();
    }
}

bool CliClient::call(const QByteArrayList &args, Reply *reply, QString *error)
{
    queue(args);
    return flush(error) && readReply(reply, error);
}
