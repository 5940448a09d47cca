#include "dashboard.h"

#include "channelsview.h"
#include "inprocesssource.h"
#include "mainwindow.h"
#include "net/server.h"
#include "net/signalwatcher.h"
#include "net/threadpriority.h"
#include "observe/dashboardbridge.h"
#include "observe/logsink.h"
#include "persist/persistence.h"
#include "shutdownguard.h"

#include <QApplication>
#include <QFile>
#include <QStyleFactory>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <functional>

namespace {

// The server's own address for the dashboard's connection to it.
RedisUrl loopbackUrl(const Server &server, const ServerConfig &config)
{
    RedisUrl url;
    const QHostAddress address = server.address();
    if (address == QHostAddress::AnyIPv6)
        url.host = QStringLiteral("::1");
    else if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        url.host = QStringLiteral("127.0.0.1");
    else
        url.host = address.toString();
    url.port = server.port();
    url.password = config.requirePass;
    return url;
}

} // namespace

// Resources of a static library must be registered by name, outside any namespace.
static void initResources()
{
    Q_INIT_RESOURCE(qkv);
}

namespace Dashboard {

void applyTheme(QApplication &app)
{
    initResources();
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(0x1e, 0x22, 0x2a), base(0x16, 0x19, 0x1f), text(0xe6, 0xe9, 0xef);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x1b, 0x1f, 0x26));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2a, 0x2f, 0x39));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb3));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(0x33, 0x39, 0x44));
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x93, 0xa3));
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    // Disabled controls (Load more with nothing more, Remove with nothing selected) must look so.
    const QColor disabled(0x6f, 0x78, 0x88);
    for (QPalette::ColorRole role : { QPalette::ButtonText, QPalette::WindowText, QPalette::Text })
        p.setColor(QPalette::Disabled, role, disabled);
    app.setPalette(p);
    QFile style(QStringLiteral(":/qkv/dashboard.qss"));
    if (style.open(QIODevice::ReadOnly))
        app.setStyleSheet(QString::fromUtf8(style.readAll()));
}

void scheduleScreenshot(QCoreApplication &app, MainWindow *window)
{
    const QString screenshot = qEnvironmentVariable("QKV_SCREENSHOT");
    if (screenshot.isEmpty())
        return;
    int delay = qEnvironmentVariableIntValue("QKV_SCREENSHOT_DELAY_MS");
    delay = delay > 0 ? delay : 3000;
    const QByteArray key = qgetenv("QKV_SCREENSHOT_KEY");
    if (!key.isEmpty()) {
        // Two seconds before the picture: the Keys tab, with that key's value shown.
        QTimer::singleShot(qMax(delay - 2000, 0), window, [window, key] {
            window->refreshKeys();
            window->viewKey(key);
        });
    }
    const QString tab = qEnvironmentVariable("QKV_SCREENSHOT_TAB");
    if (!tab.isEmpty())
        QTimer::singleShot(qMax(delay - 2000, 0), window, [window, tab] { window->showTab(tab); });
    const QByteArray channel = qgetenv("QKV_SCREENSHOT_CHANNEL");
    if (!channel.isEmpty()) {
        // Early enough for its messages to fill the list before the picture.
        QTimer::singleShot(qMax(delay - 6000, 0), window, [window, channel] {
            window->showTab(QStringLiteral("Channels"));
            window->channelsView()->select(ChannelKind::Channel, channel);
        });
    }
    QTimer::singleShot(delay, window, [window, &app, screenshot] {
        window->grab().save(screenshot);
        app.quit();
    });
}

int run(QCoreApplication &app, const ServerConfig &config, SignalWatcher &watcher)
{
    LogSink log(config.logFile);
    log.setEchoAll(config.verbose);
    qCInfo(lcServer) << "qkv-server" << QKV_VERSION << "starting with the dashboard, pid"
                     << app.applicationPid();

    // The server and its bridge are created, used and destroyed on the server thread only.
    QThread thread;
    thread.setObjectName(QStringLiteral("qkv-server"));
    thread.start();
    // A repaint must not hold up a client's reply where the window's thread and the server's
    // share a core (a loaded or a two-core machine).
    ThreadPriority::makeBackground(10, ThreadPriority::Policy::Normal);
    QObject onServerThread;
    onServerThread.moveToThread(&thread);
    Server *server = nullptr;
    DashboardBridge *bridge = nullptr;
    QString error;
    QMetaObject::invokeMethod(
            &onServerThread,
            [&] {
                server = new Server(config);
                if (!server->loadUsers(&error)) {
                    qCCritical(lcServer).noquote() << "cannot load the ACL users:" << error;
                } else if (!server->persistence().load(&error)) {
                    qCCritical(lcServer).noquote()
                            << "cannot load" << config.rdbPath() << ':' << error;
                    error = QStringLiteral("the RDB file could not be loaded");
                } else if (server->listen(&error)) {
                    bridge = new DashboardBridge(server, &log);
                }
            },
            Qt::BlockingQueuedConnection);

    int status = 1;
    if (bridge) {
        std::printf("qkv-server listening on %s:%u\n", qPrintable(server->address().toString()),
                    server->port());
        std::fflush(stdout);
        applyTheme(static_cast<QApplication &>(app));
        // SHUTDOWN from a client stops the whole program, window included, as SIGTERM does.
        QObject::connect(server, &Server::shutdownRequested, &app, &QCoreApplication::quit,
                         Qt::QueuedConnection);
        // What the window's thread asks of the server, done on the server's thread.
        const auto onServer = [&](const std::function<bool()> &work) {
            bool result = false;
            QMetaObject::invokeMethod(
                    &onServerThread, [&] { result = work(); }, Qt::BlockingQueuedConnection);
            return result;
        };
        QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int signal) {
            if (onServer([&] { return server->terminationSignal(signal); }))
                app.quit();
        });
        MainWindow window;
        // Closing the window stops the server: its save runs first, and a failed one asks.
        new ShutdownGuard(
                &window,
                [&] {
                    return onServer([&] {
                        return server->isShutdownPrepared() || server->prepareForShutdown();
                    });
                },
                [&] {
                    onServer([&] { return server->prepareForShutdown(ShutdownFlag::NoSave); });
                });
        InProcessSource source(bridge, loopbackUrl(*server, config));
        window.setSource(&source);
        source.start();
        window.show();
        scheduleScreenshot(app, &window);
        status = app.exec();
        qCInfo(lcServer) << "dashboard closed after" << window.snapshotsReceived() << "snapshots";
    } else {
        qCCritical(lcServer).noquote()
                << "cannot listen on" << config.bind << config.port << ':' << error;
    }

    QMetaObject::invokeMethod(
            &onServerThread,
            [&] {
                // Stopped another way (a screenshot run): saves when save rules exist.
                if (bridge && !server->isShutdownPrepared())
                    server->prepareForShutdown();
                delete bridge;
                server->close();
                delete server;
                onServerThread.moveToThread(app.thread());
            },
            Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    qCInfo(lcServer) << "shutdown complete";
    return status;
}

} // namespace Dashboard
