#include "clioptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QUrl>

#include <cstdio>
#include <cstdlib>
#include <termios.h>
#include <unistd.h>

namespace {

QCommandLineOption flag(const char *name, const char *description)
{
    return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description));
}

QCommandLineOption valued(const char *name, const char *description, const char *value)
{
    return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description),
                              QString::fromLatin1(value));
}

// --askpass: read from the terminal with echo off, as redis-cli does.
QByteArray askPassword()
{
    std::fputs("Please input password: ", stderr);
    std::fflush(stderr);
    termios saved {};
    const bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    QByteArray password;
    for (char c; ::read(STDIN_FILENO, &c, 1) == 1 && c != '\n';)
        password += c;
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fputs("\n", stderr);
    return password.isNull() ? QByteArray("") : password;
}

bool parseUri(const QString &text, CliOptions *options, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    if (url.scheme() == QLatin1String("rediss")) {
        *error = QStringLiteral("TLS (rediss://) is not supported by qkv-cli");
        return false;
    }
    if (!url.isValid() || url.scheme() != QLatin1String("redis") || url.host().isEmpty()) {
        *error = QStringLiteral("Invalid URI: ") + text;
        return false;
    }
    options->host = url.host();
    options->port = quint16(url.port(options->port));
    options->user = url.userName().toUtf8();
    if (!url.password().isNull())
        options->password = url.password().toUtf8();
    options->db = url.path().mid(1).toInt();
    return true;
}

} // namespace

