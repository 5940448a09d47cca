// qkv-dashboard: the dashboard window attached to any Redis-protocol server over the network.
#include "connectdialog.h"
#include "dashboard.h"
#include "mainwindow.h"
#include "redisurl.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <clocale>
#include <cstdio>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    std::setlocale(LC_NUMERIC, "C");
    QCoreApplication::setOrganizationName(QStringLiteral("qkv"));
    QCoreApplication::setApplicationName(QStringLiteral("qkv-dashboard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QKV_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Watch a qkv or Redis server: qkv-dashboard HOST:PORT, or "
                           "redis://[user:password@]host:port/db. Without one, asks."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption user(QStringLiteral("user"), QStringLiteral("ACL user to AUTH as."),
                                  QStringLiteral("name"));
    const QCommandLineOption password(
            { QStringLiteral("a"), QStringLiteral("pass") },
            QStringLiteral("Password to AUTH with (or set REDISCLI_AUTH)."),
            QStringLiteral("password"));
    parser.addOptions({ user, password });
    parser.addPositionalArgument(QStringLiteral("server"),
                                 QStringLiteral("HOST:PORT or redis:// URL"),
                                 QStringLiteral("[server]"));
    parser.process(app);

    Dashboard::applyTheme(app);
    MainWindow window;
    window.show();
    const QStringList servers = parser.positionalArguments();
    if (servers.isEmpty()) {
        QTimer::singleShot(0, &window, &MainWindow::showConnectDialog);
    } else {
        RedisUrl url;
        QString error;
        if (!RedisUrl::parse(servers.first(), &url, &error)) {
            std::fprintf(stderr, "qkv-dashboard: %s\n", qPrintable(error));
            return 2;
        }
        if (parser.isSet(user))
            url.user = parser.value(user).toUtf8();
        if (parser.isSet(password))
            url.password = parser.value(password).toUtf8();
        else if (url.password.isEmpty())
            url.password = qgetenv("REDISCLI_AUTH");
        ConnectDialog::remember(url);
        window.connectTo(url);
    }
    Dashboard::scheduleScreenshot(app, &window);
    return app.exec();
}
