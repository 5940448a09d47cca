#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QString>

// qkv-cli's command line: redis-cli 7.0's options with the same meaning (except cluster and
// TLS), plus --json. A plain value; parse() fills it from argv.
struct CliOptions
{
    // What the program does: a command (once or -r times), stdin's lines, or one of the tools.
    enum class Mode {
        Command,
        Lines,
        Pipe,
        Stat,
        Latency,
        LatencyHistory,
        LatencyDist,
        BigKeys,
        MemKeys,
        Scan,
        Rdb
    };

    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    QByteArray user;
    QByteArray password; // null: no AUTH
    int db = 0;
    bool resp3 = false;
    bool raw = false;
    bool json = false;
    long long repeat = 1; // -r; -1 is forever
    double interval = 0;  // -i, seconds
    bool intervalSet = false;
    bool stdinArg = false;  // -x
    bool errorExit = false; // -e
    Mode mode = Mode::Lines;
    QByteArray pattern;  // --pattern (SCAN MATCH), empty for all
    long long count = 0; // --count (SCAN COUNT), 0 for the server's default
    int pipeTimeout = 30;
    int memkeysSamples = 0;
    QString rdbFile;
    QByteArrayList command;

    // Reads argv. Returns false with *error (for stderr, exit status 1) on a bad option; --help
    // and --version print and set *exitNow. Warnings (a password on the command line) go to
    // stderr from here, as redis-cli prints them.
    static bool parse(int argc, char **argv, CliOptions *options, QString *error, bool *exitNow);
};
