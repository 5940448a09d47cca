// qkv-cli: a console client for qkv and Redis.
#include "cliapp.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QUrl>

#include <cstdio>
#include <unistd.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qkv-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QKV_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Console client for qkv (and any Redis server).\n"
            "With a command: runs it and exits (status 1 on an error reply).\n"
            "With commands piped on stdin: runs one per line.\n"
            "Otherwise: an interactive prompt; EXIT or QUIT ends it, :json toggles JSON."));
    // -h is the host, as in redis-cli, so help is --help only.
    const QCommandLineOption help(QStringList { QStringLiteral("help") },
                                  QStringLiteral("Show this help."));
    parser.addVersionOption();
    const QCommandLineOption host(QStringLiteral("h"), QStringLiteral("Server host (default 127.0.0.1)."),
                                  QStringLiteral("host"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption port(QStringLiteral("p"), QStringLiteral("Server port (default 6379)."),
                                  QStringLiteral("port"), QStringLiteral("6379"));
    const QCommandLineOption password(QStringLiteral("a"), QStringLiteral("Password for AUTH."),
                                      QStringLiteral("password"));
    const QCommandLineOption db(QStringLiteral("n"), QStringLiteral("Database number."),
                                QStringLiteral("db"), QStringLiteral("0"));
    const QCommandLineOption uri(QStringLiteral("u"), QStringLiteral("Server URI: redis://[:password@]host:port[/db]."),
                                 QStringLiteral("uri"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print every reply as JSON."));
    const QCommandLineOption raw(QStringLiteral("raw"), QStringLiteral("Print bare values (default when not a terminal)."));
    const QCommandLineOption noRaw(QStringLiteral("no-raw"), QStringLiteral("Print as on a terminal even when piped."));
    parser.addOptions({ help, host, port, password, db, uri, json, raw, noRaw });
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("Command and arguments to run once."),
                                 QStringLiteral("[command [args...]]"));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    parser.process(app);
    if (parser.isSet(help))
        parser.showHelp(0);

    CliApp::Options options;
    options.host = parser.value(host);
    bool ok = false;
    options.port = quint16(parser.value(port).toUInt(&ok));
    if (!ok) {
        std::fprintf(stderr, "Invalid port: %s\n", qPrintable(parser.value(port)));
        return 2;
    }
    options.password = parser.value(password).toUtf8();
    options.db = parser.value(db).toInt();
    if (parser.isSet(uri)) {
        const QUrl url(parser.value(uri));
        if (!url.isValid() || (url.scheme() != QLatin1String("redis"))) {
            std::fprintf(stderr, "Invalid URI: %s\n", qPrintable(parser.value(uri)));
            return 2;
        }
        options.host = url.host();
        options.port = quint16(url.port(6379));
        if (!url.password().isEmpty())
            options.password = url.password().toUtf8();
        if (url.path().size() > 1)
            options.db = url.path().mid(1).toInt();
    }
    const bool stdoutTty = isatty(STDOUT_FILENO);
    options.output = parser.isSet(json)              ? CliApp::Output::Json
            : parser.isSet(raw)                      ? CliApp::Output::Raw
            : (stdoutTty || parser.isSet(noRaw))     ? CliApp::Output::Tty
                                                     : CliApp::Output::Raw;

    CliApp cli(options);
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        QByteArrayList args;
        for (const QString &arg : positional)
            args.append(arg.toLocal8Bit());
        return cli.runOnce(args);
    }
    if (!isatty(STDIN_FILENO))
        return cli.runPiped();
    return cli.runInteractive();
}
