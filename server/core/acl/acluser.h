#pragma once

#include "aclselector.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>

#include <vector>

// One ACL user (Redis 7.0's user): enabled or not, its passwords as SHA-256 hex digests (never
// the passwords themselves), and its selectors, the first being the root one ACL SETUSER edits
// directly. A value type: ACL SETUSER edits a copy and assigns it back only when every rule
// was accepted.
class AclUser
{
public:
    // allChannelsByDefault: acl-pubsub-default as it is when a selector is made (the user's
    // root one now, a `(...)` one or a reset later), which outlives the user (AclStore's).
    AclUser(QByteArray name, CommandTable &table, const bool *allChannelsByDefault);

    const QByteArray &name() const { return m_name; }
    bool isEnabled() const { return m_enabled; }
    bool isNoPass() const { return m_noPass; }
    // Every command, key and channel (the default user, unless changed): one flag test.
    bool isUnrestricted() const { return m_unrestricted; }

    // Applies one ACL SETUSER rule; false with *error (Redis's text after "modifier 'x': ").
    bool apply(QByteArrayView rule, QByteArray *error);
    // Whether password is one of the user's (or it has nopass): the SHA-256 digests are
    // compared in constant time.
    bool checkPassword(QByteArrayView password) const;

    // The verdict of the user's selectors on a command (Redis's ACLCheckAllUserCommandPerm):
    // allowed if any selector allows it, else the most specific denial and its argument index.
    AclSelector::Verdict check(const Command &command, const QByteArrayView *argv, qsizetype argc,
                               qsizetype *index) const;

    // Whether any selector allows channel (see AclSelector::allowsChannel).
    bool allowsChannel(QByteArrayView channel, bool literal) const;

    // ACL LIST's line without "user <name> ".
    QByteArray describe() const;
    // ACL GETUSER's flags ("on", "nopass"...), in Redis's order.
    QByteArrayList flagNames() const;
    const QByteArrayList &passwordHashes() const { return m_passwords; }
    const std::vector<AclSelector> &selectors() const { return m_selectors; }

    static QByteArray hashPassword(QByteArrayView password);

private:
    enum class Sanitize : quint8 { Unset, Skip, Sanitize };

    bool applyPasswordRule(QByteArrayView rule, QByteArray *error);
    void reset();
    // A selector as Redis's ACLCreateSelector makes it: nothing allowed, but every channel when
    // acl-pubsub-default is allchannels.
    AclSelector newSelector() const;
    void update() { m_unrestricted = m_selectors.size() == 1 && m_selectors[0].allowsEverything(); }

    QByteArray m_name;
    CommandTable *m_table;
    const bool *m_allChannelsByDefault;
    QByteArrayList m_passwords; // lowercase SHA-256 hex, in the order added
    std::vector<AclSelector> m_selectors;
    bool m_enabled = false;
    bool m_noPass = false;
    Sanitize m_sanitize = Sanitize::Unset;
    bool m_unrestricted = false;
};
