#pragma once

#include "cliclient.h"
#include "clioptions.h"

#include <QByteArrayList>
#include <QSet>
#include <QString>

// A qkv-cli session with one server, following redis-cli: the connection set-up (AUTH, HELLO,
// SELECT) and reconnecting, running commands with the replies each one produces (one, several
// for SUBSCRIBE a b, a stream after MONITOR), printing them, and the state the prompt shows
// (database, MULTI, subscriptions). One-shot and piped runs are here; the REPL (Repl) drives
// the same session. Replies go to stdout, connection problems to stderr.
class CliApp
{
public:
    explicit CliApp(const CliOptions &options);

    // Runs the command line's command (-r times, -i apart, -x). Exit status 0, 1 when a reply
    // was an error, 2 when the server could not be reached.
    int runOnce();
    // Runs stdin's lines, pipelined. Exit status 0 (error replies included, as in redis-cli),
    // 2 when commands went unanswered because the server could not be reached.
    int runLines();

    // Connects and sets the session up again. quiet: no message when the server is not there.
    bool connect(bool quiet = false);
    bool isConnected() const { return m_client.isConnected(); }
    // Whether a connection was lost and not made again since.
    bool hasLost() const { return !m_lost.isNull(); }
    QByteArray serverName() const;
    // Switches servers (the REPL's CONNECT): the next connect() goes there.
    void setServer(const QString &host, quint16 port);
    CliClient &client() { return m_client; }
    const CliOptions &options() const { return m_options; }

    // How a command went. Interrupted: Ctrl-C (REPL only); the session is usable again.
    enum class Outcome { Answered, ErrorReply, Unanswered, Interrupted };
    // Sends one command (interactive: Ctrl-C stops the wait or the stream it starts), prints
    // what comes back.
    Outcome run(const QByteArrayList &args, bool interactive);
    // qkv-cli's own commands shared by every mode: JSON ON|OFF and :json. isLocal() says
    // whether args is one; runLocal() runs it, true when it was one.
    static bool isLocal(const QByteArrayList &args);
    bool runLocal(const QByteArrayList &args);
    // While the REPL waits for keys: formats what the server sent meanwhile (pub/sub messages,
    // RESP3 pushes) and notices a closed connection. The text is for printing above the prompt.
    QByteArray takeAsyncOutput();

    // "host:port[db](TX)(subscribed)> ", or "not connected> ".
    QByteArray prompt() const;

private:
    // Done: answered. Lost: the connection closed before (worth sending again). Ended: a stream
    // ended with the connection. Interrupted: Ctrl-C.
    enum class Read { Done, Lost, Ended, Interrupted };
    bool setUp(const QByteArrayList &args, const QByteArray &name);
    Outcome execute(const QList<QByteArrayList> &commands, bool interactive);
    Read readAnswers(const QByteArrayList &args, bool interactive, bool *error);
    Read stream(const QByteArrayList &args, bool interactive);
    void track(const QByteArrayList &args, const Reply &reply);
    QSet<QByteArray> *subscriptions(const QByteArray &name, bool *adds);
    bool trackSubscription(const Reply &reply);
    void forgetSession();
    bool isSubscribed() const;
    QByteArray format(const QByteArrayList &args, const Reply &reply) const;
    void print(const QByteArrayList &args, const Reply &reply);

    CliOptions m_options;
    CliClient m_client;
    QString m_lost; // why the last connection ended, until the next one is made
    bool m_inTransaction = false;
    QSet<QByteArray> m_channels;      // SUBSCRIBE
    QSet<QByteArray> m_patterns;      // PSUBSCRIBE
    QSet<QByteArray> m_shardChannels; // SSUBSCRIBE
};
