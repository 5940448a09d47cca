#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

struct lua_State;
class ScriptRun;

// A Lua 5.1 state set up as Redis 7.0 sets up its engines (script_lua.c): the libraries it
// loads (base without dofile/loadfile/print/getfenv/setfenv/newproxy, table, string, math,
// cjson, struct, cmsgpack, bit), the `redis` API table, math.random on Redis's own rand48, an error
// handler that adds the script's source and line, and read-only globals: reading an unknown global
// or writing to _G, or to a library table, raises Redis's error. Debian's Lua has no read-only
// tables, so _G and the library tables are empty proxies whose metatables refuse writes and
// read through to the real tables; next, pairs, rawget, rawset and setmetatable see through
// or refuse them likewise.
namespace LuaState {

enum class Kind { Eval, Function };

// A new state; Eval also gets redis.replicate_commands, redis.breakpoint and redis.debug.
lua_State *create(Kind kind);

// The run the API functions act for while a script runs (nullptr between runs).
void setRun(lua_State *lua, ScriptRun *run);
ScriptRun *run(lua_State *lua);

// Sets a global (KEYS, ARGV) in the protected globals table.
void setGlobal(lua_State *lua, const char *name);

// Pushes the error handler to pass to lua_pcall (Redis's __redis__err__handler).
void pushErrorHandler(lua_State *lua);

// A function that redis.register_function added while FUNCTION LOAD ran a library's code:
// its callback is kept in the registry under ref (luaL_ref).
struct RegisteredFunction
{
    QByteArray name;
    QByteArray description;
    bool hasDescription = false;
    quint32 flags = 0;
    int ref = -2; // LUA_NOREF
};

// FUNCTION LOAD runs a library's code with functions set (Function states only): meanwhile the
// globals are the loading API alone (redis.register_function, redis.log and its levels,
// redis.REDIS_VERSION...), as in Redis, and register_function appends to *functions. nullptr
// restores the ordinary globals.
void setLoading(lua_State *lua, std::vector<RegisteredFunction> *functions);

// Redis's functionsVerifyName, for library and function names: letters, digits and
// underscores, at least one.
bool isValidName(QByteArrayView name);

// Redis's redisSrand48/redisLrand48, shared by every engine of the process as in Redis.
void seedRandom(int seed);

} // namespace LuaState
