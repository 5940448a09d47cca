// Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT, TTL PTTL EXPIRETIME PEXPIRETIME, PERSIST.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "pubsub/keyspaceevents.h"
#include "store/keyspace.h"

#include <climits>

using namespace CommandUtil;

namespace {

enum ExpireOption : unsigned { ExpireNx = 1, ExpireXx = 2, ExpireGt = 4, ExpireLt = 8 };

// NX XX GT LT from argument 3 on (Redis's parseExtendedExpireArgumentsOrReply): unknown
// options are reported first, then incompatible combinations.
bool parseExpireOptions(Connection &c, unsigned *options)
{
    for (qsizetype j = 3; j < c.argc(); ++j) {
        const QByteArrayView option = c.arg(j);
        if (argIs(option, "NX"))
            *options |= ExpireNx;
        else if (argIs(option, "XX"))
            *options |= ExpireXx;
        else if (argIs(option, "GT"))
            *options |= ExpireGt;
        else if (argIs(option, "LT"))
            *options |= ExpireLt;
        else {
            // Redis formats this with %s and trims CR/LF off the end of the message.
            QByteArray name = cString(option).toByteArray();
            while (name.endsWith('\r') || name.endsWith('\n'))
                name.chop(1);
            c.reply().error("ERR Unsupported option " + name);
            return false;
        }
    }
    if ((*options & ExpireNx) && (*options & (ExpireXx | ExpireGt | ExpireLt))) {
        c.reply().error("ERR NX and XX, GT or LT options at the same time are not compatible");
        return false;
    }
    if ((*options & ExpireGt) && (*options & ExpireLt)) {
        c.reply().error("ERR GT and LT options at the same time are not compatible");
        return false;
    }
    return true;
}

// True when the key's current expiry (-1 = none, i.e. infinite) lets the options set `when`.
bool optionsAllow(unsigned options, qint64 current, qint64 when)
{
    if ((options & ExpireNx) && current != -1)
        return false;
    if ((options & ExpireXx) && current == -1)
        return false;
    if ((options & ExpireGt) && (current == -1 || when <= current))
        return false;
    if ((options & ExpireLt) && current != -1 && when >= current)
        return false;
    return true;
}

// The one EXPIRE behind the four (Redis's expireGenericCommand): `basetime` is now for the
// relative forms and 0 for the absolute ones. A time already past deletes the key.
void expireGeneric(Connection &c, qint64 basetime, bool seconds)
{
    unsigned options = 0;
    if (!parseExpireOptions(c, &options))
        return;
    long long when = 0;
    if (!parseLongLong(c, c.arg(2), &when))
        return;
    // Negative times are allowed (they delete the key); only overflows are errors.
    if (seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            replyInvalidExpireTime(c);
            return;
        }
        when *= 1000;
    }
    if (when > LLONG_MAX - basetime) {
        replyInvalidExpireTime(c);
        return;
    }
    when += basetime;

    KeyEntry *entry = lookupWrite(c, c.arg(1));
    if (!entry || !optionsAllow(options, entry->expireAt, when)) {
        c.reply().integer(0);
        return;
    }
    // A time already past deletes the key, which Redis reports as a deletion.
    if (when <= c.now()) {
        c.db().remove(c.arg(1));
        KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", c.arg(1));
        c.propagateAs({ c.server().config().lazyfreeLazyExpire ? "UNLINK" : "DEL", c.arg(1) });
    } else {
        c.db().setExpire(entry, when);
        KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "expire", c.arg(1));
        // Redis logs every form as PEXPIREAT with the absolute time, keeping the options.
        if (c.isPropagating()) {
            const QByteArray at = QByteArray::number(when);
            std::vector<QByteArrayView> argv { "PEXPIREAT", c.arg(1), at };
            argv.insert(argv.end(), c.args().begin() + 3, c.args().end());
            c.propagateAs(argv);
        }
    }
    c.reply().integer(1);
}

void expireCommand(Connection &c)
{
    expireGeneric(c, c.now(), true);
}

void pexpireCommand(Connection &c)
{
    expireGeneric(c, c.now(), false);
}

void expireatCommand(Connection &c)
{
    expireGeneric(c, 0, true);
}

void pexpireatCommand(Connection &c)
{
    expireGeneric(c, 0, false);
}

// The one TTL behind the four (Redis's ttlGenericCommand): -2 missing, -1 no expiry;
// seconds are rounded to the nearest. Asking for the TTL is not an access (OBJECT IDLETIME).
void ttlGeneric(Connection &c, bool milliseconds, bool absolute)
{
    const KeyEntry *entry = lookupReadNoTouch(c, c.arg(1));
    if (!entry) {
        c.reply().integer(-2);
        return;
    }
    if (!entry->hasExpire()) {
        c.reply().integer(-1);
        return;
    }
    const qint64 ttl = qMax<qint64>(0, absolute ? entry->expireAt : entry->expireAt - c.now());
    // Rounded without overflow: Redis's (ttl + 500) / 1000 on a non-negative ttl compiles to
    // unsigned arithmetic, so an expiry near LLONG_MAX still gives a positive number.
    c.reply().integer(milliseconds ? ttl : qint64((quint64(ttl) + 500) / 1000));
}

void ttlCommand(Connection &c)
{
    ttlGeneric(c, false, false);
}

void pttlCommand(Connection &c)
{
    ttlGeneric(c, true, false);
}

void expiretimeCommand(Connection &c)
{
    ttlGeneric(c, false, true);
}

void pexpiretimeCommand(Connection &c)
{
    ttlGeneric(c, true, true);
}

void persistCommand(Connection &c)
{
    KeyEntry *entry = lookupWrite(c, c.arg(1));
    if (!entry || !entry->hasExpire()) {
        c.reply().integer(0);
        return;
    }
    c.db().setExpire(entry, -1);
    KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "persist", c.arg(1));
    c.reply().integer(1);
}

} // namespace

void registerExpireCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Ks = AclCategory::Keyspace;
    const std::vector<KeySpec> update { { RW | Update, 1 } };
    const std::vector<KeySpec> read { { RO | Access, 1 } };
    table.add(Command { "expire", -3, Write | Fast, expireCommand, 1, 1, 1 }.acl(Ks).keys(update));
    table.add(
            Command { "pexpire", -3, Write | Fast, pexpireCommand, 1, 1, 1 }.acl(Ks).keys(update));
    table.add(Command { "expireat", -3, Write | Fast, expireatCommand, 1, 1, 1 }.acl(Ks).keys(
            update));
    table.add(Command { "pexpireat", -3, Write | Fast, pexpireatCommand, 1, 1, 1 }.acl(Ks).keys(
            update));
    table.add(
            Command { "ttl", 2, ReadOnly | Fast, ttlCommand, 1, 1, 1 }.acl(Ks).keys(read).withTips(
                    { "nondeterministic_output" }));
    table.add(Command { "pttl", 2, ReadOnly | Fast, pttlCommand, 1, 1, 1 }
                      .acl(Ks)
                      .keys(read)
                      .withTips({ "nondeterministic_output" }));
    table.add(Command { "expiretime", 2, ReadOnly | Fast, expiretimeCommand, 1, 1, 1 }.acl(Ks).keys(
            read));
    table.add(
            Command { "pexpiretime", 2, ReadOnly | Fast, pexpiretimeCommand, 1, 1, 1 }.acl(Ks).keys(
                    read));
    table.add(Command { "persist", 2, Write | Fast, persistCommand, 1, 1, 1 }.acl(Ks).keys(update));
}
