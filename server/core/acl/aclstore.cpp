#include "aclstore.h"

#include "commands/clientinfo.h"
#include "commands/commandtable.h"
#include "net/connection.h"
#include "protocol/argsplitter.h"

#include <QDateTime>
#include <QSet>

namespace {

bool isValidUserName(QByteArrayView name)
{
    return !name.contains(' ') && !name.contains('\0');
}

// Redis's ACLMergeSelectorArguments: a selector given as several arguments ("(~a" "+get)") is
// joined back into one rule; false with *error when one is left open.
bool mergeSelectorArguments(const QByteArrayView *rules, qsizetype count, QByteArrayList *merged,
                            QByteArray *error)
{
    qsizetype open = -1;
    QByteArray selector;
    for (qsizetype i = 0; i < count; ++i) {
        const QByteArrayView rule = rules[i];
        if (open < 0 && rule.startsWith('(') && !rule.endsWith(')')) {
            open = i;
            selector = rule.toByteArray();
        } else if (open >= 0) {
            selector += ' ' + rule.toByteArray();
            if (rule.endsWith(')')) {
                merged->append(selector);
                open = -1;
            }
        } else {
            merged->append(rule.toByteArray());
        }
    }
    if (open < 0)
        return true;
    *error = "ERR Unmatched parenthesis in acl selector starting at '" + rules[open].toByteArray()
            + "'.";
    return false;
}

} // namespace

AclStore::AclStore(CommandTable &table)
    : m_table(table)
{
    auto user = std::make_unique<AclUser>(QByteArrayLiteral("default"), table,
                                          &m_allChannelsByDefault);
    QByteArray unused;
    for (const char *rule : { "+@all", "~*", "&*", "on", "nopass" })
        user->apply(rule, &unused);
    m_default = user.get();
    m_users.emplace(user->name(), std::move(user));
}

AclUser *AclStore::find(QByteArrayView name) const
{
    const auto it = m_users.find(name.toByteArray());
    return it == m_users.end() ? nullptr : it->second.get();
}

bool AclStore::setUser(QByteArrayView name, const QByteArrayView *rules, qsizetype count,
                       QByteArray *error)
{
    if (!isValidUserName(name)) {
        *error = "ERR Usernames can't contain spaces or null characters";
        return false;
    }
    QByteArrayList merged;
    if (!mergeSelectorArguments(rules, count, &merged, error))
        return false;
    AclUser *existing = find(name);
    AclUser edited
            = existing ? *existing : AclUser(name.toByteArray(), m_table, &m_allChannelsByDefault);
    for (const QByteArray &rule : merged) {
        QByteArray reason;
        if (!edited.apply(rule, &reason)) {
            *error = "ERR Error in ACL SETUSER modifier '" + rule + "': " + reason;
            return false;
        }
    }
    if (existing)
        *existing = std::move(edited);
    else
        m_users.emplace(name.toByteArray(), std::make_unique<AclUser>(std::move(edited)));
    return true;
}

std::unique_ptr<AclUser> AclStore::take(QByteArrayView name)
{
    const auto it = m_users.find(name.toByteArray());
    if (it == m_users.end() || it->second.get() == m_default)
        return nullptr;
    std::unique_ptr<AclUser> user = std::move(it->second);
    m_users.erase(it);
    return user;
}

void AclStore::setDefaultPassword(const QByteArray &password)
{
    QByteArray unused;
    m_default->apply("resetpass", &unused);
    m_default->apply(password.isEmpty() ? QByteArray("nopass") : '>' + password, &unused);
}

AclUser *AclStore::authenticate(QByteArrayView name, QByteArrayView password) const
{
    AclUser *user = find(name);
    if (!user || !user->isEnabled() || !user->checkPassword(password))
        return nullptr;
    return user;
}

