#pragma once

#include <QByteArray>
#include <QString>

// Where the dashboard connects: "HOST:PORT", "HOST", or
// "redis://[[user]:password@]host[:port][/db]". The password is kept in memory only: text()
// never includes it, so what is shown or remembered cannot leak it.
struct RedisUrl
{
    static constexpr quint16 DefaultPort = 6379;

    QString host = QStringLiteral("127.0.0.1");
    quint16 port = DefaultPort;
    QByteArray user;     // empty: AUTH with the password alone (the default user)
    QByteArray password; // empty: no AUTH
    int db = 0;

    // Returns false with *error when text is not an address this class reads.
    static bool parse(const QString &text, RedisUrl *url, QString *error);
    // "redis://user@host:port/db", without the password ("host:port" form when nothing else).
    QString text() const;
    QString hostAndPort() const;
};
