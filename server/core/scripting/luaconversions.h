#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <limits>
#include <type_traits>

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

// A Lua number converted to an integer as Redis's C casts do it on x86-64: truncated, and
// the type's minimum (the "integer indefinite" value of cvttsd2si) for NaN and numbers out of
// its range, without the C++ cast's undefined behaviour (return 1e20 gives
// :-9223372036854775808, as in Redis).
template<typename T> T truncateNumber(double n)
{
    static_assert(std::is_same_v<T, int> || std::is_same_v<T, long long>);
    // Both bounds are exact doubles: -2^31 or -2^63, and 2^31 or 2^63.
    constexpr double low = double(std::numeric_limits<T>::min());
    constexpr double high = -low;
    return n >= low && n < high ? T(n) : std::numeric_limits<T>::min();
}

// The same for (unsigned long long), as gcc compiles it for x86-64: below 2^63 (and NaN) as
// the signed conversion, from 2^63 to 2^64 exact, past that 0.
inline unsigned long long truncateUnsigned(double n)
{
    constexpr double twoTo63 = 9223372036854775808.0;
    if (!(n >= twoTo63))
        return static_cast<unsigned long long>(truncateNumber<long long>(n));
    return n < 2 * twoTo63 ? static_cast<unsigned long long>(n) : 0;
}

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
