#include "acluser.h"

#include <QCryptographicHash>

#include <algorithm>

namespace {

bool equalsNoCase(QByteArrayView a, const char *b)
{
    return a.compare(QByteArrayView(b), Qt::CaseInsensitive) == 0;
}

bool isValidHash(QByteArrayView hash)
{
    if (hash.size() != 64)
        return false;
    for (char c : hash) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

// The words of a selector's "(...)" text, split on spaces.
QList<QByteArrayView> selectorRules(QByteArrayView text)
{
    QList<QByteArrayView> rules;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == ' ') {
            if (i > start)
                rules.append(text.sliced(start, i - start));
            start = i + 1;
        }
    }
    return rules;
}

} // namespace

AclUser::AclUser(QByteArray name, CommandTable &table, const bool *allChannelsByDefault)
    : m_name(std::move(name))
    , m_table(&table)
    , m_allChannelsByDefault(allChannelsByDefault)
{
    m_selectors.push_back(newSelector());
    update();
}

AclSelector AclUser::newSelector() const
{
    AclSelector selector(*m_table);
    if (*m_allChannelsByDefault)
        selector.apply("allchannels");
    return selector;
}

QByteArray AclUser::hashPassword(QByteArrayView password)
{
    return QCryptographicHash::hash(password, QCryptographicHash::Sha256).toHex();
}

bool AclUser::checkPassword(QByteArrayView password) const
{
    if (m_noPass)
        return true;
    // Compare digests, not passwords, and every byte of them, so that the time taken says
    // nothing about how much of a guess was right.
    const QByteArray hash = hashPassword(password);
    bool found = false;
    for (const QByteArray &stored : m_passwords) {
        unsigned char difference = 0;
        for (qsizetype i = 0; i < hash.size(); ++i)
            difference |= static_cast<unsigned char>(hash[i] ^ stored[i]);
        found |= difference == 0;
    }
    return found;
}

void AclUser::reset()
{
    m_passwords.clear();
    m_noPass = false;
    m_enabled = false;
    m_sanitize = Sanitize::Sanitize;
    m_selectors.resize(1, AclSelector(*m_table));
    AclSelector &root = m_selectors[0];
    root.apply("resetkeys");
    root.apply("resetchannels");
    if (*m_allChannelsByDefault)
        root.apply("allchannels");
    root.apply("-@all");
}

bool AclUser::applyPasswordRule(QByteArrayView rule, QByteArray *error)
{
    const char kind = rule[0];
    QByteArray hash;
    if (kind == '>' || kind == '<') {
        hash = hashPassword(rule.sliced(1));
    } else {
        hash = rule.sliced(1).toByteArray();
        if (!isValidHash(hash)) {
            *error = "The password hash must be exactly 64 characters and contain only "
                     "lowercase hexadecimal characters";
            return false;
        }
    }
    if (kind == '>' || kind == '#') {
        if (!m_passwords.contains(hash))
            m_passwords.append(hash);
    } else if (!m_passwords.removeOne(hash)) {
        *error = "The password you are trying to remove from the user does not exist";
        return false;
    }
    m_noPass = false;
    return true;
}

bool AclUser::apply(QByteArrayView rule, QByteArray *error)
{
    if (equalsNoCase(rule, "on")) {
        m_enabled = true;
    } else if (equalsNoCase(rule, "off")) {
        m_enabled = false;
    } else if (equalsNoCase(rule, "skip-sanitize-payload")) {
        m_sanitize = Sanitize::Skip;
    } else if (equalsNoCase(rule, "sanitize-payload")) {
        m_sanitize = Sanitize::Sanitize;
    } else if (equalsNoCase(rule, "nopass")) {
        m_noPass = true;
        m_passwords.clear();
    } else if (equalsNoCase(rule, "resetpass")) {
        m_noPass = false;
        m_passwords.clear();
    } else if (!rule.isEmpty()
               && (rule[0] == '>' || rule[0] == '<' || rule[0] == '#' || rule[0] == '!')) {
        return applyPasswordRule(rule, error);
    } else if (equalsNoCase(rule, "reset")) {
        reset();
    } else if (equalsNoCase(rule, "clearselectors")) {
        m_selectors.resize(1, AclSelector(*m_table));
    } else if (rule.startsWith('(') && rule.endsWith(')')) {
        AclSelector selector = newSelector();
        for (QByteArrayView part : selectorRules(rule.sliced(1, rule.size() - 2))) {
            const AclSelector::RuleError failed = selector.apply(part);
            if (failed != AclSelector::RuleError::None) {
                *error = AclSelector::errorText(failed);
                return false;
            }
        }
        m_selectors.push_back(std::move(selector));
    } else {
        const AclSelector::RuleError failed = m_selectors[0].apply(rule);
        if (failed != AclSelector::RuleError::None) {
            *error = AclSelector::errorText(failed);
            return false;
        }
    }
    update();
    return true;
}

AclSelector::Verdict AclUser::check(const Command &command, const QByteArrayView *argv,
                                    qsizetype argc, qsizetype *index) const
{
    AclSelector::Verdict worst = AclSelector::Verdict::DeniedCommand;
    qsizetype worstIndex = 0;
    for (const AclSelector &selector : m_selectors) {
        qsizetype at = 0;
        const AclSelector::Verdict verdict = selector.check(command, argv, argc, &at);
        if (verdict == AclSelector::Verdict::Ok)
            return verdict;
        if (verdict > worst || (verdict == worst && at > worstIndex)) {
            worst = verdict;
            worstIndex = at;
        }
    }
    *index = worstIndex;
    return worst;
}

bool AclUser::allowsChannel(QByteArrayView channel, bool literal) const
{
    return std::any_of(m_selectors.begin(), m_selectors.end(), [&](const AclSelector &selector) {
        return selector.allowsChannel(channel, literal);
    });
}

QByteArrayList AclUser::flagNames() const
{
    QByteArrayList flags { m_enabled ? "on" : "off" };
    if (m_noPass)
        flags.append("nopass");
    if (m_sanitize == Sanitize::Skip)
        flags.append("skip-sanitize-payload");
    else if (m_sanitize == Sanitize::Sanitize)
        flags.append("sanitize-payload");
    return flags;
}

QByteArray AclUser::describe() const
{
    QByteArray text = flagNames().join(' ') + ' ';
    for (const QByteArray &hash : m_passwords)
        text += '#' + hash + ' ';
    text += m_selectors[0].describe();
    for (size_t i = 1; i < m_selectors.size(); ++i)
        text += " (" + m_selectors[i].describe() + ')';
    return text;
}
