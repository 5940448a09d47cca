#include "connection.h"

#include "commands/clientinfo.h"
#include "commands/commandutil.h"
#include "observe/logsink.h"
#include "protocol/repr.h"
#include "pubsub/clientsubscriptions.h"
#include "pubsub/clienttracking.h"
#include "scripting/scripting.h"
#include "server.h"
#include "store/evictor.h"
#include "store/keyspace.h"

#include <QDateTime>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <utility>

#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr qsizetype ReadChunk = 16 * 1024;
// Big arguments are read in chunks up to this size rather than 16 KB at a time.
constexpr qsizetype MaxReadChunk = 8 * 1024 * 1024;

// Redis formats names and arguments with %s: a NUL byte ends them.
QByteArrayView cString(QByteArrayView s, qsizetype max)
{
    const qsizetype nul = s.indexOf('\0');
    return s.first(qMin(nul < 0 ? s.size() : nul, max));
}

QByteArray upperName(QByteArrayView name)
{
    return name.toByteArray().toUpper();
}

} // namespace

Connection::Connection(Server &server, int fd, quint64 id, QByteArray peerAddress,
                       QByteArray localAddress)
    : m_server(server)
    , m_fd(fd)
    , m_id(id)
    , m_peer(std::move(peerAddress))
    , m_local(std::move(localAddress))
    , m_user(server.acl().defaultUser())
    , m_authenticated(m_user->isNoPass() && m_user->isEnabled())
    , m_createdMs(QDateTime::currentMSecsSinceEpoch())
    , m_lastInteractionMs(m_createdMs)
    , m_commandTimeMs(m_createdMs)
{
    m_parser.setUnauthenticated(!m_authenticated);
    if (m_fd >= 0) {
        m_interest = Poller::Readable;
        server.poller()->add(m_fd, m_interest, this);
    }
    const auto hook = [this](QByteArray &out) { outputCheckpoint(out); };
    m_reply.setCheckpointHook(hook);
    m_push.setCheckpointHook(hook);
}

Connection::~Connection() = default;

Keyspace &Connection::db()
{
    return m_server.database(m_db);
}

const QByteArray &Connection::commandName() const
{
    return m_current->fullName;
}

void Connection::setLibInfo(const QByteArray &name, const QByteArray &version)
{
    if (!name.isNull())
        m_libName = name;
    if (!version.isNull())
        m_libVersion = version;
}

void Connection::setAuthenticated(bool on)
{
    m_authenticated = on;
    m_parser.setUnauthenticated(!on);
}

void Connection::handleEvents(int events)
{
    // Inside its own command (a script letting clients in while it runs) a client waits: its
    // events come again after the command, as Redis's protectClient.
    if (m_closed || m_inCommand)
        return;
    if (events & Poller::Writable) {
        // Sending counts as interaction, as in Redis: a client reading a long reply slowly is
        // not idle (timeout).
        m_lastInteractionMs = QDateTime::currentMSecsSinceEpoch();
        flushOutput();
    }
    if (!m_closed && (events & Poller::Readable) && (m_interest & Poller::Readable))
        readInput();
    accountMemory();
}

qint64 Connection::memoryUsage() const
{
    qint64 bytes = qint64(sizeof(Connection)) + m_in.size() + outputBufferSize()
            + m_transaction.queuedBytes();
    // As Redis, a subscription's entries (here in the set and in the order list), not the name
    // they share with the registry.
    if (m_subscriptions) {
        bytes += (m_subscriptions->count() + m_subscriptions->shardChannels.size()) * 2
                * qint64(sizeof(QByteArray));
    }
    return bytes;
}

void Connection::accountMemory()
{
    ClientEviction &eviction = m_server.clientEviction();
    if (!eviction.isOn() || m_closed)
        return;
    eviction.update(*this);
    eviction.evictIfNeeded();
}

