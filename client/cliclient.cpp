#include "cliclient.h"

#include "interrupt.h"
#include "protocol/replywriter.h"

#include <QDeadlineTimer>

#include <climits>

namespace {

// How often a wait looks for Ctrl-C: Qt's waits resume after EINTR, so they are sliced.
constexpr int InterruptSliceMs = 50;

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

bool CliClient::connectTo(const QString &host, quint16 port, QString *error, int timeoutMs)
{
    close();
    m_socket.connectToHost(host, port);
    if (!m_socket.waitForConnected(timeoutMs)) {
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

void CliClient::queueRaw(const QByteArray &bytes)
{
    m_socket.write(bytes);
}

void CliClient::flush(int timeoutMs)
{
    if (m_socket.bytesToWrite() > 0)
        m_socket.waitForBytesWritten(timeoutMs);
}

CliClient::Status CliClient::read(Reply *reply, QString *error, int timeoutMs)
{
    m_socket.flush();
    const QDeadlineTimer deadline
            = timeoutMs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(timeoutMs);
    for (bool waited = false;;) {
        switch (m_reader.parse(m_input, &m_pos, reply)) {
        case ReplyReader::Status::Reply: return Status::Reply;
        case ReplyReader::Status::Error:
            *error = QStringLiteral("Error: ") + QString::fromUtf8(m_reader.errorText());
            close();
            return Status::Closed;
        case ReplyReader::Status::NeedMore: break;
        }
        m_input.remove(0, m_pos);
        m_pos = 0;
        if (m_socket.bytesAvailable() > 0) {
            m_input += m_socket.readAll();
            continue;
        }
        if (m_interruptible && Interrupt::take())
            return Status::Interrupted;
        if (waited && deadline.hasExpired())
            return Status::Timeout;
        int slice = int(qMin<qint64>(deadline.remainingTime(), INT_MAX));
        if (deadline.isForever())
            slice = -1;
        if (m_interruptible && (slice < 0 || slice > InterruptSliceMs))
            slice = InterruptSliceMs;
        waited = true;
        // waitForReadyRead() also sends what is still queued, so a long pipeline cannot
        // deadlock with the server's replies.
        if (!m_socket.waitForReadyRead(slice)) {
            if (m_socket.state() == QAbstractSocket::ConnectedState
                && m_socket.error() == QAbstractSocket::SocketTimeoutError) {
                continue; // a slice ended: look for Ctrl-C and the deadline
            }
            *error = QStringLiteral("Error: ")
                    + (m_socket.error() == QAbstractSocket::RemoteHostClosedError
                               ? QStringLiteral("Server closed the connection")
                               : m_socket.errorString());
            close();
            return Status::Closed;
        }
        m_input += m_socket.readAll();
    }
}

QByteArray CliClient::readRaw(int timeoutMs, bool *closed)
{
    *closed = false;
    m_socket.flush();
    QByteArray out = m_input.mid(m_pos);
    m_input.clear();
    m_pos = 0;
    if (!out.isEmpty())
        return out;
    if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs)) {
        *closed = m_socket.state() != QAbstractSocket::ConnectedState
                || m_socket.error() != QAbstractSocket::SocketTimeoutError;
        return QByteArray();
    }
    return m_socket.readAll();
}

bool CliClient::call(const QByteArrayList &args, Reply *reply, QString *error)
{
    queue(args);
    return readReply(reply, error);
}
