#pragma once

#include <QByteArray>

#include <utility>
#include <vector>

// What COMMAND DOCS tells about each command: Redis 7.0's documentation data (summary,
// history, argument tree), kept in commanddocs.cpp, which gendocs.py generates from a live
// redis-server. redis-cli builds its help and hints from it, so the shape must be exact.
namespace CommandDocs {

enum ArgFlag : quint8 { ArgOptional = 1, ArgMultiple = 2, ArgMultipleToken = 4 };
enum DocFlag : quint8 { DocDeprecated = 1, DocSyscmd = 2 };

struct Argument
{
    const char *name;
    const char *type; // "key", "string", "integer", "oneof", "block", "pure-token", ...
    int keySpecIndex; // -1 for none
    const char *token;
    const char *summary;
    const char *since;
    const char *deprecatedSince;
    quint8 flags;                    // ArgFlag bits
    std::vector<Argument> arguments; // for "oneof" and "block"
};

struct Doc
{
    const char *summary;
    const char *since;
    const char *group;
    const char *complexity;
    quint8 docFlags; // DocFlag bits
    const char *deprecatedSince;
    const char *replacedBy;
    std::vector<std::pair<const char *, const char *>> history; // version, change
    std::vector<Argument> arguments;
};

// The docs of a command by its full name ("get", "client|list"), or nullptr.
const Doc *find(const QByteArray &fullName);

} // namespace CommandDocs
