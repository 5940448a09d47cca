#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <chrono>
#include <vector>

class Connection;
struct Command;

// One running script or function (Redis's scriptRunCtx): the client that called it, the
// script client its redis.call commands run on, and what it may do. Lives for the call only;
// the Lua API reaches it through the state's registry.
class ScriptRun
{
public:
    // Redis's SCRIPT_FLAG_* of a script's shebang or a function's flags, plus how it was called.
    enum Flag : quint32 {
        NoWrites = 1 << 0,
        AllowOom = 1 << 1,
        AllowStale = 1 << 2,
        NoCluster = 1 << 3,
        AllowCrossSlotKeys = 1 << 4,
        // EVAL of a script without a shebang: Redis 7.0's compatibility mode.
        EvalCompat = 1 << 5,
        // Called by EVAL_RO, EVALSHA_RO or FCALL_RO, or flagged no-writes.
        ReadOnly = 1 << 6,
        // A function called by FCALL (not an EVAL script).
        Function = 1 << 7,
    };

    // The flag a shebang or a function's flags name ("no-writes"...), 0 for none; function
    // flags compare without case, shebang flags with it.
    static quint32 flagNamed(QByteArrayView name, bool ignoreCase);
    // The names of flags, in Redis's order (FUNCTION LIST).
    static QList<QByteArray> flagNames(quint32 flags);

    // Redis's scriptPrepareForRun with maxmemory set: a script with a shebang, or a function,
    // that may write and is not flagged allow-oom does not start while memory was over the
    // limit when its command began (Evictor::scriptOom()). True when refused (-OOM replied).
    static bool refusedForMemory(Connection &caller, quint32 flags);

    // Takes the script client over for the call: it starts in the caller's database with RESP2.
    ScriptRun(Connection &caller, Connection &scriptClient, QByteArray name, quint32 flags);
    ~ScriptRun();
    ScriptRun(const ScriptRun &) = delete;
    ScriptRun &operator=(const ScriptRun &) = delete;

    Connection &caller() { return m_caller; }
    // The sha1 of an EVAL script, or a function's name: error texts say "script: <name>".
    const QByteArray &name() const { return m_name; }
    bool isFunction() const { return m_flags & Function; }
    // The caller's command (EVAL..., FCALL...), for FUNCTION STATS.
    const std::vector<QByteArrayView> &command() const;

    // redis.call/pcall: checks argv as Redis's scriptCall does, then runs it through the
    // connection's own command path. False with *error (Redis's text) when refused; otherwise
    // *reply holds the command's reply in the script client's protocol.
    bool call(const std::vector<QByteArrayView> &argv, QByteArray *reply, QByteArray *error);
    // redis.acl_check_cmd: the command argv names, or nullptr (Redis's lookupCommand).
    Command *lookup(const std::vector<QByteArrayView> &argv) const;

    // redis.setresp: the protocol of the replies the script sees, and how it returns booleans.
    int resp() const;
    void setResp(int version);
    // redis.set_repl: where writes propagate (Redis's PROPAGATE_AOF | PROPAGATE_REPL), for the
    // propagation of the script's commands to read.
    int replicationFlags() const { return m_replication; }
    void setReplicationFlags(int flags) { m_replication = flags; }

    // How long it has run, for busy-reply-threshold.
    qint64 elapsedMs() const;
    // SCRIPT KILL / FUNCTION KILL asked to stop it; the count hook raises the error.
    bool isKilled() const { return m_killed; }
    void kill() { m_killed = true; }
    // It ran past busy-reply-threshold: other clients are let in.
    bool isTimedOut() const { return m_timedOut; }
    void setTimedOut() { m_timedOut = true; }
    // A command it ran wrote (a script that wrote cannot be killed, as in Redis).
    bool hasWritten() const { return m_written; }

private:
    // Redis's text for an ACL denial of argv, or nullptr when the caller's user may run it.
    const char *checkPermissions(const Command &command,
                                 const std::vector<QByteArrayView> &argv) const;

    Connection &m_caller;
    Connection &m_client;
    QByteArray m_name;
    quint32 m_flags;
    bool m_wrapsEffects = false; // the script client logs its writes as one MULTI/EXEC
    int m_replication = 3;
    bool m_killed = false;
    bool m_timedOut = false;
    bool m_written = false;
    std::chrono::steady_clock::time_point m_start;
};
