// Connection commands: PING ECHO QUIT EXIT SELECT AUTH HELLO RESET CLIENT.
#include "clientinfo.h"
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "trackingcommands.h"

#include <climits>

using namespace CommandUtil;

namespace {

const QByteArray RedisVersion = QByteArrayLiteral("7.0.15");

void pingCommand(Connection &c)
{
    if (c.argc() > 2) {
        c.reply().error("ERR wrong number of arguments for 'ping' command");
        return;
    }
    // A RESP2 subscriber can only read arrays: Redis answers [pong, argument or ""].
    if (c.isSubscribed() && c.protocol() == 2) {
        c.reply().arrayHeader(2);
        c.reply().bulk("pong");
        c.reply().bulk(c.argc() == 2 ? c.arg(1) : QByteArrayView(""));
        return;
    }
    if (c.argc() == 2)
        c.reply().bulk(c.arg(1));
    else
        c.reply().simple("PONG");
}

void echoCommand(Connection &c)
{
    c.reply().bulk(c.arg(1));
}

// QUIT, and EXIT (the lab client's name for it): reply, then close.
void quitCommand(Connection &c)
{
    c.reply().ok();
    c.closeAfterReply();
}

void selectCommand(Connection &c)
{
    int index = 0;
    if (!parseInt(c, c.arg(1), &index))
        return;
    if (index < 0 || index >= c.server().databaseCount()) {
        c.reply().error("ERR DB index is out of range");
        return;
    }
    c.selectDb(index);
    c.reply().ok();
}

// Redis's ACLAuthenticateUser: on success the client runs as the user from now on; a failure
// is an ACL LOG entry whose object is the command's name as the client typed it.
bool authenticate(Connection &c, QByteArrayView name, QByteArrayView password)
{
    AclStore &acl = c.server().acl();
    AclUser *user = acl.authenticate(name, password);
    if (!user) {
        acl.logDenial(c, AclSelector::Verdict::DeniedAuth,
                      c.transaction().isActive() ? "multi" : "toplevel", c.arg(0).toByteArray(),
                      name.toByteArray(), c.server().config().aclLogMaxLength);
        return false;
    }
    c.setUser(user);
    c.setAuthenticated(true);
    return true;
}

void replyAuthResult(Connection &c, bool ok)
{
    if (ok)
        c.reply().ok();
    else
        c.reply().error("WRONGPASS invalid username-password pair or user is disabled.");
}

void authCommand(Connection &c)
{
    if (c.argc() > 3) {
        replySyntaxError(c);
        return;
    }
    // Hidden from MONITOR even when the password is then refused.
    for (qsizetype i = 1; i < c.argc(); ++i)
        c.redactArgument(i);
    if (c.argc() == 2) {
        if (c.server().acl().defaultUser()->isNoPass()) {
            c.reply().error("ERR AUTH <password> called without any password configured for "
                            "the default user. Are you sure your configuration is correct?");
            return;
        }
        replyAuthResult(c, authenticate(c, "default", c.arg(1)));
        return;
    }
    replyAuthResult(c, authenticate(c, c.arg(1), c.arg(2)));
}

void helloCommand(Connection &c)
{
    long long version = 0;
    if (c.argc() >= 2) {
        if (!Numbers::toLongLong(c.arg(1), &version)) {
            c.reply().error("ERR Protocol version is not an integer or out of range");
            return;
        }
        if (version < 2 || version > 3) {
            c.reply().error("NOPROTO unsupported protocol version");
            return;
        }
    }
    QByteArrayView user;
    QByteArrayView password;
    QByteArrayView name;
    bool hasAuth = false;
    bool hasName = false;
    for (qsizetype j = 2; j < c.argc(); ++j) {
        const qsizetype more = c.argc() - 1 - j;
        if (equalsIgnoreCase(c.arg(j), "AUTH") && more >= 2) {
            user = c.arg(j + 1);
            password = c.arg(j + 2);
            c.redactArgument(j + 1);
            c.redactArgument(j + 2);
            hasAuth = true;
            j += 2;
        } else if (equalsIgnoreCase(c.arg(j), "SETNAME") && more >= 1) {
            name = c.arg(j + 1);
            if (!ClientInfo::isValidName(name)) {
                c.reply().error(ClientInfo::InvalidNameError);
                return;
            }
            hasName = true;
            ++j;
        } else {
            c.reply().error("ERR Syntax error in HELLO option '" + cString(c.arg(j)).toByteArray()
                            + '\'');
            return;
        }
    }
    if (hasAuth) {
        if (!authenticate(c, user, password)) {
            c.reply().error("WRONGPASS invalid username-password pair or user is disabled.");
            return;
        }
    }
    if (!c.isAuthenticated()) {
        c.reply().error("NOAUTH HELLO must be called with the client already authenticated, "
                        "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to "
                        "authenticate the client and select the RESP protocol version at the "
                        "same time");
        return;
    }
    if (hasName)
        c.setName(name.toByteArray());
    if (version)
        c.setProtocol(int(version));

    ReplyWriter &r = c.reply();
    r.mapHeader(7);
    r.bulk("server");
    r.bulk("redis");
    r.bulk("version");
    r.bulk(RedisVersion);
    r.bulk("proto");
    r.integer(c.protocol());
    r.bulk("id");
    r.integer(qint64(c.id()));
    r.bulk("mode");
    r.bulk("standalone");
    r.bulk("role");
    r.bulk("master");
    r.bulk("modules");
    r.arrayHeader(0);
}

void resetCommand(Connection &c)
{
    if (c.isMonitor()) {
        c.setMonitor(false);
        c.server().removeMonitor(&c);
    }
    c.server().pubsub().forget(c);
    c.server().tracking().disable(c);
    c.selectDb(0);
    c.setProtocol(2);
    c.setName(QByteArray());
    AclUser *defaultUser = c.server().acl().defaultUser();
    c.setUser(defaultUser);
    c.setAuthenticated(defaultUser->isNoPass() && defaultUser->isEnabled());
    c.transaction().discard();
    c.clearReplyMode();
    c.reply().simple("RESET");
}

void clientIdCommand(Connection &c)
{
    c.reply().integer(qint64(c.id()));
}

void clientSetnameCommand(Connection &c)
{
    if (!ClientInfo::isValidName(c.arg(2))) {
        c.reply().error(ClientInfo::InvalidNameError);
        return;
    }
    c.setName(c.arg(2).toByteArray());
    c.reply().ok();
}

void clientGetnameCommand(Connection &c)
{
    if (c.name().isEmpty())
        c.reply().null();
    else
        c.reply().bulk(c.name());
}

void clientListCommand(Connection &c)
{
    QByteArray text;
    if (c.argc() == 2) {
        for (const auto &entry : c.server().clients())
            text += ClientInfo::describe(*entry.second, c) + '\n';
    } else if (c.argc() >= 4 && equalsIgnoreCase(c.arg(2), "ID")) {
        for (qsizetype j = 3; j < c.argc(); ++j) {
            // Any integer is accepted; ids that no client has simply list nothing.
            long long id = 0;
            if (!Numbers::toLongLong(c.arg(j), &id)) {
                c.reply().error("ERR Invalid client ID");
                return;
            }
            if (const Connection *other = id > 0 ? c.server().client(quint64(id)) : nullptr)
                text += ClientInfo::describe(*other, c) + '\n';
        }
    } else if (c.argc() == 4 && equalsIgnoreCase(c.arg(2), "TYPE")) {
        const QByteArrayView type = c.arg(3);
        if (!equalsIgnoreCase(type, "normal") && !equalsIgnoreCase(type, "master")
            && !equalsIgnoreCase(type, "replica") && !equalsIgnoreCase(type, "slave")
            && !equalsIgnoreCase(type, "pubsub")) {
            c.reply().error("ERR Unknown client type '" + cString(type).toByteArray() + '\'');
            return;
        }
        // Redis's getClientType: a subscriber is of type pubsub, other clients here are normal.
        const bool normal = equalsIgnoreCase(type, "normal");
        if (normal || equalsIgnoreCase(type, "pubsub")) {
            for (const auto &entry : c.server().clients()) {
                if (entry.second->isSubscribed() != normal)
                    text += ClientInfo::describe(*entry.second, c) + '\n';
            }
        }
    } else {
        replySyntaxError(c);
        return;
    }
    c.reply().verbatim(text);
}

void clientInfoCommand(Connection &c)
{
    c.reply().verbatim(QByteArray(ClientInfo::describe(c, c) + '\n'));
}

void clientKillCommand(Connection &c)
{
    if (c.argc() == 3) {
        // Old form: CLIENT KILL ip:port.
        for (const auto &entry : c.server().clients()) {
            if (entry.second->peerAddress() == c.arg(2)) {
                c.reply().ok();
                entry.second->kill();
                return;
            }
        }
        c.reply().error("ERR No such client");
        return;
    }
    // New form: filters, all of which must match; replies the number killed.
    quint64 id = 0;
    QByteArrayView addr;
    QByteArrayView laddr;
    bool skipMe = true;
    const AclUser *user = nullptr;
    if (c.argc() % 2 != 0) {
        replySyntaxError(c);
        return;
    }
    for (qsizetype j = 2; j + 1 < c.argc(); j += 2) {
        const QByteArrayView option = c.arg(j);
        const QByteArrayView value = c.arg(j + 1);
        if (equalsIgnoreCase(option, "ID")) {
            long long parsed = 0;
            if (!Numbers::toLongLong(value, &parsed) || parsed <= 0) {
                c.reply().error("ERR client-id should be greater than 0");
                return;
            }
            id = quint64(parsed);
        } else if (equalsIgnoreCase(option, "ADDR")) {
            addr = value;
        } else if (equalsIgnoreCase(option, "LADDR")) {
            laddr = value;
        } else if (equalsIgnoreCase(option, "SKIPME")) {
            if (equalsIgnoreCase(value, "yes")) {
                skipMe = true;
            } else if (equalsIgnoreCase(value, "no")) {
                skipMe = false;
            } else {
                replySyntaxError(c);
                return;
            }
        } else if (equalsIgnoreCase(option, "USER")) {
            user = c.server().acl().find(value);
            if (!user) {
                c.reply().error("ERR No such user '" + value.toByteArray() + '\'');
                return;
            }
        } else if (equalsIgnoreCase(option, "TYPE") || equalsIgnoreCase(option, "MAXAGE")) {
            // Accepted for compatibility; every client here is a normal one.
        } else {
            replySyntaxError(c);
            return;
        }
    }
    std::vector<Connection *> victims;
    for (const auto &entry : c.server().clients()) {
        Connection *other = entry.second;
        if ((id && other->id() != id) || (!addr.isNull() && other->peerAddress() != addr)
            || (!laddr.isNull() && other->localAddress() != laddr) || (skipMe && other == &c)
            || (user && other->user() != user))
            continue;
        victims.push_back(other);
    }
    c.reply().integer(qint64(victims.size()));
    for (Connection *victim : victims)
        victim->kill();
}

void clientSetinfoCommand(Connection &c)
{
    const QByteArrayView attribute = c.arg(2);
    const QByteArrayView value = c.arg(3);
    const bool isName = equalsIgnoreCase(attribute, "LIB-NAME");
    if (!isName && !equalsIgnoreCase(attribute, "LIB-VER")) {
        c.reply().error("ERR Unrecognized option '" + attribute.toByteArray() + '\'');
        return;
    }
    for (char ch : value) {
        if (ch < '!' || ch > '~') {
            c.reply().error("ERR " + attribute.toByteArray().toLower()
                            + " cannot contain spaces, newlines or special characters.");
            return;
        }
    }
    if (isName)
        c.setLibInfo(value.toByteArray(), QByteArray());
    else
        c.setLibInfo(QByteArray(), value.toByteArray());
    c.reply().ok();
}

void clientNoEvictCommand(Connection &c)
{
    if (equalsIgnoreCase(c.arg(2), "ON")) {
        c.setNoEvict(true);
    } else if (equalsIgnoreCase(c.arg(2), "OFF")) {
        c.setNoEvict(false);
    } else {
        replySyntaxError(c);
        return;
    }
    // Its bucket changes when ClientEviction counts it again, after this command.
    c.reply().ok();
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: the reason is checked first, as in Redis.
void clientUnblockCommand(Connection &c)
{
    if (c.argc() > 4) {
        replySubcommandSyntaxError(c);
        return;
    }
    const bool error = c.argc() == 4 && argIs(c.arg(3), "ERROR");
    if (c.argc() == 4 && !error && !argIs(c.arg(3), "TIMEOUT")) {
        c.reply().error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
        return;
    }
    long long id = 0;
    if (!parseLongLong(c, c.arg(2), &id))
        return;
    Connection *target = c.server().client(quint64(id));
    const bool unblocked = target
            && c.server().blockedClients().unblock(*target,
                                                   error ? BlockedClients::Reason::Error
                                                         : BlockedClients::Reason::Timeout);
    c.reply().integer(unblocked ? 1 : 0);
}

// CLIENT PAUSE timeout [WRITE|ALL]: Connection::execute holds the commands while it lasts.
void clientPauseCommand(Connection &c)
{
    if (c.argc() > 4) {
        replySubcommandSyntaxError(c);
        return;
    }
    // The mode is checked before the timeout, as in Redis.
    Server::PauseMode mode = Server::PauseMode::All;
    if (c.argc() == 4) {
        if (argIs(c.arg(3), "WRITE")) {
            mode = Server::PauseMode::Write;
        } else if (!argIs(c.arg(3), "ALL")) {
            c.reply().error("ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    qint64 end = 0;
    if (!parseMillisecondTimeout(c, c.arg(2), &end))
        return;
    // 0 (a zero timeout, or one whose end wraps in Redis) is a pause that ends at once.
    c.server().pauseClients(end == 0 ? c.now() : end, mode);
    c.reply().ok();
}

void clientUnpauseCommand(Connection &c)
{
    c.server().unpauseClients();
    c.reply().ok();
}

// CLIENT REPLY ON|OFF|SKIP: only ON replies; the connection drops the other replies.
void clientReplyCommand(Connection &c)
{
    if (argIs(c.arg(2), "ON")) {
        c.setReplyMode(Connection::ReplyMode::On);
        c.reply().ok();
    } else if (argIs(c.arg(2), "OFF")) {
        c.setReplyMode(Connection::ReplyMode::Off);
    } else if (argIs(c.arg(2), "SKIP")) {
        c.setReplyMode(Connection::ReplyMode::Skip);
    } else {
        replySyntaxError(c);
    }
}

void clientHelpCommand(Connection &c)
{
    replyHelp(c, "CLIENT",
              { "CACHING (YES|NO)",
                "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                "GETREDIR",
                "    Return the client ID we are redirecting to when tracking is enabled.",
                "GETNAME",
                "    Return the name of the current connection.",
                "ID",
                "    Return the ID of the current connection.",
                "INFO",
                "    Return information about the current client connection.",
                "KILL <ip:port>",
                "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are:",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made from the specified address",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made to specified local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Kill connections by type.",
                "    * USER <username>",
                "      Kill connections authenticated by <username>.",
                "    * SKIPME (YES|NO)",
                "      Skip killing current connection (default: yes).",
                "LIST [options ...]",
                "    Return information about client connections. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Return clients of specified type.",
                "UNPAUSE",
                "    Stop the current client pause, resuming traffic.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Suspend all, or just write, clients for <timeout> milliseconds.",
                "REPLY (ON|OFF|SKIP)",
                "    Control the replies sent to the current connection.",
                "SETNAME <name>",
                "    Assign the name <name> to the current connection.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                "    Unblock the specified blocked client.",
                "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                "         [OPTIN] [OPTOUT] [NOLOOP]",
                "    Control server assisted client side caching.",
                "TRACKINGINFO",
                "    Report tracking status for the current connection.",
                "NO-EVICT (ON|OFF)",
                "    Protect current client connection from eviction." });
}

} // namespace

void registerConnectionCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using AclCategory::Connection;
    // Flags and categories as Redis 7.0 reports them in COMMAND INFO.
    constexpr quint32 Handshake = NoScript | Loading | Stale | Fast | NoAuth | AllowBusy;
    table.add(Command { "ping", -1, Fast | SubscribedContext, pingCommand }
                      .acl(Connection)
                      .withTips({ "request_policy:all_shards", "response_policy:all_succeeded" }));
    table.add(Command { "echo", 2, Loading | Stale | Fast, echoCommand }.acl(Connection));
    table.add(Command { "quit", -1, Handshake | NoQueue | SubscribedContext, quitCommand }.acl(
            Connection));
    // EXIT is qkv's own (the lab client's name for QUIT); Redis does not know it.
    table.add(Command { "exit", -1, Handshake | NoQueue | SubscribedContext, quitCommand }.acl(
            Connection));
    table.add(Command { "select", 2, Loading | Stale | Fast, selectCommand }.acl(Connection));
    table.add(Command { "auth", -2, Handshake, authCommand }.acl(Connection));
    table.add(Command { "hello", -1, Handshake, helloCommand }.acl(Connection));
    table.add(Command { "reset", 1, Handshake | NoQueue | SubscribedContext, resetCommand }.acl(
            Connection));

    constexpr quint32 ClientFlags = NoScript | Loading | Stale;
    Command client { "client", -2, 0, nullptr };
    client.subcommands = {
        Command { "id", 2, ClientFlags, clientIdCommand }.acl(Connection),
        Command { "setname", 3, ClientFlags, clientSetnameCommand }.acl(Connection),
        Command { "getname", 2, ClientFlags, clientGetnameCommand }.acl(Connection),
        Command { "list", -2, Admin | ClientFlags, clientListCommand }
                .acl(Connection)
                .withTips({ "nondeterministic_output" }),
        Command { "info", 2, ClientFlags, clientInfoCommand }
                .acl(Connection)
                .withTips({ "nondeterministic_output" }),
        Command { "kill", -3, Admin | ClientFlags, clientKillCommand }.acl(Connection),
        // SETINFO is Redis 7.2's; 7.0 does not have it, but redis-py 5 sends it.
        Command { "setinfo", 4, ClientFlags, clientSetinfoCommand }.acl(Connection),
        Command { "no-evict", 3, Admin | ClientFlags, clientNoEvictCommand }.acl(Connection),
        Command { "getredir", 2, ClientFlags, TrackingCommands::clientGetredirCommand }.acl(
                Connection),
        Command { "tracking", -3, ClientFlags, TrackingCommands::clientTrackingCommand }.acl(
                Connection),
        Command { "trackinginfo", 2, ClientFlags, TrackingCommands::clientTrackinginfoCommand }.acl(
                Connection),
        Command { "caching", 3, ClientFlags, TrackingCommands::clientCachingCommand }.acl(
                Connection),
        Command { "unblock", -3, Admin | ClientFlags, clientUnblockCommand }.acl(Connection),
        Command { "reply", 3, ClientFlags, clientReplyCommand }.acl(Connection),
        Command { "pause", -3, Admin | ClientFlags, clientPauseCommand }.acl(Connection),
        Command { "unpause", 2, Admin | ClientFlags, clientUnpauseCommand }.acl(Connection),
        Command { "help", 2, Loading | Stale, clientHelpCommand }.acl(Connection),
    };
    table.add(std::move(client));
}
