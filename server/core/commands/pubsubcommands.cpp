// Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH, the sharded
// SSUBSCRIBE SUNSUBSCRIBE SPUBLISH (cluster mode off: one shard holds every channel) and PUBSUB.
// The registry is the server's PubSubRegistry; these handlers only read arguments and reply.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"

using namespace CommandUtil;

namespace {

using Scope = PubSubRegistry::Scope;

void subscribeGeneric(Connection &c, Scope scope)
{
    for (qsizetype j = 1; j < c.argc(); ++j)
        c.server().pubsub().subscribe(c, c.arg(j), scope);
}

void unsubscribeGeneric(Connection &c, Scope scope)
{
    PubSubRegistry &pubsub = c.server().pubsub();
    if (c.argc() == 1) {
        pubsub.unsubscribeAll(c, scope, true);
        return;
    }
    for (qsizetype j = 1; j < c.argc(); ++j)
        pubsub.unsubscribe(c, c.arg(j), scope, true);
}

// Inside EXEC a client may still SUBSCRIBE (Redis keeps that for compatibility), but not
// SSUBSCRIBE: EXEC runs with CLIENT_DENY_BLOCKING.
void subscribeCommand(Connection &c)
{
    subscribeGeneric(c, Scope::Global);
}

void ssubscribeCommand(Connection &c)
{
    if (c.isInExec()) {
        c.reply().error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        return;
    }
    subscribeGeneric(c, Scope::Shard);
}

void unsubscribeCommand(Connection &c)
{
    unsubscribeGeneric(c, Scope::Global);
}

void sunsubscribeCommand(Connection &c)
{
    unsubscribeGeneric(c, Scope::Shard);
}

void psubscribeCommand(Connection &c)
{
    for (qsizetype j = 1; j < c.argc(); ++j)
        c.server().pubsub().psubscribe(c, c.arg(j));
}

void punsubscribeCommand(Connection &c)
{
    PubSubRegistry &pubsub = c.server().pubsub();
    if (c.argc() == 1) {
        pubsub.punsubscribeAll(c, true);
        return;
    }
    for (qsizetype j = 1; j < c.argc(); ++j)
        pubsub.punsubscribe(c, c.arg(j), true);
}

void publishCommand(Connection &c)
{
    c.reply().integer(c.server().pubsub().publish(c.arg(1), c.arg(2), Scope::Global));
}

void spublishCommand(Connection &c)
{
    c.reply().integer(c.server().pubsub().publish(c.arg(1), c.arg(2), Scope::Shard));
}

// PUBSUB CHANNELS / SHARDCHANNELS [pattern]
void channelsGeneric(Connection &c, Scope scope)
{
    if (c.argc() > 3) {
        replySubcommandSyntaxError(c);
        return;
    }
    const QByteArrayList names
            = c.server().pubsub().channels(c.argc() == 3 ? c.arg(2) : QByteArrayView(), scope);
    c.reply().arrayHeader(names.size());
    for (const QByteArray &name : names)
        c.reply().bulk(name);
}

// PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: pattern subscribers are not counted.
void numsubGeneric(Connection &c, Scope scope)
{
    c.reply().arrayHeader(2 * (c.argc() - 2));
    for (qsizetype j = 2; j < c.argc(); ++j) {
        c.reply().bulk(c.arg(j));
        c.reply().integer(c.server().pubsub().subscriberCount(c.arg(j), scope));
    }
}

void pubsubChannelsCommand(Connection &c)
{
    channelsGeneric(c, Scope::Global);
}

void pubsubShardchannelsCommand(Connection &c)
{
    channelsGeneric(c, Scope::Shard);
}

void pubsubNumsubCommand(Connection &c)
{
    numsubGeneric(c, Scope::Global);
}

void pubsubShardnumsubCommand(Connection &c)
{
    numsubGeneric(c, Scope::Shard);
}

void pubsubNumpatCommand(Connection &c)
{
    c.reply().integer(c.server().pubsub().patternCount());
}

void pubsubHelpCommand(Connection &c)
{
    replyHelp(c, "PUBSUB",
              { "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT", "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).", "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> "
                "(default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)" });
}

} // namespace

void registerPubSubCommands(CommandTable &table)
{
    using CommandFlag::Loading, CommandFlag::Stale;
    // Flags and key specs as Redis 7.0 reports them in COMMAND INFO.
    constexpr quint32 Subscribe = CommandFlag::PubSub | CommandFlag::NoScript | Loading | Stale
            | CommandFlag::SubscribedContext;
    constexpr quint32 Publish = CommandFlag::PubSub | Loading | Stale | CommandFlag::Fast;
    const KeySpec channels { KeyFlag::NotKey, 1, -1, 1 };
    table.add(Command { "subscribe", -2, Subscribe, subscribeCommand });
    table.add(Command { "unsubscribe", -1, Subscribe, unsubscribeCommand });
    table.add(Command { "psubscribe", -2, Subscribe, psubscribeCommand });
    table.add(Command { "punsubscribe", -1, Subscribe, punsubscribeCommand });
    table.add(Command { "publish", 3, Publish, publishCommand });
    table.add(Command { "ssubscribe", -2, Subscribe, ssubscribeCommand, 1, -1, 1 }.keys(
            { channels }));
    table.add(Command { "sunsubscribe", -1, Subscribe, sunsubscribeCommand, 1, -1, 1 }.keys(
            { channels }));
    table.add(Command { "spublish", 3, Publish, spublishCommand, 1, 1, 1 }.keys(
            { KeySpec { KeyFlag::NotKey, 1, 0, 1 } }));

    constexpr quint32 Introspection = CommandFlag::PubSub | Loading | Stale;
    Command pubsub { "pubsub", -2, 0, nullptr };
    pubsub.subcommands = {
        { "channels", -2, Introspection, pubsubChannelsCommand },
        { "numpat", 2, Introspection, pubsubNumpatCommand },
        { "numsub", -2, Introspection, pubsubNumsubCommand },
        { "shardchannels", -2, Introspection, pubsubShardchannelsCommand },
        { "shardnumsub", -2, Introspection, pubsubShardnumsubCommand },
        { "help", 2, Loading | Stale, pubsubHelpCommand },
    };
    table.add(std::move(pubsub));
}
