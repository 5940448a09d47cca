#pragma once

#include <QByteArray>
#include <QFile>
#include <QLoggingCategory>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <deque>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcServer)
Q_DECLARE_LOGGING_CATEGORY(lcClients)
Q_DECLARE_LOGGING_CATEGORY(lcCommands)

struct LogLine
{
    quint64 sequence;
    QByteArray text; // "2026-11-24 10:00:00.123 INFO qkv.server: message"
};

// Receives every Qt log message (qCInfo(lcServer) ...) once installed: appends it to a memory
// buffer that a timer writes to the log file once a second (and at shutdown), so logging never
// blocks the hot path on disk; keeps the recent lines for the dashboard's log pane; echoes
// warnings to stderr. Thread-safe: messages may come from the server and the GUI thread.
class LogSink final : public QObject
{
    Q_OBJECT
public:
    // path empty: no file. Installs itself as the Qt message handler until destroyed.
    explicit LogSink(const QString &path, QObject *parent = nullptr);
    ~LogSink() override;

    bool hasFile() const { return m_file.isOpen(); }
    QString errorString() const { return m_error; }
    void flush();
    std::vector<LogLine> linesAfter(quint64 after) const;
    // Copy of stderr echo: by default only warnings and worse go to the terminal.
    void setEchoAll(bool all) { m_echoAll = all; }
    // Messages less severe than this are dropped (Redis's loglevel); debug keeps them all.
    // Process-wide, as the message handler is.
    static void setMinimumType(QtMsgType type);

private:
    static void handleMessage(QtMsgType type, const QMessageLogContext &context,
                              const QString &message);
    void append(QtMsgType type, const char *category, const QString &message);
    // "yyyy-MM-dd HH:mm:ss.zzz" in local time.
    QByteArray timestamp(qint64 msecsSinceEpoch);

    mutable QMutex m_mutex;
    QFile m_file;
    QString m_error;
    QByteArray m_pending;
    std::deque<LogLine> m_recent;
    quint64 m_nextSequence = 1;
    qint64 m_timestampSecond = -1;
    QByteArray m_timestampPrefix;
    QTimer m_flushTimer;
    bool m_echoAll = false;
    QtMessageHandler m_previous = nullptr;
};
