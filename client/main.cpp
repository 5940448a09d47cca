// qkv-cli: a console client for qkv and any Redis server, with redis-cli's options and output.
#include "cliapp.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QUrl>

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "%s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qkv-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QKV_VERSION));
    // Lets CliApp see how much of stdin is already buffered, to pipeline it.
    std::ios::sync_with_stdio(false);

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Console client for qkv and any Redis server.\n"
                           "With a command: runs it and exits (status 1 on an error reply).\n"
                           "With commands piped on stdin: runs one per line, pipelined.\n"
                           "Otherwise: a prompt. EXIT or QUIT ends it, :json toggles JSON output,\n"
                           ":history lists the lines typed."));
    // -h is the host, as in redis-cli, so help is --help only.
    const QCommandLineOption help(QStringLiteral("help"), QStringLiteral("Show this help."));
    const QCommandLineOption host(QStringLiteral("h"),
                                  QStringLiteral("Server host (default 127.0.0.1)."),
                                  QStringLiteral("host"));
    const QCommandLineOption port(QStringLiteral("p"),
                                  QStringLiteral("Server port (default 6379)."),
                                  QStringLiteral("port"));
    const QCommandLineOption password(QStringLiteral("a"), QStringLiteral("Password for AUTH."),
                                      QStringLiteral("password"));
    const QCommandLineOption uri(QStringLiteral("u"),
                                 QStringLiteral("Server URI: redis://[[user]:password@]host[:port]"
                                                "[/db]. -h, -p, -a and -n override its parts."),
                                 QStringLiteral("uri"));
    const QCommandLineOption db(QStringLiteral("n"), QStringLiteral("Database number (default 0)."),
                                QStringLiteral("db"));
    const QCommandLineOption resp3(QStringLiteral("3"),
                                   QStringLiteral("Use RESP3 (HELLO 3): maps, sets, doubles..."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print every reply as one line of JSON."));
    const QCommandLineOption raw(QStringLiteral("raw"),
                                 QStringLiteral("Print bare values (default when stdout is not a "
                                                "terminal)."));
    const QCommandLineOption noRaw(
            QStringLiteral("no-raw"),
            QStringLiteral("Print as on a terminal even when stdout is not."));
    parser.addOptions({ help, host, port, password, uri, db, resp3, json, raw, noRaw });
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("Command to run once."),
                                 QStringLiteral("[command [arg...]]"));
    // "INCRBY n -1": everything from the command on is the command's.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    parser.process(app);
    if (parser.isSet(help))
        parser.showHelp(0);

    CliApp::Options options;
    if (parser.isSet(uri)) {
        const QUrl url(parser.value(uri), QUrl::StrictMode);
        if (!url.isValid() || url.scheme() != QLatin1String("redis") || url.host().isEmpty())
            return fail(QStringLiteral("Invalid URI: ") + parser.value(uri));
        options.host = url.host();
        options.port = quint16(url.port(options.port));
        options.user = url.userName().toUtf8();
        if (!url.password().isNull())
            options.password = url.password().toUtf8();
        options.db = url.path().mid(1).toInt();
    }
    if (parser.isSet(host))
        options.host = parser.value(host);
    bool ok = true;
    if (parser.isSet(port))
        options.port = parser.value(port).toUShort(&ok);
    if (!ok || options.port == 0)
        return fail(QStringLiteral("Invalid port: ") + parser.value(port));
    if (parser.isSet(password))
        options.password = parser.value(password).toUtf8();
    if (parser.isSet(db))
        options.db = parser.value(db).toInt(&ok);
    if (!ok)
        return fail(QStringLiteral("Invalid database number: ") + parser.value(db));
    options.resp3 = parser.isSet(resp3);
    options.json = parser.isSet(json);
    options.raw = parser.isSet(raw) || (!parser.isSet(noRaw) && !isatty(STDOUT_FILENO));

    CliApp cli(options);
    // The command's arguments are the last ones; taken from argv, they keep their exact bytes.
    const qsizetype count = parser.positionalArguments().size();
    if (count > 0) {
        QByteArrayList command;
        for (int i = argc - int(count); i < argc; ++i)
            command.append(QByteArray(argv[i]));
        return cli.runOnce(command);
    }
    return cli.runLines(isatty(STDIN_FILENO));
}
