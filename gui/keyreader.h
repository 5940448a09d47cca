#pragma once

#include "dashboardsource.h"
#include "observe/serversnapshot.h"

#include <functional>

class RespConnection;

/* The keys browser's and value viewer's pages read over a RespConnection with the commands any
 * Redis 7 answers: SCAN, then TYPE, PTTL and a size and preview command per key; TYPE, PTTL,
 * OBJECT ENCODING, then LRANGE, ZRANGE, HSCAN, SSCAN or GETRANGE from the page's cursor. Each
 * page is a few pipelined round trips of bounded size, whatever the size of the database or
 * the value. A lost connection ends a request without calling back.
 */
namespace KeyReader {

// Bounds on one value page, whatever was asked: rows, bytes of one element (a longer one is
// cut, its size kept), bytes of a string shown.
constexpr int MaxValueRows = 5000;
constexpr qsizetype MaxElementBytes = 64 * 1024;
constexpr qsizetype MaxStringBytes = 1024 * 1024;
// SCAN calls at most per keys page: a sparse match never holds a page up for long.
constexpr int MaxScanCalls = 10;

// About `count` keys of db matching the glob from cursor (0: the first page).
void readKeys(RespConnection *connection, int db, const QByteArray &pattern, quint64 cursor,
              int count, std::function<void(const KeyPage &)> done);
// One page of key's value from cursor, about count elements; a missing key's summary has the
// type "none".
void readValue(RespConnection *connection, int db, const QByteArray &key, quint64 cursor, int count,
               std::function<void(const ValuePage &)> done);

// About maxKeys keys of db from a SCAN, each with its type and MEMORY USAGE (bytes -1 where
// the server does not answer MEMORY USAGE).
void sampleMemory(RespConnection *connection, int db, int maxKeys,
                  std::function<void(const QList<KeySample> &)> done);

} // namespace KeyReader
