// qkv-server: parses the command line, then runs headless or with the dashboard.
#include "config/serverconfig.h"
#include "net/server.h"
#include "net/signalwatcher.h"
#include "observe/logsink.h"
#include "persist/persistence.h"

#ifdef QKV_HAVE_GUI
#include "dashboard.h"
#include <QApplication>
#endif
#include <QCoreApplication>

#include <clocale>
#include <cstdio>
#include <memory>

namespace {

bool wantsDashboard(int argc, char **argv)
{
#ifdef QKV_HAVE_GUI
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--headless") == 0 || qstrcmp(argv[i], "-h") == 0
            || qstrcmp(argv[i], "--help") == 0 || qstrcmp(argv[i], "-v") == 0
            || qstrcmp(argv[i], "--version") == 0)
            return false;
    }
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
            || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
#else
    Q_UNUSED(argc);
    Q_UNUSED(argv);
    return false;
#endif
}

int runHeadless(QCoreApplication &app, const ServerConfig &config, SignalWatcher &watcher)
{
    LogSink log(config.logFile);
    log.setEchoAll(config.verbose);
    if (!log.errorString().isEmpty())
        std::fprintf(stderr, "qkv-server: cannot open log file: %s\n",
                     qPrintable(log.errorString()));
    qCInfo(lcServer) << "qkv-server" << QKV_VERSION << "starting, pid" << app.applicationPid();

    Server server(config);
    QString error;
    if (!server.loadUsers(&error)) {
        qCCritical(lcServer).noquote() << "cannot load the ACL users:" << error;
        return 1;
    }
    if (!server.persistence().load(&error)) {
        qCCritical(lcServer).noquote() << "cannot load the data:" << error;
        return 1;
    }
    if (!server.listen(&error)) {
        qCCritical(lcServer).noquote()
                << "cannot listen on" << config.bind << config.port << ':' << error;
        return 1;
    }
    std::printf("qkv-server listening on %s:%u\n", qPrintable(server.address().toString()),
                server.port());
    std::fflush(stdout);

    QObject::connect(&server, &Server::shutdownRequested, &app, &QCoreApplication::quit);
    // As Redis: a signal whose save fails leaves the server serving, unless its flags say force.
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int signal) {
        if (server.terminationSignal(signal))
            app.quit();
    });
    const int status = app.exec();
    if (!server.isShutdownPrepared())
        server.prepareForShutdown();
    server.close();
    qCInfo(lcServer) << "shutdown complete";
    return status;
}

} // namespace

int main(int argc, char **argv)
{
    [[maybe_unused]] const bool dashboard = wantsDashboard(argc, argv);
    std::unique_ptr<QCoreApplication> app;
#ifdef QKV_HAVE_GUI
    if (dashboard)
        app = std::make_unique<QApplication>(argc, argv);
#endif
    if (!app)
        app = std::make_unique<QCoreApplication>(argc, argv);
    // Qt applies the environment's locale to every category; Redis sets only LC_COLLATE (SORT
    // ALPHA). Numbers must parse and print as in C whatever LANG says ("1.5", not "1,5").
    std::setlocale(LC_NUMERIC, "C");
    QCoreApplication::setApplicationName(QStringLiteral("qkv-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QKV_VERSION));

    ServerConfig config;
    QString error;
    bool exitNow = false;
    QStringList warnings;
    if (!ServerConfig::fromArguments(QCoreApplication::arguments(), &config, &error, &exitNow,
                                     &warnings)) {
        // As redis-server: the FATAL CONFIG FILE ERROR block on stderr, exit status 1.
        std::fputs(qPrintable(error), stderr);
        return 1;
    }
    if (exitNow)
        return 0;
    for (const QString &warning : std::as_const(warnings))
        std::fprintf(stderr, "qkv-server: warning: %s\n", qPrintable(warning));
    SignalWatcher watcher;
#ifdef QKV_HAVE_GUI
    if (dashboard)
        return Dashboard::run(*app, config, watcher);
#endif
    return runHeadless(*app, config, watcher);
}
