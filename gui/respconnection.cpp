#include "respconnection.h"

#include <memory>

const QByteArray RespConnection::ClientName = QByteArrayLiteral("qkv-dashboard");

namespace {

QByteArray encode(const QByteArrayList &args)
{
    QByteArray out = '*' + QByteArray::number(args.size()) + "\r\n";
    for (const QByteArray &arg : args)
        out += '$' + QByteArray::number(arg.size()) + "\r\n" + arg + "\r\n";
    return out;
}

// CLIENT INFO's "id=3 addr=127.0.0.1:5000 ..." field value.
QByteArray fieldOf(const QByteArray &line, const QByteArray &name)
{
    for (const QByteArray &field : line.trimmed().split(' ')) {
        if (field.startsWith(name) && field.size() > name.size() && field.at(name.size()) == '=')
            return field.mid(name.size() + 1);
    }
    return {};
}

} // namespace

RespConnection::RespConnection(const RedisUrl &url, QObject *parent)
    : QObject(parent)
    , m_url(url)
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(ReconnectDelayMs);
    m_connectTimeout.setSingleShot(true);
    m_connectTimeout.setInterval(ConnectTimeoutMs);
    connect(&m_retry, &QTimer::timeout, this, &RespConnection::open);
    connect(&m_connectTimeout, &QTimer::timeout, this,
            [this] { handleLoss(tr("no answer from %1").arg(m_url.hostAndPort())); });
    connect(&m_socket, &QTcpSocket::connected, this, &RespConnection::connected);
    connect(&m_socket, &QTcpSocket::readyRead, this, &RespConnection::readAvailable);
    connect(&m_socket, &QTcpSocket::disconnected, this,
            [this] { handleLoss(tr("connection closed by the server")); });
    connect(&m_socket, &QTcpSocket::errorOccurred, this,
            [this] { handleLoss(m_socket.errorString()); });
}

RespConnection::~RespConnection()
{
    // The socket closing as it is destroyed must not call back into members already gone.
    disconnect(&m_socket, nullptr, this, nullptr);
}

Reply RespConnection::errorReply(const QByteArray &text)
{
    Reply reply;
    reply.type = Reply::Type::Error;
    reply.string = text;
    return reply;
}

void RespConnection::open()
{
    m_open = true;
    m_retry.stop();
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        return;
    m_connectTimeout.start();
    m_socket.connectToHost(m_url.host, m_url.port);
}

void RespConnection::close()
{
    m_open = false;
    m_retry.stop();
    handleLoss(tr("closed"));
}

void RespConnection::connected()
{
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // The handshake: its replies are checked together once all arrived.
    QList<QByteArrayList> handshake;
    if (!m_url.password.isEmpty()) {
        handshake.append(m_url.user.isEmpty()
                                 ? QByteArrayList { "AUTH", m_url.password }
                                 : QByteArrayList { "AUTH", m_url.user, m_url.password });
    }
    handshake.append(QByteArrayList { "CLIENT", "SETNAME", ClientName });
    if (m_url.db != 0)
        handshake.append(QByteArrayList { "SELECT", QByteArray::number(m_url.db) });
    handshake.append(QByteArrayList { "CLIENT", "INFO" });
    auto replies = std::make_shared<QList<Reply>>();
    const qsizetype expected = handshake.size();
    for (const QByteArrayList &args : handshake) {
        enqueue(args, [this, replies, expected](const Reply &reply) {
            replies->append(reply);
            if (replies->size() < expected || m_socket.state() != QAbstractSocket::ConnectedState)
                return;
            // CLIENT INFO (the last) may be missing on an old server; the rest must succeed.
            for (qsizetype i = 0; i + 1 < replies->size(); ++i) {
                if (replies->at(i).type == Reply::Type::Error) {
                    handleLoss(QString::fromUtf8(replies->at(i).string));
                    return;
                }
            }
            m_connectTimeout.stop();
            m_ownAddress = fieldOf(replies->last().string, "addr");
            m_db = m_url.db;
            m_ready = true;
            emit ready();
        });
    }
}

QList<QByteArray> RespConnection::ownAddresses() const
{
    QList<QByteArray> out;
    if (!m_ownAddress.isEmpty())
        out.append(m_ownAddress);
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        out.append(m_socket.localAddress().toString().toLatin1() + ':'
                   + QByteArray::number(m_socket.localPort()));
    return out;
}

void RespConnection::send(const QByteArrayList &args, Callback done)
{
    if (!m_ready) {
        if (done)
            done(errorReply("ERR not connected"));
        return;
    }
    enqueue(args, std::move(done));
}

void RespConnection::sendBatch(const QList<QByteArrayList> &commands, BatchCallback done)
{
    auto replies = std::make_shared<QList<Reply>>();
    const qsizetype expected = commands.size();
    if (expected == 0) {
        done({});
        return;
    }
    for (const QByteArrayList &args : commands) {
        send(args, [replies, expected, done](const Reply &reply) {
            replies->append(reply);
            if (replies->size() == expected)
                done(*replies);
        });
    }
}

void RespConnection::select(int db)
{
    if (!m_ready || db == m_db)
        return;
    m_db = db;
    send({ "SELECT", QByteArray::number(db) });
}

void RespConnection::enqueue(const QByteArrayList &args, Callback done)
{
    m_waiting.push_back(std::move(done));
    m_socket.write(encode(args));
}

void RespConnection::readAvailable()
{
    m_buffer += m_socket.readAll();
    Reply reply;
    for (;;) {
        const ReplyReader::Status status = m_reader.parse(m_buffer, &m_pos, &reply);
        if (status == ReplyReader::Status::NeedMore)
            break;
        if (status == ReplyReader::Status::Error) {
            handleLoss(tr("protocol error: %1").arg(QString::fromUtf8(m_reader.errorText())));
            return;
        }
        if (m_waiting.empty()) {
            if (m_unsolicited)
                m_unsolicited(reply);
        } else {
            Callback done = std::move(m_waiting.front());
            m_waiting.pop_front();
            if (done)
                done(reply);
        }
        // A callback may have closed the connection, which empties the buffer.
        if (m_buffer.isEmpty())
            return;
    }
    m_buffer.remove(0, m_pos);
    m_pos = 0;
}

void RespConnection::handleLoss(const QString &reason)
{
    const bool wasUp = m_ready || m_socket.state() != QAbstractSocket::UnconnectedState
            || !m_waiting.empty();
    m_ready = false;
    m_ownAddress.clear();
    m_connectTimeout.stop();
    m_buffer.clear();
    m_pos = 0;
    m_reader = ReplyReader();
    m_socket.abort();
    std::deque<Callback> waiting;
    waiting.swap(m_waiting);
    for (Callback &done : waiting) {
        if (done)
            done(errorReply("ERR connection lost"));
    }
    if (m_open && !m_retry.isActive())
        m_retry.start();
    if (wasUp)
        emit lost(reason);
}