bool CliOptions::parse(int argc, char **argv, CliOptions *options, QString *error, bool *exitNow)
{
    *exitNow = false;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Console client for qkv and any Redis server.\n"
            "With a command: runs it and exits (status 1 on an error reply, 2 when the server\n"
            "cannot be reached). With commands piped on stdin: runs one per line, pipelined.\n"
            "Otherwise: a prompt with line editing, history (~/.qkv_history), Tab completion\n"
            "and hints; type HELP there."));
    // -h is the host, as in redis-cli, so help is --help only.
    const QCommandLineOption help = flag("help", "Show this help.");
    const QCommandLineOption host = valued("h", "Server host (default 127.0.0.1).", "host");
    const QCommandLineOption port = valued("p", "Server port (default 6379).", "port");
    const QCommandLineOption password = valued("a", "Password for AUTH.", "password");
    const QCommandLineOption pass = valued("pass", "Same as -a.", "password");
    const QCommandLineOption user = valued("user", "User name for AUTH (ACL).", "username");
    const QCommandLineOption askPass = flag("askpass", "Read the password from the terminal.");
    const QCommandLineOption noAuthWarning
            = flag("no-auth-warning", "No warning for a password given on the command line.");
    const QCommandLineOption uri = valued(
            "u", "Server URI: redis://[[user]:password@]host[:port][/db]. Options override it.",
            "uri");
    const QCommandLineOption db = valued("n", "Database number (default 0).", "db");
    const QCommandLineOption resp3 = flag("3", "Use RESP3 (HELLO 3): maps, sets, doubles...");
    const QCommandLineOption repeat = valued("r", "Run the command N times (-1: forever).", "N");
    const QCommandLineOption interval
            = valued("i", "Wait SEC seconds between repeats and tool samples.", "SEC");
    const QCommandLineOption stdinArg = flag("x", "Read the command's last argument from stdin.");
    const QCommandLineOption errorExit = flag(
            "e", "Error replies go to stderr; with a command, the first one exits with status 1.");
    const QCommandLineOption json = flag("json", "Print every reply as one line of JSON.");
    const QCommandLineOption raw
            = flag("raw", "Print bare values (default when stdout is not a terminal).");
    const QCommandLineOption noRaw
            = flag("no-raw", "Print as on a terminal even when stdout is not.");
    const QCommandLineOption pipe = flag("pipe", "Send stdin's raw RESP (mass insertion).");
    const QCommandLineOption pipeTimeout = valued(
            "pipe-timeout", "--pipe: give up after SEC seconds without replies (0: never).", "SEC");
    const QCommandLineOption stat = flag("stat", "Rolling statistics: keys, memory, clients...");
    const QCommandLineOption latency = flag("latency", "Sample the server's latency (PING).");
    const QCommandLineOption latencyHistory
            = flag("latency-history", "Like --latency, one line every 15 s (-i to change).");
    const QCommandLineOption latencyDist
            = flag("latency-dist", "Latency as a spectrum (256-colour terminal).");
    const QCommandLineOption bigKeys = flag("bigkeys", "Find the keys with the most elements.");
    const QCommandLineOption memKeys = flag("memkeys", "Find the keys using the most memory.");
    const QCommandLineOption memKeysSamples
            = valued("memkeys-samples", "--memkeys: MEMORY USAGE's SAMPLES.", "N");
    const QCommandLineOption scan = flag("scan", "List the keys (SCAN).");
    const QCommandLineOption pattern = valued("pattern", "--scan: keys matching P.", "P");
    const QCommandLineOption count = valued("count", "--scan: SCAN's COUNT hint.", "N");
    const QCommandLineOption rdb = valued("rdb", "Save the server's RDB snapshot to FILE.", "FILE");
    parser.addOptions({ help,
                        host,
                        port,
                        password,
                        pass,
                        user,
                        askPass,
                        noAuthWarning,
                        uri,
                        db,
                        resp3,
                        repeat,
                        interval,
                        stdinArg,
                        errorExit,
                        json,
                        raw,
                        noRaw,
                        pipe,
                        pipeTimeout,
                        stat,
                        latency,
                        latencyHistory,
                        latencyDist,
                        bigKeys,
                        memKeys,
                        memKeysSamples,
                        scan,
                        pattern,
                        count,
                        rdb });
    const QCommandLineOption version = parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("Command to run."),
                                 QStringLiteral("[command [arg...]]"));
    // "INCRBY n -1": everything from the command on is the command's.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    if (!parser.parse(QCoreApplication::arguments())) {
        *error = parser.errorText();
        return false;
    }
    if (parser.isSet(help) || parser.isSet(version)) {
        *exitNow = true;
        if (parser.isSet(help))
            std::fputs(qPrintable(parser.helpText()), stdout);
        else
            std::printf("qkv-cli %s\n", QKV_VERSION);
        return true;
    }

    CliOptions &o = *options;
    if (const char *auth = std::getenv("REDISCLI_AUTH"))
        o.password = QByteArray(auth);
    if (parser.isSet(uri) && !parseUri(parser.value(uri), &o, error))
        return false;
    if (parser.isSet(host))
        o.host = parser.value(host);
    bool ok = true;
    if (parser.isSet(port)) {
        o.port = parser.value(port).toUShort(&ok);
        if (!ok || o.port == 0) {
            *error = QStringLiteral("Invalid port: ") + parser.value(port);
            return false;
        }
    }
    if (parser.isSet(user))
        o.user = parser.value(user).toUtf8();
    for (const QCommandLineOption &option : { password, pass }) {
        if (parser.isSet(option))
            o.password = parser.value(option).toUtf8();
    }
    const bool passwordInArgs = parser.isSet(password) || parser.isSet(pass)
            || (parser.isSet(uri) && !QUrl(parser.value(uri)).password().isEmpty());
    if (passwordInArgs && !parser.isSet(noAuthWarning)) {
        std::fputs("Warning: Using a password with '-a' or '-u' option on the command line "
                   "interface may not be safe.\n",
                   stderr);
    }
    if (parser.isSet(askPass))
        o.password = askPassword();
    if (parser.isSet(db)) {
        o.db = parser.value(db).toInt(&ok);
        if (!ok) {
            *error = QStringLiteral("Invalid database number: ") + parser.value(db);
            return false;
        }
    }
    if (parser.isSet(repeat)) {
        o.repeat = parser.value(repeat).toLongLong(&ok);
        if (!ok) {
            *error = QStringLiteral("Invalid repeat count: ") + parser.value(repeat);
            return false;
        }
    }
    if (parser.isSet(interval)) {
        o.interval = parser.value(interval).toDouble(&ok);
        o.intervalSet = true;
        if (!ok || o.interval < 0) {
            *error = QStringLiteral("Invalid interval: ") + parser.value(interval);
            return false;
        }
    }
    o.resp3 = parser.isSet(resp3);
    o.stdinArg = parser.isSet(stdinArg);
    o.errorExit = parser.isSet(errorExit);
    o.json = parser.isSet(json);
    o.raw = parser.isSet(raw) || (!parser.isSet(noRaw) && !isatty(STDOUT_FILENO));
    if (parser.isSet(pipeTimeout))
        o.pipeTimeout = parser.value(pipeTimeout).toInt();
    if (parser.isSet(memKeysSamples))
        o.memkeysSamples = parser.value(memKeysSamples).toInt();
    o.pattern = parser.value(pattern).toUtf8();
    if (parser.isSet(count))
        o.count = parser.value(count).toLongLong();

    // The tools; the last one named wins, as each is a separate mode in redis-cli too.
    const std::pair<const QCommandLineOption *, Mode> modes[] = {
        { &pipe, Mode::Pipe },
        { &stat, Mode::Stat },
        { &latency, Mode::Latency },
        { &latencyHistory, Mode::LatencyHistory },
        { &latencyDist, Mode::LatencyDist },
        { &bigKeys, Mode::BigKeys },
        { &memKeys, Mode::MemKeys },
        { &scan, Mode::Scan },
        { &rdb, Mode::Rdb },
    };
    for (const auto &[option, mode] : modes) {
        if (parser.isSet(*option))
            o.mode = mode;
    }
    o.rdbFile = parser.value(rdb);

    // The command's arguments are the last ones; taken from argv, they keep their exact bytes.
    const qsizetype count_ = parser.positionalArguments().size();
    for (int i = argc - int(count_); i < argc; ++i)
        o.command.append(QByteArray(argv[i]));
    if (o.mode == Mode::Lines && !o.command.isEmpty())
        o.mode = Mode::Command;
    return true;
}
