#pragma once

#include <QProcess>
#include <QString>

#include <memory>

// A server started as a separate process for a test: redis-server (the reference) or
// qkv-server, on a free loopback port. Stopped when destroyed.
class ServerProcess
{
public:
    ~ServerProcess();
    // Returns false (with *error) when the server cannot be started.
    bool startRedis(QString *error);
    bool startQkv(const QString &path, QString *error, const QStringList &extraArgs = {});
    quint16 port() const { return m_port; }
    static QString redisPath();
    // The reference and qkv side by side, as the differential tests need them.
    static bool startPair(ServerProcess *redis, ServerProcess *qkv, const QString &qkvPath,
                          QString *error);

private:
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};
