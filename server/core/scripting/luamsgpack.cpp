#include "luamsgpack.h"

#include <lua.hpp>

#include <QByteArray>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace {

// Tables nested deeper than this are encoded as nil (cycles end there).
constexpr int MaxNesting = 16;

void appendBigEndian(QByteArray *out, quint64 value, int bytes)
{
    for (int i = bytes - 1; i >= 0; --i)
        out->append(char((value >> (8 * i)) & 0xff));
}

// A type byte and a length in the smallest of three forms: the fixed one (small, under a mask),
// then 16 and 32 bits.
void appendHeader(QByteArray *out, size_t length, size_t fixedLimit, quint8 fixed, quint8 wide16,
                  quint8 wide32)
{
    if (length <= fixedLimit) {
        out->append(char(fixed | length));
    } else if (length <= 0xffff) {
        out->append(char(wide16));
        appendBigEndian(out, length, 2);
    } else {
        out->append(char(wide32));
        appendBigEndian(out, length, 4);
    }
}

void encodeBytes(QByteArray *out, const char *data, size_t length)
{
    if (length < 32) {
        out->append(char(0xa0 | length));
    } else if (length <= 0xff) {
        out->append(char(0xd9));
        out->append(char(length));
    } else {
        appendHeader(out, length, 0, 0, 0xda, 0xdb);
    }
    out->append(data, qsizetype(length));
}

void encodeInteger(QByteArray *out, qint64 n)
{
    if (n >= 0) {
        if (n <= 127) {
            out->append(char(n));
        } else if (n <= 0xff) {
            out->append(char(0xcc));
            appendBigEndian(out, quint64(n), 1);
        } else if (n <= 0xffff) {
            out->append(char(0xcd));
            appendBigEndian(out, quint64(n), 2);
        } else if (n <= 0xffffffffLL) {
            out->append(char(0xce));
            appendBigEndian(out, quint64(n), 4);
        } else {
            out->append(char(0xcf));
            appendBigEndian(out, quint64(n), 8);
        }
    } else if (n >= -32) {
        out->append(char(n));
    } else if (n >= -128) {
        out->append(char(0xd0));
        appendBigEndian(out, quint64(n), 1);
    } else if (n >= -32768) {
        out->append(char(0xd1));
        appendBigEndian(out, quint64(n), 2);
    } else if (n >= -2147483648LL) {
        out->append(char(0xd2));
        appendBigEndian(out, quint64(n), 4);
    } else {
        out->append(char(0xd3));
        appendBigEndian(out, quint64(n), 8);
    }
}

void encodeDouble(QByteArray *out, double d)
{
    const float f = float(d);
    if (d == double(f)) {
        quint32 bits;
        std::memcpy(&bits, &f, 4);
        out->append(char(0xca));
        appendBigEndian(out, bits, 4);
    } else {
        quint64 bits;
        std::memcpy(&bits, &d, 8);
        out->append(char(0xcb));
        appendBigEndian(out, bits, 8);
    }
}

bool isInt64Equivalent(double n)
{
    return !std::isinf(n) && n == n && n >= -9223372036854775808.0 && n < 9223372036854775808.0
            && double(qint64(n)) == n;
}

// Keys 1..n and nothing else: an array (an empty table is one too).
bool isArray(lua_State *lua)
{
    const int top = lua_gettop(lua);
    long long count = 0;
    double max = 0;
    lua_pushnil(lua);
    while (lua_next(lua, -2)) {
        lua_pop(lua, 1);
        const double n = lua_type(lua, -1) == LUA_TNUMBER ? lua_tonumber(lua, -1) : 0;
        if (n <= 0 || !(n >= INT_MIN && n <= INT_MAX && double(int(n)) == n)) {
            lua_settop(lua, top);
            return false;
        }
        max = n > max ? n : max;
        ++count;
    }
    lua_settop(lua, top);
    return max == double(count);
}

void encode(lua_State *lua, QByteArray *out, int level);

void encodeTable(lua_State *lua, QByteArray *out, int level)
{
    luaL_checkstack(lua, 3, "in function encodeTable");
    if (isArray(lua)) {
        const size_t length = lua_objlen(lua, -1);
        appendHeader(out, length, 15, 0x90, 0xdc, 0xdd);
        for (size_t i = 1; i <= length; ++i) {
            lua_pushnumber(lua, lua_Number(i));
            lua_gettable(lua, -2);
            encode(lua, out, level + 1);
        }
        return;
    }
    size_t length = 0;
    lua_pushnil(lua);
    while (lua_next(lua, -2)) {
        lua_pop(lua, 1);
        ++length;
    }
    appendHeader(out, length, 15, 0x80, 0xde, 0xdf);
    lua_pushnil(lua);
    while (lua_next(lua, -2)) {
        lua_pushvalue(lua, -2); // stack: key, value, key copy: the copy, then the value
        encode(lua, out, level + 1);
        encode(lua, out, level + 1);
    }
}

