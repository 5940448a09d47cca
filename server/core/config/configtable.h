#pragma once

#include "serverconfig.h"

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <vector>

class Server;

// The one table of server parameters, as Redis's standardConfig table: every row says how to
// read the parameter from a ServerConfig, how to set it from text (the command line, a
// configuration file and CONFIG SET all go through the same setter, so they accept the same
// values and give the same error texts), whether CONFIG SET may change it, and how REWRITE
// writes it. The default is the value in ConfigTable::defaults(); bounds live in the setter.
//
// A row is one expression (usually made by a builder below), so parameters are added by
// adding one line to configParameters().
namespace ConfigFlag {
enum : quint8 {
    Immutable = 1, // set at start-up only: CONFIG SET says "can't set immutable config"
    Sensitive = 2, // a secret: CONFIG SET's value is redacted from SLOWLOG
    // Redis's PROTECTED_CONFIG (dir, dbfilename): CONFIG SET refuses it unless
    // enable-protected-configs.
    Protected = 4,
    // Redis's MULTI_ARG_CONFIG: a file line may give the value as several words (save 900 1).
    MultiArg = 8,
    // Redis's HIDDEN_CONFIG (testing aids): CONFIG GET gives it by its exact name only, never
    // for a pattern.
    Hidden = 16,
};
}

// How CONFIG REWRITE spells the value (Redis's rewriteConfig*Option).
enum class ConfigStyle : quint8 {
    Plain,  // as CONFIG GET shows it: numbers, yes/no, enums
    Quoted, // a string, in sdscatrepr's quotes
    Memory, // a byte count: with the largest unit that divides it (1gb, 64mb, 4kb)
    Save,   // one `save <seconds> <changes>` line per rule, `save ""` for none
    Always, // Quoted, and written even when it has the default value (dir)
    List,   // words, written even when default, "" when there are none (percentiles)
    // One line per class of client, each written when it differs from its class's default
    // (client-output-buffer-limit)
    PerClientClass,
};

// Sets a parameter from its text; returns Redis's error text, empty on success.
using ConfigSetter = std::function<QByteArray(ServerConfig &, QByteArrayView)>;

struct ConfigParameter
{
    const char *name;
    std::function<QByteArray(const ServerConfig &)> value;
    // Empty: a parameter qkv shows but does not implement; a file may name it (silently with
    // the value shown, with a warning otherwise), CONFIG SET refuses it as immutable.
    ConfigSetter set;
    quint8 flags = 0;            // ConfigFlag bits
    const char *alias = nullptr; // Redis's older name for it (hash-max-ziplist-entries...)
    ConfigStyle style = ConfigStyle::Plain;
    // What else a change made while running needs, after the new values are in place
    // (CONFIG SET; nothing at start-up, when the server is made from the finished config).
    std::function<void(Server &)> apply = {};
    // What CONFIG SET checks of a new value against the running process before it takes it
    // (Redis's apply functions that can fail, as maxclients and the open files limit); Redis's
    // error text, empty when it may. Start-up does not check: the server adapts instead.
    std::function<QByteArray(const ServerConfig &)> check = {};

    ConfigParameter withApply(std::function<void(Server &)> then) const
    {
        ConfigParameter row = *this;
        row.apply = std::move(then);
        return row;
    }
    ConfigParameter withCheck(std::function<QByteArray(const ServerConfig &)> then) const
    {
        ConfigParameter row = *this;
        row.check = std::move(then);
        return row;
    }
    ConfigParameter withAlias(const char *older) const
    {
        ConfigParameter row = *this;
        row.alias = older;
        return row;
    }
    ConfigParameter withFlags(quint8 more) const
    {
        ConfigParameter row = *this;
        row.flags |= more;
        return row;
    }
};

namespace ConfigTable {

// Every row, in the order CONFIG GET * lists them.
const std::vector<ConfigParameter> &parameters();
// The row named name or alias (any case), or nullptr.
const ConfigParameter *find(QByteArrayView name);
// Whether the name given is the row's alias rather than its name.
bool isAlias(const ConfigParameter &parameter, QByteArrayView name);
// Redis's defaults: a ServerConfig as made, with Redis's save rules.
const ServerConfig &defaults();
// Whether name is a directive of Redis 7.0 (a parameter or a file-only directive such as
// include or rename-command), known to the table or not.
bool isRedisDirective(QByteArrayView name);

// Redis's memtoull: digits with an optional unit (b k kb m mb g gb, any case).
bool parseMemory(QByteArrayView text, unsigned long long *value);
// "argument must be between <min> and <max> inclusive".
QByteArray outOfRange(long long min, long long max);
// An integer, and a byte count with units, as Redis's int and long long MEMORY_CONFIG read
// them: Redis's error text, or empty with *value set.
QByteArray readInteger(QByteArrayView text, long long min, long long max, long long *value);
QByteArray readMemory(QByteArrayView text, long long min, long long *value);

// Builders of the common kinds of row (Redis's createIntConfig, createBoolConfig...).
ConfigSetter integerSetter(long long min, long long max, long long ServerConfig::*field);
ConfigSetter memorySetter(long long min, long long ServerConfig::*field);
ConfigParameter integerParameter(const char *name, const char *alias, long long min, long long max,
                                 long long ServerConfig::*field);
// Redis's size_t MEMORY_CONFIG parameters: 0..LONG_MAX bytes, with units.
ConfigParameter memoryParameter(const char *name, const char *alias,
                                long long ServerConfig::*field);
ConfigParameter yesNoParameter(const char *name, bool ServerConfig::*field);
// A parameter qkv reports with a fixed value and does not implement (CONFIG SET: immutable).
ConfigParameter fixedParameter(const char *name, const char *value);

} // namespace ConfigTable
