#include "functionlibraries.h"

#include "commands/commandutil.h"
#include "luaconversions.h"
#include "net/connection.h"
#include "persist/dumppayload.h"
#include "persist/rdbformat.h"
#include "persist/rdbreader.h"
#include "persist/rdbwriter.h"
#include "protocol/argsplitter.h"
#include "protocol/numbers.h"
#include "scripting.h"
#include "scriptrun.h"

#include <lua.hpp>

#include <chrono>

namespace {

// FUNCTION LOAD gives a library's code this long to register its functions, as Redis does.
constexpr std::chrono::milliseconds LoadTimeout(500);
std::chrono::steady_clock::time_point g_loadStart;

void loadHook(lua_State *lua, lua_Debug *)
{
    if (std::chrono::steady_clock::now() - g_loadStart <= LoadTimeout)
        return;
    // Every line from now on, so that a pcall in the code cannot swallow the error for good.
    lua_sethook(lua, loadHook, LUA_MASKLINE, 0);
    LuaConversions::pushError(lua, "FUNCTION LOAD timeout");
    lua_error(lua);
}

} // namespace

FunctionLibraries::FunctionLibraries(Scripting &scripting)
    : m_scripting(scripting)
    , m_lua(LuaState::create(LuaState::Kind::Function))
{ }

FunctionLibraries::~FunctionLibraries()
{
    lua_close(m_lua);
}

// functionExtractLibMetaData: "#!<engine> name=<library>" on the first line.
bool FunctionLibraries::parseMetadata(const QByteArray &code, QByteArray *engine, QByteArray *name,
                                      qsizetype *shebangLength, QByteArray *error)
{
    if (!code.startsWith("#!")) {
        *error = QByteArrayLiteral("Missing library metadata");
        return false;
    }
    const qsizetype end = code.indexOf('\n');
    QList<QByteArray> parts;
    if (end < 0 || !splitInlineArgs(QByteArrayView(code).first(end), &parts) || parts.isEmpty()) {
        *error = QByteArrayLiteral("Invalid library metadata");
        return false;
    }
    *engine = parts[0].sliced(2);
    name->clear();
    bool named = false;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        if (parts[i].size() >= 5 && CommandUtil::equalsIgnoreCase(parts[i].first(5), "name=")) {
            if (named) {
                *error = QByteArrayLiteral(
                        "Invalid metadata value, name argument was given multiple times");
                return false;
            }
            *name = parts[i].sliced(5);
            named = true;
            continue;
        }
        *error = "Invalid metadata value given: " + CommandUtil::cString(parts[i]);
        return false;
    }
    if (!named) {
        *error = QByteArrayLiteral("Library name was not given");
        return false;
    }
    if (!LuaState::isValidName(*name)) {
        *error = QByteArrayLiteral("Library names can only contain letters, numbers, or "
                                   "underscores(_) and must be at least one character long");
        return false;
    }
    if (!CommandUtil::equalsIgnoreCase(*engine, "lua")) {
        *error = "Engine '" + *engine + "' not found";
        return false;
    }
    *shebangLength = end;
    return true;
}

bool FunctionLibraries::compile(const QByteArray &code, Library *library, QByteArray *error)
{
    QByteArray engine;
    qsizetype shebang = 0;
    if (!parseMetadata(code, &engine, &library->name, &shebang, error))
        return false;
    library->code = code;
    // The metadata line is skipped, its line feed kept so that line numbers stay the user's.
    if (luaL_loadbuffer(m_lua, code.constData() + shebang, size_t(code.size() - shebang),
                        "@user_function")) {
        *error = QByteArray("Error compiling function: ") + lua_tostring(m_lua, -1);
        lua_pop(m_lua, 1);
        return false;
    }
    std::vector<LuaState::RegisteredFunction> registered;
    LuaState::setLoading(m_lua, &registered);
    g_loadStart = std::chrono::steady_clock::now();
    lua_sethook(m_lua, loadHook, LUA_MASKCOUNT, 100000);
    const int status = lua_pcall(m_lua, 0, 0, 0);
    lua_sethook(m_lua, nullptr, 0, 0);
    LuaState::setLoading(m_lua, nullptr);
    for (LuaState::RegisteredFunction &function : registered) {
        library->functions.push_back(
                Function { std::move(function.name), std::move(function.description),
                           function.hasDescription, function.flags, function.ref });
    }
    if (status) {
        *error = "Error registering functions: " + LuaConversions::errorInfo(m_lua, -1).message;
        lua_pop(m_lua, 1);
        release(*library);
        return false;
    }
    if (library->functions.empty()) {
        *error = QByteArrayLiteral("No functions registered");
        return false;
    }
    return true;
}