// Encodes the value on the top and pops it.
void encode(lua_State *lua, QByteArray *out, int level)
{
    int type = lua_type(lua, -1);
    if (type == LUA_TTABLE && level == MaxNesting)
        type = LUA_TNIL;
    switch (type) {
    case LUA_TSTRING: {
        size_t length = 0;
        const char *text = lua_tolstring(lua, -1, &length);
        encodeBytes(out, text, length);
        break;
    }
    case LUA_TBOOLEAN: out->append(char(lua_toboolean(lua, -1) ? 0xc3 : 0xc2)); break;
    case LUA_TNUMBER: {
        const double n = lua_tonumber(lua, -1);
        if (isInt64Equivalent(n))
            encodeInteger(out, qint64(n));
        else
            encodeDouble(out, n);
        break;
    }
    case LUA_TTABLE: encodeTable(lua, out, level); break;
    default: out->append(char(0xc0)); break;
    }
    lua_pop(lua, 1);
}

int pack(lua_State *lua)
{
    const int argc = lua_gettop(lua);
    if (argc == 0)
        return luaL_argerror(lua, 0, "MessagePack pack needs input.");
    QByteArray out;
    for (int i = 1; i <= argc; ++i) {
        lua_pushvalue(lua, i);
        encode(lua, &out, 0);
    }
    lua_pushlstring(lua, out.constData(), size_t(out.size()));
    return 1;
}

// A read position in the input; error says why decoding stopped.
struct Cursor
{
    const unsigned char *p;
    size_t left;
    enum Error { None, Eof, BadFormat } error = None;

    bool need(size_t n)
    {
        if (left < n) {
            error = Eof;
            return false;
        }
        return true;
    }
    quint64 bigEndian(size_t offset, int bytes) const
    {
        quint64 value = 0;
        for (int i = 0; i < bytes; ++i)
            value = (value << 8) | p[offset + size_t(i)];
        return value;
    }
    void consume(size_t n)
    {
        p += n;
        left -= n;
    }
};

void decode(lua_State *lua, Cursor *c);

void decodeArray(lua_State *lua, Cursor *c, size_t length)
{
    lua_newtable(lua);
    luaL_checkstack(lua, 1, "in function decodeArray");
    for (size_t i = 1; i <= length; ++i) {
        lua_pushnumber(lua, lua_Number(i));
        decode(lua, c);
        if (c->error)
            return;
        lua_settable(lua, -3);
    }
}

void decodeMap(lua_State *lua, Cursor *c, size_t length)
{
    lua_newtable(lua);
    luaL_checkstack(lua, 2, "in function decodeMap");
    while (length--) {
        decode(lua, c);
        if (c->error)
            return;
        decode(lua, c);
        if (c->error)
            return;
        lua_settable(lua, -3);
    }
}

// A number of `bytes` bytes after the type byte (signed when isSigned).
void decodeNumber(lua_State *lua, Cursor *c, int bytes, bool isSigned)
{
    if (!c->need(size_t(1 + bytes)))
        return;
    const quint64 raw = c->bigEndian(1, bytes);
    if (isSigned) {
        const int shift = 64 - 8 * bytes;
        lua_pushnumber(lua, lua_Number(qint64(raw << shift) >> shift));
    } else {
        lua_pushnumber(lua, lua_Number(raw));
    }
    c->consume(size_t(1 + bytes));
}

// A string whose length takes `bytes` bytes after the type byte.
void decodeString(lua_State *lua, Cursor *c, int bytes)
{
    if (!c->need(size_t(1 + bytes)))
        return;
    const size_t length = size_t(c->bigEndian(1, bytes));
    if (!c->need(1 + size_t(bytes) + length))
        return;
    lua_pushlstring(lua, reinterpret_cast<const char *>(c->p) + 1 + bytes, length);
    c->consume(1 + size_t(bytes) + length);
}

void decodeAggregate(lua_State *lua, Cursor *c, int bytes, bool map)
{
    if (!c->need(size_t(1 + bytes)))
        return;
    const size_t length = size_t(c->bigEndian(1, bytes));
    c->consume(size_t(1 + bytes));
    if (map)
        decodeMap(lua, c, length);
    else
        decodeArray(lua, c, length);
}