void Connection::readInput()
{
    // With nothing pending, read into the server's scratch buffer; only a partial request is
    // copied into this client's own buffer.
    const bool scratch = m_in.isEmpty();
    QByteArray &buffer = scratch ? m_server.readBuffer() : m_in;
    const qsizetype want = qBound(ReadChunk, m_parser.pendingBulkBytes(m_in), MaxReadChunk);
    const qsizetype used = scratch ? 0 : buffer.size();
    buffer.resize(used + want);
    const ssize_t n = ::read(m_fd, buffer.data() + used, size_t(want));
    if (n <= 0) {
        buffer.resize(used);
        if (n == 0)
            close("connection closed by client");
        else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            close("read error");
        return;
    }
    buffer.resize(used + n);
    m_bytesIn += quint64(n);
    m_server.stats().netInputBytes += quint64(n);
    m_lastInteractionMs = QDateTime::currentMSecsSinceEpoch();

    const qsizetype consumed = processBuffer(buffer);
    if (scratch) {
        if (consumed < buffer.size())
            m_in = buffer.sliced(consumed);
        m_parser.discard(consumed);
    } else if (consumed > 0) {
        m_in.remove(0, consumed);
        m_parser.discard(consumed);
    }
    if (!m_closed && m_in.size() > m_server.config().queryBufferLimit) {
        qCWarning(lcClients).noquote()
                << "Closing client that reached max query buffer length:"
                << QString::fromLatin1(ClientInfo::describe(*this, *this)) << "(qbuf initial bytes:"
                << QString::fromLatin1(Repr::quoted(m_in.first(64)) + ')');
        ++m_server.stats().clientsClosedByLimits;
        close("query buffer limit reached");
        return;
    }
    if (m_in.isEmpty() && m_in.capacity() > ReadChunk)
        m_in = QByteArray(); // give back a big request's memory
    flushOutput();
}

void Connection::feed(QByteArrayView data)
{
    m_in.append(data.data(), data.size());
    m_bytesIn += quint64(data.size());
    const qsizetype consumed = processBuffer(m_in);
    m_in.remove(0, consumed);
    m_parser.discard(consumed);
    if (m_fd >= 0)
        flushOutput();
}

QByteArray Connection::takeOutput()
{
    QByteArray out = m_out.sliced(m_outPos);
    m_out.clear();
    m_outPos = 0;
    return out;
}

qsizetype Connection::processBuffer(const QByteArray &buffer)
{
    qsizetype pos = 0;
    // proto-max-bulk-len may have changed since the last request (CONFIG SET).
    m_parser.setMaxBulkLength(m_server.config().protoMaxBulkLength);
    while (!m_closeAfterReply && !m_closed && !m_closing && !m_blocked) {
        const qsizetype requestStart = pos;
        const quint64 emptyBefore = m_parser.emptyRequests();
        const RespParser::Status status = m_parser.parse(buffer, &pos);
        if (m_replyFlags && m_parser.emptyRequests() != emptyBefore)
            advanceReplySkip();
        if (status == RespParser::Status::NeedMore)
            break;
        if (status == RespParser::Status::Error) {
            m_reply.error("ERR " + m_parser.errorText());
            m_server.stats().countError(QByteArrayLiteral("ERR"));
            qCInfo(lcClients).noquote()
                    << "client" << m_id << QString::fromLatin1(m_peer)
                    << "protocol error:" << QString::fromLatin1(m_parser.errorText());
            m_closeAfterReply = true;
            break;
        }
        armOutputCheckpoint();
        if (!execute()) {
            pos = requestStart;
            break;
        }
        const bool overOutputLimit
                = outputBufferSize() > ReplyBufferBytes && closeIfOverOutputLimit(true);
        // Redis's call(): the reply just queued counts before the next command's eviction check;
        // after the output limit, which goes first (a client it closes drops its output, rather
        // than getting others evicted).
        if (m_server.clientEviction().isOn() && !m_closed)
            m_server.clientEviction().update(*this);
        if (overOutputLimit)
            break;
        // Redis's resetClient: CLIENT CACHING applies to the next command or transaction only.
        if (m_tracking && !m_tracking->keepCaching && !m_transaction.isActive())
            m_tracking->caching = false;
        if (m_replyFlags)
            advanceReplySkip();
    }
    return pos;
}