void FunctionLibraries::release(Library &library)
{
    for (const Function &function : library.functions)
        luaL_unref(m_lua, LUA_REGISTRYINDEX, function.ref);
    library.functions.clear();
}

QByteArray FunctionLibraries::load(const QByteArray &code, bool replace, QByteArray *error)
{
    QByteArray engine;
    QByteArray name;
    qsizetype shebang = 0;
    if (!parseMetadata(code, &engine, &name, &shebang, error))
        return QByteArray();
    if (!replace && m_libraries.count(name)) {
        *error = "Library '" + name + "' already exists";
        return QByteArray();
    }
    std::vector<Library> libraries(1);
    if (!compile(code, &libraries[0], error))
        return QByteArray();
    if (!install(std::move(libraries), true, error))
        return QByteArray();
    return name;
}

bool FunctionLibraries::install(std::vector<Library> libraries, bool replace, QByteArray *error)
{
    const auto fail = [&](const QByteArray &text) {
        *error = text;
        for (Library &library : libraries)
            release(library);
        return false;
    };
    const auto replaced = [&](const QByteArray &name) {
        for (const Library &library : libraries) {
            if (library.name == name)
                return true;
        }
        return false;
    };
    for (const Library &library : libraries) {
        if (!replace && m_libraries.count(library.name))
            return fail("Library " + library.name + " already exists");
    }
    for (const Library &library : libraries) {
        for (const Function &function : library.functions) {
            const auto owner = m_functionLibrary.find(function.name.toLower());
            if (owner != m_functionLibrary.end() && !replaced(owner->second))
                return fail("Function " + function.name + " already exists");
        }
    }
    for (Library &library : libraries) {
        remove(library.name);
        for (const Function &function : library.functions)
            m_functionLibrary[function.name.toLower()] = library.name;
        QByteArray name = library.name;
        m_libraries.emplace(std::move(name), std::move(library));
    }
    return true;
}

bool FunctionLibraries::remove(QByteArrayView name)
{
    const auto found = m_libraries.find(name.toByteArray());
    if (found == m_libraries.end())
        return false;
    for (const Function &function : found->second.functions)
        m_functionLibrary.erase(function.name.toLower());
    release(found->second);
    m_libraries.erase(found);
    return true;
}

void FunctionLibraries::flush()
{
    for (auto &[name, library] : m_libraries)
        release(library);
    m_libraries.clear();
    m_functionLibrary.clear();
    lua_gc(m_lua, LUA_GCCOLLECT, 0);
}