void decode(lua_State *lua, Cursor *c)
{
    luaL_checkstack(lua, 1, "too many items");
    if (!c->need(1))
        return;
    const unsigned char type = c->p[0];
    switch (type) {
    case 0xcc: decodeNumber(lua, c, 1, false); return;
    case 0xcd: decodeNumber(lua, c, 2, false); return;
    case 0xce: decodeNumber(lua, c, 4, false); return;
    case 0xcf: decodeNumber(lua, c, 8, false); return;
    case 0xd0: decodeNumber(lua, c, 1, true); return;
    case 0xd1: decodeNumber(lua, c, 2, true); return;
    case 0xd2: decodeNumber(lua, c, 4, true); return;
    case 0xd3: decodeNumber(lua, c, 8, true); return;
    case 0xc0:
        lua_pushnil(lua);
        c->consume(1);
        return;
    case 0xc3:
        lua_pushboolean(lua, 1);
        c->consume(1);
        return;
    case 0xc2:
        lua_pushboolean(lua, 0);
        c->consume(1);
        return;
    case 0xca: {
        if (!c->need(5))
            return;
        const quint32 bits = quint32(c->bigEndian(1, 4));
        float f;
        std::memcpy(&f, &bits, 4);
        lua_pushnumber(lua, f);
        c->consume(5);
        return;
    }
    case 0xcb: {
        if (!c->need(9))
            return;
        const quint64 bits = c->bigEndian(1, 8);
        double d;
        std::memcpy(&d, &bits, 8);
        lua_pushnumber(lua, d);
        c->consume(9);
        return;
    }
    // The bin types (0xc4-0xc6) are not read, as in Redis's copy.
    case 0xd9: decodeString(lua, c, 1); return;
    case 0xda: decodeString(lua, c, 2); return;
    case 0xdb: decodeString(lua, c, 4); return;
    case 0xdc: decodeAggregate(lua, c, 2, false); return;
    case 0xdd: decodeAggregate(lua, c, 4, false); return;
    case 0xde: decodeAggregate(lua, c, 2, true); return;
    case 0xdf: decodeAggregate(lua, c, 4, true); return;
    default: break;
    }
    if ((type & 0x80) == 0) { // positive fixnum
        lua_pushnumber(lua, type);
        c->consume(1);
    } else if ((type & 0xe0) == 0xe0) { // negative fixnum
        lua_pushnumber(lua, static_cast<signed char>(type));
        c->consume(1);
    } else if ((type & 0xe0) == 0xa0) { // fixstr
        const size_t length = type & 0x1f;
        if (!c->need(1 + length))
            return;
        lua_pushlstring(lua, reinterpret_cast<const char *>(c->p) + 1, length);
        c->consume(1 + length);
    } else if ((type & 0xf0) == 0x90) { // fixarray
        c->consume(1);
        decodeArray(lua, c, type & 0xf);
    } else if ((type & 0xf0) == 0x80) { // fixmap
        c->consume(1);
        decodeMap(lua, c, type & 0xf);
    } else {
        c->error = Cursor::BadFormat;
    }
}

// mp_unpack_full: limit 0 and offset 0 decode everything; otherwise the next offset (-1 at the
// end) comes first, then up to limit objects.
int unpackFull(lua_State *lua, int limit, int offset)
{
    size_t length = 0;
    const char *data = luaL_checklstring(lua, 1, &length);
    const bool all = !limit && !offset;
    if (offset < 0 || limit < 0)
        return luaL_error(lua, "Invalid request to unpack with offset of %d and limit of %d.",
                          offset, int(length));
    if (size_t(offset) > length)
        return luaL_error(lua, "Start offset %d greater than input length %d.", offset,
                          int(length));
    if (all)
        limit = INT_MAX;
    Cursor c { reinterpret_cast<const unsigned char *>(data) + offset, length - size_t(offset) };
    int count = 0;
    for (; c.left > 0 && count < limit; ++count) {
        decode(lua, &c);
        if (c.error == Cursor::Eof)
            return luaL_error(lua, "Missing bytes in input.");
        if (c.error == Cursor::BadFormat)
            return luaL_error(lua, "Bad data format in input.");
    }
    if (!all) {
        lua_pushinteger(lua, c.left == 0 ? -1 : lua_Integer(length - c.left));
        lua_insert(lua, 2);
        ++count;
    }
    return count;
}

int unpack(lua_State *lua)
{
    return unpackFull(lua, 0, 0);
}

int unpackOne(lua_State *lua)
{
    const int offset = int(luaL_optinteger(lua, 2, 0));
    lua_pop(lua, lua_gettop(lua) - 1);
    return unpackFull(lua, 1, offset);
}

int unpackLimit(lua_State *lua)
{
    const int limit = int(luaL_checkinteger(lua, 2));
    const int offset = int(luaL_optinteger(lua, 3, 0));
    lua_pop(lua, lua_gettop(lua) - 1);
    return unpackFull(lua, limit, offset);
}

const luaL_Reg Functions[] = {
    { "pack", pack },
    { "unpack", unpack },
    { "unpack_one", unpackOne },
    { "unpack_limit", unpackLimit },
    { nullptr, nullptr },
};

} // namespace

int luaopen_qkv_cmsgpack(lua_State *lua)
{
    luaL_register(lua, "cmsgpack", Functions);
    lua_pushliteral(lua, "cmsgpack");
    lua_setfield(lua, -2, "_NAME");
    lua_pushliteral(lua, "lua-cmsgpack 0.4.0");
    lua_setfield(lua, -2, "_VERSION");
    lua_pushliteral(lua, "Copyright (C) 2012, Salvatore Sanfilippo");
    lua_setfield(lua, -2, "_COPYRIGHT");
    lua_pushliteral(lua, "MessagePack C implementation for Lua");
    lua_setfield(lua, -2, "_DESCRIPTION");
    return 1;
}
