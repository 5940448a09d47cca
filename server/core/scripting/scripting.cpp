#include "scripting.h"

#include "commands/commandutil.h"
#include "functionlibraries.h"
#include "luaconversions.h"
#include "luastate.h"
#include "net/connection.h"
#include "net/server.h"
#include "observe/logsink.h"
#include "protocol/argsplitter.h"
#include "scriptrun.h"

#include <QCryptographicHash>

#include <lua.hpp>

namespace {

QByteArray sha1Hex(QByteArrayView data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha1).toHex();
}

void pushArray(lua_State *lua, const QByteArrayView *items, qsizetype count)
{
    lua_createtable(lua, int(count), 0);
    for (qsizetype i = 0; i < count; ++i) {
        lua_pushlstring(lua, items[i].data(), size_t(items[i].size()));
        lua_rawseti(lua, -2, int(i + 1));
    }
}

// Redis calls the collector a little every 50 scripts rather than let it run a full cycle.
constexpr int GcPeriod = 50;

} // namespace

Scripting::Scripting(Server &server)
    : m_server(server)
    , m_client(std::make_unique<Connection>(server, -1, 0, QByteArrayLiteral("lua"),
                                            QByteArrayLiteral("lua")))
    , m_functions(std::make_unique<FunctionLibraries>(*this))
{
    resetState();
}

Scripting::~Scripting()
{
    lua_close(m_lua);
}

void Scripting::resetState()
{
    if (m_lua)
        lua_close(m_lua);
    m_lua = LuaState::create(LuaState::Kind::Eval);
}

bool Scripting::parseShebang(QByteArrayView body, quint32 *flags, qsizetype *length,
                             QByteArray *error)
{
    *flags = ScriptRun::EvalCompat;
    *length = 0;
    if (!body.startsWith("#!"))
        return true;
    const qsizetype end = body.indexOf('\n');
    if (end < 0) {
        *error = QByteArrayLiteral("ERR Invalid script shebang");
        return false;
    }
    QList<QByteArray> parts;
    if (!splitInlineArgs(body.first(end), &parts) || parts.isEmpty()) {
        *error = QByteArrayLiteral("ERR Invalid engine in script shebang");
        return false;
    }
    if (CommandUtil::cString(parts[0]) != "#!lua") {
        *error = "ERR Unexpected engine in script shebang: " + CommandUtil::cString(parts[0]);
        return false;
    }
    *flags = 0;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        if (!parts[i].startsWith("flags=")) {
            *error = "ERR Unknown lua shebang option: " + CommandUtil::cString(parts[i]);
            return false;
        }
        const QByteArray list = parts[i].sliced(6);
        if (list.isEmpty())
            continue;
        for (const QByteArray &name : list.split(',')) {
            const quint32 flag = ScriptRun::flagNamed(CommandUtil::cString(name), false);
            if (!flag) {
                *error = "ERR Unexpected flag in script shebang: " + CommandUtil::cString(name);
                return false;
            }
            *flags |= flag;
        }
    }
    *length = end;
    return true;
}

const Scripting::Script *Scripting::createScript(const QByteArray &sha, const QByteArray &body,
                                                 QByteArray *error)
{
    quint32 flags = 0;
    qsizetype shebang = 0;
    if (!parseShebang(body, &flags, &shebang, error))
        return nullptr;
    // The shebang line is skipped but its line feed kept, so that line numbers stay the user's.
    if (luaL_loadbuffer(m_lua, body.constData() + shebang, size_t(body.size() - shebang),
                        "@user_script")) {
        *error = QByteArray("ERR Error compiling script (new function): ")
                + lua_tostring(m_lua, -1);
        lua_pop(m_lua, 1);
        return nullptr;
    }
    lua_setfield(m_lua, LUA_REGISTRYINDEX, QByteArray("f_" + sha).constData());
    m_scriptsBytes += body.size();
    return &*m_scripts.insert(sha, Script { body, flags });
}

QByteArray Scripting::loadScript(const QByteArray &body, QByteArray *error)
{
    const QByteArray sha = sha1Hex(body);
    if (m_scripts.contains(sha) || createScript(sha, body, error))
        return sha;
    return QByteArray();
}

bool Scripting::scriptExists(QByteArrayView sha) const
{
    return m_scripts.contains(sha.toByteArray().toLower());
}

void Scripting::flushScripts()
{
    m_scripts.clear();
    m_scriptsBytes = 0;
    resetState();
}

qint64 Scripting::luaMemory() const
{
    return qint64(lua_gc(m_lua, LUA_GCCOUNT, 0)) * 1024 + lua_gc(m_lua, LUA_GCCOUNTB, 0);
}

qint64 Scripting::scriptsMemory() const
{
    return m_scriptsBytes;
}

