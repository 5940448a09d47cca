#pragma once

#include "protocol/reply.h"
#include "protocol/replyreader.h"
#include "redisurl.h"

#include <QObject>
#include <QTcpSocket>
#include <QTimer>

#include <deque>
#include <functional>

/* One connection of the dashboard to a Redis-protocol server, on the thread's event loop: a
 * non-blocking QTcpSocket, replies decoded as they arrive (a big reply over many reads is
 * scanned once), callbacks called in the order commands were sent.
 *
 * open() connects, authenticates (AUTH [user] password from the URL), names the connection
 * ClientName (so dashboards can leave their own connections out of what they show), selects
 * the URL's database and learns the address the server sees it from (CLIENT INFO). Then
 * ready() is emitted. A connection lost or refused is retried every ReconnectDelayMs until
 * close(); lost() says why, and every callback still waiting gets an error reply.
 */
class RespConnection final : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const Reply &)>;
    using BatchCallback = std::function<void(const QList<Reply> &)>;
    static constexpr int ReconnectDelayMs = 1000;
    static constexpr int ConnectTimeoutMs = 3000;
    static const QByteArray ClientName;

    explicit RespConnection(const RedisUrl &url, QObject *parent = nullptr);
    ~RespConnection() override;

    const RedisUrl &url() const { return m_url; }
    // The password of the next AUTH, at the next connection.
    void setPassword(const QByteArray &password) { m_url.password = password; }
    void open();
    void close();
    bool isReady() const { return m_ready; }
    // "ip:port" of this connection as the server sees it: CLIENT INFO's addr once ready, and
    // the socket's own address (the same unless translated) from the moment it connects.
    QList<QByteArray> ownAddresses() const;

    // Sends a command; done (if any) gets its reply. While not ready, done gets an error reply
    // at once and nothing is sent.
    void send(const QByteArrayList &args, Callback done = {});
    // Sends commands in one write; done gets their replies in order once all arrived.
    void sendBatch(const QList<QByteArrayList> &commands, BatchCallback done);
    // Sends SELECT db first unless db is the database selected already.
    void select(int db);
    // Replies no command waits for (MONITOR's lines) go to handler.
    void setUnsolicitedHandler(Callback handler) { m_unsolicited = std::move(handler); }

    static Reply errorReply(const QByteArray &text);

signals:
    void ready();
    void lost(const QString &reason);

private:
    void enqueue(const QByteArrayList &args, Callback done);
    void connected();
    void readAvailable();
    void handleLoss(const QString &reason);

    RedisUrl m_url;
    QTcpSocket m_socket;
    ReplyReader m_reader;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    std::deque<Callback> m_waiting;
    Callback m_unsolicited;
    QTimer m_retry;
    QTimer m_connectTimeout;
    QByteArray m_ownAddress;
    int m_db = 0;
    bool m_ready = false;
    bool m_open = false;
};
