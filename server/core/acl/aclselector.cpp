#include "aclselector.h"

#include "commands/commandkeys.h"
#include "commands/commandtable.h"
#include "store/globmatch.h"

#include <climits>
#include <iterator>

namespace {

bool equalsNoCase(QByteArrayView a, const char *b)
{
    return a.compare(QByteArrayView(b), Qt::CaseInsensitive) == 0;
}

quint32 categoryNamed(QByteArrayView name)
{
    for (size_t i = 0; i < std::size(AclCategory::Names); ++i) {
        if (equalsNoCase(name, AclCategory::Names[i]))
            return 1u << i;
    }
    return 0;
}

// Redis's lookupCommandBySdsLogic on the original table: "name" or "container|sub"; a "|" part
// after a command without subcommands names nothing.
const Command *lookupCommand(CommandTable &table, QByteArrayView fullName)
{
    const qsizetype bar = fullName.indexOf('|');
    if (bar < 0)
        return table.find(fullName);
    Command *parent = table.find(fullName.first(bar));
    const QByteArrayView sub = fullName.sliced(bar + 1);
    if (!parent || parent->subcommands.empty() || sub.contains('|'))
        return nullptr;
    return CommandTable::findSubcommand(*parent, sub);
}

// Where a command names channels (Redis's getChannelsFromCommand for the commands whose channel
// arguments ACL checks: publishing and subscribing ones). literal: the argument is a pattern
// that must equal an allowed one rather than match it.
bool channelArguments(const Command &command, qsizetype argc, qsizetype *first, qsizetype *last,
                      bool *literal)
{
    const QByteArray &name = command.fullName;
    *literal = false;
    if (name == "publish" || name == "spublish") {
        *first = *last = 1;
        return true;
    }
    *first = 1;
    *last = argc - 1;
    if (name == "subscribe" || name == "ssubscribe")
        return true;
    *literal = true;
    return name == "psubscribe";
}

} // namespace

AclSelector::AclSelector(CommandTable &table)
    : m_table(&table)
    , m_commands(table.byId().size(), false)
{ }

const char *AclSelector::errorText(RuleError error)
{
    switch (error) {
    case RuleError::None: break;
    case RuleError::Syntax: return "Syntax error";
    case RuleError::UnknownName: return "Unknown command or category name in ACL";
    case RuleError::KeyAfterAll:
        return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
               "does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case RuleError::ChannelAfterAll:
        return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and "
               "does not have any effect. Try 'resetchannels' to start with an empty list of "
               "channels";
    }
    return "";
}

AclSelector::RuleError AclSelector::apply(QByteArrayView rule)
{
    if (equalsNoCase(rule, "allkeys") || rule == "~*") {
        m_allKeys = true;
        m_keys.clear();
    } else if (equalsNoCase(rule, "resetkeys")) {
        m_allKeys = false;
        m_keys.clear();
    } else if (equalsNoCase(rule, "allchannels") || rule == "&*") {
        m_allChannels = true;
        m_channels.clear();
    } else if (equalsNoCase(rule, "resetchannels")) {
        m_allChannels = false;
        m_channels.clear();
    } else if (equalsNoCase(rule, "allcommands") || equalsNoCase(rule, "+@all")) {
        setAllCommands(true);
    } else if (equalsNoCase(rule, "nocommands") || equalsNoCase(rule, "-@all")) {
        setAllCommands(false);
    } else if (rule.startsWith('~') || rule.startsWith('%')) {
        return addKeyPattern(rule);
    } else if (rule.startsWith('&')) {
        if (m_allChannels)
            return RuleError::ChannelAfterAll;
        const QByteArray channel = rule.sliced(1).toByteArray();
        if (!m_channels.contains(channel))
            m_channels.append(channel);
    } else if (rule.startsWith('+') || rule.startsWith('-')) {
        return applyCommandRule(rule);
    } else {
        return RuleError::Syntax;
    }
    return RuleError::None;
}