void Connection::setReplyMode(ReplyMode mode)
{
    switch (mode) {
    case ReplyMode::On:
        // As in Redis, a SKIP run earlier in the same EXEC still applies to the next request.
        m_replyFlags &= ~(ReplyOff | ReplySkip);
        break;
    case ReplyMode::Off: m_replyFlags |= ReplyOff; break;
    case ReplyMode::Skip:
        if (!(m_replyFlags & ReplyOff))
            m_replyFlags |= ReplySkipNext;
        break;
    }
    updateReplyOutput();
}

void Connection::clearReplyMode()
{
    m_replyFlags &= ~(ReplyOff | ReplySkipNext);
    updateReplyOutput();
}

void Connection::advanceReplySkip()
{
    m_replyFlags &= ~ReplySkip;
    if (m_replyFlags & ReplySkipNext)
        m_replyFlags = (m_replyFlags & ~ReplySkipNext) | ReplySkip;
    updateReplyOutput();
    if (m_droppedReplies.capacity() > ReadChunk)
        m_droppedReplies = QByteArray();
    else
        m_droppedReplies.resize(0);
}

void Connection::updateReplyOutput()
{
    m_reply.setOutput((m_replyFlags & (ReplyOff | ReplySkip)) ? &m_droppedReplies : &m_out);
}

bool Connection::reject(Command *command, const QByteArray &message)
{
    m_transaction.flagError();
    if (command && command->fullName == "exec") {
        // Redis's execCommandAbort: a rejected EXEC ends the transaction (inside MULTI or not),
        // and monitors see the EXEC.
        m_transaction.discard();
        const QByteArray reason = message.startsWith("ERR ") ? message.sliced(4) : message;
        m_reply.error("EXECABORT Transaction discarded because of: " + reason);
        if (m_server.hasMonitors())
            m_server.feedMonitors(*this);
    } else {
        m_reply.error(message);
    }
    m_server.stats().countError(m_reply.lastErrorCode());
    m_errorsCounted = m_reply.errorCount();
    if (command)
        ++command->rejectedCalls;
    return false;
}

