#include "formatting.h"

#include <QLocale>

namespace Formatting {

QString bytes(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString duration(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60);
    if (seconds < 86400)
        return QStringLiteral("%1h %2m").arg(seconds / 3600).arg(seconds % 3600 / 60);
    return QStringLiteral("%1d %2h").arg(seconds / 86400).arg(seconds % 86400 / 3600);
}

QString micros(qint64 microseconds)
{
    // Three significant digits at most: enough to compare durations at a glance.
    const auto scaled = [](double value, const char *unit) -> QString {
        const int decimals = value < 10 ? 2 : value < 100 ? 1 : 0;
        QString text = QString::number(value, 'f', decimals);
        if (decimals > 0) {
            while (text.endsWith(QLatin1Char('0')))
                text.chop(1);
            if (text.endsWith(QLatin1Char('.')))
                text.chop(1);
        }
        return text + QLatin1Char(' ') + QLatin1String(unit);
    };
    if (microseconds < 1000)
        return QStringLiteral("%1 µs").arg(microseconds);
    if (microseconds < 1000 * 1000)
        return scaled(double(microseconds) / 1e3, "ms");
    if (microseconds < 60 * 1000 * 1000)
        return scaled(double(microseconds) / 1e6, "s");
    return duration(microseconds / (1000 * 1000));
}

QString count(quint64 value)
{
    QLocale locale(QLocale::English);
    return locale.toString(value);
}

QString rate(double perSecond)
{
    if (perSecond >= 1e6)
        return QString::number(perSecond / 1e6, 'f', 2) + QLatin1Char('M');
    if (perSecond >= 1e4)
        return QString::number(perSecond / 1e3, 'f', 1) + QLatin1Char('k');
    return QString::number(qRound64(perSecond));
}

QString ttl(qint64 milliseconds)
{
    if (milliseconds < 0)
        return QStringLiteral("-");
    return duration((milliseconds + 999) / 1000);
}

QString printable(const QByteArray &bytes)
{
    QString out;
    out.reserve(bytes.size());
    for (char c : bytes) {
        const uchar u = uchar(c);
        if (u >= 32 && u < 127)
            out += QLatin1Char(c);
        else
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
    }
    return out;
}

QString elided(const QByteArray &bytes, int maxChars)
{
    // Four characters at most per byte: never convert more than can be shown.
    const QString text = printable(bytes.left(qsizetype(maxChars) + 1));
    if (text.size() <= maxChars)
        return text;
    return text.left(maxChars) + QStringLiteral("…");
}

QString size(const QByteArray &type, qint64 size)
{
    if (type == "string")
        return bytes(size);
    if (type == "stream")
        return QStringLiteral("%1 %2").arg(count(quint64(size)),
                                           size == 1 ? QStringLiteral("entry")
                                                     : QStringLiteral("entries"));
    const char *unit = type == "hash" ? "field" : type == "list" ? "element" : "member";
    if (type != "set" && type != "zset" && type != "hash" && type != "list")
        return count(quint64(qMax<qint64>(size, 0)));
    return QStringLiteral("%1 %2%3").arg(count(quint64(size)), QLatin1String(unit),
                                         size == 1 ? QString() : QStringLiteral("s"));
}

QString score(double score)
{
    return QString::number(score, 'g', QLocale::FloatingPointShortest);
}

} // namespace Formatting
