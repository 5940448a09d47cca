// qkv-cli: a console client for qkv and any Redis server, with redis-cli's options and output.
#include "cliapp.h"
#include "keyscanmode.h"
#include "latencymode.h"
#include "pipemode.h"
#include "rdbmode.h"
#include "repl.h"
#include "statmode.h"

#include <QCoreApplication>

#include <cstdio>
#include <iostream>
#include <unistd.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qkv-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QKV_VERSION));
    // Lets CliApp see how much of stdin is already buffered, to pipeline it.
    std::ios::sync_with_stdio(false);

    CliOptions options;
    QString error;
    bool exitNow = false;
    if (!CliOptions::parse(argc, argv, &options, &error, &exitNow)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    if (exitNow)
        return 0;

    CliApp cli(options);
    using Mode = CliOptions::Mode;
    switch (options.mode) {
    case Mode::Command: return cli.runOnce();
    case Mode::Lines:
        if (isatty(STDIN_FILENO))
            return Repl(&cli).run();
        return cli.runLines();
    default: break;
    }
    // The tools need the server from the start.
    if (!cli.connect())
        return 2;
    switch (options.mode) {
    case Mode::Pipe: return PipeMode::run(cli.client(), options);
    case Mode::Stat: return StatMode::run(cli.client(), options);
    case Mode::Latency:
    case Mode::LatencyHistory:
    case Mode::LatencyDist: return LatencyMode::run(cli.client(), options);
    case Mode::BigKeys:
    case Mode::MemKeys:
    case Mode::Scan: return KeyScanMode::run(cli.client(), options);
    case Mode::Rdb: return RdbMode::run(cli.client(), options);
    case Mode::Command:
    case Mode::Lines: break;
    }
    return 0;
}
