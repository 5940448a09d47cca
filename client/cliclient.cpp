#include "cliclient.h"

#include "protocol/replywriter.h"

namespace {

// The system's wording, which redis-cli prints, rather than Qt's sentences.
QString connectError(const QTcpSocket &socket)
{
    switch (socket.error()) {
    case QAbstractSocket::ConnectionRefusedError: return QStringLiteral("Connection refused");
    case QAbstractSocket::HostNotFoundError: return QStringLiteral("Name or service not known");
    case QAbstractSocket::SocketTimeoutError: return QStringLiteral("Connection timed out");
    default: return socket.errorString();
    }
}

} // namespace

bool CliClient::connectTo(const QString &host, quint16 port, QString *error)
{
    close();
    m_socket.connectToHost(host, port);
    if (!m_socket.waitForConnected(ConnectTimeoutMs)) {
        *error = QStringLiteral("Could not connect to Redis at %1:%2: %3")
                         .arg(host, QString::number(port), connectError(m_socket));
        m_socket.abort();
        return false;
    }
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    return true;
}

void CliClient::close()
{
    m_socket.abort();
    m_input.clear();
    m_pos = 0;
    m_reader = ReplyReader();
}

void CliClient::queue(const QByteArrayList &args)
{
    // A request is an array of bulk strings, which is what the server's reply writer writes.
    QByteArray request;
    ReplyWriter writer(&request);
    writer.arrayHeader(args.size());
    for (const QByteArray &arg : args)
        writer.bulk(arg);
    m_socket.write(request);
}

bool CliClient::readReply(Reply *reply, QString *error)
{
    m_socket.flush();
    for (;;) {
        switch (m_reader.parse(m_input, &m_pos, reply)) {
        case ReplyReader::Status::Reply: return true;
        case ReplyReader::Status::Error:
            *error = QStringLiteral("Error: ") + QString::fromUtf8(m_reader.errorText());
            close();
            return false;
        case ReplyReader::Status::NeedMore: break;
        }
        m_input.remove(0, m_pos);
        m_pos = 0;
        // waitForReadyRead() also sends what is still queued, so a long pipeline cannot
        // deadlock with the server's replies.
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(-1)) {
            *error = QStringLiteral("Error: ")
                    + (m_socket.error() == QAbstractSocket::RemoteHostClosedError
                               ? QStringLiteral("Server closed the connection")
                               : m_socket.errorString());
            close();
            return false;
        }
        m_input += m_socket.readAll();
    }
}

bool CliClient::call(const QByteArrayList &args, Reply *reply, QString *error)
{
    queue(args);
    return readReply(reply, error);
}