bool Connection::execute()
{
    const std::vector<QByteArrayView> &argv = m_parser.args();
    CommandTable &table = m_server.commands();
    Command *command = table.find(argv[0]);
    if (m_tracking) // CLIENT CACHING's choice outlives a CLIENT command, as in Redis
        m_tracking->keepCaching = command && command->name == "client";
    if (!command) {
        // HTTP to the port (a browser, a cross-protocol attack): not a command, as in Redis 7.0,
        // so it is checked only once the table has no such name.
        if (CommandUtil::argIs(argv[0], "post") || CommandUtil::argIs(argv[0], "host:")) {
            qCWarning(lcClients).noquote() << "possible cross-protocol attack from"
                                           << QString::fromLatin1(m_peer) << "- connection closed";
            close("cross-protocol request");
            return true;
        }
        QByteArray args;
        for (size_t i = 1; i < argv.size() && args.size() < 128; ++i)
            args += '\'' + cString(argv[i], 128 - args.size()) + "' ";
        reject(nullptr,
               "ERR unknown command '" + cString(argv[0], 128)
                       + "', with args beginning with: " + args);
        return true;
    }
    if (!command->subcommands.empty() && argv.size() >= 2) {
        Command *sub = CommandTable::findSubcommand(*command, argv[1]);
        if (!sub) {
            reject(command,
                   "ERR unknown subcommand '" + cString(argv[1], 128) + "'. Try "
                           + upperName(command->name) + " HELP.");
            return true;
        }
        command = sub;
    }
    const qsizetype argc = qsizetype(argv.size());
    if ((command->arity > 0 && command->arity != argc) || argc < -command->arity) {
        reject(command, "ERR wrong number of arguments for '" + command->fullName + "' command");
        return true;
    }
    if (command->flags & CommandFlag::Protected) {
        reject(command,
               "ERR " + upperName(command->name)
                       + " command not allowed. If the enable-debug-command option is set to "
                         "\"local\", you can run it from a local connection, otherwise you need to "
                         "set this option in the configuration file, and then restart the server.");
        return true;
    }
    if (!m_authenticated && !(command->flags & CommandFlag::NoAuth)) {
        reject(command, QByteArrayLiteral("NOAUTH Authentication required."));
        return true;
    }
    // CLIENT LIST's cmd= is the last command sent: queued ones too, EXEC's commands not.
    m_lastCommand = command->fullName;
    const bool queuing = m_transaction.isActive() && !(command->flags & CommandFlag::NoQueue);
    if (queuing && (command->flags & CommandFlag::NoMulti)) {
        reject(command, QByteArrayLiteral("ERR Command not allowed inside a transaction"));
        return true;
    }
    // The default user with every permission, as nearly every client is: one flag test.
    if (!m_user->isUnrestricted() && !m_mustObey && !checkPermissions(command))
        return true;
    // Then the clients' memory, this command's arguments included (this client may be the one
    // to go), the data's memory and the disk, in Redis's processCommand order.
    ClientEviction &eviction = m_server.clientEviction();
    if (eviction.isOn()) {
        // A request that came in several reads is still in the query buffer, which counts
        // already; one read whole is in the server's scratch buffer (Redis's argv, which takes
        // over a big argument's query buffer, counts it once too).
        qint64 argumentBytes = 0;
        if (m_in.isEmpty()) {
            for (QByteArrayView arg : argv)
                argumentBytes += arg.size();
        }
        eviction.update(*this, argumentBytes);
        eviction.evictIfNeeded();
        if (m_closed)
            return true;
    }
    if (m_server.config().maxmemory > 0 && rejectedForMemory(command))
        return true;
    // Redis's processCommand: while the disk cannot be written, no write (nor PING) runs; nor
    // does one without the replicas min-replicas-to-write asks for.
    auto writes = [&] {
        return (command->flags & CommandFlag::Write)
                || (command->fullName == "exec"
                    && (m_transaction.queuedFlags() & CommandFlag::Write));
    };
    if (!m_server.diskError().isEmpty() && (writes() || command->fullName == "ping")) {
        reject(command, m_server.diskError());
        return true;
    }
    if (!m_server.hasEnoughReplicas() && writes()) {
        reject(command, QByteArray(Server::NoReplicasError));
        return true;
    }
    // Redis's processCommand: a RESP2 subscriber may only (un)subscribe, PING, QUIT or RESET.
    if (m_subscriptions && m_reply.protocol() == 2 && m_subscriptions->isSubscribed()
        && !(command->flags & CommandFlag::SubscribedContext)) {
        reject(command,
               "ERR Can't execute '" + command->fullName
                       + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
                         "allowed in this context");
        return true;
    }
    // Redis's processCommand: while a script runs past busy-reply-threshold only the commands
    // flagged allow-busy run.
    if (!(command->flags & CommandFlag::AllowBusy)) {
        const QByteArray busy = m_server.scripting().busyError();
        if (!busy.isNull()) {
            reject(command, busy);
            return true;
        }
    }
    // Checked after every rejection, as Redis does: a refused command never waits.
    if (m_server.pauseMode() != Server::PauseMode::None && isHeldByPause(command)) {
        m_server.postpone(this);
        return false;
    }
    if (queuing) {
        queue(command);
    } else {
        call(command);
        // Clients blocked on keys this command added are served after it (after the whole
        // transaction for EXEC), as in Redis's processCommand.
        m_server.blockedClients().serveReady();
    }
    return true;
}

bool Connection::checkPermissions(Command *command)
{
    const std::vector<QByteArrayView> &argv = m_parser.args();
    qsizetype index = 0;
    const AclSelector::Verdict verdict
            = m_user->check(*command, argv.data(), qsizetype(argv.size()), &index);
    if (verdict == AclSelector::Verdict::Ok)
        return true;
    const QByteArray object = verdict == AclSelector::Verdict::DeniedCommand
            ? command->fullName
            : argv[size_t(index)].toByteArray();
    m_server.acl().logDenial(*this, verdict, m_transaction.isActive() ? "multi" : "toplevel",
                             object, m_user->name(), m_server.config().aclLogMaxLength);
    reject(command, AclStore::deniedError(verdict, *command));
    return false;
}

