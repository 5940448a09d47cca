#pragma once

#include "cliclient.h"

#include <QByteArrayList>
#include <QString>

// qkv-cli's behaviour, following redis-cli: one-shot, piped and interactive modes, the
// connection set-up (AUTH, HELLO, SELECT), reconnecting, and how replies are printed.
// Replies go to stdout, connection problems to stderr.
class CliApp
{
public:
    // password, when not null, is sent with AUTH (after user, when set). resp3 sends HELLO 3.
    // raw is redis-cli's --raw rather than its terminal format; json wins over both.
    struct Options
    {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = 6379;
        QByteArray user;
        QByteArray password;
        int db = 0;
        bool resp3 = false;
        bool raw = false;
        bool json = false;
    };

    explicit CliApp(const Options &options)
        : m_options(options)
    { }

    // Runs one command. Exit status 1 on an error reply or when the server cannot be reached.
    int runOnce(const QByteArrayList &args);
    // Runs stdin's lines: pipelined when piped, behind a prompt when interactive. Exit status 1
    // when piped commands went unanswered because the server could not be reached.
    int runLines(bool interactive);

private:
    bool connect();
    bool setUp(const QByteArrayList &args, const QByteArray &name);
    bool execute(const QList<QByteArrayList> &commands, Reply *last = nullptr);
    bool executeBatch(QList<QByteArrayList> *batch);
    void listen(const QByteArrayList &args);
    void runInternal(const QByteArrayList &args);
    void print(const QByteArrayList &args, const Reply &reply) const;
    QByteArray prompt() const;

    Options m_options;
    CliClient m_client;
    QByteArrayList m_history;
};
