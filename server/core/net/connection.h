#pragma once

#include "blockrequest.h"
#include "clienteviction.h"
#include "config/outputbufferlimits.h"
#include "poller.h"
#include "protocol/replywriter.h"
#include "protocol/respparser.h"
#include "transaction.h"

#include <QByteArray>
#include <QDateTime>

#include <chrono>
#include <memory>
#include <utility>

class AclUser;
class Keyspace;
class Server;
struct ClientSubscriptions;
struct ClientTracking;
struct Command;

// One client: a non-blocking socket (or none, for tests), the query buffer and parser state,
// the output buffer, and what CLIENT LIST and the dashboard show. A plain object, not a
// QObject: the Server owns it and frees it after the poller's round in which it closed.
//
// Per readiness event it reads once, runs every complete command, and writes all replies
// once. While replies cannot be written it stops reading, so a client that does not read
// cannot make the server buffer without bound.
class Connection final : public PollHandler
{
public:
    // fd < 0 makes a connection without a socket: feed() bytes in, takeOutput() replies.
    Connection(Server &server, int fd, quint64 id, QByteArray peerAddress, QByteArray localAddress);
    ~Connection() override;
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    void handleEvents(int events) override;
    void feed(QByteArrayView data);
    QByteArray takeOutput();

    // --- for command handlers ---
    // The arguments of the command being run: the parsed request, or inside EXEC the queued
    // command's saved copy.
    qsizetype argc() const { return qsizetype(m_args->size()); }
    QByteArrayView arg(qsizetype i) const { return (*m_args)[size_t(i)]; }
    const std::vector<QByteArrayView> &args() const { return *m_args; }
    ReplyWriter &reply() { return m_reply; }
    Server &server() { return m_server; }
    const Server &server() const { return m_server; }
    Keyspace &db();
    int dbIndex() const { return m_db; }
    void selectDb(int index) { m_db = index; }
    // The full name of the command being run ("get", "client|list"), for error texts. Inside
    // EXEC it is the queued command's, while lastCommand() stays "exec".
    const QByteArray &commandName() const;
    // The time of the command being run (ms since the epoch): one clock read per command.
    qint64 now() const { return m_commandTimeMs; }
    // QUIT: send what is queued, then close; later pipelined commands are not run.
    void closeAfterReply() { m_closeAfterReply = true; }
    // CLIENT KILL and the dashboard: close now, or after the reply when it is the caller.
    void kill();
    // Scripts: the error reply just written repeats one already counted where it happened
    // (a command the script ran), so INFO's error counts skip it; the command still failed.
    void skipErrorStats() { m_skipErrorStats = true; }
    // AUTH and HELLO: MONITOR shows this argument of the current command as "(redacted)".
    void redactArgument(qsizetype i) { m_redacted.push_back(i); }
    bool isRedacted(qsizetype i) const;

    // --- propagation (the append-only file) ---
    // Whether what this command changes is being logged.
    bool isPropagating() const;
    // What the command being run is logged as, instead of its own arguments, when those would
    // not replay to the same data: relative times made absolute, a random or computed result
    // logged by its effect (Redis's rewriteClientCommandVector and alsoPropagate). Each call
    // adds one command; nothing happens while nothing is logged.
    void propagateAs(std::initializer_list<QByteArrayView> argv);
    void propagateAs(const std::vector<QByteArrayView> &argv);
    // Redis's preventCommandPropagation: the running command is not logged itself (EVAL and
    // FCALL, whose effects are logged instead, by the script client).
    void preventPropagation() { m_preventPropagation = true; }
    // The commands run between these are one unit, as a script's effects: logged between
    // MULTI and EXEC when they write, as EXEC's commands are.
    void beginEffects() { ++m_callDepth; }
    void endEffects();
    // A script run inside a transaction (unit: the client running EXEC): this (the script's)
    // client logs its writes inside that client's MULTI/EXEC, opening it when they are the
    // transaction's first, never a MULTI of its own (Redis 7.0 logs one MULTI/EXEC); nullptr
    // ends it.
    void joinEffects(Connection *unit) { m_effectsUnit = unit; }

