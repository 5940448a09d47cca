#include "luaconversions.h"

#include "protocol/replywriter.h"

#include <QString>

#include <lua.hpp>

#include <cstdlib>

namespace LuaConversions {

namespace {

// The text of a header line (after its type byte) up to CRLF; *pos moves past the CRLF.
QByteArrayView headerLine(QByteArrayView reply, qsizetype *pos)
{
    const qsizetype start = *pos + 1;
    const qsizetype end = reply.indexOf("\r\n", start);
    *pos = end + 2;
    return reply.sliced(start, end - start);
}

long long headerNumber(QByteArrayView reply, qsizetype *pos)
{
    return headerLine(reply, pos).toByteArray().toLongLong();
}

void setField(lua_State *lua, const char *name)
{
    lua_pushstring(lua, name);
    lua_insert(lua, -2);
    lua_settable(lua, -3);
}

// A table {name = <the value on the top>}.
void wrapInField(lua_State *lua, const char *name)
{
    lua_newtable(lua);
    lua_insert(lua, -2);
    setField(lua, name);
}

} // namespace

void pushError(lua_State *lua, QByteArrayView text)
{
    QByteArray code = QByteArrayLiteral("ERR");
    QByteArrayView message = text;
    if (text.startsWith('-')) {
        const qsizetype space = text.indexOf(' ');
        if (space < 0) {
            message = text.sliced(1);
        } else {
            code = text.sliced(1, space - 1).toByteArray();
            message = text.sliced(space + 1);
        }
    }
    // sdstrim(msg, "\r\n") trims both ends.
    while (!message.isEmpty() && (message.front() == '\r' || message.front() == '\n'))
        message = message.sliced(1);
    while (!message.isEmpty() && (message.back() == '\r' || message.back() == '\n'))
        message.chop(1);
    const QByteArray full = code + ' ' + message.toByteArray();
    lua_newtable(lua);
    lua_pushlstring(lua, full.constData(), size_t(full.size()));
    setField(lua, "err");
}

void pushReply(lua_State *lua, QByteArrayView reply, qsizetype *pos)
{
    luaL_checkstack(lua, 4, "reply too deep");
    const char type = reply[*pos];
    switch (type) {
    case '+': {
        const QByteArrayView text = headerLine(reply, pos);
        lua_pushlstring(lua, text.data(), size_t(text.size()));
        wrapInField(lua, "ok");
        return;
    }
    case '-': {
        const QByteArrayView text = headerLine(reply, pos);
        pushError(lua, QByteArray(QByteArray(1, '-') + text.toByteArray()));
        lua_pushboolean(lua, 1);
        setField(lua, "ignore_error_stats_update");
        return;
    }
    case ':': lua_pushnumber(lua, lua_Number(headerNumber(reply, pos))); return;
    case '$': {
        const long long length = headerNumber(reply, pos);
        if (length < 0) {
            lua_pushboolean(lua, 0);
            return;
        }
        lua_pushlstring(lua, reply.data() + *pos, size_t(length));
        *pos += length + 2;
        return;
    }
    case '*': {
        const long long count = headerNumber(reply, pos);
        if (count < 0) {
            lua_pushboolean(lua, 0);
            return;
        }
        lua_createtable(lua, int(count), 0);
        for (long long i = 1; i <= count; ++i) {
            pushReply(lua, reply, pos);
            lua_rawseti(lua, -2, int(i));
        }
        return;
    }
    case '%': {
        const long long count = headerNumber(reply, pos);
        lua_newtable(lua);
        for (long long i = 0; i < count; ++i) {
            pushReply(lua, reply, pos);
            pushReply(lua, reply, pos);
            lua_settable(lua, -3);
        }
        wrapInField(lua, "map");
        return;
    }
    case '~': {
        const long long count = headerNumber(reply, pos);
        lua_newtable(lua);
        for (long long i = 0; i < count; ++i) {
            pushReply(lua, reply, pos);
            lua_pushboolean(lua, 1);
            lua_settable(lua, -3);
        }
        wrapInField(lua, "set");
        return;
    }
    case '_':
        headerLine(reply, pos);
        lua_pushnil(lua);
        return;
    case '#': lua_pushboolean(lua, headerLine(reply, pos) == "t"); return;
    case ',': {
        const QByteArray text = headerLine(reply, pos).toByteArray();
        lua_pushnumber(lua, std::strtod(text.constData(), nullptr));
        wrapInField(lua, "double");
        return;
    }
    case '(': {
        const QByteArrayView text = headerLine(reply, pos);
        lua_pushlstring(lua, text.data(), size_t(text.size()));
        wrapInField(lua, "big_number");
        return;
    }
    case '=': {
        const long long length = headerNumber(reply, pos);
        const char *data = reply.data() + *pos;
        *pos += length + 2;
        lua_newtable(lua);
        lua_pushlstring(lua, data + 4, size_t(length - 4));
        setField(lua, "string");
        lua_pushlstring(lua, data, 3);
        setField(lua, "format");
        wrapInField(lua, "verbatim_string");
        return;
    }
    case '|': {
        // Attributes are not shown to scripts: read and drop them, then the value they annotate.
        const long long count = headerNumber(reply, pos);
        for (long long i = 0; i < 2 * count; ++i) {
            pushReply(lua, reply, pos);
            lua_pop(lua, 1);
        }
        pushReply(lua, reply, pos);
        return;
    }
    default:
        // Commands write no other type; a script must still get a value.
        *pos = reply.size();
        lua_pushnil(lua);
        return;
    }
}

ErrorInfo errorInfo(lua_State *lua, int index)
{
    ErrorInfo info;
    index = lua_gettop(lua) + index + 1;
    if (lua_isstring(lua, index)) {
        info.message = QByteArrayLiteral("ERR ") + QByteArray(lua_tostring(lua, index));
        return info;
    }
    if (!lua_istable(lua, index))
        return info;
    const auto field = [&](const char *name, QByteArray *out) {
        lua_getfield(lua, index, name);
        if (lua_isstring(lua, -1)) {
            size_t length = 0;
            const char *text = lua_tolstring(lua, -1, &length);
            *out = QByteArray(text, qsizetype(length));
        }
        lua_pop(lua, 1);
    };
    field("err", &info.message);
    field("source", &info.source);
    field("line", &info.line);
    lua_getfield(lua, index, "ignore_error_stats_update");
    info.ignoreStats = lua_isboolean(lua, -1) && lua_toboolean(lua, -1);
    lua_pop(lua, 1);
    return info;
}

namespace {

// The table on the top has a field name of the given Lua type: pushes it and returns true.
bool rawField(lua_State *lua, const char *name, int type)
{
    lua_pushstring(lua, name);
    lua_rawget(lua, -2);
    if (lua_type(lua, -1) == type)
        return true;
    lua_pop(lua, 1);
    return false;
}

QByteArray spacedLines(const char *text, size_t length)
{
    QByteArray out(text, qsizetype(length));
    for (char &c : out) {
        if (c == '\r' || c == '\n')
            c = ' ';
    }
    return out;
}

void writeTable(ReplyWriter &reply, lua_State *lua, int scriptResp, bool *countedErrors)
{
    lua_pushstring(lua, "err");
    lua_rawget(lua, -2);
    const bool isError = lua_type(lua, -1) == LUA_TSTRING;
    lua_pop(lua, 1);
    if (isError) {
        const ErrorInfo info = errorInfo(lua, -1);
        reply.error(info.message);
        *countedErrors = *countedErrors || info.ignoreStats;
        return;
    }
    size_t length = 0;
    if (rawField(lua, "ok", LUA_TSTRING)) {
        const char *text = lua_tolstring(lua, -1, &length);
        reply.simple(spacedLines(text, length));
        lua_pop(lua, 1);
        return;
    }
    if (rawField(lua, "double", LUA_TNUMBER)) {
        reply.doubleValue(lua_tonumber(lua, -1));
        lua_pop(lua, 1);
        return;
    }
    if (rawField(lua, "big_number", LUA_TSTRING)) {
        const char *text = lua_tolstring(lua, -1, &length);
        reply.bigNumber(spacedLines(text, length));
        lua_pop(lua, 1);
        return;
    }
    if (rawField(lua, "verbatim_string", LUA_TTABLE)) {
        if (rawField(lua, "format", LUA_TSTRING)) {
            size_t formatLength = 0;
            const char *format = lua_tolstring(lua, -1, &formatLength);
            lua_pushstring(lua, "string");
            lua_rawget(lua, -3);
            if (lua_type(lua, -1) == LUA_TSTRING) {
                const char *text = lua_tolstring(lua, -1, &length);
                reply.verbatim(QByteArrayView(text, qsizetype(length)),
                               QByteArrayView(format, qsizetype(qMin<size_t>(formatLength, 3))));
                lua_pop(lua, 3);
                return;
            }
            lua_pop(lua, 2);
        }
        // A missing format was popped by rawField: only the verbatim_string table is left.
        lua_pop(lua, 1);
    }
    if (rawField(lua, "map", LUA_TTABLE)) {
        qsizetype pairs = 0;
        lua_pushnil(lua);
        while (lua_next(lua, -2)) {
            lua_pop(lua, 1);
            ++pairs;
        }
        reply.mapHeader(pairs);
        lua_pushnil(lua);
        while (lua_next(lua, -2)) {
            // Stack: map, key, value; a copy of the key is written, then the value.
            lua_pushvalue(lua, -2);
            writeReply(reply, lua, scriptResp, countedErrors);
            writeReply(reply, lua, scriptResp, countedErrors);
        }
        lua_pop(lua, 1);
        return;
    }
    if (rawField(lua, "set", LUA_TTABLE)) {
        qsizetype count = 0;
        lua_pushnil(lua);
        while (lua_next(lua, -2)) {
            lua_pop(lua, 1);
            ++count;
        }
        reply.setHeader(count);
        lua_pushnil(lua);
        while (lua_next(lua, -2)) {
            lua_pop(lua, 1);
            lua_pushvalue(lua, -1);
            writeReply(reply, lua, scriptResp, countedErrors);
        }
        lua_pop(lua, 1);
        return;
    }
    // An array: its elements up to the first nil.
    int count = 0;
    for (;;) {
        lua_rawgeti(lua, -1, count + 1);
        const bool end = lua_isnil(lua, -1);
        lua_pop(lua, 1);
        if (end)
            break;
        ++count;
    }
    reply.arrayHeader(count);
    for (int i = 1; i <= count; ++i) {
        lua_rawgeti(lua, -1, i);
        writeReply(reply, lua, scriptResp, countedErrors);
    }
}

} // namespace

void writeReply(ReplyWriter &reply, lua_State *lua, int scriptResp, bool *countedErrors)
{
    if (!lua_checkstack(lua, 4)) {
        reply.error("ERR reached lua stack limit");
        lua_pop(lua, 1);
        return;
    }
    switch (lua_type(lua, -1)) {
    case LUA_TSTRING: {
        size_t length = 0;
        const char *text = lua_tolstring(lua, -1, &length);
        reply.bulk(QByteArrayView(text, qsizetype(length)));
        break;
    }
    case LUA_TBOOLEAN:
        if (scriptResp == 2) {
            if (lua_toboolean(lua, -1))
                reply.integer(1);
            else
                reply.null();
        } else {
            reply.boolean(lua_toboolean(lua, -1));
        }
        break;
    case LUA_TNUMBER: reply.integer(truncateNumber<long long>(lua_tonumber(lua, -1))); break;
    case LUA_TTABLE: writeTable(reply, lua, scriptResp, countedErrors); break;
    default: reply.null(); break;
    }
    lua_pop(lua, 1);
}

} // namespace LuaConversions
