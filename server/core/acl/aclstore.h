#pragma once

#include "acllog.h"
#include "acluser.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QString>

#include <map>
#include <memory>
#include <vector>

class Connection;

// Every ACL user, by name in byte order (as Redis's rax lists them), and the ACL log. The
// "default" user always exists: new connections start as it, and requirepass is its password.
// Users are owned here and never move, so a connection keeps a plain pointer to its user;
// whoever removes a user (ACL DELUSER, ACL LOAD) closes the connections that use it first.
class AclStore
{
public:
    explicit AclStore(CommandTable &table);

    AclUser *defaultUser() const { return m_default; }
    // acl-pubsub-default: whether users and selectors made from now on may use every channel
    // (allchannels) or none until told (resetchannels, Redis 7.0's default). Users already
    // there keep what they have.
    void setAllChannelsByDefault(bool on) { m_allChannelsByDefault = on; }
    AclUser *find(QByteArrayView name) const;
    const std::map<QByteArray, std::unique_ptr<AclUser>> &users() const { return m_users; }

    // ACL SETUSER: creates the user if needed and applies every rule, or none of them; on
    // failure *error is Redis's reply text (without the "ERR " prefix's dash).
    bool setUser(QByteArrayView name, const QByteArrayView *rules, qsizetype count,
                 QByteArray *error);
    // Removes a user other than "default" and hands it over, so that its connections can be
    // closed before it is freed; nullptr when there is none.
    std::unique_ptr<AclUser> take(QByteArrayView name);
    // requirepass: an empty one makes the default user nopass, as Redis's
    // ACLUpdateDefaultUserPassword.
    void setDefaultPassword(const QByteArray &password);
    // The user name/password let in, or nullptr (unknown, disabled or a wrong password).
    AclUser *authenticate(QByteArrayView name, QByteArrayView password) const;

    // Parses an ACL file's text ("user <name> <rules...>" lines) into users, checking it whole
    // as Redis's ACLLoadFromFile; false with *error (Redis's text) and nothing changed. On
    // success *loaded holds the new users (a default one included).
    bool parseFile(const QByteArray &text, std::vector<std::unique_ptr<AclUser>> *loaded,
                   QByteArray *error) const;
    // Replaces every user but the default one's object, which takes the loaded default's
    // rules; returns the users removed (their connections must be closed).
    std::vector<std::unique_ptr<AclUser>> replaceUsers(std::vector<std::unique_ptr<AclUser>> users);
    // "user <name> <rules>" for every user, by name: ACL LIST's reply, ACL SAVE's file and
    // CONFIG REWRITE's user lines.
    QByteArrayList userLines() const;

    // ACL LOG: a denial of what client c asked (context "toplevel", "multi" or "lua").
    AclLog &log() { return m_log; }
    void logDenial(const Connection &c, AclSelector::Verdict verdict, const char *context,
                   QByteArray object, QByteArray username, long long maxLength);
    // The NOPERM reply text of a denial by the command path.
    static QByteArray deniedError(AclSelector::Verdict verdict, const Command &command);

private:
    CommandTable &m_table;
    std::map<QByteArray, std::unique_ptr<AclUser>> m_users;
    AclUser *m_default = nullptr;
    AclLog m_log;
    bool m_allChannelsByDefault = false;
};
