#include "serverconfig.h"

#include "configfile.h"
#include "protocol/repr.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

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

QString ServerConfig::aofDirPath() const
{
    return QDir(dir.isEmpty() ? QDir::currentPath() : dir).filePath(appendDirname);
}

namespace {

constexpr char Usage[]
        = "Usage: qkv-server [/path/to/qkv.conf] [options]\n"
          "qkv: a Redis-compatible key-value server with a live dashboard.\n\n"
          "Options of qkv:\n"
          "  --headless           Run without the dashboard window.\n"
          "  --log-file <path>    Log file; \"\" for none (default logs/server.log).\n"
          "  --log-commands <n>   Commands per second written to the log file, 0 "
          "for none (default 1000).\n"
          "  --verbose            Echo every log line to stderr.\n"
          "  -h, --help           Show this help.\n"
          "  -v, --version        Show the version.\n\n"
          "Any configuration parameter as redis-server takes it, after the file:\n"
          "  --port 6380 --save \"60 1000\" --appendonly yes ...\n";

} // namespace

bool ServerConfig::fromArguments(const QStringList &arguments, ServerConfig *config, QString *error,
                                 bool *exitNow, QStringList *warnings)
{
    *exitNow = false;
    config->saveRules = defaultSaveRules();
    config->dir = QDir::currentPath();
    qsizetype i = 1;
    QByteArray text;
    // As redis-server: a first argument that is not an option names the configuration file.
    if (arguments.size() > 1 && !arguments[1].startsWith(QLatin1Char('-'))) {
        QFile file(arguments[1]);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("Fatal error, can't open config file '%1': %2")
                             .arg(arguments[1], file.errorString());
            return false;
        }
        text = file.readAll();
        config->configFile = QFileInfo(arguments[1]).absoluteFilePath();
        i = 2;
    }
    // Everything else becomes directive lines after the file's, as Redis does: `--name` starts
    // one, the words after it are its arguments (quoted, so they stay one each).
    QByteArray options;
    auto ownValue = [&](QString *out) {
        if (i + 1 >= arguments.size()) {
            *error = QStringLiteral("missing value for ") + arguments[i];
            return false;
        }
        *out = arguments[++i];
        return true;
    };
    for (; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        if (argument == QLatin1String("-h") || argument == QLatin1String("--help")) {
            std::fputs(Usage, stdout);
            *exitNow = true;
            return true;
        }
        if (argument == QLatin1String("-v") || argument == QLatin1String("--version")) {
            std::printf("qkv-server %s\n", QKV_VERSION);
            *exitNow = true;
            return true;
        }
        if (argument == QLatin1String("--headless")) {
            config->headless = true;
        } else if (argument == QLatin1String("--verbose")) {
            config->verbose = true;
        } else if (argument == QLatin1String("--log-file")) {
            // Redis's logfile, given where any other parameter would be.
            QString path;
            if (!ownValue(&path))
                return false;
            if (!options.isEmpty())
                options += '\n';
            options += "logfile " + Repr::quoted(QFile::encodeName(path));
        } else if (argument == QLatin1String("--log-commands")) {
            QString value;
            bool ok = false;
            if (!ownValue(&value))
                return false;
            config->commandLogRate = value.toInt(&ok);
            if (!ok || config->commandLogRate < 0) {
                *error = QStringLiteral("invalid value for --log-commands: ") + value;
                return false;
            }
        } else if (argument.startsWith(QLatin1String("--"))) {
            if (!options.isEmpty())
                options += '\n';
            options += argument.mid(2).toUtf8();
        } else {
            options += ' ' + Repr::quoted(argument.toUtf8());
        }
    }
    // The container's password is a default: the file and --requirepass come after it.
    if (!passwordFromEnvironment(&config->requirePass, error))
        return false;
    ConfigFile::Error failure;
    if (!ConfigFile::apply(text + '\n' + options, config, warnings, &failure)) {
        *error = failure.fatalText();
        return false;
    }
    if (config->logFile.isEmpty())
        config->commandLogRate = 0; // command lines only ever go to the file
    return true;
}
