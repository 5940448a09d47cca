#include "commandhelp.h"

#include "commands/commanddocs.h"
#include "protocol/argsplitter.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace {

using CommandDocs::Argument;

// Commands the REPL runs itself: completed, hinted and listed by HELP like the server's.
const CommandHelp::Entry localCommands[] = {
    { { "HELP" },
      "[command|@group]",
      "Help on a command, or on the commands of a group",
      "",
      "qkv-cli" },
    { { "CONNECT" }, "host [port]", "Connect to another server", "", "qkv-cli" },
    { { "JSON" }, "ON|OFF", "Print replies as JSON, or not (:json toggles)", "", "qkv-cli" },
    { { "CLEAR" }, "", "Clear the screen", "", "qkv-cli" },
    { { "EXIT" }, "", "Leave qkv-cli (as QUIT and Ctrl-D do)", "", "qkv-cli" },
};

QByteArray concat(const std::vector<Argument> &arguments, const char *separator);

// redis-cli's cliAddArgument: one argument as the help shows it, e.g. "[EX seconds|PX ...]".
QByteArray render(const Argument &arg)
{
    QByteArray repeat;
    if (arg.type == "oneof")
        repeat = concat(arg.arguments, "|");
    else if (arg.type == "block")
        repeat = concat(arg.arguments, " ");
    else if (arg.type != "pure-token")
        repeat = arg.name;
    QByteArray token = arg.token;
    if (!token.isEmpty() && arg.type != "pure-token")
        token += ' ';
    const bool optional = arg.flags.contains("optional");
    QByteArray out;
    if (optional)
        out += '[';
    out += token + repeat;
    if (arg.flags.contains("multiple")) {
        out += " [";
        if (arg.flags.contains("multiple_token"))
            out += token;
        out += repeat + " ...]";
    }
    if (optional)
        out += ']';
    return out;
}

QByteArray concat(const std::vector<Argument> &arguments, const char *separator)
{
    QByteArrayList parts;
    for (const Argument &arg : arguments)
        parts.append(render(arg));
    return parts.join(separator);
}

// Key-value pairs of a RESP3 map or of RESP2's flat array in its place.
QList<std::pair<QByteArray, const Reply *>> pairs(const Reply &r)
{
    QList<std::pair<QByteArray, const Reply *>> out;
    if (r.type != Reply::Type::Map && r.type != Reply::Type::Array)
        return out;
    for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2)
        out.append({ r.elements.at(i).string, &r.elements.at(i + 1) });
    return out;
}

std::vector<Argument> argumentsOf(const Reply &list)
{
    std::vector<Argument> out;
    for (const Reply &element : list.elements) {
        Argument arg;
        for (const auto &[key, value] : pairs(element)) {
            if (key == "name")
                arg.name = value->string;
            else if (key == "type")
                arg.type = value->string;
            else if (key == "token")
                arg.token = value->string;
            else if (key == "arguments")
                arg.arguments = argumentsOf(*value);
            else if (key == "flags") {
                for (const Reply &flag : value->elements)
                    arg.flags.append(flag.string);
            }
        }
        out.push_back(std::move(arg));
    }
    return out;
}

QByteArrayList wordsOf(const QByteArray &fullName)
{
    QByteArrayList words = fullName.toUpper().split('|');
    return words;
}

CommandHelp::Entry entryOf(const QByteArray &fullName, const CommandDocs::Doc &doc)
{
    return { wordsOf(fullName), concat(doc.arguments, " "), doc.summary, doc.since, doc.group };
}

void addFromDocs(QList<CommandHelp::Entry> *entries, const QByteArray &name, const Reply &fields)
{
    CommandDocs::Doc doc;
    const Reply *subcommands = nullptr;
    for (const auto &[key, value] : pairs(fields)) {
        if (key == "summary")
            doc.summary = value->string;
        else if (key == "since")
            doc.since = value->string;
        else if (key == "group")
            doc.group = value->string;
        else if (key == "arguments")
            doc.arguments = argumentsOf(*value);
        else if (key == "subcommands")
            subcommands = value;
    }
    entries->append(entryOf(name, doc));
    if (subcommands) {
        for (const auto &[subName, subFields] : pairs(*subcommands))
            addFromDocs(entries, subName, *subFields);
    }
}

bool startsWithWords(const QByteArrayList &words, const QByteArrayList &prefix)
{
    if (prefix.size() > words.size())
        return false;
    for (qsizetype i = 0; i < prefix.size(); ++i) {
        if (words.at(i).compare(prefix.at(i), Qt::CaseInsensitive) != 0)
            return false;
    }
    return true;
}

QByteArray entryHelp(const CommandHelp::Entry &e, bool withGroup, bool tty)
{
    auto style = [tty](const char *code, const QByteArray &text) {
        return tty ? QByteArray("\x1b[" + QByteArray(code) + 'm' + text + "\x1b[0m") : text;
    };
    QByteArray out = "\n  " + style("1", e.words.join(' ')) + ' ' + style("90", e.params) + '\n';
    out += "  " + style("33", "summary:") + ' ' + e.summary + '\n';
    if (!e.since.isEmpty())
        out += "  " + style("33", "since:") + ' ' + e.since + '\n';
    if (withGroup)
        out += "  " + style("33", "group:") + ' ' + e.group + '\n';
    return out;
}

QByteArrayList groupsOf(const QList<CommandHelp::Entry> &entries)
{
    QByteArrayList groups;
    for (const CommandHelp::Entry &e : entries) {
        if (!e.group.isEmpty() && !groups.contains(e.group))
            groups.append(e.group);
    }
    std::sort(groups.begin(), groups.end());
    return groups;
}

} // namespace

