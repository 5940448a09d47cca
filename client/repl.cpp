#include "repl.h"

#include "cliapp.h"
#include "commands/commandutil.h"
#include "historyfilter.h"
#include "interrupt.h"
#include "lineeditor.h"
#include "protocol/argsplitter.h"

#include <QDir>
#include <QElapsedTimer>

#include <cstdio>
#include <unistd.h>

namespace {

// How often a lost connection is tried again while the prompt waits for keys.
constexpr int RetryMs = 1000;
// Commands slower than this get their time printed after the reply.
constexpr qint64 SlowCommandMs = 500;

// Names compare as in redis-cli (strcasecmp): the server's helper.
using CommandUtil::argIs;

void writeOut(const QByteArray &text)
{
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    std::fflush(stdout);
}

} // namespace

Repl::Repl(CliApp *app)
    : m_app(app)
{ }

Repl::~Repl() = default;

// QKV_CLI_HISTFILE overrides ~/.qkv_history, as REDISCLI_HISTFILE does for redis-cli; empty
// or /dev/null keeps no history.
QString Repl::historyFile()
{
    if (qEnvironmentVariableIsSet("QKV_CLI_HISTFILE")) {
        const QString file = qEnvironmentVariable("QKV_CLI_HISTFILE");
        return file == QLatin1String("/dev/null") ? QString() : file;
    }
    const QString home = qEnvironmentVariable("HOME");
    return home.isEmpty() ? QString() : QDir(home).filePath(QStringLiteral(".qkv_history"));
}

// The server's own COMMAND DOCS when it has them (its commands, its version), else the data
// built in.
void Repl::loadHelp()
{
    Reply reply;
    QString error;
    if (m_app->isConnected() && m_app->client().call({ "COMMAND", "DOCS" }, &reply, &error))
        m_help = CommandHelp::fromDocs(reply);
    if (m_help.isEmpty())
        m_help = CommandHelp::builtIn();
}

void Repl::reconnectInBackground()
{
    if (m_app->connect(true))
        m_editor->printAbove("Reconnected to " + m_app->serverName() + ".\n");
}

bool Repl::runLocal(const QByteArrayList &args)
{
    const QByteArray &name = args.first();
    if (m_app->runLocal(args))
        return true;
    if (argIs(name, "help")) {
        writeOut(m_help.help(args.mid(1), isatty(STDOUT_FILENO)));
    } else if (argIs(name, "clear")) {
        writeOut("\x1b[H\x1b[2J");
    } else if (argIs(name, "connect")) {
        bool ok = true;
        const quint16 port = args.size() > 2 ? args.at(2).toUShort(&ok) : 6379;
        if (args.size() < 2 || args.size() > 3 || !ok || port == 0) {
            writeOut("Usage: connect <host> [<port>]\n");
            return true;
        }
        m_app->setServer(QString::fromUtf8(args.at(1)), port);
        if (m_app->connect())
            loadHelp();
    } else if (name.startsWith(':')) {
        writeOut("unknown qkv-cli internal command '" + name + "'\n");
    } else {
        return false;
    }
    return true;
}

int Repl::run()
{
    Interrupt::install();
    m_app->connect();
    loadHelp();

    LineEditor::Hooks hooks;
    hooks.prompt = [this] { return m_app->prompt(); };
    hooks.hint = [this](const QByteArray &line) { return m_help.hint(line); };
    hooks.complete = [this](const QByteArray &text) { return m_help.completions(text); };
    hooks.watchedDescriptor = [this] { return m_app->client().descriptor(); };
    hooks.readable = [this] {
        const QByteArray text = m_app->takeAsyncOutput();
        if (!text.isEmpty())
            m_editor->printAbove(text);
    };
    hooks.retryMs = [this] { return m_app->hasLost() ? RetryMs : 0; };
    hooks.retry = [this] { reconnectInBackground(); };
    m_editor = std::make_unique<LineEditor>("qkv-cli", historyFile(), std::move(hooks));

    for (;;) {
        QByteArray line;
        switch (m_editor->readLine(&line)) {
        case LineEditor::Result::End: writeOut("\n"); return 0;
        case LineEditor::Result::Interrupted: continue;
        case LineEditor::Result::Line: break;
        }
        QByteArrayList args;
        if (!splitInlineArgs(line, &args)) {
            writeOut("Invalid argument(s)\n");
            continue;
        }
        if (args.isEmpty())
            continue;
        if (!HistoryFilter::isSecret(args))
            m_editor->addHistory(line);
        // "3 INCR n" runs INCR n three times, as in redis-cli.
        long long repeat = 1;
        bool isCount = false;
        const long long count = args.first().toLongLong(&isCount);
        if (isCount && args.size() > 1) {
            repeat = count;
            args.removeFirst();
        }
        if (argIs(args.first(), "quit") || argIs(args.first(), "exit"))
            return 0;
        if (runLocal(args))
            continue;
        for (long long i = 0; i < repeat; ++i) {
            QElapsedTimer elapsed;
            elapsed.start();
            if (m_app->run(args, true) == CliApp::Outcome::Interrupted)
                break;
            // As redis-cli: a slow command's time, where a person reads the output.
            const CliOptions &options = m_app->options();
            if (elapsed.elapsed() >= SlowCommandMs && !options.raw && !options.json)
                writeOut("(" + QByteArray::number(double(elapsed.elapsed()) / 1000, 'f', 2)
                         + "s)\n");
        }
    }
}