// Redis's processCommand with maxmemory set: memory is freed first (Evictor); when it cannot be,
// commands that may grow it fail, and so does queuing anything in MULTI (but EXEC, DISCARD,
// QUIT and RESET, and EXEC fails only if it holds such commands). Not while a script runs past
// busy-reply-threshold: its evictions would interleave with its own propagation.
bool Connection::rejectedForMemory(Command *command)
{
    if (!m_server.scripting().busyError().isNull())
        return false;
    Evictor &evictor = m_server.evictor();
    const bool outOfMemory = evictor.performEvictions() == Evictor::Result::Fail;
    // A script's first denyoom write fails if memory was over the limit when it began.
    evictor.setScriptOom(outOfMemory);
    if (!outOfMemory)
        return false;
    const QByteArray &name = command->fullName;
    bool denied = (command->flags & CommandFlag::DenyOom)
            || (name == "exec" && (m_transaction.queuedFlags() & CommandFlag::DenyOom));
    if (m_transaction.isActive() && name != "exec" && name != "discard" && name != "quit"
        && name != "reset")
        denied = true;
    if (denied)
        reject(command, QByteArray(Evictor::OomError));
    return denied;
}

// Redis's processCommand: a write pause holds commands that write or may (scripts), and EXEC of
// a transaction that does.
bool Connection::isHeldByPause(const Command *command) const
{
    if (m_server.pauseMode() == Server::PauseMode::All)
        return true;
    constexpr quint32 MayWrite = CommandFlag::Write | CommandFlag::MayReplicate;
    if (command->flags & MayWrite)
        return true;
    return command->fullName == "exec" && (m_transaction.queuedFlags() & MayWrite);
}

void Connection::queue(Command *command)
{
    m_transaction.queue(command, m_parser.args());
    m_reply.simple("QUEUED");
}

void Connection::runQueued(Command *command, const std::vector<QByteArray> &args)
{
    const std::vector<QByteArrayView> views(args.begin(), args.end());
    runCommand(command, views);
}

void Connection::runCommand(Command *command, const std::vector<QByteArrayView> &argv)
{
    const std::vector<QByteArrayView> *outer = std::exchange(m_args, &argv);
    const bool outerInExec = std::exchange(m_inExec, true);
    call(command);
    m_inExec = outerInExec;
    m_args = outer;
    m_redacted.clear(); // EXEC's own MONITOR line shows none of its commands' redactions
}

bool Connection::isPropagating() const
{
    return m_server.isPropagating();
}

quint64 Connection::dirty() const
{
    return m_server.dirty();
}

void Connection::propagateAs(std::initializer_list<QByteArrayView> argv)
{
    if (m_server.isPropagating())
        propagateAs(std::vector<QByteArrayView>(argv));
}

void Connection::propagateAs(const std::vector<QByteArrayView> &argv)
{
    if (!m_server.isPropagating())
        return;
    m_propagateAs.emplace_back();
    for (QByteArrayView arg : argv)
        m_propagateAs.back().push_back(arg.toByteArray());
}

void Connection::endEffects()
{
    --m_callDepth;
    logUnit(std::exchange(m_unitLog, {}));
}

void Connection::logUnit(std::vector<LoggedCommand> commands)
{
    // Redis 7.0's propagatePendingCommands: what one command, transaction or script logged is
    // wrapped in MULTI/EXEC when it is more than one command, so that a replay applies all of
    // it or none; a single command is atomic by itself.
    const bool wrap = commands.size() > 1;
    if (wrap)
        m_server.propagate(commands.front().db, { "MULTI" });
    for (const LoggedCommand &command : commands)
        m_server.propagate(command.db,
                           std::vector<QByteArrayView>(command.argv.begin(), command.argv.end()));
    if (wrap)
        m_server.propagate(commands.back().db, { "EXEC" });
}

