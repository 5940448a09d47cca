#include "commandtable.h"

namespace {

// Lowercases into a stack buffer so lookup needs no allocation; longer names match nothing.
constexpr qsizetype MaxNameLength = 64;

bool lowerName(QByteArrayView name, char (&buffer)[MaxNameLength])
{
    if (name.size() > MaxNameLength)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char c = name[i];
        buffer[i] = (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
    }
    return true;
}

void setFullNames(Command &command, const QByteArray &prefix)
{
    command.fullName = prefix.isEmpty() ? command.name : prefix + '|' + command.name;
    for (Command &sub : command.subcommands)
        setFullNames(sub, command.fullName);
}

} // namespace

CommandTable::CommandTable()
{
    registerConnectionCommands(*this);
    registerStringCommands(*this);
    registerKeyspaceCommands(*this);
    registerServerCommands(*this);
    registerExpireCommands(*this);
    registerConfigCommands(*this);
    registerBitCommands(*this);
    registerSlowlogCommands(*this);
    registerTransactionCommands(*this);
    registerHashCommands(*this);
    registerListCommands(*this);
    registerSetCommands(*this);
    registerZSetCommands(*this);
    registerMemoryCommands(*this);
    registerLatencyCommands(*this);
    registerSortCommands(*this);
    registerPubSubCommands(*this);
    registerPersistCommands(*this);
    registerReplicationCommands(*this);
    registerStreamCommands(*this);
    registerStreamGroupCommands(*this);
    registerStreamInfoCommands(*this);
    registerScriptingCommands(*this);
    registerAclCommands(*this);
}

void CommandTable::add(Command command)
{
    setFullNames(command, QByteArray());
    auto owned = std::make_unique<Command>(std::move(command));
    assignIds(*owned, nullptr);
    m_byName.insert(owned->name, owned.get());
    m_commands.push_back(std::move(owned));
}

// Subcommands live inside their parent's vector, which no longer moves once the row is owned.
void CommandTable::assignIds(Command &command, Command *parent)
{
    command.id = int(m_byId.size());
    command.parent = parent;
    m_byId.push_back(&command);
    for (Command &sub : command.subcommands)
        assignIds(sub, &command);
}

Command *CommandTable::find(QByteArrayView name)
{
    char buffer[MaxNameLength];
    if (!lowerName(name, buffer))
        return nullptr;
    return m_byName.value(QByteArray::fromRawData(buffer, name.size()), nullptr);
}

Command *CommandTable::findSubcommand(Command &parent, QByteArrayView name)
{
    char buffer[MaxNameLength];
    if (!lowerName(name, buffer))
        return nullptr;
    const QByteArrayView lowered(buffer, name.size());
    for (Command &sub : parent.subcommands) {
        if (sub.name == lowered)
            return &sub;
    }
    return nullptr;
}

std::vector<Command *> CommandTable::all()
{
    std::vector<Command *> result;
    result.reserve(m_commands.size());
    for (const auto &command : m_commands)
        result.push_back(command.get());
    return result;
}

quint32 aclCategories(const Command &command)
{
    using namespace CommandFlag;
    quint32 categories = command.aclCategories;
    if (command.flags & Write)
        categories |= AclCategory::Write;
    if ((command.flags & ReadOnly) && !(categories & AclCategory::Scripting))
        categories |= AclCategory::Read;
    if (command.flags & Admin)
        categories |= AclCategory::Admin | AclCategory::Dangerous;
    if (command.flags & PubSub)
        categories |= AclCategory::PubSub;
    if (command.flags & Fast)
        categories |= AclCategory::Fast;
    if (command.flags & Blocking)
        categories |= AclCategory::Blocking;
    if (!(categories & AclCategory::Fast))
        categories |= AclCategory::Slow;
    return categories;
}
