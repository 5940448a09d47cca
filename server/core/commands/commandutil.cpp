#include "commandutil.h"

#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "store/keyspace.h"

namespace CommandUtil {

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), b.data(), size_t(a.size())) == 0;
}

bool parseLongLong(Connection &c, QByteArrayView text, long long *value)
{
    if (Numbers::toLongLong(text, value))
        return true;
    c.reply().error("ERR value is not an integer or out of range");
    return false;
}

bool parseLongLongInRange(Connection &c, QByteArrayView text, long long min, long long max,
                          const QByteArray &error, long long *value)
{
    if (!parseLongLong(c, text, value))
        return false;
    if (*value < min || *value > max) {
        c.reply().error(error);
        return false;
    }
    return true;
}

KeyEntry *lookupRead(Connection &c, QByteArrayView key)
{
    KeyEntry *entry = c.db().find(key, c.now());
    if (entry)
        ++c.server().stats().keyspaceHits;
    else
        ++c.server().stats().keyspaceMisses;
    return entry;
}

KeyEntry *lookupWrite(Connection &c, QByteArrayView key)
{
    return c.db().find(key, c.now());
}

void replySyntaxError(Connection &c)
{
    c.reply().error("ERR syntax error");
}

void replyWrongType(Connection &c)
{
    c.reply().error("WRONGTYPE Operation against a key holding the wrong kind of value");
}

} // namespace CommandUtil
