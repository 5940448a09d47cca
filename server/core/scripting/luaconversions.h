#pragma once

#include <QByteArray>
#include <QByteArrayView>

struct lua_State;
class ReplyWriter;

// The two conversions of Redis's script_lua.c, between RESP and Lua values, so that a script
// sees a command's reply and its caller sees the script's result exactly as in Redis 7.0.
namespace LuaConversions {

// Pushes the Lua value of one complete RESP2/RESP3 reply (as a command wrote it for the script
// client) starting at *pos, and moves *pos past it: integers become numbers, bulk strings
// strings, a RESP2 null false, a RESP3 null nil, status {ok=...}, errors {err="CODE msg",
// ignore_error_stats_update=true}, arrays tables, and RESP3's double/map/set/big number/
// verbatim string {double=..}, {map={..}}, {set={k=true..}}, {big_number=..},
// {verbatim_string={string=..,format=..}}. Attributes are skipped.
void pushReply(lua_State *lua, QByteArrayView reply, qsizetype *pos);

// Writes the Lua value on the top of the stack as a reply and pops it. scriptResp is the
// protocol the script chose with redis.setresp: it decides how booleans are returned.
// *countedErrors is set when an error written was counted already (a command's error that
// redis.pcall returned).
void writeReply(ReplyWriter &reply, lua_State *lua, int scriptResp, bool *countedErrors);

// luaPushErrorBuff: pushes {err="CODE msg"} from "-CODE msg" or "msg" (code ERR), newlines
// at the end trimmed.
void pushError(lua_State *lua, QByteArrayView text);

// What an error object (a table from the error handler, or a string) says: "CODE msg", plus
// the source and line when the handler found them. For the reply "-msg script: f, on src:l.".
struct ErrorInfo
{
    QByteArray message;
    QByteArray source;
    QByteArray line;
    // Counted already where it happened (ignore_error_stats_update): INFO does not count it.
    bool ignoreStats = false;
};
// index is a negative stack index.
ErrorInfo errorInfo(lua_State *lua, int index);

} // namespace LuaConversions
