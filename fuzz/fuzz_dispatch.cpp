// libFuzzer target for command dispatch: the input is what up to four clients send, fed to a
// whole in-process Server through socketless clients (Server::createLocalClient, the seam
// tst_commands uses), so every request takes the real path: the parser, the command table,
// arity, flag and ACL checks, MULTI/EXEC queueing, the handlers and the keyspace, scripts,
// blocking commands, CLIENT, CONFIG, pub/sub. AddressSanitizer, UBSan and LeakSanitizer watch
// the server; the target itself checks that every client's output is whole RESP frames.
//
// Input: byte 0 is the read size (0xff: each segment at once, else 1..255 bytes per feed, so
// requests arrive split); the rest is a request stream in which "\0@" and one control byte c
// start a new segment: c & 3 is the client that sends it (client 0 before any marker); with
// c & 4 the event loop first runs for (c >> 3) ms, so that timers fire (blocking timeouts,
// CLIENT PAUSE ending, the server's cron), at most MaxPumpMs per input.
//
// State: a new Server per input, so that an input reproduces alone and LeakSanitizer sees what
// each one leaves behind (the Server's construction is cheap next to the commands). Not fully
// deterministic: the keyspace's hash seed and skiplist levels are random per process, and
// maxmemory's eviction counts the process's allocations, the fuzzer's own included.
//
// Neutralised, because they would make runs harmful, slow or non-reproducible:
// - BGSAVE and BGREWRITEAOF (they fork the fuzzer), and CONFIG SET of appendonly (its rewrite
//   forks) and save (the cron's BGSAVE forks): refused with an error.
// - CONFIG SET proto-max-bulk-len: refused, so that the 1 MB bulk limit set here bounds what one
//   request can allocate (SETRANGE, SETBIT and APPEND offsets) under -rss_limit_mb=2048.
// - SRANDMEMBER, ZRANDMEMBER and HRANDFIELD counts past 100000: a negative count asks for a
//   reply of any size (in Redis too), and socketless clients, as Redis's fake clients, have no
//   output-buffer limit. Single allocations over 64 MB fail (see __asan_default_options).
// - CONFIG SET busy-reply-threshold (lua-time-limit): refused; it stays at 20 ms and a script
//   still running then is ended as a client would end it (SCRIPT KILL or FUNCTION KILL sent
//   from a new client while the script lets clients in), or, when it already wrote and Redis
//   would need SHUTDOWN NOSAVE, killed directly: an infinite loop must not hang the fuzzer.
// - Files: dir is a temporary directory (SAVE, SHUTDOWN SAVE and FLUSHALL write there); dir,
//   dbfilename, logfile and aclfile cannot be changed at run time (protected or immutable).
// - DEBUG is refused by the server itself (enable-debug-command is off); SHUTDOWN closes every
//   client and ends the input's feeding, as the process would exit.
#include "commands/commandtable.h"
#include "config/configtable.h"
#include "net/connection.h"
#include "net/poller.h"
#include "net/server.h"
#include "protocol/reply.h"
#include "protocol/replyreader.h"
#include "scripting/scripting.h"
#include "scripting/scriptrun.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTimer>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <sys/eventfd.h>
#include <unistd.h>

