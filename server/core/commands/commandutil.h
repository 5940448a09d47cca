#pragma once

#include <QByteArray>
#include <QByteArrayView>

class Connection;
struct KeyEntry;

// Helpers shared by the command families: argument parsing that replies Redis's error on
// failure, and key lookups that keep the hit/miss counters.
namespace CommandUtil {

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b);

// Replies "-ERR value is not an integer or out of range" and returns false on failure.
bool parseLongLong(Connection &c, QByteArrayView text, long long *value);
// Same, with a caller-given error text for out-of-range values.
bool parseLongLongInRange(Connection &c, QByteArrayView text, long long min, long long max,
                          const QByteArray &error, long long *value);

// Lookups for reading count keyspace_hits/misses; lookups for writing do not.
KeyEntry *lookupRead(Connection &c, QByteArrayView key);
KeyEntry *lookupWrite(Connection &c, QByteArrayView key);

void replySyntaxError(Connection &c);
void replyWrongType(Connection &c);

} // namespace CommandUtil
