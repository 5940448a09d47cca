#include "luastruct.h"

#include "luaconversions.h"

#include <lua.hpp>

#include <cctype>
#include <climits>
#include <cstring>
#include <utility>

namespace {

// lua_struct's limits: integers of up to 32 bytes, alignment up to that of a double.
constexpr int MaxIntSize = 32;
constexpr int MaxAlign = 8;

struct Header
{
    bool little = true; // the machine's order (qkv builds for little-endian hosts)
    int align = 1;
};

// A number in the format after an option ("i4", "c10", "!8"), or fallback when none follows.
int number(lua_State *lua, const char **format, int fallback)
{
    if (!std::isdigit(static_cast<unsigned char>(**format)))
        return fallback;
    int value = 0;
    do {
        const int digit = *(*format)++ - '0';
        if (value > INT_MAX / 10 || value * 10 > INT_MAX - digit)
            luaL_error(lua, "integral size overflow");
        value = value * 10 + digit;
    } while (std::isdigit(static_cast<unsigned char>(**format)));
    return value;
}

size_t optionSize(lua_State *lua, char option, const char **format)
{
    switch (option) {
    case 'B':
    case 'b': return sizeof(char);
    case 'H':
    case 'h': return sizeof(short);
    case 'L':
    case 'l': return sizeof(long);
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return size_t(number(lua, format, 1));
    case 'i':
    case 'I': {
        const int size = number(lua, format, sizeof(int));
        if (size > MaxIntSize)
            luaL_error(lua, "integral size %d is larger than limit of %d", size, MaxIntSize);
        return size_t(size);
    }
    default: return 0; // the other options need no alignment
    }
}

// Padding before an item of size at offset, under the current maximum alignment.
size_t padding(size_t offset, const Header &header, char option, size_t size)
{
    if (size == 0 || option == 'c')
        return 0;
    if (size > size_t(header.align))
        size = size_t(header.align);
    return (size - (offset & (size - 1))) & (size - 1);
}

void controlOption(lua_State *lua, char option, const char **format, Header *header)
{
    switch (option) {
    case ' ': return;
    case '>': header->little = false; return;
    case '<': header->little = true; return;
    case '!': {
        const int align = number(lua, format, MaxAlign);
        if (align <= 0 || (align & (align - 1)) != 0)
            luaL_error(lua, "alignment %d is not a power of 2", align);
        header->align = align;
        return;
    }
    default: luaL_argerror(lua, 1, lua_pushfstring(lua, "invalid format option '%c'", option));
    }
}

bool isIntegerOption(char option)
{
    return std::strchr("bBhHlLTiI", option) != nullptr && option != '\0';
}

// Floats are stored in the machine's order: reversed when the format asks for the other.
void orderBytes(char *bytes, size_t size, bool little)
{
    if (little)
        return;
    for (size_t i = 0; i < size / 2; ++i)
        std::swap(bytes[i], bytes[size - 1 - i]);
}

void putInteger(lua_State *lua, luaL_Buffer *buffer, int arg, bool little, size_t size)
{
    const lua_Number n = luaL_checknumber(lua, arg);
    // Redis casts negative numbers to long long first, which truncateUnsigned() does too.
    unsigned long long value = LuaConversions::truncateUnsigned(n);
    char bytes[MaxIntSize];
    for (size_t i = 0; i < size; ++i) {
        bytes[little ? i : size - 1 - i] = char(value & 0xff);
        value = i < 7 ? value >> 8 : 0;
    }
    luaL_addlstring(buffer, bytes, size);
}

lua_Number getInteger(const char *bytes, bool little, bool isSigned, size_t size)
{
    unsigned long long value = 0;
    for (size_t i = 0; i < size; ++i) {
        value <<= 8;
        value |= static_cast<unsigned char>(bytes[little ? size - 1 - i : i]);
    }
    if (!isSigned)
        return lua_Number(value);
    if (size < sizeof(value)) {
        const unsigned long long mask = ~0ULL << (size * 8 - 1);
        if (value & mask)
            value |= mask; // sign extension
    }
    return lua_Number(static_cast<long long>(value));
}

int pack(lua_State *lua)
{
    const char *format = luaL_checkstring(lua, 1);
    Header header;
    int arg = 2;
    size_t total = 0;
    lua_pushnil(lua); // separates the arguments from the buffer's stack use
    luaL_Buffer buffer;
    luaL_buffinit(lua, &buffer);
    while (*format) {
        const char option = *format++;
        size_t size = optionSize(lua, option, &format);
        size_t pad = padding(total, header, option, size);
        total += pad;
        while (pad-- > 0)
            luaL_addchar(&buffer, '\0');
        if (isIntegerOption(option)) {
            putInteger(lua, &buffer, arg++, header.little, size);
        } else if (option == 'x') {
            luaL_addchar(&buffer, '\0');
        } else if (option == 'f') {
            float value = float(luaL_checknumber(lua, arg++));
            orderBytes(reinterpret_cast<char *>(&value), size, header.little);
            luaL_addlstring(&buffer, reinterpret_cast<char *>(&value), size);
        } else if (option == 'd') {
            double value = luaL_checknumber(lua, arg++);
            orderBytes(reinterpret_cast<char *>(&value), size, header.little);
            luaL_addlstring(&buffer, reinterpret_cast<char *>(&value), size);
        } else if (option == 'c' || option == 's') {
            size_t length = 0;
            const char *text = luaL_checklstring(lua, arg++, &length);
            if (size == 0)
                size = length;
            luaL_argcheck(lua, length >= size, arg, "string too short");
            luaL_addlstring(&buffer, text, size);
            if (option == 's') {
                luaL_addchar(&buffer, '\0');
                ++size;
            }
        } else {
            controlOption(lua, option, &format, &header);
        }
        total += size;
    }
    luaL_pushresult(&buffer);
    return 1;
}

int unpack(lua_State *lua)
{
    const char *format = luaL_checkstring(lua, 1);
    size_t length = 0;
    const char *data = luaL_checklstring(lua, 2, &length);
    size_t pos = size_t(luaL_optinteger(lua, 3, 1));
    luaL_argcheck(lua, pos > 0, 3, "offset must be 1 or greater");
    --pos;
    Header header;
    int results = 0;
    while (*format) {
        const char option = *format++;
        size_t size = optionSize(lua, option, &format);
        pos += padding(pos, header, option, size);
        luaL_argcheck(lua, size <= length && pos <= length - size, 2, "data string too short");
        luaL_checkstack(lua, 2, "too many results");
        if (isIntegerOption(option)) {
            lua_pushnumber(lua,
                           getInteger(data + pos, header.little,
                                      std::islower(static_cast<unsigned char>(option)), size));
            ++results;
        } else if (option == 'x') {
        } else if (option == 'f') {
            float value;
            std::memcpy(&value, data + pos, size);
            orderBytes(reinterpret_cast<char *>(&value), sizeof value, header.little);
            lua_pushnumber(lua, value);
            ++results;
        } else if (option == 'd') {
            double value;
            std::memcpy(&value, data + pos, size);
            orderBytes(reinterpret_cast<char *>(&value), sizeof value, header.little);
            lua_pushnumber(lua, value);
            ++results;
        } else if (option == 'c') {
            if (size == 0) {
                // "c0": the length is the number read just before.
                if (results == 0 || !lua_isnumber(lua, -1))
                    luaL_error(lua, "format 'c0' needs a previous size");
                size = size_t(LuaConversions::truncateUnsigned(lua_tonumber(lua, -1)));
                lua_pop(lua, 1);
                --results;
                luaL_argcheck(lua, size <= length && pos <= length - size, 2,
                              "data string too short");
            }
            lua_pushlstring(lua, data + pos, size);
            ++results;
        } else if (option == 's') {
            const void *end = std::memchr(data + pos, '\0', length - pos);
            if (!end)
                luaL_error(lua, "unfinished string in data");
            size = size_t(static_cast<const char *>(end) - (data + pos)) + 1;
            lua_pushlstring(lua, data + pos, size - 1);
            ++results;
        } else {
            controlOption(lua, option, &format, &header);
        }
        pos += size;
    }
    lua_pushinteger(lua, lua_Integer(pos + 1));
    return results + 1;
}

int size(lua_State *lua)
{
    const char *format = luaL_checkstring(lua, 1);
    Header header;
    size_t pos = 0;
    while (*format) {
        const char option = *format++;
        const size_t size = optionSize(lua, option, &format);
        pos += padding(pos, header, option, size);
        if (option == 's')
            luaL_argerror(lua, 1, "option 's' has no fixed size");
        else if (option == 'c' && size == 0)
            luaL_argerror(lua, 1, "option 'c0' has no fixed size");
        if (!std::isalnum(static_cast<unsigned char>(option)))
            controlOption(lua, option, &format, &header);
        pos += size;
    }
    lua_pushinteger(lua, lua_Integer(pos));
    return 1;
}

const luaL_Reg Functions[] = {
    { "pack", pack },
    { "unpack", unpack },
    { "size", size },
    { nullptr, nullptr },
};

} // namespace

int luaopen_qkv_struct(lua_State *lua)
{
    luaL_register(lua, "struct", Functions);
    return 1;
}
