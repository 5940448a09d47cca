#include "cliapp.h"

#include "protocol/argsplitter.h"
#include "protocol/replyformatter.h"

#include <cstdio>
#include <iostream>
#include <string>

namespace {

bool is(const QByteArray &arg, const char *name)
{
    return arg.compare(name, Qt::CaseInsensitive) == 0;
}

// Commands whose text replies read best unquoted, as redis-cli shows them.
bool prefersRaw(const QByteArrayList &args)
{
    if (args.isEmpty())
        return false;
    if (is(args[0], "info") || is(args[0], "lolwut"))
        return true;
    return args.size() >= 2 && is(args[0], "client") && (is(args[1], "list") || is(args[1], "info"));
}

void writeOut(const QByteArray &text)
{
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    std::fflush(stdout);
}

} // namespace

bool CliApp::connect(bool quiet)
{
    QString error;
    if (!m_client.connectTo(m_options.host, m_options.port, &error)) {
        if (!quiet)
            std::fprintf(stderr, "%s\n", qPrintable(error));
        return false;
    }
    Reply reply;
    if (!m_options.password.isEmpty()) {
        if (!m_client.call({ "AUTH", m_options.password }, &reply, &error)
            || reply.type == Reply::Type::Error) {
            std::fprintf(stderr, "AUTH failed: %s\n",
                         qPrintable(error.isEmpty() ? QString::fromUtf8(reply.string) : error));
            return false;
        }
    }
    m_db = 0;
    if (m_options.db != 0) {
        if (!m_client.call({ "SELECT", QByteArray::number(m_options.db) }, &reply, &error)
            || reply.type == Reply::Type::Error) {
            std::fprintf(stderr, "SELECT failed: %s\n",
                         qPrintable(error.isEmpty() ? QString::fromUtf8(reply.string) : error));
            return false;
        }
        m_db = m_options.db;
    }
    return true;
}

void CliApp::print(const QByteArrayList &args, const Reply &reply) const
{
    switch (m_options.output) {
    case Output::Json: writeOut(ReplyFormatter::toJson(reply) + '\n'); break;
    case Output::Raw: writeOut(ReplyFormatter::toRaw(reply)); break;
    case Output::Tty:
        writeOut(prefersRaw(args) && reply.type != Reply::Type::Error ? ReplyFormatter::toRaw(reply)
                                                                        : ReplyFormatter::toTty(reply));
        break;
    }
}

int CliApp::runOnce(const QByteArrayList &args)
{
    if (!connect(false))
        return 1;
    Reply reply;
    QString error;
    if (!m_client.call(args, &reply, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    print(args, reply);
    return reply.type == Reply::Type::Error ? 1 : 0;
}

int CliApp::runPiped()
{
    if (!connect(false))
        return 1;
    // Send everything first (one pipeline), then read a reply per command.
    QList<QByteArrayList> commands;
    std::string line;
    while (std::getline(std::cin, line)) {
        QList<QByteArray> args;
        if (!splitInlineArgs(QByteArrayView(line.data(), qsizetype(line.size())), &args)) {
            std::fprintf(stderr, "Invalid argument(s)\n");
            continue;
        }
        if (args.isEmpty())
            continue;
        m_client.queue(args);
        commands.append(args);
    }
    QString error;
    if (!m_client.flush(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    int status = 0;
    for (const QByteArrayList &args : std::as_const(commands)) {
        Reply reply;
        if (!m_client.readReply(&reply, &error)) {
            // QUIT legitimately closes the connection; anything else is a failure.
            if (is(args[0], "quit") || is(args[0], "exit"))
                break;
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        print(args, reply);
        if (reply.type == Reply::Type::Error)
            status = 1;
    }
    return status;
}

QString CliApp::prompt() const
{
    if (!m_client.isConnected())
        return QStringLiteral("not connected> ");
    QString text = m_options.host + QLatin1Char(':') + QString::number(m_options.port);
    if (m_db != 0)
        text += QLatin1Char('[') + QString::number(m_db) + QLatin1Char(']');
    return text + QStringLiteral("> ");
}

int CliApp::runInteractive()
{
    connect(false);
    std::string line;
    for (;;) {
        writeOut(prompt().toUtf8());
        if (!std::getline(std::cin, line)) {
            writeOut("\n");
            return 0;
        }
        QList<QByteArray> args;
        if (!splitInlineArgs(QByteArrayView(line.data(), qsizetype(line.size())), &args)) {
            writeOut("Invalid argument(s)\n");
            continue;
        }
        if (args.isEmpty())
            continue;
        if (args.size() == 1 && is(args[0], ":json")) {
            const bool on = m_options.output != Output::Json;
            m_options.output = on ? Output::Json : Output::Tty;
            writeOut(on ? "JSON output on\n" : "JSON output off\n");
            continue;
        }
        const bool quit = is(args[0], "quit") || is(args[0], "exit");
        if (!m_client.isConnected() && !connect(false)) {
            if (quit)
                return 0;
            continue;
        }
        Reply reply;
        QString error;
        if (!m_client.call(quit ? QByteArrayList { "QUIT" } : args, &reply, &error)) {
            if (quit)
                return 0;
            std::fprintf(stderr, "%s\n", qPrintable(error));
            m_client.disconnect();
            continue;
        }
        print(args, reply);
        if (quit) {
            m_client.disconnect();
            return 0;
        }
        if (is(args[0], "select") && args.size() == 2 && reply.type != Reply::Type::Error)
            m_db = args[1].toInt();
    }
}