void Connection::propagateCall(Command *command, quint64 dirtyBefore, bool container)
{
    if (std::exchange(m_preventPropagation, false)) {
        m_propagateAs.clear();
        return;
    }
    if (container) {
        logUnit(std::exchange(m_unitLog, {}));
        return;
    }
    // Only a command that changed something is logged (Redis: server.dirty moved).
    if (m_server.dirty() == dirtyBefore) {
        m_propagateAs.clear();
        return;
    }
    // Inside a transaction or a script (of this client, or of the one running EXEC) the
    // commands wait for the unit's end; otherwise they are this command's unit.
    Connection &unit = m_effectsUnit ? *m_effectsUnit : *this;
    const bool inUnit = unit.m_callDepth > 0;
    if (m_propagateAs.empty()) {
        if (!command)
            return;
        if (!inUnit) {
            m_server.propagate(m_db, *m_args);
            return;
        }
        propagateAs(*m_args);
    }
    std::vector<LoggedCommand> own;
    std::vector<LoggedCommand> &log = inUnit ? unit.m_unitLog : own;
    for (std::vector<QByteArray> &argv : std::exchange(m_propagateAs, {}))
        log.push_back({ m_db, std::move(argv) });
    if (!own.empty())
        logUnit(std::move(own));
}

void Connection::call(Command *command)
{
    const std::vector<QByteArrayView> &argv = *m_args;
    m_commandTimeMs = QDateTime::currentMSecsSinceEpoch();
    const bool propagating = m_server.isPropagating();
    const quint64 dirtyBefore = propagating ? m_server.dirty() : 0;
    const quint64 callsBefore = m_calls++;
    const quint64 errorsBefore = m_reply.errorCount();
    const auto start = std::chrono::steady_clock::now();
    m_redacted.clear();
    // EXEC calls this again for each of its commands.
    const bool outerInCommand = m_inCommand;
    Command *outerCommand = std::exchange(m_current, command);
    m_inCommand = true;
    m_preventPropagation = false;
    TrackingTable &tracking = m_server.tracking();
    if (!outerInCommand)
        tracking.beginCommand(this);
    ++m_callDepth;
    command->handler(*this);
    --m_callDepth;
    // Client-side caching: what a tracking client reads (inside EXEC too) is remembered, even
    // when the command failed, as Redis's call() does.
    if ((command->flags & CommandFlag::ReadOnly) && m_tracking && m_tracking->remembersKeys())
        tracking.rememberKeys(*this, *command, argv);
    if (!outerInCommand)
        tracking.endCommand();
    m_inCommand = outerInCommand;
    m_current = outerCommand;
    if (propagating)
        propagateCall(command, dirtyBefore, m_calls - callsBefore > 1);
    const qint64 micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now() - start)
                                  .count();
    // A command that blocked counts as called now, as in Redis; its time, failure and slow log
    // entry come when its wait ends (finishBlockedCommand).
    if (m_blocked) {
        ++command->calls;
        m_blockedMicros = micros;
    } else {
        accountCommand(command, argv, micros, errorsBefore, true);
    }
    ++m_commandsProcessed;
    ++m_server.stats().totalCommands;
    // Administrative commands are too sensitive to show, as in Redis.
    if (m_server.hasMonitors()
        && !(command->flags & (CommandFlag::Admin | CommandFlag::SkipMonitor)))
        m_server.feedMonitors(*this);

    CommandLog &log = m_server.commandLog();
    const bool toFile
            = lcCommands().isInfoEnabled() && m_server.allowCommandLogLine(m_commandTimeMs);
    const bool toRing = log.admit(m_commandTimeMs);
    if (!toRing && !toFile)
        return;
    QByteArray text = CommandLog::describe(argv, m_redacted);
    const QByteArray who = m_name.isEmpty() ? m_peer : m_name + '@' + m_peer;
    if (toFile) {
        qCInfo(lcCommands).noquote() << "client" << m_id << QString::fromLatin1(who)
                                     << QString::fromLatin1(text) << micros << "us";
    }
    if (toRing)
        log.record(m_commandTimeMs, m_id, who, command->fullName.toUpper(), std::move(text),
                   micros);
}