    // --- transactions ---
    Transaction &transaction() { return m_transaction; }
    const Transaction &transaction() const { return m_transaction; }
    // EXEC: runs one queued command with its saved arguments through the same path as a
    // command from the wire (statistics, slow log, MONITOR, command log).
    void runQueued(Command *command, const std::vector<QByteArray> &args);
    // Scripts (redis.call): runs a command the script layer has checked, with argv, on this
    // (the script's own) client through that same path, as EXEC runs its commands.
    void runCommand(Command *command, const std::vector<QByteArrayView> &argv);
    // While EXEC or a script runs commands (Redis's CLIENT_DENY_BLOCKING: blocking commands
    // do not wait, MONITOR refuses).
    bool isInExec() const { return m_inExec; }

    // --- blocking commands (BLPOP...) ---
    // Blocks this client on request.keys (the family fills in the type, keys, timeout, serve
    // and its parameters; the command and its arguments are added here). Its later requests
    // wait until it is served, times out or is unblocked (Server::blockedClients()).
    void block(BlockRequest request);
    bool isBlocked() const { return m_blocked; }
    void setBlocked(bool on) { m_blocked = on; }
    // Runs f (serving or ending a wait) as the blocked command: commandName() and now() are
    // its, and its time counts towards the command's.
    template<typename F> void runBlocked(const BlockRequest &request, F f)
    {
        Command *outer = std::exchange(m_current, request.command);
        const bool outerInCommand = std::exchange(m_inCommand, true);
        m_commandTimeMs = QDateTime::currentMSecsSinceEpoch();
        const auto start = std::chrono::steady_clock::now();
        const quint64 dirtyBefore = isPropagating() ? dirty() : 0;
        f();
        // A blocked command is logged only as what serving it did (propagateAs).
        if (isPropagating())
            propagateCall(nullptr, dirtyBefore, false);
        m_blockedMicros += std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count();
        m_inCommand = outerInCommand;
        m_current = outer;
    }
    // The wait is over and its reply written: the command's statistics and slow log entry,
    // which Redis records when a blocked command completes (updateStatsOnUnblock), with the
    // time it ran, not the time it waited.
    void finishBlockedCommand(const BlockRequest &request);

    // --- output ---
    // Writes what is queued; the server calls it after a round for output pushed from outside.
    void flushOutput();
    // Runs the requests already buffered (after a write blocked, or a CLIENT PAUSE ended).
    void processPending();
    // Queues bytes that are not a reply to this client's own command (MONITOR lines).
    void pushOutput(const QByteArray &bytes);
    // CLIENT REPLY: Off drops every reply until On; Skip drops the next command's reply only.
    enum class ReplyMode { On, Off, Skip };
    void setReplyMode(ReplyMode mode);
    // RESET: replies are on again, but a skip already in force still drops RESET's own reply.
    void clearReplyMode();
    bool isMonitor() const { return m_monitor; }
    void setMonitor(bool on) { m_monitor = on; }

    // --- Pub/Sub ---
    // Writes frames that are not replies (subscription confirmations, RESP3 pushes) to the
    // output: in Redis's CLIENT_PUSHING mode they are sent even while CLIENT REPLY is off.
    ReplyWriter &push() { return m_push; }
    // Queues a message frame written in RESP2 ('*' first), as a push frame ('>') for a RESP3
    // client, and flushes it after this round. A subscriber over its output-buffer limits is
    // closed after the round and receives nothing more.
    void pushFrame(const QByteArray &frame);
    // What this client is subscribed to, made on first use.
    ClientSubscriptions &subscriptions();
    const ClientSubscriptions *subscriptionsIfAny() const { return m_subscriptions.get(); }
    // Redis's CLIENT_PUBSUB: subscribed to any channel, pattern or shard channel.
    bool isSubscribed() const;

    // --- client-side caching ---
    // CLIENT TRACKING's state, made on first use; TrackingTable keeps it.
    ClientTracking &tracking();
    ClientTracking *trackingIfAny() const { return m_tracking.get(); }