AclSelector::RuleError AclSelector::addKeyPattern(QByteArrayView rule)
{
    if (m_allKeys)
        return RuleError::KeyAfterAll;
    quint8 permissions = Read | Write;
    qsizetype offset = 1;
    if (rule.startsWith('%')) {
        // %R~, %W~, %RW~: each letter once, then the pattern after '~'.
        permissions = 0;
        for (; offset < rule.size(); ++offset) {
            const char c = rule[offset];
            if ((c == 'R' || c == 'r') && !(permissions & Read)) {
                permissions |= Read;
            } else if ((c == 'W' || c == 'w') && !(permissions & Write)) {
                permissions |= Write;
            } else if (c == '~') {
                ++offset;
                break;
            } else {
                return RuleError::Syntax;
            }
        }
    }
    const QByteArrayView pattern = rule.sliced(qMin(offset, rule.size()));
    if (pattern == "*" && permissions == (Read | Write)) {
        m_allKeys = true;
        m_keys.clear();
        return RuleError::None;
    }
    for (KeyPattern &existing : m_keys) {
        if (existing.pattern == pattern) {
            existing.permissions |= permissions;
            return RuleError::None;
        }
    }
    m_keys.push_back({ pattern.toByteArray(), permissions });
    return RuleError::None;
}

AclSelector::RuleError AclSelector::applyCommandRule(QByteArrayView rule)
{
    const bool allow = rule.startsWith('+');
    const QByteArrayView name = rule.sliced(1);
    if (name.startsWith('@')) {
        const quint32 category = categoryNamed(name.sliced(1));
        if (!category)
            return RuleError::UnknownName;
        setCategory(category, allow);
        return RuleError::None;
    }
    const qsizetype bar = name.indexOf('|');
    if (!allow || bar < 0) {
        const Command *command = lookupCommand(*m_table, name);
        if (!command)
            return RuleError::UnknownName;
        setCommand(*command, allow);
        return RuleError::None;
    }
    const Command *command = lookupCommand(*m_table, name.first(bar));
    if (!command)
        return RuleError::UnknownName;
    const QByteArrayView sub = name.sliced(bar + 1);
    if (sub.isEmpty())
        return RuleError::Syntax;
    if (!command->subcommands.empty()) {
        const Command *subcommand = lookupCommand(*m_table, name);
        if (!subcommand)
            return RuleError::UnknownName;
        setCommand(*subcommand, true);
        return RuleError::None;
    }
    // A first argument allowed for a command otherwise denied (SELECT|0), which Redis 7.0
    // still accepts though it deprecates it.
    QByteArrayList &allowed = m_firstArgs[command->id];
    for (const QByteArray &existing : allowed) {
        if (existing.compare(sub, Qt::CaseInsensitive) == 0)
            return RuleError::None;
    }
    allowed.append(sub.toByteArray());
    return RuleError::None;
}

void AclSelector::setAllCommands(bool on)
{
    m_commands.assign(m_commands.size(), on);
    m_future = on;
    m_allCommands = on;
    m_firstArgs.clear();
}

void AclSelector::setCommand(const Command &command, bool on)
{
    m_commands[size_t(command.id)] = on;
    m_firstArgs.erase(command.id);
    for (const Command &sub : command.subcommands)
        m_commands[size_t(sub.id)] = on;
    if (!on)
        m_allCommands = false;
}

void AclSelector::setCategory(quint32 category, bool on)
{
    for (const Command *command : m_table->byId()) {
        if (aclCategories(*command) & category)
            setCommand(*command, on);
    }
}

void AclSelector::countCategory(quint32 category, int *on, int *off) const
{
    *on = *off = 0;
    for (const Command *command : m_table->byId()) {
        if (aclCategories(*command) & category)
            ++(m_commands[size_t(command->id)] ? *on : *off);
    }
}