void Connection::accountCommand(Command *command, const std::vector<QByteArrayView> &argv,
                                qint64 micros, quint64 errorsBefore, bool countCall)
{
    if (countCall)
        ++command->calls;
    command->microseconds += quint64(micros);
    const ServerConfig &config = m_server.config();
    if (config.latencyTracking) {
        if (!command->latency)
            command->latency = std::make_shared<LatencyHistogram>();
        command->latency->record(micros * 1000);
    }
    m_server.latencyMonitor().addIfNeeded(
            (command->flags & CommandFlag::Fast) ? "fast-command" : "command", micros / 1000,
            config.latencyMonitorThreshold, m_commandTimeMs / 1000);
    if (m_reply.errorCount() > qMax(errorsBefore, m_errorsCounted)) {
        ++command->failedCalls;
        if (!m_skipErrorStats)
            m_server.stats().countError(m_reply.lastErrorCode());
    }
    m_skipErrorStats = false;
    m_errorsCounted = m_reply.errorCount();
    // Redis's slowlogPushCurrentCommand: a single comparison for every command that is fast.
    if (SlowLog::isSlow(micros, config.slowlogLogSlowerThan)
        && !(command->flags & CommandFlag::SkipSlowlog))
        m_server.slowLog().record(argv, m_redacted, micros, m_peer, m_name, config.slowlogMaxLen);
}

void Connection::block(BlockRequest request)
{
    request.command = m_current;
    for (QByteArrayView arg : *m_args)
        request.args.push_back(arg.toByteArray());
    m_server.blockedClients().block(*this, std::move(request));
}

void Connection::finishBlockedCommand(const BlockRequest &request)
{
    const std::vector<QByteArrayView> argv(request.args.begin(), request.args.end());
    m_redacted.clear();
    accountCommand(request.command, argv, std::exchange(m_blockedMicros, 0), m_errorsCounted,
                   false);
}

void Connection::kill()
{
    if (m_inCommand)
        m_closeAfterReply = true;
    else
        close("killed");
}

bool Connection::isRedacted(qsizetype i) const
{
    return std::find(m_redacted.begin(), m_redacted.end(), i) != m_redacted.end();
}

void Connection::pushOutput(const QByteArray &bytes)
{
    if (m_closed || m_closeAfterReply)
        return;
    m_out += bytes;
    if (!closeIfOverOutputLimit(true))
        m_server.scheduleFlush(this);
}

ClientSubscriptions &Connection::subscriptions()
{
    if (!m_subscriptions)
        m_subscriptions = std::make_unique<ClientSubscriptions>();
    return *m_subscriptions;
}

ClientTracking &Connection::tracking()
{
    if (!m_tracking)
        m_tracking = std::make_unique<ClientTracking>();
    return *m_tracking;
}

bool Connection::isSubscribed() const
{
    return m_subscriptions && m_subscriptions->isSubscribed();
}

void Connection::pushFrame(const QByteArray &frame)
{
    if (m_closed || m_closeAfterReply || m_closing)
        return;
    const qsizetype at = m_out.size();
    m_out += frame;
    if (m_reply.protocol() == 3)
        m_out[at] = '>';
    if (closeIfOverOutputLimit(true))
        return;
    if (!m_flushScheduled) {
        m_flushScheduled = true;
        m_server.scheduleFlush(this);
    }
}

ClientClass Connection::clientClass() const
{
    // A monitor is a normal client here, as in Redis's getClientType (which flags monitors as
    // replicas but reports them as normal).
    return isSubscribed() ? ClientClass::PubSub : ClientClass::Normal;
}

bool Connection::closeIfOverOutputLimit(bool async)
{
    if (m_fd < 0 || m_closing || m_closed)
        return false;
    const qsizetype used = outputListBytes();
    if (used == 0 && m_softLimitSinceMs == 0)
        return false;
    if (!m_server.config().outputBufferLimits.isOver(clientClass(), quint64(used),
                                                     QDateTime::currentMSecsSinceEpoch(),
                                                     &m_softLimitSinceMs))
        return false;
    ++m_server.stats().clientsClosedByLimits;
    const QString info = QString::fromLatin1(ClientInfo::describe(*this, *this));
    if (async) {
        qCWarning(lcClients).noquote()
                << "Client" << info
                << "scheduled to be closed ASAP for overcoming of output buffer limits.";
        closeSoon("output buffer limit");
    } else {
        qCWarning(lcClients).noquote()
                << "Client" << info << "closed for overcoming of output buffer limits.";
        close("output buffer limit");
    }
    return true;
}

