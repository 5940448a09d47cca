#pragma once

#include "protocol/reply.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QList>

// What the REPL knows about commands for help, hints and Tab completion: Redis's COMMAND DOCS,
// either as the connected server answers it or, when it does not, Redis 7.0's docs data that
// qkvcore carries (resources/commanddocs.json). The argument syntax is rendered exactly as
// redis-cli renders it ("key value [NX|XX] [GET] ..."). A plain value; no I/O.
class CommandHelp
{
public:
    // One command or subcommand: words in upper case ({"CLIENT", "LIST"}).
    struct Entry
    {
        QByteArrayList words;
        QByteArray params;
        QByteArray summary;
        QByteArray since;
        QByteArray group;
    };

    // From the docs data compiled into qkvcore. Both add qkv-cli's own commands (HELP,
    // CONNECT, JSON...; group "qkv-cli") to the server's.
    static CommandHelp builtIn();
    // From a COMMAND DOCS reply (RESP2 or RESP3); empty when the reply is not one.
    static CommandHelp fromDocs(const Reply &reply);

    // True when there was no data (and so not even qkv-cli's own commands).
    bool isEmpty() const { return m_entries.isEmpty(); }
    const QList<Entry> &entries() const { return m_entries; }

    // redis-cli's hint for a line being typed: the syntax still to come, or empty. It starts with
    // a space when the line does not end with one.
    QByteArray hint(const QByteArray &line) const;
    // Candidates for the last word of text (the line up to the cursor): command names first,
    // then subcommands, and after HELP command names and @groups. Upper case unless the word
    // typed so far has a lower-case letter.
    QByteArrayList completions(const QByteArray &text) const;
    // The REPL's HELP: with no topic a summary of usage, "@group" lists a group, otherwise the
    // commands whose names start with the topic's words. ANSI colours when tty is true.
    QByteArray help(const QByteArrayList &topic, bool tty) const;

private:
    void finish();

    QList<Entry> m_entries;
};