CommandHelp CommandHelp::builtIn()
{
    // CommandDocs looks commands up by name; the names themselves are the resource's keys.
    CommandHelp help;
    QFile file(QStringLiteral(":/qkv/commanddocs.json"));
    if (!file.open(QIODevice::ReadOnly))
        return help;
    const QJsonObject commands = QJsonDocument::fromJson(file.readAll())
                                         .object()
                                         .value(QLatin1String("commands"))
                                         .toObject();
    for (const QString &key : commands.keys()) {
        const QByteArray name = key.toUtf8();
        if (const CommandDocs::Doc *doc = CommandDocs::find(name))
            help.m_entries.append(entryOf(name, *doc));
    }
    if (!help.isEmpty())
        help.finish();
    return help;
}

CommandHelp CommandHelp::fromDocs(const Reply &reply)
{
    CommandHelp help;
    for (const auto &[name, fields] : pairs(reply))
        addFromDocs(&help.m_entries, name, *fields);
    if (!help.isEmpty()) // an error reply, say, is not the docs
        help.finish();
    return help;
}

// Adds qkv-cli's own commands to the server's, and sorts them all by name.
void CommandHelp::finish()
{
    for (const Entry &local : localCommands)
        m_entries.append(local);
    std::sort(m_entries.begin(), m_entries.end(),
              [](const Entry &a, const Entry &b) { return a.words < b.words; });
}

QByteArray CommandHelp::hint(const QByteArray &line) const
{
    QByteArrayList args;
    if (!splitInlineArgs(line, &args) || args.isEmpty())
        return QByteArray();
    // The entry whose words match the most leading arguments: "CLIENT KILL" over "CLIENT".
    const Entry *entry = nullptr;
    for (const Entry &e : m_entries) {
        if (startsWithWords(args, e.words) && (!entry || e.words.size() > entry->words.size()))
            entry = &e;
    }
    if (!entry)
        return QByteArray();
    // As redis-cli: drop one word of the syntax per argument typed, up to the first optional.
    QByteArray hint = entry->params;
    qsizetype toRemove = args.size() - entry->words.size();
    qsizetype cut = 0;
    for (; toRemove > 0 && cut < hint.size() && hint.at(cut) != '['; ++cut) {
        if (hint.at(cut) == ' ')
            --toRemove;
    }
    hint = hint.mid(cut);
    if (hint.isEmpty())
        return hint;
    const bool endsWithSpace = !line.isEmpty() && QByteArray(" \t").contains(line.back());
    return endsWithSpace ? hint : QByteArray(' ' + hint);
}

QByteArrayList CommandHelp::completions(const QByteArray &text) const
{
    QByteArrayList words = text.simplified().split(' ');
    if (text.simplified().isEmpty())
        words = { QByteArray() };
    else if (QByteArray(" \t").contains(text.back()))
        words.append(QByteArray()); // a new word begins
    const QByteArray word = words.takeLast();
    QByteArrayList candidates;
    auto offer = [&candidates](const QByteArray &name) {
        if (!candidates.contains(name))
            candidates.append(name);
    };
    const bool afterHelp
            = words.size() == 1 && words.first().compare("help", Qt::CaseInsensitive) == 0;
    if (words.isEmpty() || afterHelp) {
        for (const Entry &e : m_entries)
            offer(e.words.first());
        if (!words.isEmpty()) {
            for (const QByteArray &group : groupsOf(m_entries))
                offer('@' + group);
        }
    } else if (words.size() == 1) {
        for (const Entry &e : m_entries) {
            if (e.words.size() == 2 && startsWithWords(e.words, words))
                offer(e.words.at(1));
        }
    }
    const bool lower = word.toUpper() != word;
    QByteArrayList matches;
    for (const QByteArray &candidate : candidates) {
        if (candidate.startsWith(word.toUpper()) || candidate.startsWith(word))
            matches.append(lower ? candidate.toLower() : candidate);
    }
    std::sort(matches.begin(), matches.end());
    return matches;
}

QByteArray CommandHelp::help(const QByteArrayList &topic, bool tty) const
{
    if (topic.isEmpty()) {
        return "qkv-cli " QKV_VERSION "\n"
               "To get help about Redis commands type:\n"
               "      \"help @<group>\" to get a list of commands in <group>\n"
               "      \"help <command>\" for help on <command>\n"
               "      \"help <tab>\" to get a list of possible help topics\n"
               "      \"quit\" to exit\n"
               "\n"
               "qkv-cli's own commands:\n"
               "      \"connect <host> <port>\" to switch servers\n"
               "      \"json on\", \"json off\" or \":json\" to switch JSON output\n"
               "      \"clear\" to clear the screen\n"
               "      \"<n> <command>\" runs the command n times\n"
               "Up and Down recall earlier lines (kept in ~/.qkv_history, never those with a\n"
               "password), Tab completes command names, Ctrl-C stops MONITOR, SUBSCRIBE or a\n"
               "blocked command and returns to the prompt, Ctrl-D leaves.\n";
    }
    QByteArray out;
    if (topic.first().startsWith('@')) {
        const QByteArray group = topic.first().mid(1).toLower();
        for (const Entry &e : m_entries) {
            if (e.group == group)
                out += entryHelp(e, false, tty);
        }
        if (out.isEmpty())
            out = "Unknown group '" + group + "'. Groups: " + groupsOf(m_entries).join(", ") + '\n';
        return out;
    }
    for (const Entry &e : m_entries) {
        if (startsWithWords(e.words, topic))
            out += entryHelp(e, true, tty);
    }
    if (out.isEmpty())
        return "No help for '" + topic.join(' ') + "'\n";
    return out + '\n';
}
