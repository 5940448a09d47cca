#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

// A server started as a separate process for a test: redis-server (the reference) or
// qkv-server, on a free loopback port. Stopped when destroyed.
class ServerProcess
{
public:
    ~ServerProcess();
    // Returns false (with *error) when the server cannot be started. extraArgs come after the
    // defaults and win (--appendonly yes, --dir); port 0: a free one.
    bool startRedis(QString *error, const QStringList &extraArgs = {}, quint16 port = 0);
    bool startQkv(const QString &path, QString *error, const QStringList &extraArgs = {});
    quint16 port() const { return m_port; }
    // The server process's id (0 when it is not running): tests read its /proc entries.
    qint64 processId() const { return m_process ? m_process->processId() : 0; }
    // The server's own empty directory (--dir): SAVE and BGSAVE write there, and nothing
    // another test saved is loaded at start-up.
    QString dir() const { return m_dir.path(); }
    // Stops the server with SIGTERM (which saves when save rules exist) and waits.
    bool stop(int timeoutMs = 10000);
    // Waits for the server to end by itself (SHUTDOWN, a signal a test sent); false if it
    // still runs after timeoutMs.
    bool waitForExit(int timeoutMs = 10000);
    // SIGKILL, as a crash: nothing is saved or flushed on the way out.
    void kill();
    static QString redisPath();
    // A free loopback port, for a server that a test restarts on the same port.
    static quint16 freePort();
    // Sends PING to port until a reply starts with expected (10 s at most): the server is up.
    static bool waitForReply(quint16 port, const QByteArray &expected = QByteArrayLiteral("+PONG"));
    // The reference and qkv side by side, as the differential tests need them.
    static bool startPair(ServerProcess *redis, ServerProcess *qkv, const QString &qkvPath,
                          QString *error);

private:
    std::unique_ptr<QProcess> m_process;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
};
