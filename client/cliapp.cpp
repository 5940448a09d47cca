#include "cliapp.h"

#include "protocol/argsplitter.h"
#include "protocol/replyformatter.h"

#include <cstdio>
#include <iostream>
#include <string>

namespace {

// Commands sent before their replies are read, when stdin delivers lines faster than that.
constexpr qsizetype MaxPipeline = 1000;
constexpr qsizetype HistorySize = 1000;

bool is(const QByteArray &arg, const char *name)
{
    return arg.compare(name, Qt::CaseInsensitive) == 0;
}

// redis-cli's list of commands whose reply is text to be read as is, with its own line ends:
// printed raw even on a terminal, and without the usual final newline.
bool printsOwnText(const QByteArrayList &args)
{
    const QByteArray &name = args.first();
    const QByteArray sub = args.value(1);
    return is(name, "info") || is(name, "lolwut")
            || (is(name, "client") && (is(sub, "list") || is(sub, "info")))
            || (is(name, "memory") && (is(sub, "doctor") || is(sub, "malloc-stats")))
            || (is(name, "latency") && (is(sub, "doctor") || is(sub, "graph")))
            || (is(name, "cluster") && (is(sub, "nodes") || is(sub, "info")));
}

bool isSubscribe(const QByteArray &name)
{
    return is(name, "subscribe") || is(name, "psubscribe") || is(name, "ssubscribe");
}

// Flushed at once, as redis-cli does, so that output keeps pace with a slow server or producer.
void writeOut(const QByteArray &text)
{
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    std::fflush(stdout);
}

void writeErr(const QByteArray &text)
{
    std::fprintf(stderr, "%s\n", text.constData());
}

} // namespace

bool CliApp::connect()
{
    QString error;
    if (!m_client.connectTo(m_options.host, m_options.port, &error)) {
        writeErr(error.toUtf8());
        return false;
    }
    if (!m_options.password.isNull()) {
        QByteArrayList auth { "AUTH" };
        if (!m_options.user.isEmpty())
            auth.append(m_options.user);
        auth.append(m_options.password);
        setUp(auth, "AUTH");
    }
    if (m_options.resp3)
        setUp({ "HELLO", "3" }, "HELLO 3");
    const QByteArray db = QByteArray::number(m_options.db);
    if (m_options.db != 0 && !setUp({ "SELECT", db }, "SELECT " + db))
        m_options.db = 0;
    return m_client.isConnected();
}

// A failed set-up command is reported and the session goes on, as in redis-cli.
bool CliApp::setUp(const QByteArrayList &args, const QByteArray &name)
{
    Reply reply;
    QString error;
    if (!m_client.call(args, &reply, &error)) {
        writeErr(error.toUtf8());
        return false;
    }
    if (reply.type == Reply::Type::Error) {
        writeErr(name + " failed: " + reply.string);
        return false;
    }
    return true;
}

// Sends the commands as one pipeline and prints the replies in order. When the connection is
// lost, reconnects and sends the unanswered commands once more, as redis-cli does. Returns false
// if some went unanswered; *last is the last reply.
bool CliApp::execute(const QList<QByteArrayList> &commands, Reply *last)
{
    Reply reply;
    QString error;
    // RESP3 pushes are not replies to a command, except to SUBSCRIBE and friends.
    auto readAnswer = [&](bool subscribe) {
        while (m_client.readReply(&reply, &error)) {
            if (reply.type != Reply::Type::Push || subscribe)
                return true;
        }
        return false;
    };
    qsizetype answered = 0;
    for (int attempt = 0; answered < commands.size(); ++attempt) {
        if (attempt == 2) {
            writeErr(error.toUtf8());
            return false;
        }
        if (!m_client.isConnected() && !connect())
            return false;
        for (qsizetype i = answered; i < commands.size(); ++i)
            m_client.queue(commands.at(i));
        for (; answered < commands.size(); ++answered) {
            const QByteArrayList &args = commands.at(answered);
            const bool subscribe = isSubscribe(args.first());
            if (subscribe && !m_options.raw && !m_options.json)
                writeOut("Reading messages... (press Ctrl-C to quit)\n");
            if (!readAnswer(subscribe)) {
                if (is(args.first(), "shutdown"))
                    continue; // its answer is the connection closing
                break;
            }
            print(args, reply);
            if (is(args.first(), "select") && args.size() == 2
                && reply.type != Reply::Type::Error) {
                m_options.db = args.at(1).toInt(); // for the prompt and for reconnecting
            }
            // After SUBSCRIBE or MONITOR the server only streams: follow it, as redis-cli does.
            if (subscribe || (is(args.first(), "monitor") && reply.type != Reply::Type::Error)) {
                listen(args);
                return false;
            }
        }
    }
    if (last)
        *last = reply;
    return true;
}