bool AclStore::parseFile(const QByteArray &text, std::vector<std::unique_ptr<AclUser>> *loaded,
                         QByteArray *error) const
{
    QByteArray errors;
    QSet<QByteArray> seen;
    int lineNumber = 0;
    for (const QByteArray &rawLine : text.split('\n')) {
        ++lineNumber;
        const QByteArray line = rawLine.trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        QList<QByteArray> words;
        if (!splitInlineArgs(line, &words)) {
            errors += "line " + QByteArray::number(lineNumber)
                    + ": unbalanced quotes in acl line. ";
            continue;
        }
        if (words.empty())
            continue;
        if (words[0] != "user" || words.size() < 2) {
            errors += "line " + QByteArray::number(lineNumber)
                    + ": should start with user keyword followed by the username. ";
            continue;
        }
        if (seen.contains(words[1])) {
            errors += "line " + QByteArray::number(lineNumber) + ": duplicate user '" + words[1]
                    + "' found. ";
            continue;
        }
        seen.insert(words[1]);
        auto user = std::make_unique<AclUser>(words[1], m_table, &m_allChannelsByDefault);
        const std::vector<QByteArrayView> views(words.begin() + 2, words.end());
        QByteArrayList rules;
        QByteArray reason;
        if (!mergeSelectorArguments(views.data(), qsizetype(views.size()), &rules, &reason)) {
            errors += "line " + QByteArray::number(lineNumber) + ": " + reason.mid(4) + ' ';
            continue;
        }
        for (const QByteArray &rule : rules) {
            if (!user->apply(rule, &reason)) {
                errors += "line " + QByteArray::number(lineNumber)
                        + ": Error in applying operation '" + rule + "': " + reason + ". ";
                break;
            }
        }
        loaded->push_back(std::move(user));
    }
    if (!errors.isEmpty()) {
        errors.chop(1);
        *error = errors;
        loaded->clear();
        return false;
    }
    if (!seen.contains("default")) {
        auto user = std::make_unique<AclUser>(*m_default);
        loaded->push_back(std::move(user));
    }
    return true;
}

std::vector<std::unique_ptr<AclUser>>
AclStore::replaceUsers(std::vector<std::unique_ptr<AclUser>> users)
{
    std::vector<std::unique_ptr<AclUser>> removed;
    for (auto &entry : m_users) {
        if (entry.second.get() == m_default)
            entry.second.release(); // re-inserted below, with the loaded rules
        else
            removed.push_back(std::move(entry.second));
    }
    m_users.clear();
    for (std::unique_ptr<AclUser> &user : users) {
        if (user->name() == "default") {
            *m_default = std::move(*user);
            continue;
        }
        const QByteArray name = user->name();
        m_users.emplace(name, std::move(user));
    }
    m_users.emplace(m_default->name(), std::unique_ptr<AclUser>(m_default));
    return removed;
}

QByteArrayList AclStore::userLines() const
{
    QByteArrayList lines;
    for (const auto &entry : m_users)
        lines.append("user " + entry.first + ' ' + entry.second->describe());
    return lines;
}

void AclStore::logDenial(const Connection &c, AclSelector::Verdict verdict, const char *context,
                         QByteArray object, QByteArray username, long long maxLength)
{
    const char *reason = verdict == AclSelector::Verdict::DeniedCommand ? "command"
            : verdict == AclSelector::Verdict::DeniedKey                ? "key"
            : verdict == AclSelector::Verdict::DeniedChannel            ? "channel"
                                                                        : "auth";
    m_log.add({ 1, reason, context, std::move(object), std::move(username),
                QDateTime::currentMSecsSinceEpoch(), ClientInfo::describe(c, c) },
              maxLength);
}

QByteArray AclStore::deniedError(AclSelector::Verdict verdict, const Command &command)
{
    switch (verdict) {
    case AclSelector::Verdict::DeniedKey:
        return QByteArrayLiteral("NOPERM this user has no permissions to access one of the keys "
                                 "used as arguments");
    case AclSelector::Verdict::DeniedChannel:
        return QByteArrayLiteral("NOPERM this user has no permissions to access one of the "
                                 "channels used as arguments");
    default:
        return "NOPERM this user has no permissions to run the '" + command.fullName + "' command";
    }
}
