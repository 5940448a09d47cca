#include "serverconfig.h"

#include "pubsub/keyspaceevents.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {

// The container's way to set a password without putting it on the command line (where `ps`
// shows it): $QKV_PASSWORD, or a file named by $QKV_PASSWORD_FILE (a Docker secret). The file's
// trailing newline is not part of the password.
bool passwordFromEnvironment(QByteArray *password, QString *error)
{
    const QString file = qEnvironmentVariable("QKV_PASSWORD_FILE");
    if (file.isEmpty()) {
        *password = qgetenv("QKV_PASSWORD");
        return true;
    }
    QFile secret(file);
    if (!secret.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("QKV_PASSWORD_FILE: cannot read ") + file;
        return false;
    }
    *password = secret.readAll();
    while (password->endsWith('\n') || password->endsWith('\r'))
        password->chop(1);
    return true;
}

} // namespace

QString ServerConfig::rdbPath() const
{
    return QDir(dir.isEmpty() ? QDir::currentPath() : dir).filePath(dbFilename);
}

bool ServerConfig::parseSaveRules(QByteArrayView text, std::vector<SaveRule> *rules)
{
    // As Redis's setConfigSaveOption: split at each space, seconds >= 1, changes >= 0, in
    // pairs; "" alone means none.
    const QList<QByteArray> words = text.toByteArray().split(' ');
    std::vector<SaveRule> parsed;
    if (!text.isEmpty()) {
        if (words.size() % 2 != 0)
            return false;
        for (qsizetype i = 0; i < words.size(); i += 2) {
            bool okSeconds = false;
            bool okChanges = false;
            const qint64 seconds = words[i].toLongLong(&okSeconds);
            const qint64 changes = words[i + 1].toLongLong(&okChanges);
            if (!okSeconds || !okChanges || seconds < 1 || changes < 0)
                return false;
            parsed.push_back({ seconds, changes });
        }
    }
    *rules = std::move(parsed);
    return true;
}

bool ServerConfig::parsePercentiles(QByteArrayView text, std::vector<double> *percentiles,
                                    QByteArray *error)
{
    // As Redis's MULTI_ARG_CONFIG: one value per single space; each read whole by string2d.
    std::vector<double> parsed;
    const QList<QByteArray> words
            = text.isEmpty() ? QList<QByteArray>() : text.toByteArray().split(' ');
    for (const QByteArray &word : words) {
        char *end = nullptr;
        const double value = word.isEmpty() || std::isspace(static_cast<unsigned char>(word[0]))
                ? std::nan("")
                : std::strtod(word.constData(), &end);
        if (std::isnan(value) || end != word.constData() + word.size()) {
            *error = "Invalid latency-tracking-info-percentiles parameters";
            return false;
        }
        if (value < 0 || value > 100) {
            *error = "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
            return false;
        }
        parsed.push_back(value);
    }
    *percentiles = std::move(parsed);
    return true;
}

QByteArray ServerConfig::formatPercentile(double percentile)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%f", percentile);
    QByteArray text(buffer);
    if (text.contains('.')) {
        while (text.endsWith('0'))
            text.chop(1);
        if (text.endsWith('.'))
            text.chop(1);
    }
    return text;
}

