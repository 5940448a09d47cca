#include "cliapp.h"

#include "commands/commandutil.h"
#include "interrupt.h"
#include "protocol/argsplitter.h"
#include "protocol/replyformatter.h"

#include <QThread>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

namespace {

// Commands sent before their replies are read, when stdin delivers lines faster than that.
constexpr qsizetype MaxPipeline = 1000;
// A reconnection attempt from the REPL's background must not freeze the prompt for long.
constexpr int QuietConnectTimeoutMs = 250;

// Names compare as in redis-cli (strcasecmp): the server's helper.
using CommandUtil::argIs;

// redis-cli's list of commands whose reply is text to be read as is, with its own line ends:
// printed raw even on a terminal, and without the usual final newline.
bool printsOwnText(const QByteArrayList &args)
{
    const QByteArray &name = args.first();
    const QByteArray sub = args.value(1);
    return argIs(name, "info") || argIs(name, "lolwut")
            || (argIs(name, "client") && (argIs(sub, "list") || argIs(sub, "info")))
            || (argIs(name, "memory") && (argIs(sub, "doctor") || argIs(sub, "malloc-stats")))
            || (argIs(name, "latency") && (argIs(sub, "doctor") || argIs(sub, "graph")))
            || (argIs(name, "cluster") && (argIs(sub, "nodes") || argIs(sub, "info")));
}

bool isSubscribe(const QByteArray &name)
{
    return argIs(name, "subscribe") || argIs(name, "psubscribe") || argIs(name, "ssubscribe");
}

bool isUnsubscribe(const QByteArray &name)
{
    return argIs(name, "unsubscribe") || argIs(name, "punsubscribe") || argIs(name, "sunsubscribe");
}

// A pub/sub message (RESP2 array or RESP3 push), as opposed to a reply to a command.
bool isMessage(const Reply &reply)
{
    if ((reply.type != Reply::Type::Array && reply.type != Reply::Type::Push)
        || reply.elements.size() < 3) {
        return false;
    }
    const QByteArray &kind = reply.elements.first().string;
    return argIs(kind, "message") || argIs(kind, "pmessage") || argIs(kind, "smessage");
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

CliApp::CliApp(const CliOptions &options)
    : m_options(options)
{ }

bool CliApp::connect(bool quiet)
{
    forgetSession();
    QString error;
    if (!m_client.connectTo(m_options.host, m_options.port, &error,
                            quiet ? QuietConnectTimeoutMs : CliClient::ConnectTimeoutMs)) {
        if (!quiet)
            writeErr(error.toUtf8());
        return false;
    }
    if (!m_lost.isNull() && !quiet)
        writeErr("Reconnected to " + serverName() + '.');
    m_lost.clear();
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

QByteArray CliApp::serverName() const
{
    return m_options.host.toUtf8() + ':' + QByteArray::number(m_options.port);
}

void CliApp::setServer(const QString &host, quint16 port)
{
    m_client.close();
    forgetSession();
    m_lost.clear();
    m_options.host = host;
    m_options.port = port;
    m_options.db = 0;
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

void CliApp::forgetSession()
{
    m_inTransaction = false;
    m_channels.clear();
    m_patterns.clear();
    m_shardChannels.clear();
}

bool CliApp::isSubscribed() const
{
    return !m_channels.isEmpty() || !m_patterns.isEmpty() || !m_shardChannels.isEmpty();
}

// The set a (un)subscribe command or confirmation is about: channels, patterns or shard
// channels; nullptr for other names.
QSet<QByteArray> *CliApp::subscriptions(const QByteArray &name, bool *adds)
{
    static const struct
    {
        const char *name;
        int set;
        bool adds;
    } kinds[] = { { "subscribe", 0, true },  { "unsubscribe", 0, false },
                  { "psubscribe", 1, true }, { "punsubscribe", 1, false },
                  { "ssubscribe", 2, true }, { "sunsubscribe", 2, false } };
    for (const auto &kind : kinds) {
        if (argIs(name, kind.name)) {
            if (adds)
                *adds = kind.adds;
            QSet<QByteArray> *sets[] = { &m_channels, &m_patterns, &m_shardChannels };
            return sets[kind.set];
        }
    }
    return nullptr;
}

// A subscribe/unsubscribe confirmation updates what the session listens to. True when the
// reply was one.
bool CliApp::trackSubscription(const Reply &reply)
{
    if ((reply.type != Reply::Type::Array && reply.type != Reply::Type::Push)
        || reply.elements.size() != 3 || reply.elements.at(2).type != Reply::Type::Integer) {
        return false;
    }
    bool adds = false;
    QSet<QByteArray> *set = subscriptions(reply.elements.first().string, &adds);
    if (!set)
        return false;
    const QByteArray &channel = reply.elements.at(1).string;
    if (adds)
        set->insert(channel);
    else
        set->remove(channel);
    // The count that ends the reply covers channels and patterns together.
    if (set != &m_shardChannels && reply.elements.at(2).integer == 0) {
        m_channels.clear();
        m_patterns.clear();
    }
    return true;
}

// What the prompt shows and reconnecting restores follows the commands that change it.
void CliApp::track(const QByteArrayList &args, const Reply &reply)
{
    const QByteArray &name = args.first();
    if (argIs(name, "exec") || argIs(name, "discard"))
        m_inTransaction = false; // also after EXECABORT
    if (reply.type == Reply::Type::Error)
        return;
    if (argIs(name, "select") && args.size() == 2) {
        m_options.db = args.at(1).toInt();
    } else if (argIs(name, "multi")) {
        m_inTransaction = true;
    } else if (argIs(name, "reset")) {
        forgetSession();
        m_options.db = 0;
        m_options.resp3 = false;
    } else if (argIs(name, "hello") && args.size() > 1) {
        m_options.resp3 = args.at(1) == "3";
        for (qsizetype i = 2; i + 2 < args.size(); ++i) {
            if (argIs(args.at(i), "auth")) {
                m_options.user = args.at(i + 1);
                m_options.password = args.at(i + 2);
            }
        }
    } else if (argIs(name, "auth") && (args.size() == 2 || args.size() == 3)) {
        m_options.user = args.size() == 3 ? args.at(1) : QByteArray();
        m_options.password = args.last(); // so that reconnecting authenticates again
    }
}

QByteArray CliApp::format(const QByteArrayList &args, const Reply &reply) const
{
    if (m_options.json)
        return ReplyFormatter::toJson(reply) + '\n';
    if (printsOwnText(args))
        return ReplyFormatter::toRaw(reply);
    if (m_options.raw)
        return ReplyFormatter::toRaw(reply) + '\n';
    return ReplyFormatter::toTty(reply);
}

void CliApp::print(const QByteArrayList &args, const Reply &reply)
{
    // -e: an error reply goes to stderr, as redis-cli prints it then.
    if (m_options.errorExit && reply.type == Reply::Type::Error)
        writeErr(reply.string);
    else
        writeOut(format(args, reply));
}

// Reads and prints what one command produces: its replies (SUBSCRIBE a b has two), pub/sub
// messages and pushes arriving in between, then the stream it starts, if it starts one.
CliApp::Read CliApp::readAnswers(const QByteArrayList &args, bool interactive, bool *error)
{
    const QByteArray &name = args.first();
    qsizetype expected = 1;
    if (isSubscribe(name) || isUnsubscribe(name)) {
        expected = args.size() > 1 ? args.size() - 1
                                   : qMax<qsizetype>(1, subscriptions(name, nullptr)->size());
        if (isUnsubscribe(name) && args.size() == 1 && !isSubscribed())
            expected = 1;
    }
    if (isSubscribe(name) && !m_options.raw && !m_options.json) {
        writeOut(interactive ? "Reading messages... (press Ctrl-C to return to the prompt)\n"
                             : "Reading messages... (press Ctrl-C to quit)\n");
    }
    bool failed = false;
    for (qsizetype got = 0; got < expected;) {
        Reply reply;
        QString why;
        switch (m_client.read(&reply, &why)) {
        case CliClient::Status::Reply: break;
        case CliClient::Status::Timeout: continue;
        case CliClient::Status::Interrupted:
            // The connection is waiting for a reply that may never come (BLPOP 0): start over.
            writeOut("\n");
            m_client.close();
            connect(true);
            return Read::Interrupted;
        case CliClient::Status::Closed:
            if (argIs(name, "shutdown"))
                return Read::Done; // its answer is the connection closing
            m_lost = why;
            forgetSession();
            return Read::Lost;
        }
        const bool confirmation = trackSubscription(reply);
        const bool outOfBand = !confirmation
                && (reply.type == Reply::Type::Push || (isSubscribed() && isMessage(reply)));
        print(args, reply);
        if (outOfBand)
            continue;
        ++got;
        failed |= reply.type == Reply::Type::Error;
        track(args, reply);
    }
    *error |= failed;
    if ((isSubscribe(name) && isSubscribed()) || (argIs(name, "monitor") && !failed))
        return stream(args, interactive);
    return Read::Done;
}

// After SUBSCRIBE or MONITOR the server streams: print it until Ctrl-C (REPL) or the end.
CliApp::Read CliApp::stream(const QByteArrayList &args, bool interactive)
{
    for (;;) {
        Reply reply;
        QString why;
        switch (m_client.read(&reply, &why)) {
        case CliClient::Status::Reply:
            trackSubscription(reply);
            print(args, reply);
            if (isSubscribe(args.first()) && !isSubscribed())
                return Read::Done; // unsubscribed from everything (by CLIENT KILL...)
            continue;
        case CliClient::Status::Timeout: continue;
        case CliClient::Status::Interrupted:
            writeOut("\n");
            // Subscriptions stay, and the prompt says so; MONITOR can only end with the
            // connection.
            if (!isSubscribe(args.first())) {
                m_client.close();
                connect(true);
            }
            return Read::Interrupted;
        case CliClient::Status::Closed:
            writeErr(why.toUtf8());
            m_lost = why;
            forgetSession();
            return interactive ? Read::Lost : Read::Ended;
        }
    }
}

// Sends the commands as one pipeline and prints the replies in order. When the connection is
// lost, reconnects and sends the unanswered commands once more, as redis-cli does.
CliApp::Outcome CliApp::execute(const QList<QByteArrayList> &commands, bool interactive)
{
    m_client.setInterruptible(interactive);
    if (interactive)
        Interrupt::take(); // a Ctrl-C from before this command is not meant for it
    bool error = false;
    qsizetype answered = 0;
    for (int attempt = 0; answered < commands.size(); ++attempt) {
        if (attempt == 2) {
            writeErr(m_lost.toUtf8());
            return Outcome::Unanswered;
        }
        if (!m_client.isConnected() && !connect())
            return Outcome::Unanswered;
        for (qsizetype i = answered; i < commands.size(); ++i)
            m_client.queue(commands.at(i));
        for (; answered < commands.size(); ++answered) {
            const Read read = readAnswers(commands.at(answered), interactive, &error);
            if (read == Read::Interrupted)
                return Outcome::Interrupted;
            if (read == Read::Ended)
                return Outcome::Unanswered;
            if (read == Read::Lost) {
                if (!interactive && isSubscribe(commands.at(answered).first()))
                    return Outcome::Unanswered;
                break;
            }
        }
    }
    return error ? Outcome::ErrorReply : Outcome::Answered;
}

CliApp::Outcome CliApp::run(const QByteArrayList &args, bool interactive)
{
    return execute({ args }, interactive);
}

bool CliApp::isLocal(const QByteArrayList &args)
{
    return (argIs(args.first(), ":json") && args.size() == 1)
            || (argIs(args.first(), "json") && args.size() == 2
                && (argIs(args.at(1), "on") || argIs(args.at(1), "off")));
}

bool CliApp::runLocal(const QByteArrayList &args)
{
    if (!isLocal(args))
        return false;
    m_options.json = args.size() == 2 ? argIs(args.at(1), "on") : !m_options.json;
    writeOut(m_options.json ? "JSON output: ON\n" : "JSON output: OFF\n");
    return true;
}

QByteArray CliApp::takeAsyncOutput()
{
    QByteArray out;
    const QByteArrayList none { QByteArray("*") };
    for (;;) {
        Reply reply;
        QString why;
        switch (m_client.read(&reply, &why, 0)) {
        case CliClient::Status::Reply:
            trackSubscription(reply);
            out += format(none, reply);
            continue;
        case CliClient::Status::Closed:
            m_lost = why;
            forgetSession();
            return out + "Connection to " + serverName() + " lost (" + why.toUtf8()
                    + "); reconnecting...\n";
        case CliClient::Status::Timeout:
        case CliClient::Status::Interrupted: return out;
        }
    }
}

QByteArray CliApp::prompt() const
{
    if (!m_client.isConnected())
        return QByteArrayLiteral("not connected> ");
    QByteArray text = serverName();
    if (m_options.db != 0)
        text += '[' + QByteArray::number(m_options.db) + ']';
    if (m_inTransaction)
        text += "(TX)";
    if (isSubscribed())
        text += "(subscribed)";
    return text + "> ";
}

int CliApp::runOnce()
{
    QByteArrayList args = m_options.command;
    if (m_options.stdinArg) {
        std::string all((std::istreambuf_iterator<char>(std::cin)),
                        std::istreambuf_iterator<char>());
        args.append(QByteArray::fromStdString(all));
    }
    if (!connect())
        return 2;
    bool error = false;
    for (long long i = 0; m_options.repeat < 0 || i < m_options.repeat; ++i) {
        if (i > 0 && m_options.interval > 0)
            QThread::usleep((unsigned long)(m_options.interval * 1e6));
        switch (execute({ args }, false)) {
        case Outcome::Answered:
        case Outcome::Interrupted: break;
        case Outcome::ErrorReply:
            if (m_options.errorExit)
                return 1; // -e: the first error ends the repeats
            error = true;
            break;
        case Outcome::Unanswered: return 2;
        }
    }
    return error ? 1 : 0;
}

int CliApp::runLines()
{
    if (!connect())
        return 2;
    bool answered = true;
    QList<QByteArrayList> batch;
    auto flush = [&] {
        if (!batch.isEmpty())
            answered &= execute(batch, false) != Outcome::Unanswered;
        batch.clear();
    };
    for (std::string line;;) {
        // Pipeline what stdin has delivered already; run it before waiting for more. This needs
        // std::cin unsynchronised with stdio, or in_avail() is always 0 and lines run one by one.
        if (batch.size() >= MaxPipeline || std::cin.rdbuf()->in_avail() <= 0)
            flush();
        if (!std::getline(std::cin, line))
            break;
        QByteArrayList args;
        if (!splitInlineArgs(QByteArray::fromStdString(line), &args)) {
            flush(); // keeps the output in input order
            writeOut("Invalid argument(s)\n");
            continue;
        }
        if (args.isEmpty())
            continue;
        if (argIs(args.first(), "quit") || argIs(args.first(), "exit")) {
            flush();
            if (m_client.isConnected())
                execute({ { "QUIT" } }, false);
            break;
        }
        if (isLocal(args)) {
            flush(); // the commands before it print as they were
            runLocal(args);
            continue;
        }
        if (args.first().startsWith(':')) {
            flush();
            writeOut("unknown qkv-cli internal command '" + args.first() + "'\n");
            continue;
        }
        batch.append(args);
    }
    flush();
    return answered ? 0 : 2;
}
