#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

#include "observe/latencyhistogram.h"

#include <memory>
#include <vector>

class Connection;

// A command handler reads its arguments from the client and appends exactly one reply.
using CommandHandler = void (*)(Connection &client);

// Flags, as in Redis's command table; COMMAND reports them by these names.
namespace CommandFlag {
enum : quint32 {
    Write = 1 << 0,     // may modify the keyspace
    ReadOnly = 1 << 1,  // reads keys only
    Admin = 1 << 2,     // server administration
    Fast = 1 << 3,      // O(1) or O(log N)
    NoAuth = 1 << 4,    // allowed before AUTH (AUTH, HELLO, QUIT, RESET)
    Stale = 1 << 5,     // allowed while loading / replica stale
    Loading = 1 << 6,   // allowed while loading
    NoScript = 1 << 7,  // not allowed from scripts
    DenyOom = 1 << 8,   // may grow memory
    Blocking = 1 << 11, // may block the client
    PubSub = 1 << 12,   // pub/sub related
    SkipMonitor = 1 << 13,
    SkipSlowlog = 1 << 14,
    NoMandatoryKeys = 1 << 15,
    NoAsyncLoading = 1 << 16,
    NoMulti = 1 << 17,
    AllowBusy = 1 << 18,
    MovableKeys = 1 << 19, // key positions depend on the arguments
    // qkv's own, not reported by COMMAND: runs at once inside MULTI instead of being queued
    // (EXEC DISCARD MULTI WATCH QUIT RESET, as Redis's processCommand lists them).
    NoQueue = 1 << 20,
    // Refused before it is run or queued, as Redis refuses DEBUG while enable-debug-command is
    // off (its default); not reported by COMMAND in 7.0.
    Protected = 1 << 21,
    // qkv's own: allowed to a RESP2 client in subscribed mode (Redis's processCommand lists
    // PING, QUIT, RESET and the (un)subscribe commands).
    SubscribedContext = 1 << 22,
    // Redis's may-replicate (not reported by COMMAND in 7.0): may write through what it runs
    // (EVAL, EVALSHA, FCALL), so a write pause holds it.
    MayReplicate = 1 << 23,
};
}

// ACL categories, as Redis reports them in COMMAND. Rows name the explicit ones (@keyspace,
// @string, @connection...); those implied by the flags (@write, @read, @admin, @dangerous,
// @fast, @slow...) are added when COMMAND replies, as Redis's setImplicitACLCategories does.
namespace AclCategory {
enum : quint32 {
    Keyspace = 1 << 0,
    Read = 1 << 1,
    Write = 1 << 2,
    Set = 1 << 3,
    SortedSet = 1 << 4,
    List = 1 << 5,
    Hash = 1 << 6,
    String = 1 << 7,
    Bitmap = 1 << 8,
    HyperLogLog = 1 << 9,
    Geo = 1 << 10,
    Stream = 1 << 11,
    PubSub = 1 << 12,
    Admin = 1 << 13,
    Fast = 1 << 14,
    Slow = 1 << 15,
    Blocking = 1 << 16,
    Dangerous = 1 << 17,
    Connection = 1 << 18,
    Transaction = 1 << 19,
    Scripting = 1 << 20,
};
// Their names, in bit order (Redis's ACLCommandCategories order, which ACL CAT lists).
inline constexpr const char *Names[] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting",
};
} // namespace AclCategory

// Key-spec flags (Redis 7 key specifications), reported by COMMAND INFO.
namespace KeyFlag {
enum : quint32 {
    RO = 1 << 0,
    RW = 1 << 1,
    OW = 1 << 2,
    RM = 1 << 3,
    Access = 1 << 4,
    Update = 1 << 5,
    Insert = 1 << 6,
    Delete = 1 << 7,
    NotKey = 1 << 8,
    Incomplete = 1 << 9,
    VariableFlags = 1 << 10,
};
}

/* One Redis 7 key specification: where the keys start (begin_search "index") and how many
 * follow. find_keys is either "range" (lastKey relative to the start, -1 = the last argument;
 * keyStep; limit) or, made with keynumSpec(), "keynum" (the argument at index + keynumIndex
 * counts the keys, the first is at index + firstKey, then every keyStep: ZUNIONSTORE, LMPOP...).
 * COMMAND INFO reports these as they are; the older first/last/step are in Command.
 */
struct KeySpec
{
    quint32 flags;
    int index;
    int lastKey = 0;
    int keyStep = 1;
    int limit = 0;
    const char *notes = nullptr;
    bool keynum = false;
    int keynumIndex = 0;
    int firstKey = 0;
    bool unknown = false;
    // begin_search "keyword" instead of "index": the keys start after this word, searched
    // from argument index (XREAD's STREAMS).
    const char *keyword = nullptr;
};

inline KeySpec keynumSpec(quint32 flags, int index, int keynumIndex, int firstKey, int keyStep,
                          const char *notes = nullptr)
{
    KeySpec spec { flags, index, 0, keyStep, 0, notes };
    spec.keynum = true;
    spec.keynumIndex = keynumIndex;
    spec.firstKey = firstKey;
    return spec;
}

// Keys after a keyword found from argument startFrom on (begin_search "keyword"), then a range.
inline KeySpec keywordSpec(quint32 flags, const char *keyword, int startFrom, int lastKey,
                           int keyStep, int limit)
{
    KeySpec spec { flags, startFrom, lastKey, keyStep, limit };
    spec.keyword = keyword;
    return spec;
}

