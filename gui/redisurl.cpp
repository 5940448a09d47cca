#include "redisurl.h"

#include <QUrl>

namespace {

bool setPort(const QString &text, RedisUrl *url, QString *error)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port == 0 || port > 65535) {
        *error = QStringLiteral("invalid port \"%1\"").arg(text);
        return false;
    }
    url->port = quint16(port);
    return true;
}

} // namespace

bool RedisUrl::parse(const QString &text, RedisUrl *url, QString *error)
{
    RedisUrl parsed;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("no server address");
        return false;
    }
    if (!trimmed.contains(QStringLiteral("://"))) {
        // HOST, HOST:PORT, [V6] or [V6]:PORT; a bare V6 address (several colons) has no port.
        QString portText;
        if (trimmed.startsWith(QLatin1Char('['))) {
            const qsizetype close = trimmed.indexOf(QLatin1Char(']'));
            if (close < 0
                || (close + 1 < trimmed.size() && trimmed.at(close + 1) != QLatin1Char(':'))) {
                *error = QStringLiteral("invalid address \"%1\"").arg(trimmed);
                return false;
            }
            parsed.host = trimmed.mid(1, close - 1);
            portText = trimmed.mid(close + 2);
        } else if (trimmed.count(QLatin1Char(':')) == 1) {
            parsed.host = trimmed.section(QLatin1Char(':'), 0, 0);
            portText = trimmed.section(QLatin1Char(':'), 1);
        } else {
            parsed.host = trimmed;
        }
        if (!portText.isEmpty() && !setPort(portText, &parsed, error))
            return false;
        *url = parsed;
        return true;
    }

    const QUrl qurl(trimmed, QUrl::StrictMode);
    if (!qurl.isValid() || qurl.scheme() != QStringLiteral("redis") || qurl.host().isEmpty()) {
        *error = QStringLiteral("\"%1\" is not a redis://host:port/db URL").arg(trimmed);
        return false;
    }
    parsed.host = qurl.host();
    if (qurl.port() != -1)
        parsed.port = quint16(qurl.port());
    parsed.user = qurl.userName(QUrl::FullyDecoded).toUtf8();
    parsed.password = qurl.password(QUrl::FullyDecoded).toUtf8();
    // redis://secret@host: a lone user part is the password, as redis-cli reads it.
    if (!qurl.userInfo().contains(QLatin1Char(':')))
        std::swap(parsed.user, parsed.password);
    const QString path = qurl.path().mid(1);
    if (!path.isEmpty()) {
        bool ok = false;
        parsed.db = path.toInt(&ok);
        if (!ok || parsed.db < 0) {
            *error = QStringLiteral("invalid database \"%1\"").arg(path);
            return false;
        }
    }
    *url = parsed;
    return true;
}

QString RedisUrl::hostAndPort() const
{
    const QString shownHost
            = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return shownHost + QLatin1Char(':') + QString::number(port);
}

QString RedisUrl::text() const
{
    if (user.isEmpty() && db == 0)
        return hostAndPort();
    QString out = QStringLiteral("redis://");
    if (!user.isEmpty())
        out += QString::fromUtf8(QUrl::toPercentEncoding(QString::fromUtf8(user)))
                + QLatin1Char('@');
    out += hostAndPort();
    if (db != 0)
        out += QLatin1Char('/') + QString::number(db);
    return out;
}
