#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>

#include <map>
#include <vector>

class CommandTable;
struct Command;

// One set of permissions of an ACL user (Redis 7.0's aclSelector): which commands it may run
// (a bit per Command::id, plus first arguments allowed for a command otherwise denied), which
// keys it may read or write and which Pub/Sub channels it may use. A user's root selector is
// what ACL SETUSER edits directly; `(...)` adds more. A value type, so that a failed ACL SETUSER
// leaves the user as it was.
class AclSelector
{
public:
    // What a check found, ordered as Redis's ACL_DENIED_*: the highest one wins across selectors.
    enum class Verdict { Ok, DeniedCommand, DeniedKey, DeniedAuth, DeniedChannel };
    // Why a rule was refused: Redis's errno values, each with its ACL SETUSER text.
    enum class RuleError { None, Syntax, UnknownName, KeyAfterAll, ChannelAfterAll };

    explicit AclSelector(CommandTable &table);

    // Applies one rule (~pattern, %RW~pattern, &channel, +cmd, -@category, allkeys...).
    RuleError apply(QByteArrayView rule);
    static const char *errorText(RuleError error);

    // The checks of Redis's ACLSelectorCheckCmd: command bit or allowed first argument, then the
    // keys the command's key specs find (with their read/write flags), then the channels it
    // publishes or subscribes to. *index is the argument that failed a key or channel check.
    Verdict check(const Command &command, const QByteArrayView *argv, qsizetype argc,
                  qsizetype *index) const;
    // Whether it may use channel: matching an allowed pattern, or equal to one when literal
    // (a PSUBSCRIBE pattern).
    bool allowsChannel(QByteArrayView channel, bool literal) const;
    // Every command, key and channel: the check can be skipped.
    bool allowsEverything() const { return m_allCommands && m_allKeys && m_allChannels; }

    // ACL LIST's text ("~* &* +@all"), and ACL GETUSER's three fields.
    QByteArray describe() const;
    QByteArray describeCommands() const;
    QByteArray describeKeys() const;
    QByteArray describeChannels() const;

private:
    enum KeyPermission : quint8 { Read = 1, Write = 2 };
    struct KeyPattern
    {
        QByteArray pattern;
        quint8 permissions;
    };

    static QByteArray keyPatternText(const KeyPattern &key);
    bool allowsCommand(const Command &command, const QByteArrayView *argv, qsizetype argc) const;
    bool allowsKey(QByteArrayView key, quint32 keyFlags) const;
    RuleError applyCommandRule(QByteArrayView rule);
    RuleError addKeyPattern(QByteArrayView rule);
    void setAllCommands(bool on);
    void setCommand(const Command &command, bool on);
    void setCategory(quint32 category, bool on);
    void countCategory(quint32 category, int *on, int *off) const;
    void describeSingleCommands(AclSelector *fake, QByteArray *rules) const;

    CommandTable *m_table;
    std::vector<bool> m_commands; // by Command::id
    std::map<int, QByteArrayList> m_firstArgs;
    std::vector<KeyPattern> m_keys;
    QByteArrayList m_channels;
    bool m_future = false; // +@all was the last word on every command: Redis's reserved bit
    bool m_allCommands = false;
    bool m_allKeys = false;
    bool m_allChannels = false;
};
