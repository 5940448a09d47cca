#pragma once

struct lua_State;

// The `cmsgpack` library Redis loads into its Lua engines (lua-cmsgpack 0.4.0, as Redis ships
// it): cmsgpack.pack(...), cmsgpack.unpack(data), cmsgpack.unpack_one(data [, offset]) and
// cmsgpack.unpack_limit(data, limit [, offset]), with its choices of MessagePack encodings
// (integers in the smallest form, floats as float 32 when exact, str 8, tables as arrays when
// their keys are 1..n) and its error texts. Debian has no package of it. Opens the library as
// the global `cmsgpack` and returns 1 with the table on the stack.
int luaopen_qkv_cmsgpack(lua_State *lua);
