#pragma once

#include "cliclient.h"

#include <QByteArrayList>
#include <QString>

// qkv-cli's behaviour: one-shot, piped and interactive modes, and how replies are printed.
class CliApp
{
public:
    enum class Output { Tty, Raw, Json };

    struct Options
    {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = 6379;
        QByteArray password;
        int db = 0;
        Output output = Output::Tty;
    };

    explicit CliApp(const Options &options) : m_options(options) { }

    // Exit status: 0 on success, 1 on an error reply or a connection failure.
    int runOnce(const QByteArrayList &args);
    int runPiped();
    int runInteractive();

private:
    bool connect(bool quiet);
    void print(const QByteArrayList &args, const Reply &reply) const;
    QString prompt() const;

    Options m_options;
    CliClient m_client;
    int m_db = 0;
};
