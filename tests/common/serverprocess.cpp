#include "serverprocess.h"

#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

quint16 ServerProcess::freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool ServerProcess::waitForReply(quint16 port, const QByteArray &expected)
{
    for (int attempt = 0; attempt < 100; ++attempt) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (socket.waitForConnected(200)) {
            socket.write("PING\r\n");
            if (socket.waitForReadyRead(1000) && socket.readAll().startsWith(expected))
                return true;
        }
        QThread::msleep(50);
    }
    return false;
}

ServerProcess::~ServerProcess()
{
    if (m_process) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000))
            m_process->kill();
        m_process->waitForFinished(1000);
    }
}

bool ServerProcess::stop(int timeoutMs)
{
    if (!m_process)
        return true;
    bool stopped = true;
    // SHUTDOWN may have ended it already (waitForFinished is false for a finished process).
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(timeoutMs) && m_process->state() != QProcess::NotRunning) {
            m_process->kill();
            m_process->waitForFinished(1000);
            stopped = false;
        }
    }
    m_process.reset();
    return stopped;
}

bool ServerProcess::waitForExit(int timeoutMs)
{
    return !m_process || m_process->state() == QProcess::NotRunning
            || m_process->waitForFinished(timeoutMs);
}

QString ServerProcess::redisPath()
{
    return QStandardPaths::findExecutable(QStringLiteral("redis-server"));
}

void ServerProcess::kill()
{
    if (!m_process)
        return;
    m_process->kill();
    m_process->waitForFinished(5000);
    m_process.reset();
}

bool ServerProcess::startRedis(QString *error, const QStringList &extraArgs, quint16 port)
{
    m_port = port != 0 ? port : freePort();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process->start(redisPath(),
                     QStringList { QStringLiteral("--port"), QString::number(m_port),
                                   QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                   QStringLiteral("--save"), QString(),
                                   QStringLiteral("--appendonly"), QStringLiteral("no"),
                                   QStringLiteral("--daemonize"), QStringLiteral("no"),
                                   QStringLiteral("--dir"), m_dir.path() }
                             + extraArgs);
    if (!m_process->waitForStarted(5000) || !waitForReply(m_port)) {
        *error = QStringLiteral("redis-server did not start");
        return false;
    }
    return true;
}

bool ServerProcess::startPair(ServerProcess *redis, ServerProcess *qkv, const QString &qkvPath,
                              QString *error)
{
    return redis->startRedis(error) && qkv->startQkv(qkvPath, error);
}

bool ServerProcess::startQkv(const QString &path, QString *error, const QStringList &extraArgs)
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process->start(path,
                     QStringList { QStringLiteral("--headless"), QStringLiteral("--port"),
                                   QStringLiteral("0"), QStringLiteral("--log-file"), QString(),
                                   // Many servers start in one directory: none saves or
                                   // loads a dump.rdb there unless the test asks (extraArgs
                                   // come later and win: --save, --dir).
                                   QStringLiteral("--save"), QString(), QStringLiteral("--dir"),
                                   m_dir.path() }
                             + extraArgs);
    if (!m_process->waitForStarted(5000)) {
        *error = QStringLiteral("cannot start ") + path;
        return false;
    }
    static const QRegularExpression listening(QStringLiteral("listening on .*:(\\d+)"));
    QByteArray output;
    // Generous: a sanitized build on a loaded machine, loading a big data set, takes a while
    // to start listening; the wait ends as soon as the line comes.
    while (m_process->waitForReadyRead(60000)) {
        output += m_process->readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(output));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return waitForReply(m_port);
        }
    }
    *error = QStringLiteral("qkv-server did not report its port: ") + QString::fromUtf8(output);
    return false;
}