namespace {

constexpr int Clients = 4;
constexpr int MaxPumpMs = 100;
constexpr long long MaxBulkLength = 1024 * 1024;
constexpr long long BusyReplyThresholdMs = 20;
constexpr qint64 MaxRandomCount = 100000;

QTemporaryDir *g_dir = nullptr;
// The handlers the fuzzer wraps, by full command name.
QHash<QByteArray, CommandHandler> g_wrapped;

void check(bool condition)
{
    if (!condition)
        std::abort();
}

void runWrapped(Connection &c)
{
    g_wrapped.value(c.commandName())(c);
}

void refuseCommand(Connection &c)
{
    c.reply().error("ERR " + c.commandName() + " is disabled in the fuzzer");
}

// CONFIG SET without the parameters listed in the file's comment.
void configSetCommand(Connection &c)
{
    static const char *const refused[] = {
        "appendonly",
        "save",
        "proto-max-bulk-len",
        "busy-reply-threshold",
    };
    for (qsizetype i = 2; i < c.argc(); i += 2) {
        const ConfigParameter *parameter = ConfigTable::find(c.arg(i));
        if (!parameter)
            continue;
        for (const char *name : refused) {
            if (std::strcmp(parameter->name, name) == 0) {
                c.reply().error("ERR CONFIG SET " + QByteArray(name)
                                + " is disabled in the fuzzer");
                return;
            }
        }
    }
    runWrapped(c);
}

// SRANDMEMBER, ZRANDMEMBER and HRANDFIELD with a count past MaxRandomCount: a negative count
// repeats elements, so a few bytes of input ask for a reply of any size.
void randomMembersCommand(Connection &c)
{
    bool ok = false;
    const qint64 count = c.argc() > 2 ? c.arg(2).toLongLong(&ok) : 0;
    if (ok && (count > MaxRandomCount || count < -MaxRandomCount)) {
        c.reply().error("ERR counts past " + QByteArray::number(MaxRandomCount)
                        + " are disabled in the fuzzer");
        return;
    }
    runWrapped(c);
}

void wrap(Command *command, CommandHandler handler)
{
    g_wrapped.insert(command->fullName, command->handler);
    command->handler = handler;
}

void neutralise(CommandTable &table)
{
    table.find("bgsave")->handler = refuseCommand;
    table.find("bgrewriteaof")->handler = refuseCommand;
    wrap(CommandTable::findSubcommand(*table.find("config"), "set"), configSetCommand);
    for (const char *name : { "srandmember", "zrandmember", "hrandfield" })
        wrap(table.find(name), randomMembersCommand);
}

ServerConfig fuzzConfig()
{
    ServerConfig config;
    config.dir = g_dir->path();
    config.protoMaxBulkLength = MaxBulkLength;
    config.busyReplyThreshold = BusyReplyThresholdMs;
    return config;
}

// Ends a script still running past busy-reply-threshold. The script lets clients in through
// the poller (Server::processEventsWhileBlocked), so this handler sits there on an eventfd that
// is always readable. Scripts also run from the event loop (a client resumed after CLIENT PAUSE
// or a blocking command), so it stays there for the server's life; the event loop then never
// sleeps, which costs at most MaxPumpMs per input.
class ScriptWatchdog final : public PollHandler
{
public:
    explicit ScriptWatchdog(Server &server)
        : m_server(server)
        , m_fd(::eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC))
    {
        check(m_fd >= 0 && m_server.poller()->add(m_fd, Poller::Readable, this));
    }
    ~ScriptWatchdog() override
    {
        m_server.poller()->remove(m_fd);
        ::close(m_fd);
    }
    ScriptWatchdog(const ScriptWatchdog &) = delete;
    ScriptWatchdog &operator=(const ScriptWatchdog &) = delete;

    void handleEvents(int) override
    {
        ScriptRun *run = m_server.scripting().currentRun();
        if (!run || run->isKilled())
            return;
        Connection *client = m_server.createLocalClient();
        client->feed(run->isFunction() ? QByteArrayView("*2\r\n$8\r\nFUNCTION\r\n$4\r\nKILL\r\n")
                                       : QByteArrayView("*2\r\n$6\r\nSCRIPT\r\n$4\r\nKILL\r\n"));
        const QByteArray reply = client->takeOutput();
        if (reply.startsWith("-UNKILLABLE"))
            run->kill();
        check(run->isKilled());
        m_server.closeConnection(client, "fuzzer watchdog");
    }

private:
    Server &m_server;
    int m_fd;
};

// Every reply in output is a whole RESP2/RESP3 frame: a sentinel after them must come out as
// the last reply, not be taken as the missing element of an aggregate. Not when the input uses
// CLIENT REPLY: inside EXEC it drops parts of EXEC's array, in Redis as in qkv; nor when it
// names big_number: a script's {big_number='1x'} goes out as "(1x", unchecked, in Redis as in
// qkv, and a strict reader (hiredis, ours) refuses it.
void checkFrames(QByteArray output, bool enabled)
{
    if (output.isEmpty() || !enabled)
        return;
    static const QByteArray sentinel = QByteArrayLiteral("+\x01sentinel\r\n");
    output += sentinel;
    ReplyReader reader;
    qsizetype pos = 0;
    Reply reply;
    for (;;) {
        const ReplyReader::Status status = reader.parse(output, &pos, &reply);
        check(status == ReplyReader::Status::Reply);
        if (pos == output.size())
            break;
    }
    check(reply.type == Reply::Type::Status && reply.string == sentinel.sliced(1, 9));
}

class Session
{
public:
    explicit Session(bool checkReplies)
        : m_server(fuzzConfig())
        , m_checkReplies(checkReplies)
        , m_watchdog(m_server)
    {
        neutralise(m_server.commands());
        QObject::connect(&m_server, &Server::shutdownRequested, [this] { m_shutDown = true; });
    }

    bool isShutDown() const { return m_shutDown; }

    // Client index sends data in reads of chunk bytes, as a socket would deliver it.
    void send(int index, QByteArrayView data, qsizetype chunk)
    {
        while (!data.isEmpty() && !m_shutDown) {
            Connection *client = connection(index);
            const QByteArrayView piece = data.first(qMin(chunk, data.size()));
            data = data.sliced(piece.size());
            client->feed(piece);
            checkFrames(client->takeOutput(), m_checkReplies);
            // What Redis does before it sleeps: resumed clients run, closed ones are freed.
            QCoreApplication::processEvents();
            drainOutputs();
        }
    }