void Scripting::eval(Connection &c, bool bySha, bool readOnly)
{
    long long numkeys = 0;
    if (!CommandUtil::parseLongLong(c, c.arg(2), &numkeys))
        return;
    if (numkeys > c.argc() - 3) {
        c.reply().error("ERR Number of keys can't be greater than number of args");
        return;
    }
    if (numkeys < 0) {
        c.reply().error("ERR Number of keys can't be negative");
        return;
    }
    QByteArray sha;
    if (bySha) {
        // Only 40 characters can name a script; case does not matter.
        if (c.arg(1).size() != 40) {
            c.reply().error("NOSCRIPT No matching script. Please use EVAL.");
            return;
        }
        sha = c.arg(1).toByteArray().toLower();
    } else {
        sha = sha1Hex(c.arg(1));
    }
    const Script *script = nullptr;
    const auto found = m_scripts.constFind(sha);
    if (found != m_scripts.constEnd()) {
        script = &*found;
    } else if (bySha) {
        c.reply().error("NOSCRIPT No matching script. Please use EVAL.");
        return;
    } else {
        QByteArray error;
        script = createScript(sha, c.arg(1).toByteArray(), &error);
        if (!script) {
            c.reply().error(error);
            return;
        }
    }
    // scriptPrepareForRun: a script with a shebang says whether it writes.
    quint32 flags = script->flags;
    if (!(flags & ScriptRun::EvalCompat) && !(flags & ScriptRun::NoWrites) && readOnly) {
        c.reply().error("ERR Can not execute a script with write flag using *_ro command.");
        return;
    }
    if (ScriptRun::refusedForMemory(c, flags))
        return;
    if (readOnly || (!(flags & ScriptRun::EvalCompat) && (flags & ScriptRun::NoWrites)))
        flags |= ScriptRun::ReadOnly;

    LuaState::pushErrorHandler(m_lua);
    lua_getfield(m_lua, LUA_REGISTRYINDEX, QByteArray("f_" + sha).constData());
    ScriptRun run(c, *m_client, sha, flags);
    const QByteArrayView *argv = c.args().data();
    callFunction(m_lua, run, argv + 3, qsizetype(numkeys), argv + 3 + numkeys,
                 c.argc() - 3 - qsizetype(numkeys), true);
    lua_pop(m_lua, 1);
}

QByteArray Scripting::busyError() const
{
    if (!m_running || !m_running->isTimedOut())
        return QByteArray();
    return m_running->isFunction() ? QByteArrayLiteral("BUSY Redis is busy running a script. You "
                                                       "can only call FUNCTION KILL or SHUTDOWN "
                                                       "NOSAVE.")
                                   : QByteArrayLiteral("BUSY Redis is busy running a script. You "
                                                       "can only call SCRIPT KILL or SHUTDOWN "
                                                       "NOSAVE.");
}

void Scripting::countHook(lua_State *lua, lua_Debug *)
{
    ScriptRun *run = LuaState::run(lua);
    if (!run)
        return;
    Server &server = run->caller().server();
    if (!run->isTimedOut()) {
        const qint64 elapsed = run->elapsedMs();
        if (elapsed < server.config().busyReplyThreshold)
            return;
        qCWarning(lcServer).noquote() << "Slow script detected: still in execution after" << elapsed
                                      << "milliseconds. You can try killing the script using the"
                                      << (run->isFunction() ? "FUNCTION KILL" : "SCRIPT KILL")
                                      << "command. Script name is:"
                                      << QString::fromUtf8(run->name() + QByteArray(1, '.'));
        run->setTimedOut();
    }
    server.processEventsWhileBlocked();
    if (run->isKilled()) {
        qCWarning(lcServer) << "Lua script killed by user with SCRIPT KILL.";
        // From now on at every line, so that a pcall in the script cannot go on for ever.
        lua_sethook(lua, countHook, LUA_MASKLINE, 0);
        LuaConversions::pushError(lua, "Script killed by user with SCRIPT KILL...");
        lua_error(lua);
    }
}

void Scripting::callFunction(lua_State *lua, ScriptRun &run, const QByteArrayView *keys,
                             qsizetype keyCount, const QByteArrayView *args, qsizetype argCount,
                             bool evalMode)
{
    LuaState::setRun(lua, &run);
    m_running = &run;
    const bool hooked = m_server.config().busyReplyThreshold > 0;
    if (hooked)
        lua_sethook(lua, countHook, LUA_MASKCOUNT, 100000);
    int status;
    if (evalMode) {
        // An EVAL script reads its keys and arguments from globals.
        pushArray(lua, keys, keyCount);
        LuaState::setGlobal(lua, "KEYS");
        pushArray(lua, args, argCount);
        LuaState::setGlobal(lua, "ARGV");
        status = lua_pcall(lua, 0, 1, -2);
    } else {
        pushArray(lua, keys, keyCount);
        pushArray(lua, args, argCount);
        status = lua_pcall(lua, 2, 1, -4);
    }
    if (hooked)
        lua_sethook(lua, nullptr, 0, 0);
    m_running = nullptr;
    if (--m_gcCountdown == 0) {
        lua_gc(lua, LUA_GCSTEP, GcPeriod);
        m_gcCountdown = GcPeriod;
    }
    ReplyWriter &reply = run.caller().reply();
    bool countedErrors = false;
    if (status == 0) {
        LuaConversions::writeReply(reply, lua, run.resp(), &countedErrors);
    } else if (!lua_istable(lua, -1)) {
        const char *message = lua_isstring(lua, -1) ? lua_tostring(lua, -1) : "execution failure";
        reply.error("ERR Error running script " + run.name() + ", " + QByteArray(message).left(100)
                    + '\n');
        lua_pop(lua, 1);
    } else {
        const LuaConversions::ErrorInfo info = LuaConversions::errorInfo(lua, -1);
        QByteArray text = info.message;
        if (!info.line.isEmpty() && !info.source.isEmpty())
            text += " script: " + run.name() + ", on " + info.source + ':' + info.line + '.';
        reply.error(text);
        countedErrors = info.ignoreStats;
        lua_pop(lua, 1);
    }
    if (countedErrors)
        run.caller().skipErrorStats();
    LuaState::setRun(lua, nullptr);
}
