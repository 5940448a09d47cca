#pragma once

#include <QByteArray>
#include <QByteArrayList>

#include <utility>
#include <vector>

// What COMMAND DOCS tells about each command: Redis 7.0's documentation data (summary,
// history, argument tree) for every Redis command, qkv's or not yet. It is data, not code:
// resources/commanddocs.json, which scripts/gendocs.py generates from a live redis-server, is
// compiled into qkvcore as the Qt resource :/qkv/commanddocs.json and parsed on first use.
// redis-cli builds its help and hints from these replies, so the shape must be exact.
//
// A text field is a null QByteArray when Redis leaves it out of the reply; a present field
// is never null, even when empty. Lists keep Redis's order; the writer
// (servercommands.cpp) puts the fields themselves in Redis's fixed order.
namespace CommandDocs {

struct Argument
{
    QByteArray name;
    QByteArray type;       // "key", "string", "integer", "oneof", "block", "pure-token", ...
    int keySpecIndex = -1; // -1 for none
    QByteArray token;
    QByteArray summary;
    QByteArray since;
    QByteArray deprecatedSince;
    QByteArrayList flags;            // "optional", "multiple", "multiple_token"
    std::vector<Argument> arguments; // for "oneof" and "block"
};

struct Doc
{
    QByteArray summary;
    QByteArray since;
    QByteArray group;
    QByteArray complexity;
    QByteArrayList docFlags; // "deprecated", "syscmd"
    QByteArray deprecatedSince;
    QByteArray replacedBy;
    std::vector<std::pair<QByteArray, QByteArray>> history; // version, change
    std::vector<Argument> arguments;
};

// The docs of a command by its full name ("get", "client|list"), or nullptr when Redis 7.0
// has no such command. The first call parses the resource (a missing or broken resource is
// logged, and every lookup then returns nullptr); the data lives as long as the program.
// Thread-safe.
const Doc *find(const QByteArray &fullName);

// The redis-server version the data was generated from ("7.0.15"), empty when not loaded.
QByteArray redisVersion();

} // namespace CommandDocs
