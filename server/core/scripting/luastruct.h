#pragma once

struct lua_State;

// The `struct` library Redis loads into its Lua engines (Roberto Ierusalimschy's lua_struct
// 0.2, as Redis ships it): struct.pack(fmt, ...), struct.unpack(fmt, data [, pos]) and
// struct.size(fmt), with its format language (< > ![n] x b B h H l L T i[n] I[n] f d s c[n])
// and its error texts. Debian has no package of it. Opens the library as the global `struct`
// and returns 1 with the table on the stack.
int luaopen_qkv_struct(lua_State *lua);
