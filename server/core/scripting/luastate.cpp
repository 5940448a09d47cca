#include "luastate.h"

#include "acl/acluser.h"
#include "luaconversions.h"
#include "luamsgpack.h"
#include "luastruct.h"
#include "net/connection.h"
#include "observe/logsink.h"
#include "scriptrun.h"

#include <QCryptographicHash>

#include <lua.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>

extern "C" {
#include <lua-bitop.h>
#include <lua-cjson.h>
}

namespace LuaState {

namespace {

const char RunKey[] = "qkv_run";
const char LoadingKey[] = "qkv_loading";
const char GlobalsKey[] = "qkv_globals";
const char LoadGlobalsKey[] = "qkv_load_globals";
// proxy -> real table, for the functions that see through proxies.
const char ProxiesKey[] = "qkv_proxies";

// Redis's PROPAGATE_AOF and PROPAGATE_REPL.
constexpr int ReplAof = 1;
constexpr int ReplReplica = 2;

// Redis's rand48 (rand.c), with its initial state, so that math.random gives the same
// sequence as redis-server.
quint64 g_rand48 = 0x1234ABCD330EULL;
constexpr qint32 Rand48Max = 0x7fffffff;

qint32 nextRandom()
{
    g_rand48 = (0x5DEECE66DULL * g_rand48 + 0xB) & ((1ULL << 48) - 1);
    return qint32(g_rand48 >> 17);
}

// luaError: raises the error object on the top. lua_error longjmps over the C++ frames up to
// the protected call, running no destructors, so no object that owns memory (a QByteArray, a
// vector) may be alive in the caller when it raises: functions that need such objects do their
// work in a helper that returns first, then raise.
int raise(lua_State *lua)
{
    return lua_error(lua);
}

int pushErrorAndRaise(lua_State *lua, const char *text)
{
    LuaConversions::pushError(lua, text);
    return raise(lua);
}

// An error at the caller's line: "user_script:1: text", as the VM's own errors read. The text
// is given in pieces that own nothing (see raise()).
int raiseAtCaller(lua_State *lua, std::initializer_list<QByteArrayView> text)
{
    luaL_where(lua, 1);
    for (QByteArrayView piece : text)
        lua_pushlstring(lua, piece.data(), size_t(piece.size()));
    lua_concat(lua, int(text.size()) + 1);
    return lua_error(lua);
}

int readonlyError(lua_State *lua)
{
    return raiseAtCaller(lua, { "Attempt to modify a readonly table" });
}

// Redis's patched lua_rawset and lua_setmetatable refuse from C, where there is no script
// line to name.
int readonlyFromC(lua_State *lua)
{
    lua_pushliteral(lua, "Attempt to modify a readonly table");
    return lua_error(lua);
}

int missingGlobal(lua_State *lua)
{
    size_t length = 0;
    const char *name = lua_tolstring(lua, 2, &length);
    return raiseAtCaller(lua,
                         { "Script attempted to access nonexistent global variable '",
                           QByteArrayView(name ? name : "", qsizetype(length)), "'" });
}

// The real table behind the proxy at index, or the value itself.
void pushReal(lua_State *lua, int index)
{
    lua_getfield(lua, LUA_REGISTRYINDEX, ProxiesKey);
    lua_pushvalue(lua, index);
    lua_rawget(lua, -2);
    if (lua_isnil(lua, -1)) {
        lua_pop(lua, 1);
        lua_pushvalue(lua, index);
    }
    lua_remove(lua, -2);
}

bool isProxy(lua_State *lua, int index)
{
    lua_getfield(lua, LUA_REGISTRYINDEX, ProxiesKey);
    lua_pushvalue(lua, index);
    lua_rawget(lua, -2);
    const bool proxy = !lua_isnil(lua, -1);
    lua_pop(lua, 2);
    return proxy;
}

int nextFunction(lua_State *lua)
{
    luaL_checktype(lua, 1, LUA_TTABLE);
    lua_settop(lua, 2);
    pushReal(lua, 1);
    lua_replace(lua, 1);
    if (lua_next(lua, 1))
        return 2;
    lua_pushnil(lua);
    return 1;
}

int pairsFunction(lua_State *lua)
{
    luaL_checktype(lua, 1, LUA_TTABLE);
    lua_pushcfunction(lua, nextFunction);
    lua_pushvalue(lua, 1);
    lua_pushnil(lua);
    return 3;
}

int rawgetFunction(lua_State *lua)
{
    luaL_checktype(lua, 1, LUA_TTABLE);
    luaL_checkany(lua, 2);
    pushReal(lua, 1);
    lua_pushvalue(lua, 2);
    lua_rawget(lua, -2);
    return 1;
}

int rawsetFunction(lua_State *lua)
{
    luaL_checktype(lua, 1, LUA_TTABLE);
    luaL_checkany(lua, 2);
    luaL_checkany(lua, 3);
    if (isProxy(lua, 1))
        return readonlyFromC(lua);
    lua_settop(lua, 3);
    lua_rawset(lua, 1);
    return 1;
}

int setmetatableFunction(lua_State *lua)
{
    const int type = lua_type(lua, 2);
    luaL_checktype(lua, 1, LUA_TTABLE);
    luaL_argcheck(lua, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table expected");
    if (isProxy(lua, 1))
        return readonlyFromC(lua);
    if (luaL_getmetafield(lua, 1, "__metatable"))
        luaL_error(lua, "cannot change a protected metatable");
    lua_settop(lua, 2);
    lua_setmetatable(lua, 1);
    return 1;
}

// Replaces the table on the top by a read-only proxy of it.
void protectTop(lua_State *lua)
{
    const int real = lua_gettop(lua);
    lua_newtable(lua); // the proxy
    lua_newtable(lua); // its metatable
    lua_pushvalue(lua, real);
    lua_setfield(lua, -2, "__index");
    lua_pushcfunction(lua, readonlyError);
    lua_setfield(lua, -2, "__newindex");
    lua_setmetatable(lua, -2);
    lua_getfield(lua, LUA_REGISTRYINDEX, ProxiesKey);
    lua_pushvalue(lua, -2);
    lua_pushvalue(lua, real);
    lua_rawset(lua, -3);
    lua_pop(lua, 1);
    lua_replace(lua, real);
}

// Makes reading a missing field of the table on the top an error (luaSetErrorMetatable).
void setErrorMetatable(lua_State *lua)
{
    lua_newtable(lua);
    lua_pushcfunction(lua, missingGlobal);
    lua_setfield(lua, -2, "__index");
    lua_setmetatable(lua, -2);
}

// --- the redis table ---

// luaArgsToRedisArgv: the arguments of redis.call and the like, which stay on the stack (the
// views point into them). False, with the arguments popped and the error pushed, when one is
// not a string or a number.
bool commandArguments(lua_State *lua, std::vector<QByteArrayView> *argv,
                      std::vector<QByteArray> *numbers)
{
    const int argc = lua_gettop(lua);
    argv->reserve(size_t(argc));
    // Numbers are formatted with %.17g, not Lua's %.14g, as Redis does; reserved so that the
    // views into them stay valid.
    numbers->reserve(size_t(argc));
    for (int i = 1; i <= argc; ++i) {
        if (lua_type(lua, i) == LUA_TNUMBER) {
            char buffer[64];
            const int length = std::snprintf(buffer, sizeof buffer, "%.17g", lua_tonumber(lua, i));
            numbers->emplace_back(buffer, length);
            argv->emplace_back(numbers->back());
            continue;
        }
        size_t length = 0;
        const char *text = lua_tolstring(lua, i, &length);
        if (!text) {
            lua_pop(lua, argc);
            LuaConversions::pushError(
                    lua, "Lua redis lib command arguments must be strings or integers");
            return false;
        }
        argv->emplace_back(text, qsizetype(length));
    }
    return true;
}

// redis.call and redis.pcall without raising: pushes the reply, or the error and returns true.
bool runRedisCall(lua_State *lua, ScriptRun &current)
{
    const int argc = lua_gettop(lua);
    if (argc == 0) {
        LuaConversions::pushError(lua,
                                  "Please specify at least one argument for this redis lib call");
        return true;
    }
    std::vector<QByteArrayView> argv;
    std::vector<QByteArray> numbers;
    if (!commandArguments(lua, &argv, &numbers))
        return true;
    QByteArray reply;
    QByteArray error;
    const bool ran = current.call(argv, &reply, &error);
    lua_pop(lua, argc);
    if (!ran) {
        LuaConversions::pushError(lua, error);
        lua_pushboolean(lua, 1);
        lua_setfield(lua, -2, "ignore_error_stats_update");
        return true;
    }
    qsizetype pos = 0;
    LuaConversions::pushReply(lua, reply, &pos);
    return reply.startsWith('-');
}

int genericCommand(lua_State *lua, bool raiseError)
{
    ScriptRun *current = run(lua);
    if (!current)
        return pushErrorAndRaise(lua,
                                 "redis.call/pcall can only be called inside a script "
                                 "invocation");
    // Not raised from inside runRedisCall, whose vectors and byte arrays must be freed first.
    if (runRedisCall(lua, *current) && raiseError)
        return raise(lua);
    return 1;
}

int callFunction(lua_State *lua)
{
    return genericCommand(lua, true);
}

int pcallFunction(lua_State *lua)
{
    return genericCommand(lua, false);
}

// redis.acl_check_cmd without raising: pushes whether the caller may run the command, or
// returns the error to raise (a literal).
const char *aclCheck(lua_State *lua)
{
    ScriptRun *current = run(lua);
    if (!current)
        return "redis.acl_check_cmd can only be called inside a script invocation";
    if (lua_gettop(lua) == 0)
        return "Please specify at least one argument for this redis lib call";
    std::vector<QByteArrayView> argv;
    std::vector<QByteArray> numbers;
    if (!commandArguments(lua, &argv, &numbers))
        return ""; // its error is pushed
    const Command *command = current->lookup(argv);
    qsizetype index = 0;
    // Whether the caller's user may run it, keys and channels included; nothing is logged.
    const bool allowed = command
            && current->caller().user()->check(*command, argv.data(), qsizetype(argv.size()),
                                               &index)
                    == AclSelector::Verdict::Ok;
    lua_pop(lua, int(argv.size()));
    if (!command)
        return "Invalid command passed to redis.acl_check_cmd()";
    lua_pushboolean(lua, allowed ? 1 : 0);
    return nullptr;
}

int aclCheckCmdFunction(lua_State *lua)
{
    const char *error = aclCheck(lua);
    if (!error)
        return 1;
    if (*error)
        LuaConversions::pushError(lua, error);
    return raise(lua);
}

// The global pcall: as Lua's, but an error table {err=...} is returned as its message, which
// is what scripts written for Redis 6 expect.
int luaPcall(lua_State *lua)
{
    const int argc = lua_gettop(lua);
    luaL_checkany(lua, 1);
    lua_pushboolean(lua, 1);
    lua_insert(lua, 1);
    if (lua_pcall(lua, argc - 1, LUA_MULTRET, 0)) {
        lua_remove(lua, 1);
        if (lua_istable(lua, -1)) {
            lua_getfield(lua, -1, "err");
            if (lua_isstring(lua, -1))
                lua_replace(lua, -2);
            else
                lua_pop(lua, 1);
        }
        lua_pushboolean(lua, 0);
        lua_insert(lua, 1);
    }
    return lua_gettop(lua);
}

int sha1hexFunction(lua_State *lua)
{
    if (lua_gettop(lua) != 1)
        return pushErrorAndRaise(lua, "wrong number of arguments");
    size_t length = 0;
    const char *text = lua_tolstring(lua, 1, &length);
    const QByteArray digest = QCryptographicHash::hash(QByteArrayView(text, qsizetype(length)),
                                                       QCryptographicHash::Sha1)
                                      .toHex();
    lua_pushlstring(lua, digest.constData(), size_t(digest.size()));
    return 1;
}

int errorReplyFunction(lua_State *lua)
{
    if (lua_gettop(lua) != 1 || lua_type(lua, -1) != LUA_TSTRING) {
        LuaConversions::pushError(lua, "wrong number or type of arguments");
        return 1;
    }
    // Redis reads it as a C string.
    QByteArray error(lua_tostring(lua, -1));
    if (!error.startsWith('-'))
        error.prepend('-');
    LuaConversions::pushError(lua, error);
    return 1;
}

int statusReplyFunction(lua_State *lua)
{
    if (lua_gettop(lua) != 1 || lua_type(lua, -1) != LUA_TSTRING) {
        LuaConversions::pushError(lua, "wrong number or type of arguments");
        return 1;
    }
    lua_newtable(lua);
    lua_pushstring(lua, "ok");
    lua_pushvalue(lua, -3);
    lua_settable(lua, -3);
    return 1;
}

int setReplFunction(lua_State *lua)
{
    ScriptRun *current = run(lua);
    if (!current)
        return pushErrorAndRaise(lua,
                                 "redis.set_repl can only be called inside a script "
                                 "invocation");
    if (lua_gettop(lua) != 1)
        return pushErrorAndRaise(lua, "redis.set_repl() requires two arguments.");
    const int flags = LuaConversions::truncateNumber<int>(lua_tonumber(lua, -1));
    if (flags & ~(ReplAof | ReplReplica))
        return pushErrorAndRaise(lua,
                                 "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, "
                                 "REPL_ALL or REPL_NONE.");
    current->setReplicationFlags(flags);
    return 0;
}

// Redis's log levels: LL_DEBUG 0 .. LL_WARNING 3; its default verbosity is notice.
constexpr int LogNotice = 2;
constexpr int LogWarning = 3;

int logFunction(lua_State *lua)
{
    const int argc = lua_gettop(lua);
    if (argc < 2)
        return pushErrorAndRaise(lua, "redis.log() requires two arguments or more.");
    if (!lua_isnumber(lua, -argc))
        return pushErrorAndRaise(lua, "First argument must be a number (log level).");
    const int level = LuaConversions::truncateNumber<int>(lua_tonumber(lua, -argc));
    if (level < 0 || level > LogWarning)
        return pushErrorAndRaise(lua, "Invalid debug level.");
    if (level < LogNotice)
        return 0;
    QByteArray line;
    for (int i = 1; i < argc; ++i) {
        size_t length = 0;
        const char *text = lua_tolstring(lua, -argc + i, &length);
        if (!text)
            continue;
        if (i != 1)
            line += ' ';
        line.append(text, qsizetype(length));
    }
    if (level == LogWarning)
        qCWarning(lcServer).noquote() << QString::fromUtf8(line);
    else
        qCInfo(lcServer).noquote() << QString::fromUtf8(line);
    return 0;
}

int setrespFunction(lua_State *lua)
{
    ScriptRun *current = run(lua);
    if (!current)
        return pushErrorAndRaise(lua,
                                 "redis.setresp can only be called inside a script "
                                 "invocation");
    if (lua_gettop(lua) != 1)
        return pushErrorAndRaise(lua, "redis.setresp() requires one argument.");
    const int resp = LuaConversions::truncateNumber<int>(lua_tonumber(lua, 1));
    if (resp != 2 && resp != 3)
        return pushErrorAndRaise(lua, "RESP version must be 2 or 3.");
    current->setResp(resp);
    return 0;
}

// Redis 7 replicates effects always: the call is kept for old scripts and says so.
int replicateCommandsFunction(lua_State *lua)
{
    lua_pushboolean(lua, 1);
    return 1;
}

// Without a debugging session (SCRIPT DEBUG) breakpoints are not taken and debug output goes
// nowhere, as in Redis.
int breakpointFunction(lua_State *lua)
{
    lua_pushboolean(lua, 0);
    return 1;
}

int debugFunction(lua_State *)
{
    return 0;
}

int randomFunction(lua_State *lua)
{
    if (!run(lua))
        return luaL_error(lua, "math.random can only be called inside a script invocation");
    const lua_Number r = lua_Number(nextRandom() % Rand48Max) / lua_Number(Rand48Max);
    switch (lua_gettop(lua)) {
    case 0: lua_pushnumber(lua, r); break;
    case 1: {
        const int upper = luaL_checkint(lua, 1);
        luaL_argcheck(lua, 1 <= upper, 1, "interval is empty");
        lua_pushnumber(lua, std::floor(r * upper) + 1);
        break;
    }
    case 2: {
        const int lower = luaL_checkint(lua, 1);
        const int upper = luaL_checkint(lua, 2);
        luaL_argcheck(lua, lower <= upper, 2, "interval is empty");
        lua_pushnumber(lua, std::floor(r * (upper - lower + 1)) + lower);
        break;
    }
    default: return luaL_error(lua, "wrong number of arguments");
    }
    return 1;
}

int randomseedFunction(lua_State *lua)
{
    if (!run(lua))
        return luaL_error(lua, "math.randomseed can only be called inside a script invocation");
    seedRandom(luaL_checkint(lua, 1));
    return 0;
}

// __redis__err__handler: the error as a table {err="ERR msg"} (tables pass as they are) with
// the source and line of the Lua code that raised it, the caller's when a C function did.
int errorHandler(lua_State *lua)
{
    lua_Debug info;
    bool found = lua_getstack(lua, 1, &info) && lua_getinfo(lua, "nSl", &info);
    if (found && std::strcmp(info.what, "C") == 0)
        found = lua_getstack(lua, 2, &info) && lua_getinfo(lua, "nSl", &info);
    if (!lua_istable(lua, 1)) {
        lua_getfield(lua, LUA_GLOBALSINDEX, "tostring");
        lua_pushvalue(lua, 1);
        lua_call(lua, 1, 1);
        lua_pushstring(lua, "ERR ");
        lua_insert(lua, -2);
        lua_concat(lua, 2);
        lua_newtable(lua);
        lua_insert(lua, -2);
        lua_setfield(lua, -2, "err");
        lua_replace(lua, 1);
    }
    if (found) {
        lua_pushstring(lua, info.source);
        lua_setfield(lua, 1, "source");
        lua_pushinteger(lua, info.currentline);
        lua_setfield(lua, 1, "line");
    }
    lua_settop(lua, 1);
    return 1;
}

QByteArray stringAt(lua_State *lua, int index)
{
    size_t length = 0;
    const char *text = lua_tolstring(lua, index, &length);
    return QByteArray(text, qsizetype(length));
}

// luaRegisterFunctionReadFlags: the table on the top lists flag names (without case).
bool readFunctionFlags(lua_State *lua, quint32 *flags)
{
    for (int i = 1;; ++i) {
        lua_rawgeti(lua, -1, i);
        if (lua_isnil(lua, -1)) {
            lua_pop(lua, 1);
            return true;
        }
        const quint32 flag
                = lua_isstring(lua, -1) ? ScriptRun::flagNamed(stringAt(lua, -1), true) : 0;
        lua_pop(lua, 1);
        if (!flag)
            return false;
        *flags |= flag;
    }
}

// redis.register_function(name, callback) or redis.register_function{function_name=...,
// callback=..., flags={...}, description=...}: the error text, or null when fine. The callback
// is referenced in the registry (function->ref) as soon as it is read.
const char *readRegistration(lua_State *lua, RegisteredFunction *function)
{
    const int argc = lua_gettop(lua);
    if (argc < 1 || argc > 2)
        return "wrong number of arguments to redis.register_function";
    if (argc == 2) {
        if (!lua_isstring(lua, 1))
            return "first argument to redis.register_function must be a string";
        if (!lua_isfunction(lua, 2))
            return "second argument to redis.register_function must be a function";
        function->name = stringAt(lua, 1);
        lua_pushvalue(lua, 2);
        function->ref = luaL_ref(lua, LUA_REGISTRYINDEX);
        return nullptr;
    }
    if (!lua_istable(lua, 1))
        return "calling redis.register_function with a single argument is only applicable to "
               "Lua table (representing named arguments).";
    bool named = false;
    lua_pushnil(lua);
    while (lua_next(lua, 1)) {
        // Stack: table, key, value. The key is read from a copy: converting a number key in
        // place would derail lua_next.
        if (!lua_isstring(lua, -2))
            return "named argument key given to redis.register_function is not a string";
        lua_pushvalue(lua, -2);
        const QByteArray key = stringAt(lua, -1);
        lua_pop(lua, 1);
        if (key == "function_name") {
            if (!lua_isstring(lua, -1))
                return "function_name argument given to redis.register_function must be a string";
            function->name = stringAt(lua, -1);
            named = true;
        } else if (key == "description") {
            if (!lua_isstring(lua, -1))
                return "description argument given to redis.register_function must be a string";
            function->description = stringAt(lua, -1);
            function->hasDescription = true;
        } else if (key == "callback") {
            if (!lua_isfunction(lua, -1))
                return "callback argument given to redis.register_function must be a function";
            luaL_unref(lua, LUA_REGISTRYINDEX, function->ref);
            lua_pushvalue(lua, -1);
            function->ref = luaL_ref(lua, LUA_REGISTRYINDEX);
        } else if (key == "flags") {
            if (!lua_istable(lua, -1))
                return "flags argument to redis.register_function must be a table representing "
                       "function flags";
            if (!readFunctionFlags(lua, &function->flags))
                return "unknown flag given";
        } else {
            return "unknown argument given to redis.register_function";
        }
        lua_pop(lua, 1);
    }
    if (!named)
        return "redis.register_function must get a function name argument";
    if (function->ref == LUA_NOREF)
        return "redis.register_function must get a callback argument";
    return nullptr;
}

// redis.register_function without raising: adds the function to the library being loaded, or
// returns the error to raise.
const char *addRegistration(lua_State *lua)
{
    lua_getfield(lua, LUA_REGISTRYINDEX, LoadingKey);
    auto *functions = static_cast<std::vector<RegisteredFunction> *>(lua_touserdata(lua, -1));
    lua_pop(lua, 1);
    if (!functions)
        return "redis.register_function can only be called on FUNCTION LOAD command";
    RegisteredFunction function;
    const char *error = readRegistration(lua, &function);
    if (!error && !LuaState::isValidName(function.name))
        // Redis 7.0 gives the library's text here.
        error = "Library names can only contain letters, numbers, or underscores(_) and must be "
                "at least one character long";
    for (const RegisteredFunction &other : *functions) {
        if (!error && other.name == function.name)
            error = "Function already exists in the library";
    }
    if (error) {
        luaL_unref(lua, LUA_REGISTRYINDEX, function.ref);
        return error;
    }
    functions->push_back(std::move(function));
    return nullptr;
}

int registerFunction(lua_State *lua)
{
    // Raised here, once addRegistration's RegisteredFunction is freed (see raise()).
    if (const char *error = addRegistration(lua))
        return pushErrorAndRaise(lua, error);
    return 0;
}

void setFunction(lua_State *lua, const char *name, lua_CFunction function)
{
    lua_pushcfunction(lua, function);
    lua_setfield(lua, -2, name);
}

void setNumber(lua_State *lua, const char *name, lua_Number value)
{
    lua_pushnumber(lua, value);
    lua_setfield(lua, -2, name);
}

// Opens a library and makes the table it returns the global name (Debian's cjson, unlike
// Redis's, does not set its global itself).
void loadLibrary(lua_State *lua, const char *name, lua_CFunction open)
{
    lua_pushcfunction(lua, open);
    lua_pushstring(lua, name);
    lua_call(lua, 1, 1);
    if (*name && lua_istable(lua, -1))
        lua_setfield(lua, LUA_GLOBALSINDEX, name);
    else
        lua_pop(lua, 1);
}

// redis.log and its levels, redis.REDIS_VERSION(_NUM): in every redis table, the loading one
// of FUNCTION LOAD included.
void registerLogAndVersion(lua_State *lua)
{
    setFunction(lua, "log", logFunction);
    setNumber(lua, "LOG_DEBUG", 0);
    setNumber(lua, "LOG_VERBOSE", 1);
    setNumber(lua, "LOG_NOTICE", LogNotice);
    setNumber(lua, "LOG_WARNING", LogWarning);
    setNumber(lua, "REDIS_VERSION_NUM", (7 << 16) | (0 << 8) | 15);
    lua_pushstring(lua, "7.0.15");
    lua_setfield(lua, -2, "REDIS_VERSION");
}

void registerRedisTable(lua_State *lua, Kind kind)
{
    lua_newtable(lua);
    setFunction(lua, "call", callFunction);
    setFunction(lua, "pcall", pcallFunction);
    registerLogAndVersion(lua);
    setFunction(lua, "setresp", setrespFunction);
    setFunction(lua, "sha1hex", sha1hexFunction);
    setFunction(lua, "error_reply", errorReplyFunction);
    setFunction(lua, "status_reply", statusReplyFunction);
    setFunction(lua, "set_repl", setReplFunction);
    setNumber(lua, "REPL_NONE", 0);
    setNumber(lua, "REPL_AOF", ReplAof);
    setNumber(lua, "REPL_SLAVE", ReplReplica);
    setNumber(lua, "REPL_REPLICA", ReplReplica);
    setNumber(lua, "REPL_ALL", ReplAof | ReplReplica);
    setFunction(lua, "acl_check_cmd", aclCheckCmdFunction);
    if (kind == Kind::Eval) {
        setFunction(lua, "replicate_commands", replicateCommandsFunction);
        setFunction(lua, "breakpoint", breakpointFunction);
        setFunction(lua, "debug", debugFunction);
    }
    lua_setfield(lua, LUA_GLOBALSINDEX, "redis");
}

// The globals FUNCTION LOAD's code sees: a redis table with register_function, log and the
// version only; anything else is a missing global.
void createLoadGlobals(lua_State *lua)
{
    lua_newtable(lua);
    lua_newtable(lua);
    setFunction(lua, "register_function", registerFunction);
    registerLogAndVersion(lua);
    setErrorMetatable(lua);
    protectTop(lua);
    lua_setfield(lua, -2, "redis");
    setErrorMetatable(lua);
    lua_setfield(lua, LUA_REGISTRYINDEX, LoadGlobalsKey);
}

} // namespace

lua_State *create(Kind kind)
{
    lua_State *lua = luaL_newstate();
    loadLibrary(lua, "", luaopen_base);
    loadLibrary(lua, LUA_TABLIBNAME, luaopen_table);
    loadLibrary(lua, LUA_STRLIBNAME, luaopen_string);
    loadLibrary(lua, LUA_MATHLIBNAME, luaopen_math);
    loadLibrary(lua, "cjson", luaopen_cjson);
    loadLibrary(lua, "struct", luaopen_qkv_struct);
    loadLibrary(lua, "cmsgpack", luaopen_qkv_cmsgpack);
    loadLibrary(lua, "bit", luaopen_bit);
    for (const char *removed :
         { "dofile", "loadfile", "print", "getfenv", "setfenv", "newproxy", "module", "require" }) {
        lua_pushnil(lua);
        lua_setfield(lua, LUA_GLOBALSINDEX, removed);
    }
    lua_pushcfunction(lua, luaPcall);
    lua_setfield(lua, LUA_GLOBALSINDEX, "pcall");
    lua_pushcfunction(lua, nextFunction);
    lua_setfield(lua, LUA_GLOBALSINDEX, "next");
    lua_pushcfunction(lua, pairsFunction);
    lua_setfield(lua, LUA_GLOBALSINDEX, "pairs");
    lua_pushcfunction(lua, rawgetFunction);
    lua_setfield(lua, LUA_GLOBALSINDEX, "rawget");
    lua_pushcfunction(lua, rawsetFunction);
    lua_setfield(lua, LUA_GLOBALSINDEX, "rawset");
    lua_pushcfunction(lua, setmetatableFunction);
    lua_setfield(lua, LUA_GLOBALSINDEX, "setmetatable");
    registerRedisTable(lua, kind);
    lua_getfield(lua, LUA_GLOBALSINDEX, "math");
    setFunction(lua, "random", randomFunction);
    setFunction(lua, "randomseed", randomseedFunction);
    lua_pop(lua, 1);
    if (kind == Kind::Eval) {
        lua_pushcfunction(lua, errorHandler);
        lua_setfield(lua, LUA_GLOBALSINDEX, "__redis__err__handler");
    }

    // Protection: every library table behind a proxy, then _G itself.
    lua_newtable(lua);
    lua_setfield(lua, LUA_REGISTRYINDEX, ProxiesKey);
    for (const char *library : { "string", "table", "math", "cjson", "struct", "cmsgpack", "bit",
                                 "coroutine", "redis" }) {
        lua_getfield(lua, LUA_GLOBALSINDEX, library);
        protectTop(lua);
        if (std::strcmp(library, "string") == 0) {
            // Methods on strings ("x"):upper() read the library through the proxy too.
            lua_pushliteral(lua, "");
            lua_getmetatable(lua, -1);
            lua_pushvalue(lua, -3);
            lua_setfield(lua, -2, "__index");
            lua_pop(lua, 2);
        }
        lua_setfield(lua, LUA_GLOBALSINDEX, library);
    }
    if (kind == Kind::Function)
        createLoadGlobals(lua);
    lua_pushvalue(lua, LUA_GLOBALSINDEX);
    lua_pushvalue(lua, -1);
    lua_setfield(lua, LUA_REGISTRYINDEX, GlobalsKey);
    // A global that is not there is an error, not nil.
    setErrorMetatable(lua);
    protectTop(lua);
    lua_pushvalue(lua, -1);
    lua_setfield(lua, LUA_GLOBALSINDEX, "_G");
    lua_replace(lua, LUA_GLOBALSINDEX);
    return lua;
}

void setRun(lua_State *lua, ScriptRun *current)
{
    if (current)
        lua_pushlightuserdata(lua, current);
    else
        lua_pushnil(lua);
    lua_setfield(lua, LUA_REGISTRYINDEX, RunKey);
}

ScriptRun *run(lua_State *lua)
{
    lua_getfield(lua, LUA_REGISTRYINDEX, RunKey);
    auto *current = static_cast<ScriptRun *>(lua_touserdata(lua, -1));
    lua_pop(lua, 1);
    return current;
}

void setGlobal(lua_State *lua, const char *name)
{
    pushReal(lua, LUA_GLOBALSINDEX);
    lua_insert(lua, -2);
    lua_setfield(lua, -2, name);
    lua_pop(lua, 1);
}

void pushErrorHandler(lua_State *lua)
{
    lua_pushcfunction(lua, errorHandler);
}

void setLoading(lua_State *lua, std::vector<RegisteredFunction> *functions)
{
    if (functions)
        lua_pushlightuserdata(lua, functions);
    else
        lua_pushnil(lua);
    lua_setfield(lua, LUA_REGISTRYINDEX, LoadingKey);
    // The globals proxy reads through to the loading API or to the real globals.
    lua_getmetatable(lua, LUA_GLOBALSINDEX);
    lua_getfield(lua, LUA_REGISTRYINDEX, functions ? LoadGlobalsKey : GlobalsKey);
    lua_setfield(lua, -2, "__index");
    lua_pop(lua, 1);
}

bool isValidName(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_'))
            return false;
    }
    return true;
}

void seedRandom(int seed)
{
    g_rand48 = (quint64(quint32(seed)) << 16) | 0x330E;
}

} // namespace LuaState
