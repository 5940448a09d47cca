#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

#include <memory>

struct lua_Debug;
struct lua_State;
class Connection;
class FunctionLibraries;
class ScriptRun;
class Server;

// Redis 7.0's EVAL engine (eval.c, script.c): one Lua state for every EVAL script, the cache
// of scripts by SHA1 with their shebang flags, the script client their redis.call commands
// run on, and the script running now. Lives on the server's thread; owned by the Server.
class Scripting
{
public:
    explicit Scripting(Server &server);
    ~Scripting();
    Scripting(const Scripting &) = delete;
    Scripting &operator=(const Scripting &) = delete;

    // EVAL, EVALSHA, EVAL_RO, EVALSHA_RO with c's arguments: runs the script, replies to c.
    void eval(Connection &c, bool bySha, bool readOnly);
    // SCRIPT LOAD: compiles and caches body; its SHA1, or empty with *error (the reply text,
    // code included) when the shebang or the code is wrong.
    QByteArray loadScript(const QByteArray &body, QByteArray *error);
    bool scriptExists(QByteArrayView sha) const;
    // SCRIPT FLUSH: forgets every script with a new Lua state, as Redis's scriptingReset.
    void flushScripts();
    qsizetype scriptCount() const { return m_scripts.size(); }
    // INFO's used_memory_lua (the Lua heap) and used_memory_scripts (the cached bodies).
    qint64 luaMemory() const;
    qint64 scriptsMemory() const;

    // FUNCTION's libraries and FCALL.
    FunctionLibraries &functions() { return *m_functions; }
    const FunctionLibraries &functions() const { return *m_functions; }

    // Runs the function on the top of lua's stack (with the error handler just below it and,
    // for functions, the KEYS and ARGV tables above it) as Redis's luaCallFunction does, and
    // replies to run.caller(): its result converted, or its error with the script's name and
    // line. Pops the function (and the tables), leaves the handler.
    void callFunction(lua_State *lua, ScriptRun &run, const QByteArrayView *keys,
                      qsizetype keyCount, const QByteArrayView *args, qsizetype argCount,
                      bool evalMode);
    // The client every script's commands run on (Redis's lua client): "lua" to MONITOR.
    Connection &scriptClient() { return *m_client; }
    bool isScriptClient(const Connection &c) const { return &c == m_client.get(); }
    // The script or function running now, if any.
    ScriptRun *currentRun() const { return m_running; }
    // While a script runs past busy-reply-threshold: the -BUSY error other clients get (which
    // KILL ends it); null otherwise.
    QByteArray busyError() const;

    // Redis's evalExtractShebangFlags: ScriptRun flags of body's "#!lua flags=..." line
    // (EvalCompat without one) and the line's length; false with *error on a bad line.
    static bool parseShebang(QByteArrayView body, quint32 *flags, qsizetype *length,
                             QByteArray *error);

private:
    // The count hook: past busy-reply-threshold, lets other clients in and ends a killed run
    // (Redis's luaMaskCountHook and scriptInterrupt).
    static void countHook(lua_State *lua, lua_Debug *);

    struct Script
    {
        QByteArray body;
        quint32 flags;
    };
    // luaCreateFunction: compiles body into the registry under f_<sha>.
    const Script *createScript(const QByteArray &sha, const QByteArray &body, QByteArray *error);
    void resetState();

    Server &m_server;
    std::unique_ptr<Connection> m_client;
    lua_State *m_lua = nullptr;
    QHash<QByteArray, Script> m_scripts; // by lowercase SHA1
    qint64 m_scriptsBytes = 0;
    std::unique_ptr<FunctionLibraries> m_functions;
    ScriptRun *m_running = nullptr;
    int m_gcCountdown = 50;
};