// Keys whose place no spec can say (SORT's BY/GET patterns and STORE anywhere): begin_search and
// find_keys "unknown". COMMAND GETKEYS then asks the command's keys function.
inline KeySpec unknownSpec(quint32 flags, const char *notes)
{
    KeySpec spec { flags, 0, 0, 1, 0, notes };
    spec.unknown = true;
    return spec;
}

// A key argument found by COMMAND GETKEYS: its position (0 = the command name) and KeyFlag bits.
struct KeyReference
{
    qsizetype pos;
    quint32 flags;
};
// Redis's getkeys_proc, for commands whose specs include an unknown one: the keys of argv.
using KeysFunction = std::vector<KeyReference> (*)(const QByteArrayView *argv, qsizetype argc);

/* One row of the command table.
 * name      lowercase command name; subcommands are looked up inside their parent.
 * arity     number of arguments including the name; negative means "at least -arity".
 * flags     CommandFlag bits.
 * handler   the function that runs it; nullptr for a parent that only has subcommands.
 * firstKey, lastKey, keyStep  key positions for COMMAND (lastKey -1 = the last argument).
 * Optional, set with the chained setters so that rows stay one expression:
 * acl       explicit AclCategory bits; keys  key specs; tips  Redis's command tips;
 * keysFunction  what COMMAND GETKEYS uses when a key spec is unknown.
 */
struct Command
{
    Command(QByteArray name, int arity, quint32 flags, CommandHandler handler, int firstKey = 0,
            int lastKey = 0, int keyStep = 0)
        : name(std::move(name))
        , arity(arity)
        , flags(flags)
        , handler(handler)
        , firstKey(firstKey)
        , lastKey(lastKey)
        , keyStep(keyStep)
    { }

    QByteArray name;
    int arity;
    quint32 flags;
    CommandHandler handler;
    int firstKey = 0;
    int lastKey = 0;
    int keyStep = 0;
    std::vector<Command> subcommands;
    quint32 aclCategories = 0;
    std::vector<KeySpec> keySpecs;
    std::vector<const char *> tips;
    KeysFunction getKeys = nullptr;

    void resetStats()
    {
        calls = microseconds = rejectedCalls = failedCalls = 0;
        latency.reset();
    }

    Command &&acl(quint32 categories) &&
    {
        aclCategories |= categories;
        return std::move(*this);
    }
    Command &&keys(std::vector<KeySpec> specs) &&
    {
        keySpecs = std::move(specs);
        return std::move(*this);
    }
    Command &&withTips(std::vector<const char *> list) &&
    {
        tips = std::move(list);
        return std::move(*this);
    }
    Command &&keysFunction(KeysFunction function) &&
    {
        getKeys = function;
        return std::move(*this);
    }

    // Statistics for INFO commandstats, updated by the dispatcher.
    QByteArray fullName; // "get" or "client|setname"
    int id = -1;         // dense index of every command and subcommand, for ACL bitmaps
    Command *parent = nullptr;
    quint64 calls = 0;
    quint64 microseconds = 0;
    quint64 rejectedCalls = 0;
    quint64 failedCalls = 0;
    // INFO latencystats and LATENCY HISTOGRAM: made at its first call while latency-tracking
    // is on, dropped by CONFIG RESETSTAT. Shared only because rows are copied while the table
    // is built (subcommand lists), before any histogram exists.
    std::shared_ptr<LatencyHistogram> latency;
};

// The registry of every command. Family files add their rows at start-up; lookup is
// case-insensitive and does not allocate.
class CommandTable
{
public:
    CommandTable();
    CommandTable(const CommandTable &) = delete;
    CommandTable &operator=(const CommandTable &) = delete;

    void add(Command command);
    Command *find(QByteArrayView name);
    static Command *findSubcommand(Command &parent, QByteArrayView name);
    std::vector<Command *> all();
    qsizetype count() const { return m_commands.size(); }
    // Commands and subcommands by Command::id, in table order (a parent before its subcommands).
    const std::vector<Command *> &byId() const { return m_byId; }

private:
    void assignIds(Command &command, Command *parent);

    QHash<QByteArray, Command *> m_byName;
    std::vector<std::unique_ptr<Command>> m_commands;
    std::vector<Command *> m_byId;
};

// The explicit categories plus those the flags imply (Redis's setImplicitACLCategories).
quint32 aclCategories(const Command &command);

// Each family registers its commands (one source file each).
void registerConnectionCommands(CommandTable &table);
void registerStringCommands(CommandTable &table);
void registerKeyspaceCommands(CommandTable &table);
void registerServerCommands(CommandTable &table);
void registerExpireCommands(CommandTable &table);
void registerConfigCommands(CommandTable &table);
void registerBitCommands(CommandTable &table);
void registerSlowlogCommands(CommandTable &table);
void registerTransactionCommands(CommandTable &table);
void registerHashCommands(CommandTable &table);
void registerListCommands(CommandTable &table);
void registerSetCommands(CommandTable &table);
void registerZSetCommands(CommandTable &table);
void registerMemoryCommands(CommandTable &table);
void registerLatencyCommands(CommandTable &table);
void registerSortCommands(CommandTable &table);
void registerPubSubCommands(CommandTable &table);
void registerPersistCommands(CommandTable &table);
void registerReplicationCommands(CommandTable &table);
void registerStreamCommands(CommandTable &table);
void registerStreamGroupCommands(CommandTable &table);
void registerStreamInfoCommands(CommandTable &table);
void registerScriptingCommands(CommandTable &table);
void registerAclCommands(CommandTable &table);
