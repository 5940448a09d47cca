// String commands.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "store/keyspace.h"

#include <climits>

using namespace CommandUtil;

namespace {

enum SetFlag : unsigned {
    SetNx = 1 << 0,
    SetXx = 1 << 1,
    SetGet = 1 << 2,
    SetKeepTtl = 1 << 3,
    SetEx = 1 << 4,
    SetPx = 1 << 5,
    SetExAt = 1 << 6,
    SetPxAt = 1 << 7,
};
constexpr unsigned AnyExpire = SetEx | SetPx | SetExAt | SetPxAt;

// Parses SET's options from argument 3 on, with Redis's rules: NX/XX exclusive, one kind of
// expiry (repeating the same one is accepted), KEEPTTL with none. Replies on error.
bool parseSetOptions(Connection &c, unsigned *flags, QByteArrayView *expire)
{
    for (qsizetype j = 3; j < c.argc(); ++j) {
        const QByteArrayView option = c.arg(j);
        const bool hasNext = j + 1 < c.argc();
        auto expiryOption = [&](unsigned flag) {
            if ((*flags & SetKeepTtl) || (*flags & AnyExpire & ~flag) || !hasNext)
                return false;
            *flags |= flag;
            *expire = c.arg(++j);
            return true;
        };
        auto plainOption = [&](unsigned flag, unsigned excludes) {
            if (*flags & excludes)
                return false;
            *flags |= flag;
            return true;
        };
        bool ok;
        if (equalsIgnoreCase(option, "NX"))
            ok = plainOption(SetNx, SetXx);
        else if (equalsIgnoreCase(option, "XX"))
            ok = plainOption(SetXx, SetNx);
        else if (equalsIgnoreCase(option, "GET"))
            ok = plainOption(SetGet, 0);
        else if (equalsIgnoreCase(option, "KEEPTTL"))
            ok = plainOption(SetKeepTtl, AnyExpire);
        else if (equalsIgnoreCase(option, "EX"))
            ok = expiryOption(SetEx);
        else if (equalsIgnoreCase(option, "PX"))
            ok = expiryOption(SetPx);
        else if (equalsIgnoreCase(option, "EXAT"))
            ok = expiryOption(SetExAt);
        else if (equalsIgnoreCase(option, "PXAT"))
            ok = expiryOption(SetPxAt);
        else
            ok = false;
        if (!ok) {
            replySyntaxError(c);
            return false;
        }
    }
    return true;
}

// Converts an EX/PX/EXAT/PXAT argument into an absolute time in ms; replies on error.
bool expireTimeMs(Connection &c, QByteArrayView text, unsigned flags, qint64 *at)
{
    long long value = 0;
    if (!parseLongLong(c, text, &value))
        return false;
    const bool seconds = flags & (SetEx | SetExAt);
    const bool relative = flags & (SetEx | SetPx);
    const QByteArray error = "ERR invalid expire time in 'set' command";
    if (value <= 0 || (seconds && value > LLONG_MAX / 1000)) {
        c.reply().error(error);
        return false;
    }
    if (seconds)
        value *= 1000;
    if (relative) {
        if (value > LLONG_MAX - c.now()) {
            c.reply().error(error);
            return false;
        }
        value += c.now();
    }
    *at = value;
    return true;
}

void setCommand(Connection &c)
{
    unsigned flags = 0;
    QByteArrayView expire;
    if (!parseSetOptions(c, &flags, &expire))
        return;
    qint64 expireAt = -1;
    if (!expire.isNull() && !expireTimeMs(c, expire, flags, &expireAt))
        return;

    const QByteArrayView key = c.arg(1);
    if (flags & SetGet) {
        // Replies the old value first, as GET would.
        const KeyEntry *old = lookupRead(c, key);
        if (!old)
            c.reply().null();
        else if (old->type != ValueType::String) {
            replyWrongType(c);
            return;
        } else
            c.reply().bulk(old->value);
    }
    const bool found = (flags & (SetNx | SetXx)) && lookupWrite(c, key);
    if (((flags & SetNx) && found) || ((flags & SetXx) && !found)) {
        if (!(flags & SetGet))
            c.reply().null();
        return;
    }
    c.db().setString(key, c.arg(2).toByteArray(), expireAt, flags & SetKeepTtl);
    if (!(flags & SetGet))
        c.reply().ok();
}

void getCommand(Connection &c)
{
    const KeyEntry *entry = lookupRead(c, c.arg(1));
    if (!entry)
        c.reply().null();
    else if (entry->type != ValueType::String)
        replyWrongType(c);
    else
        c.reply().bulk(entry->value);
}

} // namespace

void registerStringCommands(CommandTable &table)
{
    using namespace CommandFlag;
    table.add({ "set", -3, Write | DenyOom, setCommand, 1, 1, 1 });
    table.add({ "get", 2, ReadOnly | Fast, getCommand, 1, 1, 1 });
}
