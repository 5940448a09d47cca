#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

#include <memory>
#include <vector>

class Connection;

// A command handler reads its arguments from the client and appends exactly one reply.
using CommandHandler = void (*)(Connection &client);

// Flags, as in Redis's command table; COMMAND reports them by these names.
namespace CommandFlag {
enum : quint32 {
    Write = 1 << 0,       // may modify the keyspace
    ReadOnly = 1 << 1,    // reads keys only
    Admin = 1 << 2,       // server administration
    Fast = 1 << 3,        // O(1) or O(log N)
    NoAuth = 1 << 4,      // allowed before AUTH (AUTH, HELLO, QUIT, RESET)
    Stale = 1 << 5,       // allowed while loading / replica stale
    Loading = 1 << 6,     // allowed while loading
    NoScript = 1 << 7,    // not allowed from scripts
    DenyOom = 1 << 8,     // may grow memory
    NoLog = 1 << 9,       // never shown in the command log (AUTH: passwords)
    CloseAfter = 1 << 10, // the cross-protocol guard (POST, Host:): close without a reply
};
}

/* One row of the command table.
 * name      lowercase command name; subcommands are looked up inside their parent.
 * arity     number of arguments including the name; negative means "at least -arity".
 * flags     CommandFlag bits.
 * handler   the function that runs it; nullptr for a parent that only has subcommands.
 * firstKey, lastKey, keyStep  key positions for COMMAND (lastKey -1 = the last argument).
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
    {
    }

    QByteArray name;
    int arity;
    quint32 flags;
    CommandHandler handler;
    int firstKey = 0;
    int lastKey = 0;
    int keyStep = 0;
    std::vector<Command> subcommands;

    // Statistics for INFO commandstats, updated by the dispatcher.
    QByteArray fullName; // "get" or "client|setname"
    quint64 calls = 0;
    quint64 microseconds = 0;
    quint64 rejectedCalls = 0;
    quint64 failedCalls = 0;
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

private:
    QHash<QByteArray, Command *> m_byName;
    std::vector<std::unique_ptr<Command>> m_commands;
};

// Each family registers its commands (one source file each).
void registerConnectionCommands(CommandTable &table);
void registerStringCommands(CommandTable &table);
void registerKeyspaceCommands(CommandTable &table);
void registerServerCommands(CommandTable &table);