    // --- identity and counters ---
    quint64 id() const { return m_id; }
    int fd() const { return m_fd; }
    const QByteArray &peerAddress() const { return m_peer; }
    const QByteArray &localAddress() const { return m_local; }
    const QByteArray &name() const { return m_name; }
    void setName(const QByteArray &name) { m_name = name; }
    const QByteArray &libName() const { return m_libName; }
    const QByteArray &libVersion() const { return m_libVersion; }
    void setLibInfo(const QByteArray &name, const QByteArray &version);
    int protocol() const { return m_reply.protocol(); }
    void setProtocol(int version)
    {
        m_reply.setProtocol(version);
        m_push.setProtocol(version);
    }
    bool isAuthenticated() const { return m_authenticated; }
    // The ACL user this client runs as: the default user until AUTH (CLIENT LIST's user=).
    AclUser *user() const { return m_user; }
    void setUser(AclUser *user) { m_user = user; }
    // Redis's mustObeyClient: the client replaying the append-only file, whose commands are
    // what the server itself logged, so limits meant for users do not apply to them.
    bool mustObey() const { return m_mustObey; }
    void setMustObey(bool on) { m_mustObey = on; }
    void setAuthenticated(bool on);
    qint64 createdMs() const { return m_createdMs; }
    qint64 lastInteractionMs() const { return m_lastInteractionMs; }
    quint64 commandsProcessed() const { return m_commandsProcessed; }
    quint64 bytesIn() const { return m_bytesIn; }
    quint64 bytesOut() const { return m_bytesOut; }
    const QByteArray &lastCommand() const { return m_lastCommand; }
    qsizetype queryBufferSize() const { return m_in.size(); }
    qsizetype outputBufferSize() const { return m_out.size() - m_outPos; }
    // What Redis would hold in its reply list rather than its 16 KB reply buffer: CLIENT
    // LIST's omem and what the output-buffer limits count.
    qsizetype outputListBytes() const
    {
        return qMax<qsizetype>(0, outputBufferSize() - ReplyBufferBytes);
    }
    static constexpr qsizetype ReplyBufferBytes = 16 * 1024;

    // --- limits ---
    // Redis's getClientType for client-output-buffer-limit.
    ClientClass clientClass() const;
    // Redis's closeClientOnOutputBufferLimitReached: closes the client, with Redis's log line,
    // when its pending output is over its class's limits. async: after this round (while its
    // own events may be on the stack), else now (the clients cron).
    bool closeIfOverOutputLimit(bool async);
    // Redis's clientsCronHandleTimeout: idle for longer than timeout seconds, and not a
    // client that may wait without limit (subscribers, monitors, blocked or paused clients).
    bool isIdleTimedOut(qint64 nowMs) const;
    // Closes it for the reason given now; the cron's way out for idle clients.
    void closeNow(const char *reason) { close(reason); }
    // Both buffers' sizes as ClientsSampler last recorded them (its totals include them).
    qint64 sampledBuffers() const { return m_sampledBuffers; }
    void setSampledBuffers(qint64 bytes) { m_sampledBuffers = bytes; }
    bool isClosed() const { return m_closed; }
    // A command of this client is running (EXEC's, a script's, or one being served).
    bool isInCommand() const { return m_inCommand; }

    // --- client eviction (maxmemory-clients) ---
    // What this client holds, as CLIENT LIST's tot-mem counts it (less the running command's
    // arguments) and maxmemory-clients limits it: the connection itself, its query and pending
    // output buffers, the commands a transaction queued and its subscriptions' entries.
    qint64 memoryUsage() const;
    // CLIENT NO-EVICT: never closed to bring the clients' memory under maxmemory-clients.
    bool isNoEvict() const { return m_noEvict; }
    void setNoEvict(bool on) { m_noEvict = on; }
    // ClientEviction's record of this client.
    ClientEviction::Slot &evictionSlot() { return m_evictionSlot; }
    // After its events, or output queued from elsewhere was written: counts this client's memory
    // again, then closes clients while all are over maxmemory-clients (Redis's beforeSleep).
    void accountMemory();

private:
    // A command logged to the append-only file, in the database it ran in.
    struct LoggedCommand
    {
        int db;
        std::vector<QByteArray> argv;
    };
    void readInput();
    // Runs every complete command in buffer; returns the number of bytes consumed.
    qsizetype processBuffer(const QByteArray &buffer);
    // Looks the parsed request up, checks it, then queues it (inside MULTI) or runs it. False
    // when CLIENT PAUSE holds it: the request stays in the buffer and nothing after it runs.
    bool execute();
    bool isHeldByPause(const Command *command) const;
    // The maxmemory check before command runs; true when it was refused (-OOM).
    bool rejectedForMemory(Command *command);
    // Runs a checked command and accounts for it: the one place that feeds statistics, the
    // slow log, monitors and the command log, for direct and queued commands alike.
    void call(Command *command);
    // Statistics, error counts and the slow log for one completed command (countCall: and the
    // call itself, which a blocked command counted when it blocked).
    void accountCommand(Command *command, const std::vector<QByteArrayView> &argv, qint64 micros,
                        quint64 errorsBefore, bool countCall);
    void queue(Command *command);
    // The propagation point: after a command ran, logs it (or what it asked to be logged as)
    // when it changed the data since dirtyBefore; a container (EXEC: it ran other commands)
    // closes the MULTI its first logged command opened instead of being logged itself.
    void propagateCall(Command *command, quint64 dirtyBefore, bool container);
    void logUnit(std::vector<LoggedCommand> commands);
    quint64 dirty() const; // the server's
    bool reject(Command *command, const QByteArray &message);
    // The ACL check of processCommand: false (the command refused and logged) when the user may
    // not run it, touch its keys or use its channels.
    bool checkPermissions(Command *command);
    // The output-buffer limits checked while a command writes its reply (see
    // ReplyWriter::setCheckpoint): armed before each request, then every
    // OutputCheckpointBytes of output.
    void armOutputCheckpoint();
    void outputCheckpoint(QByteArray &out);
    static constexpr qsizetype OutputCheckpointBytes = 64 * 1024;
    // Closes this client once the current round is over (Redis's freeClientAsync).
    void closeSoon(const char *reason);
    // Redis's resetClient part for CLIENT REPLY SKIP: after each request (not EXEC's own
    // commands) a pending skip ends and a SKIP just run starts one.
    void advanceReplySkip();
    void updateReplyOutput();
    void setInterest(int events);
    void close(const char *reason);