bool CliApp::executeBatch(QList<QByteArrayList> *batch)
{
    const bool answered = batch->isEmpty() || execute(*batch);
    batch->clear();
    return answered;
}

// After SUBSCRIBE or MONITOR the connection only delivers messages: print them as they come,
// until it closes.
void CliApp::listen(const QByteArrayList &args)
{
    Reply reply;
    QString error;
    while (m_client.readReply(&reply, &error))
        print(args, reply);
    writeErr(error.toUtf8());
}

void CliApp::runInternal(const QByteArrayList &args)
{
    if (is(args.first(), ":json")) {
        m_options.json = !m_options.json;
        writeOut(m_options.json ? "JSON output on\n" : "JSON output off\n");
    } else if (is(args.first(), ":history")) {
        for (qsizetype i = 0; i < m_history.size(); ++i)
            writeOut(QByteArray::number(i + 1).rightJustified(5) + "  " + m_history.at(i) + '\n');
    } else {
        writeOut("unknown qkv-cli internal command '" + args.first() + "'\n");
    }
}

void CliApp::print(const QByteArrayList &args, const Reply &reply) const
{
    if (m_options.json)
        writeOut(ReplyFormatter::toJson(reply) + '\n');
    else if (printsOwnText(args))
        writeOut(ReplyFormatter::toRaw(reply));
    else if (m_options.raw)
        writeOut(ReplyFormatter::toRaw(reply) + '\n');
    else
        writeOut(ReplyFormatter::toTty(reply));
}

QByteArray CliApp::prompt() const
{
    if (!m_client.isConnected())
        return QByteArrayLiteral("not connected> ");
    QByteArray text = m_options.host.toUtf8() + ':' + QByteArray::number(m_options.port);
    if (m_options.db != 0)
        text += '[' + QByteArray::number(m_options.db) + ']';
    return text + "> ";
}

int CliApp::runOnce(const QByteArrayList &args)
{
    if (!connect())
        return 1;
    Reply reply;
    return execute({ args }, &reply) && reply.type != Reply::Type::Error ? 0 : 1;
}

int CliApp::runLines(bool interactive)
{
    // Piped input needs the server; a prompt can wait for it, retrying on every line.
    if (!connect() && !interactive)
        return 1;
    bool answered = true;
    QList<QByteArrayList> batch;
    std::string line;
    for (;;) {
        // Pipeline what stdin has delivered already; run it before waiting for more. This needs
        // std::cin unsynchronised with stdio, or in_avail() is always 0 and lines run one by one.
        if (interactive || batch.size() >= MaxPipeline || std::cin.rdbuf()->in_avail() <= 0)
            answered &= executeBatch(&batch);
        if (interactive)
            writeOut(prompt());
        if (!std::getline(std::cin, line)) {
            if (interactive)
                writeOut("\n");
            break;
        }
        const QByteArray text = QByteArray::fromStdString(line);
        QByteArrayList args;
        if (!splitInlineArgs(text, &args)) {
            answered &= executeBatch(&batch); // keeps the output in input order
            writeOut("Invalid argument(s)\n");
            continue;
        }
        if (args.isEmpty())
            continue;
        if (interactive && !is(args.first(), "auth")) { // no passwords in the history
            m_history.append(text);
            if (m_history.size() > HistorySize)
                m_history.removeFirst();
        }
        if (is(args.first(), "quit") || is(args.first(), "exit")) {
            answered &= executeBatch(&batch);
            if (m_client.isConnected())
                execute({ { "QUIT" } });
            break;
        }
        if (args.first().startsWith(':')) {
            answered &= executeBatch(&batch);
            runInternal(args);
            continue;
        }
        batch.append(args);
    }
    answered &= executeBatch(&batch);
    return answered || interactive ? 0 : 1;
}
