#include "serverconfig.h"

#include "pubsub/keyspaceevents.h"

#include <QCommandLineParser>
#include <QHostAddress>

bool ServerConfig::fromArguments(const QStringList &arguments, ServerConfig *config, QString *error,
                                 bool *exitNow)
{
    *exitNow = false;
    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("qkv: a Redis-compatible key-value server with a live dashboard."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run without the dashboard window."));
    const QCommandLineOption bind(QStringLiteral("bind"),
                                  QStringLiteral("Address to listen on (default 127.0.0.1)."),
                                  QStringLiteral("address"), config->bind);
    const QCommandLineOption port(QStringLiteral("port"),
                                  QStringLiteral("TCP port; 0 picks a free one (default 6379)."),
                                  QStringLiteral("port"), QString::number(config->port));
    const QCommandLineOption logFile(
            QStringLiteral("log-file"),
            QStringLiteral("Log file; \"\" for none (default logs/server.log)."),
            QStringLiteral("path"), config->logFile);
    const QCommandLineOption maxClients(
            QStringLiteral("maxclients"),
            QStringLiteral("Maximum connected clients (default 10000)."), QStringLiteral("n"),
            QString::number(config->maxClients));
    const QCommandLineOption requirePass(QStringLiteral("requirepass"),
                                         QStringLiteral("Password clients must AUTH with."),
                                         QStringLiteral("password"));
    const QCommandLineOption commandLogRate(
            QStringLiteral("log-commands"),
            QStringLiteral(
                    "Commands per second written to the log file, 0 for none (default 1000)."),
            QStringLiteral("rate"), QString::number(config->commandLogRate));
    const QCommandLineOption verbose(QStringLiteral("verbose"),
                                     QStringLiteral("Echo every log line to stderr."));
    const QCommandLineOption notifyKeyspaceEvents(
            QStringLiteral("notify-keyspace-events"),
            QStringLiteral("Keyspace notification classes, as Redis's (e.g. KEA; default none)."),
            QStringLiteral("classes"));
    parser.addOptions({ headless, bind, port, logFile, maxClients, requirePass, commandLogRate,
                        verbose, notifyKeyspaceEvents });

    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return false;
    }
    if (parser.isSet(help) || parser.isSet(version)) {
        *exitNow = true;
        if (parser.isSet(help))
            parser.showHelp(0); // exits
        parser.showVersion();   // exits
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument: ") + parser.positionalArguments().first();
        return false;
    }

    auto toInt = [&](const QCommandLineOption &option, int min, int max, int *out) {
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (!ok || value < min || value > max) {
            *error = QStringLiteral("invalid value for --%1: %2")
                             .arg(option.names().first(), parser.value(option));
            return false;
        }
        *out = value;
        return true;
    };
    if (!toInt(port, 0, 65535, &config->port) || !toInt(maxClients, 1, 1000000, &config->maxClients)
        || !toInt(commandLogRate, 0, 10000000, &config->commandLogRate))
        return false;
    config->bind = parser.value(bind);
    if (QHostAddress(config->bind).isNull() && config->bind != QLatin1String("localhost")) {
        *error = QStringLiteral("invalid --bind address: ") + config->bind;
        return false;
    }
    config->headless = parser.isSet(headless);
    config->logFile = parser.value(logFile);
    if (config->logFile.isEmpty())
        config->commandLogRate = 0; // command lines only ever go to the file
    config->verbose = parser.isSet(verbose);
    if (parser.isSet(requirePass))
        config->requirePass = parser.value(requirePass).toUtf8();
    if (!KeyspaceEvents::parse(parser.value(notifyKeyspaceEvents).toUtf8(),
                               &config->notifyKeyspaceEvents)) {
        *error = QStringLiteral("invalid --notify-keyspace-events: ")
                + QLatin1String(KeyspaceEvents::InvalidError);
        return false;
    }
    return true;
}