    Server &m_server;
    int m_fd;
    quint64 m_id;
    QByteArray m_peer;
    QByteArray m_local;
    QByteArray m_name;
    QByteArray m_libName;
    QByteArray m_libVersion;
    QByteArray m_lastCommand;
    std::vector<qsizetype> m_redacted; // of the current command; empty for nearly every one
    std::vector<std::vector<QByteArray>> m_propagateAs; // see propagateAs(); usually empty
    // Handlers running (call() nests for EXEC's commands) plus open beginEffects(): > 0 once a
    // handler has returned means the command was one of a unit's (EXEC's, a script's).
    int m_callDepth = 0;
    Connection *m_effectsUnit = nullptr; // joinEffects()
    quint64 m_calls = 0;                 // call()s so far, to spot containers
    bool m_preventPropagation = false;
    std::vector<LoggedCommand> m_unitLog; // of the transaction or script being run; see logUnit

    QByteArray m_in; // unconsumed input only; empty between requests
    QByteArray m_out;
    qsizetype m_outPos = 0;
    RespParser m_parser;
    ReplyWriter m_reply { &m_out };
    ReplyWriter m_push { &m_out };
    std::unique_ptr<ClientSubscriptions> m_subscriptions; // null until it first subscribes
    std::unique_ptr<ClientTracking> m_tracking;           // null until it first tracks
    qint64 m_softLimitSinceMs = 0; // when the output first went over the soft limit; 0: under
    bool m_closing = false;        // closeSoon() was called
    bool m_flushScheduled = false; // Server::scheduleFlush() has this client already
    // Replies dropped by CLIENT REPLY OFF/SKIP land here; emptied after every request.
    QByteArray m_droppedReplies;
    enum ReplyFlag : quint8 { ReplyOff = 1, ReplySkip = 2, ReplySkipNext = 4 };
    quint8 m_replyFlags = 0; // ReplyFlag bits; 0 for nearly every client
    const std::vector<QByteArrayView> *m_args = &m_parser.args();
    Command *m_current = nullptr;
    Transaction m_transaction;
    // Reply errors already counted in the statistics, so that EXEC does not count again the
    // errors of the commands it ran.
    quint64 m_errorsCounted = 0;

    AclUser *m_user;
    int m_db = 0;
    int m_interest = 0;
    bool m_authenticated = true;
    bool m_mustObey = false;
    bool m_closeAfterReply = false;
    bool m_closed = false;
    bool m_inCommand = false;
    bool m_monitor = false;
    bool m_inExec = false;
    bool m_blocked = false;
    bool m_skipErrorStats = false;
    bool m_noEvict = false;
    ClientEviction::Slot m_evictionSlot;
    qint64 m_blockedMicros = 0; // run time of the blocked command, waiting excluded
    qint64 m_createdMs;
    qint64 m_lastInteractionMs;
    qint64 m_commandTimeMs;
    quint64 m_commandsProcessed = 0;
    quint64 m_bytesIn = 0;
    qint64 m_sampledBuffers = 0;
    quint64 m_bytesOut = 0;
};
