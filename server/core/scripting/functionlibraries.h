#pragma once

#include "luastate.h"

#include <QByteArray>
#include <QByteArrayView>

#include <map>
#include <vector>

struct lua_State;
class Connection;
class Scripting;

// Redis 7.0's functions (functions.c, function_lua.c): libraries of named Lua functions loaded
// with FUNCTION LOAD into their own Lua state, called with FCALL, listed, deleted, dumped and
// restored. Error texts are Redis's, without the "ERR " the caller adds.
class FunctionLibraries
{
public:
    explicit FunctionLibraries(Scripting &scripting);
    ~FunctionLibraries();
    FunctionLibraries(const FunctionLibraries &) = delete;
    FunctionLibraries &operator=(const FunctionLibraries &) = delete;

    struct Function
    {
        QByteArray name;
        QByteArray description;
        bool hasDescription = false;
        quint32 flags = 0;
        int ref = -2; // the callback in the Lua registry
    };
    struct Library
    {
        QByteArray name;
        QByteArray code; // as loaded, shebang included
        std::vector<Function> functions;
    };

    // FUNCTION LOAD [REPLACE]: the library's name, or empty with *error.
    QByteArray load(const QByteArray &code, bool replace, QByteArray *error);
    // FUNCTION DELETE: false when there is no such library.
    bool remove(QByteArrayView name);
    // FUNCTION FLUSH.
    void flush();
    // FCALL and FCALL_RO with c's arguments: runs the function, replies to c.
    void call(Connection &c, bool readOnly);
    // FUNCTION DUMP: every library's code in Redis's payload (RDB_OPCODE_FUNCTION2 entries,
    // the RDB version, the CRC64).
    QByteArray dump(bool compression) const;
    // FUNCTION RESTORE: Redis's restore policies.
    enum class RestorePolicy { Append, Replace, Flush };
    bool restore(QByteArrayView payload, RestorePolicy policy, QByteArray *error);

    // By name, in name order.
    const std::map<QByteArray, Library> &libraries() const { return m_libraries; }
    qsizetype functionCount() const { return qsizetype(m_functionLibrary.size()); }
    // INFO: the Lua heap of the functions' state, and the libraries' code and names.
    qint64 luaMemory() const;
    qint64 librariesMemory() const;

private:
    // functionsCreateWithLibraryCtx up to the engine: the metadata line, then the code run to
    // register its functions. The library is not installed; false with *error.
    bool compile(const QByteArray &code, Library *library, QByteArray *error);
    // libraryJoin: installs libraries (replacing those of the same name when replace), or
    // changes nothing and fails when a library or a function name is taken.
    bool install(std::vector<Library> libraries, bool replace, QByteArray *error);
    void release(Library &library);
    static bool parseMetadata(const QByteArray &code, QByteArray *engine, QByteArray *name,
                              qsizetype *shebangLength, QByteArray *error);

    Scripting &m_scripting;
    lua_State *m_lua;
    std::map<QByteArray, Library> m_libraries;
    // Function names are case-insensitive, as in Redis: lowercase name -> its library.
    std::map<QByteArray, QByteArray> m_functionLibrary;
};