QByteArray ServerConfig::formatSaveRules(const std::vector<SaveRule> &rules)
{
    QByteArray text;
    for (const SaveRule &rule : rules) {
        if (!text.isEmpty())
            text += ' ';
        text += QByteArray::number(rule.seconds) + ' ' + QByteArray::number(rule.changes);
    }
    return text;
}

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
    const QCommandLineOption requirePass(
            QStringLiteral("requirepass"),
            QStringLiteral("Password clients must AUTH with (default: $QKV_PASSWORD, or the "
                           "contents of $QKV_PASSWORD_FILE)."),
            QStringLiteral("password"));
    const QCommandLineOption protectedMode(
            QStringLiteral("protected-mode"),
            QStringLiteral("Without a password, refuse clients from other hosts: yes or no "
                           "(default yes)."),
            QStringLiteral("yes|no"), QStringLiteral("yes"));
    const QCommandLineOption commandLogRate(
            QStringLiteral("log-commands"),
            QStringLiteral(
                    "Commands per second written to the log file, 0 for none (default 1000)."),
            QStringLiteral("rate"), QString::number(config->commandLogRate));
    const QCommandLineOption dir(
            QStringLiteral("dir"),
            QStringLiteral("Directory of the RDB snapshot (default: the working directory)."),
            QStringLiteral("path"));
    const QCommandLineOption dbFilename(
            QStringLiteral("dbfilename"),
            QStringLiteral("File name of the RDB snapshot in --dir (default dump.rdb)."),
            QStringLiteral("name"), config->dbFilename);
    const QCommandLineOption save(
            QStringLiteral("save"),
            QStringLiteral("Snapshot rules \"<seconds> <changes> ...\"; \"\" for none (default "
                           "\"3600 1 300 100 60 10000\"). Repeatable."),
            QStringLiteral("rules"));
    const QCommandLineOption enableProtectedConfigs(
            QStringLiteral("enable-protected-configs"),
            QStringLiteral("Let CONFIG SET change dir and dbfilename: yes or no (default no)."),
            QStringLiteral("yes|no"), QStringLiteral("no"));
    const QCommandLineOption verbose(QStringLiteral("verbose"),
                                     QStringLiteral("Echo every log line to stderr."));
    const QCommandLineOption notifyKeyspaceEvents(
            QStringLiteral("notify-keyspace-events"),
            QStringLiteral("Keyspace notification classes, as Redis's (e.g. KEA; default none)."),
            QStringLiteral("classes"));
    parser.addOptions({ headless, bind, port, logFile, maxClients, requirePass, protectedMode,
                        commandLogRate, dir, dbFilename, save, enableProtectedConfigs, verbose,
                        notifyKeyspaceEvents });

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
    if (parser.isSet(dir)) {
        const QFileInfo info(parser.value(dir));
        if (!info.isDir()) {
            *error = QStringLiteral("--dir: no such directory: ") + parser.value(dir);
            return false;
        }
        config->dir = info.absoluteFilePath();
    } else {
        config->dir = QDir::currentPath();
    }
    config->dbFilename = parser.value(dbFilename);
    if (config->dbFilename.isEmpty() || config->dbFilename.contains(QLatin1Char('/'))) {
        *error = QStringLiteral("--dbfilename must be a file name, not a path");
        return false;
    }
    auto toBool = [&](const QCommandLineOption &option, bool *out) {
        const QString value = parser.value(option);
        if (value != QLatin1String("yes") && value != QLatin1String("no")) {
            *error = QStringLiteral("--%1 takes yes or no").arg(option.names().first());
            return false;
        }
        *out = value == QLatin1String("yes");
        return true;
    };
    if (!toBool(enableProtectedConfigs, &config->enableProtectedConfigs)
        || !toBool(protectedMode, &config->protectedMode))
        return false;
    config->saveRules = defaultSaveRules();
    if (parser.isSet(save)) {
        // As redis.conf's save lines: the first replaces the defaults, later ones add rules.
        config->saveRules.clear();
        for (const QString &value : parser.values(save)) {
            std::vector<SaveRule> rules;
            if (!parseSaveRules(value.toUtf8(), &rules)) {
                *error = QStringLiteral("invalid --save rules: ") + value;
                return false;
            }
            config->saveRules.insert(config->saveRules.end(), rules.begin(), rules.end());
        }
    }
    if (parser.isSet(requirePass))
        config->requirePass = parser.value(requirePass).toUtf8();
    else if (!passwordFromEnvironment(&config->requirePass, error))
        return false;
    if (!KeyspaceEvents::parse(parser.value(notifyKeyspaceEvents).toUtf8(),
                               &config->notifyKeyspaceEvents)) {
        *error = QStringLiteral("invalid --notify-keyspace-events: ")
                + QLatin1String(KeyspaceEvents::InvalidError);
        return false;
    }
    return true;
}