bool AclSelector::allowsCommand(const Command &command, const QByteArrayView *argv,
                                qsizetype argc) const
{
    if (m_allCommands || (command.flags & CommandFlag::NoAuth) || m_commands[size_t(command.id)])
        return true;
    const auto allowed = m_firstArgs.find(command.id);
    const qsizetype index = command.parent ? 2 : 1;
    if (allowed == m_firstArgs.end() || argc <= index)
        return false;
    for (const QByteArray &arg : allowed->second) {
        if (arg.compare(argv[index], Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool AclSelector::allowsKey(QByteArrayView key, quint32 keyFlags) const
{
    quint8 needed = 0;
    if (keyFlags & KeyFlag::Access)
        needed |= Read;
    if (keyFlags & (KeyFlag::Insert | KeyFlag::Delete | KeyFlag::Update))
        needed |= Write;
    for (const KeyPattern &pattern : m_keys) {
        if ((pattern.permissions & needed) == needed && globMatch(pattern.pattern, key))
            return true;
    }
    return false;
}

bool AclSelector::allowsChannel(QByteArrayView channel, bool literal) const
{
    if (m_allChannels)
        return true;
    for (const QByteArray &pattern : m_channels) {
        if (literal ? pattern == channel : globMatch(pattern, channel))
            return true;
    }
    return false;
}

AclSelector::Verdict AclSelector::check(const Command &command, const QByteArrayView *argv,
                                        qsizetype argc, qsizetype *index) const
{
    if (!allowsCommand(command, argv, argc))
        return Verdict::DeniedCommand;
    if (!m_allKeys && CommandKeys::hasKeyArguments(command)) {
        for (const KeyReference &key : CommandKeys::find(command, argv, argc)) {
            if (!allowsKey(argv[key.pos], key.flags)) {
                *index = key.pos;
                return Verdict::DeniedKey;
            }
        }
    }
    qsizetype first = 0;
    qsizetype last = 0;
    bool literal = false;
    if (!m_allChannels && (command.flags & CommandFlag::PubSub)
        && channelArguments(command, argc, &first, &last, &literal)) {
        for (qsizetype i = first; i <= last && i < argc; ++i) {
            if (!allowsChannel(argv[i], literal)) {
                *index = i;
                return Verdict::DeniedChannel;
            }
        }
    }
    return Verdict::Ok;
}

QByteArray AclSelector::keyPatternText(const KeyPattern &key)
{
    const char *prefix = key.permissions == (Read | Write) ? "~"
            : key.permissions == Read                      ? "%R~"
            : key.permissions == Write                     ? "%W~"
                                                           : "%~";
    return prefix + key.pattern;
}

QByteArray AclSelector::describeKeys() const
{
    if (m_allKeys)
        return QByteArrayLiteral("~*");
    QByteArrayList patterns;
    for (const KeyPattern &key : m_keys)
        patterns.append(keyPatternText(key));
    return patterns.join(' ');
}

QByteArray AclSelector::describeChannels() const
{
    if (m_allChannels)
        return QByteArrayLiteral("&*");
    QByteArrayList channels;
    for (const QByteArray &channel : m_channels)
        channels.append('&' + channel);
    return channels.join(' ');
}

/* Redis 7.0's ACLDescribeSelectorCommandRules: start from +@all (when the selector can run
 * future commands) or -@all, then repeatedly apply the category that best fits the commands
 * still to be described (more in common than different, fewest differences, then most in
 * common), then fix single commands one by one. A fake selector replays the rules to know what
 * is still different. */
QByteArray AclSelector::describeCommands() const
{
    const bool additive = !m_future;
    QByteArray rules = additive ? "-@all " : "+@all ";
    AclSelector fake(*m_table);
    fake.setAllCommands(!additive);
    AclSelector remaining = *this;
    bool applied[std::size(AclCategory::Names)] = {};
    while (true) {
        int best = -1;
        int minDiff = INT_MAX;
        int maxSame = 0;
        for (size_t j = 0; j < std::size(AclCategory::Names); ++j) {
            if (applied[j])
                continue;
            int on = 0;
            int off = 0;
            remaining.countCategory(1u << j, &on, &off);
            const int diff = additive ? off : on;
            const int same = additive ? on : off;
            if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame))) {
                best = int(j);
                minDiff = diff;
                maxSame = same;
            }
        }
        if (best < 0)
            break;
        fake.setCategory(1u << best, additive);
        remaining.setCategory(1u << best, !additive);
        rules += (additive ? "+@" : "-@") + QByteArray(AclCategory::Names[best]) + ' ';
        applied[best] = true;
    }
    describeSingleCommands(&fake, &rules);
    rules.chop(1);
    return rules;
}

void AclSelector::describeSingleCommands(AclSelector *fake, QByteArray *rules) const
{
    for (const Command *command : m_table->byId()) {
        const bool mine = m_commands[size_t(command->id)];
        if (mine != fake->m_commands[size_t(command->id)]) {
            *rules += (mine ? '+' : '-') + command->fullName + ' ';
            fake->setCommand(*command, mine);
        }
        const auto allowed = m_firstArgs.find(command->id);
        if (!mine && allowed != m_firstArgs.end()) {
            for (const QByteArray &arg : allowed->second)
                *rules += '+' + command->fullName + '|' + arg + ' ';
        }
    }
}

QByteArray AclSelector::describe() const
{
    QByteArray text;
    if (m_allKeys) {
        text += "~* ";
    } else {
        for (const KeyPattern &key : m_keys)
            text += keyPatternText(key) + ' ';
    }
    if (m_allChannels) {
        text += "&* ";
    } else {
        text += "resetchannels ";
        for (const QByteArray &channel : m_channels)
            text += '&' + channel + ' ';
    }
    return text + describeCommands();
}
