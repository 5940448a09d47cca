#pragma once

#include <QString>

// How the dashboard writes numbers for people.
namespace Formatting {

QString bytes(qint64 bytes);                // "1.5 MB"
QString duration(qint64 seconds);           // "3d 4h", "5m 12s"
QString micros(qint64 microseconds);        // "850 µs", "12.5 ms", "2.25 s", then as duration()
QString count(quint64 value);               // "1,234,567"
QString rate(double perSecond);             // "12.3k"
QString ttl(qint64 milliseconds);           // "-" for none, "42s", "3h 5m"
QString printable(const QByteArray &bytes); // binary shown as \xHH
// printable() cut to at most maxChars characters, "…" at the end when cut.
QString elided(const QByteArray &bytes, int maxChars);
// A key's size as the keys browser gives it: a string's bytes ("12 B"), an aggregate's
// elements by type ("3 fields", "1 element", "1,000 members").
QString size(const QByteArray &type, qint64 size);
// A sorted-set score: the shortest text that reads back as the same double ("0.1", "inf").
QString score(double score);

} // namespace Formatting