bool Connection::isIdleTimedOut(qint64 nowMs) const
{
    const long long timeout = m_server.config().idleTimeout;
    if (timeout <= 0 || m_fd < 0 || m_closed || m_mustObey || m_monitor || m_blocked
        || isSubscribed() || m_server.isPostponed(*this))
        return false;
    return (nowMs / 1000 - m_lastInteractionMs / 1000) > timeout;
}

void Connection::armOutputCheckpoint()
{
    const qsizetype next = qMax(m_out.size(), m_droppedReplies.size()) + OutputCheckpointBytes;
    m_reply.setCheckpoint(next);
    m_push.setCheckpoint(next);
}

void Connection::outputCheckpoint(QByteArray &out)
{
    // Replies CLIENT REPLY OFF or SKIP drops, and whatever a client being closed would still
    // get (Redis's CLIENT_CLOSE_ASAP), are thrown away as they come.
    if (&out != &m_out || m_closing || closeIfOverOutputLimit(true))
        out.resize(0);
    armOutputCheckpoint();
}

void Connection::closeSoon(const char *reason)
{
    m_closing = true;
    // Its output is dropped now: the point is to bound the server's memory.
    m_out = QByteArray();
    m_outPos = 0;
    QMetaObject::invokeMethod(
            &m_server,
            [server = &m_server, id = m_id, reason] {
                if (Connection *client = server->client(id))
                    client->close(reason);
            },
            Qt::QueuedConnection);
}

void Connection::flushOutput()
{
    // Redis writes the AOF before it sends replies: no client learns of a write that is not
    // in the file. With appendfsync always the replies of the whole round wait for one write
    // and fsync (Server::flushPending), as they wait for Redis's beforeSleep.
    if (m_server.isPropagating() && m_server.mustDeferReplies()) {
        if (!m_flushScheduled) {
            m_flushScheduled = true;
            m_server.scheduleFlush(this);
        }
        return;
    }
    m_flushScheduled = false;
    if (m_server.isPropagating())
        m_server.writePropagated();
    if (m_fd < 0 || m_closed)
        return;
    while (m_outPos < m_out.size()) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outPos,
                                 size_t(m_out.size() - m_outPos), MSG_NOSIGNAL);
        if (n > 0) {
            m_outPos += n;
            m_bytesOut += quint64(n);
            m_server.stats().netOutputBytes += quint64(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // Wait until the client reads; read nothing more from it meanwhile.
            setInterest(Poller::Writable);
            return;
        }
        close("write error");
        return;
    }
    m_outPos = 0;
    if (m_out.capacity() > 64 * 1024)
        m_out = QByteArray();
    else
        m_out.resize(0);
    if (m_closeAfterReply) {
        close("closed after reply");
        return;
    }
    if (m_interest != Poller::Readable) {
        setInterest(Poller::Readable);
        // Requests that arrived while we were blocked on writing are still buffered.
        if (!m_in.isEmpty())
            processPending();
    }
}

void Connection::processPending()
{
    const qsizetype consumed = processBuffer(m_in);
    m_in.remove(0, consumed);
    m_parser.discard(consumed);
    flushOutput();
}

void Connection::setInterest(int events)
{
    if (events == m_interest || m_fd < 0)
        return;
    m_interest = events;
    m_server.poller()->modify(m_fd, events, this);
}

void Connection::close(const char *reason)
{
    if (m_closed)
        return;
    m_closed = true;
    m_server.pubsub().forget(*this);
    m_server.tracking().disable(*this);
    if (m_fd >= 0) {
        m_server.poller()->remove(m_fd);
        ::close(m_fd);
    }
    m_server.closeConnection(this, reason);
}