    // Runs the event loop for up to ms milliseconds (timers: blocking timeouts, CLIENT PAUSE,
    // the cron).
    void pump(int ms)
    {
        ms = qMin(ms, MaxPumpMs - m_pumpedMs);
        if (ms <= 0)
            return;
        m_pumpedMs += ms;
        QEventLoop loop;
        QTimer::singleShot(ms, &loop, &QEventLoop::quit);
        QObject::connect(&m_server, &Server::shutdownRequested, &loop, &QEventLoop::quit);
        loop.exec();
        drainOutputs();
    }

private:
    // The client sending as index: a new one when it has not connected yet or was closed
    // (QUIT, CLIENT KILL), as a client program would reconnect.
    Connection *connection(int index)
    {
        Connection *client = m_ids[size_t(index)] ? m_server.client(m_ids[size_t(index)]) : nullptr;
        if (!client || client->isClosed()) {
            client = m_server.createLocalClient();
            m_ids[size_t(index)] = client->id();
        }
        return client;
    }

    // Output a client received from others (messages, invalidations, MONITOR lines, a blocked
    // command served or timed out).
    void drainOutputs()
    {
        for (const auto &entry : m_server.clients())
            checkFrames(entry.second->takeOutput(), m_checkReplies);
    }

    Server m_server;
    bool m_checkReplies;
    ScriptWatchdog m_watchdog;
    std::array<quint64, Clients> m_ids {};
    int m_pumpedMs = 0;
    bool m_shutDown = false;
};

void ignoreMessages(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtFatalMsg) {
        fprintf(stderr, "qFatal: %s\n", qPrintable(message));
        std::abort();
    }
}

// QKV_FUZZ_DICT=<file>: writes a libFuzzer dictionary of every command, subcommand and
// configuration parameter name (as inline words and as RESP bulk strings) and exits.
void writeDictionary(const QString &path)
{
    Server server { ServerConfig {} };
    QByteArrayList words;
    for (Command *command : server.commands().byId())
        words << command->name;
    for (const ConfigParameter &parameter : ConfigTable::parameters())
        words << QByteArray(parameter.name);
    QFile file(path);
    check(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    // libFuzzer's syntax: a quoted string with \\, \" and \xNN escapes.
    auto entry = [&file](const QByteArray &word) {
        QByteArray quoted = "\"";
        for (char ch : word) {
            if (ch == '"' || ch == '\\')
                quoted += '\\' + QByteArray(1, ch);
            else if (ch < 0x20 || ch > 0x7e)
                quoted += "\\x" + QByteArray::number(quint8(ch), 16).rightJustified(2, '0');
            else
                quoted += ch;
        }
        file.write(quoted + "\"\n");
    };
    for (const QByteArray &word : words) {
        entry(word.toUpper());
        entry('$' + QByteArray::number(word.size()) + "\r\n" + word + "\r\n");
    }
    for (char control = 0; control < 64; ++control)
        entry(QByteArray("\0@", 2) + control);
    file.close();
    std::exit(0);
}

} // namespace

// A single allocation over 64 MB fails instead of growing the process towards -rss_limit_mb:
// Lua then raises "not enough memory" (string.rep(s, 2^30) in a script, which Redis 7.0 does
// not bound either), and any other such allocation in qkv is reported as a crash.
extern "C" const char *__asan_default_options()
{
    return "allocator_may_return_null=1:max_allocation_size_mb=64";
}

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    qInstallMessageHandler(ignoreMessages);
    g_dir = new QTemporaryDir(QDir::tempPath() + QStringLiteral("/qkv-fuzz-XXXXXX"));
    check(g_dir->isValid());
    const QByteArray dict = qgetenv("QKV_FUZZ_DICT");
    if (!dict.isEmpty())
        writeDictionary(QString::fromLocal8Bit(dict));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const qsizetype chunk = data[0] == 0xff ? qsizetype(size) : qsizetype(data[0]) + 1;
    const QByteArrayView input(reinterpret_cast<const char *>(data) + 1, qsizetype(size) - 1);

    const QByteArray lower = QByteArray::fromRawData(input.data(), input.size()).toLower();
    Session session(!lower.contains("reply") && !lower.contains("big_number"));
    int client = 0;
    qsizetype pos = 0;
    while (pos <= input.size() && !session.isShutDown()) {
        const qsizetype marker = input.indexOf(QByteArrayView("\0@", 2), pos);
        const qsizetype end = marker < 0 || marker + 2 >= input.size() ? input.size() : marker;
        session.send(client, input.sliced(pos, end - pos), chunk);
        if (end == input.size())
            break;
        const quint8 control = quint8(input.at(end + 2));
        client = control & 3;
        if (control & 4)
            session.pump(control >> 3);
        pos = end + 3;
    }
    return 0;
}
