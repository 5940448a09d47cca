#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <initializer_list>
#include <memory>

class Aggregate;
class Connection;
struct KeyEntry;
enum class ValueType : quint8;

// Helpers shared by the command families: argument parsing that replies Redis's error on
// failure, and key lookups that keep the hit/miss counters.
namespace CommandUtil {

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b);
// An option name compared as Redis's strcasecmp does: the argument ends at its first NUL.
bool argIs(QByteArrayView arg, const char *option);
// The argument as C code sees it (up to the first NUL), for error texts made with %s.
QByteArrayView cString(QByteArrayView arg);

// Replies "-ERR value is not an integer or out of range" and returns false on failure.
bool parseLongLong(Connection &c, QByteArrayView text, long long *value);
// Same, with a caller-given error text for out-of-range values.
bool parseLongLongInRange(Connection &c, QByteArrayView text, long long min, long long max,
                          const QByteArray &error, long long *value);
// Redis's getRangeLongFromObjectOrReply with a message: `error` (without "ERR ") answers a
// non-integer and an out-of-range value alike.
bool parseRangeOrReply(Connection &c, QByteArrayView text, long long min, long long max,
                       const char *error, long long *value);
// Redis's getIntFromObjectOrReply: a long long that must fit an int. error (without "ERR ")
// replaces both of Redis's texts ("value is not an integer or out of range", then
// "value is out of range, value must between ...").
bool parseInt(Connection &c, QByteArrayView text, int *value, const char *error = nullptr);
// Redis's getLongDoubleFromObjectOrReply: replies "-ERR value is not a valid float".
bool parseLongDouble(Connection &c, QByteArrayView text, long double *value);
// A database index from the command: replies "-ERR DB index is out of range" when it is not
// one of ours (after parseInt's own error for a non-integer).
bool parseDbIndex(Connection &c, QByteArrayView text, int *index);

// The one lookup path of the commands (Redis's lookupKey): lookups for reading count
// keyspace_hits/misses, lookups for writing do not; both record an access for OBJECT IDLETIME.
KeyEntry *lookupRead(Connection &c, QByteArrayView key);
KeyEntry *lookupWrite(Connection &c, QByteArrayView key);
// lookupRead without recording an access (Redis's LOOKUP_NOTOUCH): EXISTS, TYPE, TTL, OBJECT.
KeyEntry *lookupReadNoTouch(Connection &c, QByteArrayView key);
// The same for commands that need a string: false (after replying WRONGTYPE) when the key
// holds another type; *entry is nullptr when the key does not exist.
bool lookupStringRead(Connection &c, QByteArrayView key, KeyEntry **entry);
bool lookupStringWrite(Connection &c, QByteArrayView key, KeyEntry **entry);
// The same for any type.
bool lookupTypedRead(Connection &c, QByteArrayView key, ValueType type, KeyEntry **entry);
bool lookupTypedWrite(Connection &c, QByteArrayView key, ValueType type, KeyEntry **entry);
// The key loop of Redis's mpopGenericCommand and blockingPopGenericCommand: the first of the
// numkeys keys from argument firstKey on that holds a value of type, in *keyIndex and *entry
// (null when none does). False (after replying WRONGTYPE) when a key of another type comes
// first.
bool findFirstOfType(Connection &c, qsizetype firstKey, long long numkeys, ValueType type,
                     qsizetype *keyIndex, KeyEntry **entry);
// The parts LMPOP/BLMPOP and ZMPOP/BZMPOP share (Redis's lmpop/zmpopGenericCommand), parsed
// in Redis's order around the caller's direction word: numkeys (at numkeysIndex) >= 1 with
// at least a word after the keys, and after the direction an optional COUNT >= 1 (*count 1
// when absent). Each replies Redis's error and returns false on failure.
bool parseMpopNumkeys(Connection &c, qsizetype numkeysIndex, long long *numkeys);
// HRANDFIELD's and ZRANDMEMBER's `count [withWord]` (arguments 2 and 3), as Redis checks them:
// count in -LONG_MAX..LONG_MAX, then the word, then with it a count whose double (the RESP2
// reply's length) is still a count. Replies Redis's error and returns false on failure.
bool parseRandomCount(Connection &c, const char *withWord, long long *count, bool *with);
bool parseMpopCount(Connection &c, qsizetype from, long long *count);

// Redis's checkStringLength: a string may not grow past proto-max-bulk-len. Replies and
// returns false when size + append is too big (or overflows).
bool checkStringLength(Connection &c, qint64 size, qint64 append);

// The absolute expiry (ms) for SET/SETEX/PSETEX/GETEX's time argument, with Redis's rules
// (getExpireMillisecondsOrReply): must be > 0, units checked for overflow; relative times are
// added to now. Replies "-ERR invalid expire time in '<command>' command" on failure.
bool expireTimeOrReply(Connection &c, QByteArrayView text, bool seconds, bool relative, qint64 *at);
void replyInvalidExpireTime(Connection &c);

// A blocking command's timeout in seconds (Redis 7.0's getTimeoutFromObjectOrReply): a float,
// milliseconds rounded up; 0 waits for ever. *timeoutAt is absolute (ms since the epoch), or
// 0. Replies "-ERR timeout is not a float or out of range" / "-ERR timeout is negative".
bool parseBlockTimeout(Connection &c, QByteArrayView text, qint64 *timeoutAt);

// A timeout in milliseconds, as Redis 7.0's getTimeoutFromObjectOrReply reads it for WAIT,
// XREAD BLOCK and CLIENT PAUSE: an integer; *timeoutAt is absolute, or 0 for 0. Replies
// "-ERR timeout is not an integer or out of range" / "-ERR timeout is negative".
bool parseMillisecondTimeout(Connection &c, QByteArrayView text, qint64 *timeoutAt);

// The end of a STORE variant (SINTERSTORE, ZUNIONSTORE, SORT ... STORE...): a non-empty result
// replaces destination (Redis's setKey, the TTL goes) and the command's event is notified (of
// KeyspaceEvents class eventClass); an empty one (null) deletes destination, notified as "del"
// when it existed.
void storeResult(Connection &c, QByteArrayView destination, ValueType type,
                 std::unique_ptr<Aggregate> result, int eventClass, const char *event);

void replySyntaxError(Connection &c);
// Redis's addReplySubcommandSyntaxError, for subcommands that check their own arguments:
// "-ERR unknown subcommand or wrong number of arguments for 'sub'. Try COMMAND HELP."
void replySubcommandSyntaxError(Connection &c);
// Redis's addReplyHelp: status lines, the usage line for command (e.g. "CLIENT") first, then
// lines, then HELP's own two lines.
void replyHelp(Connection &c, const char *command, std::initializer_list<const char *> lines);
void replyWrongType(Connection &c);

} // namespace CommandUtil