void FunctionLibraries::call(Connection &c, bool readOnly)
{
    const auto owner = m_functionLibrary.find(c.arg(1).toByteArray().toLower());
    if (owner == m_functionLibrary.end()) {
        c.reply().error("ERR Function not found");
        return;
    }
    long long numkeys = 0;
    if (!Numbers::toLongLong(c.arg(2), &numkeys)) {
        c.reply().error("ERR Bad number of keys provided");
        return;
    }
    if (numkeys > c.argc() - 3) {
        c.reply().error("ERR Number of keys can't be greater than number of args");
        return;
    }
    if (numkeys < 0) {
        c.reply().error("ERR Number of keys can't be negative");
        return;
    }
    const Library &library = m_libraries.at(owner->second);
    const Function *function = nullptr;
    for (const Function &candidate : library.functions) {
        if (candidate.name.toLower() == owner->first)
            function = &candidate;
    }
    quint32 flags = function->flags | ScriptRun::Function;
    if (readOnly && !(flags & ScriptRun::NoWrites)) {
        c.reply().error("ERR Can not execute a script with write flag using *_ro command.");
        return;
    }
    if (ScriptRun::refusedForMemory(c, flags))
        return;
    if (readOnly || (flags & ScriptRun::NoWrites))
        flags |= ScriptRun::ReadOnly;
    LuaState::pushErrorHandler(m_lua);
    lua_rawgeti(m_lua, LUA_REGISTRYINDEX, function->ref);
    ScriptRun run(c, m_scripting.scriptClient(), function->name, flags);
    const QByteArrayView *argv = c.args().data();
    m_scripting.callFunction(m_lua, run, argv + 3, qsizetype(numkeys), argv + 3 + numkeys,
                             c.argc() - 3 - qsizetype(numkeys), false);
    lua_pop(m_lua, 1);
}

QByteArray FunctionLibraries::dump(bool compression) const
{
    QByteArray payload;
    RdbWriter writer(&payload);
    writer.setCompression(compression);
    for (const auto &[name, library] : m_libraries) {
        writer.writeByte(Rdb::OpFunction2);
        writer.writeString(library.code);
    }
    DumpPayload::appendFooter(writer, &payload);
    return payload;
}

bool FunctionLibraries::restore(QByteArrayView payload, RestorePolicy policy, QByteArray *error)
{
    if (!DumpPayload::verify(payload)) {
        *error = QByteArrayLiteral("DUMP payload version or checksum are wrong");
        return false;
    }
    std::vector<Library> libraries;
    const auto fail = [&](const QByteArray &text) {
        *error = text;
        for (Library &library : libraries)
            release(library);
        return false;
    };
    RdbReader reader(DumpPayload::body(payload));
    while (!reader.atEnd()) {
        quint8 type = 0;
        if (!reader.readByte(&type))
            return fail(QByteArrayLiteral("can not read data type"));
        if (type == Rdb::OpFunction)
            return fail(QByteArrayLiteral("Pre-GA function format not supported"));
        if (type != Rdb::OpFunction2)
            return fail(QByteArrayLiteral("given type is not a function"));
        QByteArray code;
        if (!reader.readString(&code))
            return fail(QByteArrayLiteral("Failed loading library payload"));
        // The payload's libraries load as into an empty set: a name twice is an error.
        Library library;
        QByteArray text;
        if (!compile(code, &library, &text))
            return fail(text);
        for (const Library &other : libraries) {
            if (other.name == library.name) {
                release(library);
                return fail("Library '" + other.name + "' already exists");
            }
            for (const Function &function : library.functions) {
                for (const Function &taken : other.functions) {
                    if (CommandUtil::equalsIgnoreCase(taken.name, function.name)) {
                        release(library);
                        return fail("Function " + function.name + " already exists");
                    }
                }
            }
        }
        libraries.push_back(std::move(library));
    }
    if (policy == RestorePolicy::Flush)
        flush();
    return install(std::move(libraries), policy != RestorePolicy::Append, error);
}

qint64 FunctionLibraries::luaMemory() const
{
    return qint64(lua_gc(m_lua, LUA_GCCOUNT, 0)) * 1024 + lua_gc(m_lua, LUA_GCCOUNTB, 0);
}

qint64 FunctionLibraries::librariesMemory() const
{
    qint64 bytes = 0;
    for (const auto &[name, library] : m_libraries) {
        bytes += name.size() + library.code.size();
        for (const Function &function : library.functions)
            bytes += function.name.size() + function.description.size();
    }
    return bytes;
}
