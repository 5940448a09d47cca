#include "historyfilter.h"

#include "commands/commandutil.h"

namespace {

// Names compare as in redis-cli (strcasecmp): the server's helper.
using CommandUtil::argIs;

bool anyIs(const QByteArrayList &args, qsizetype from, std::initializer_list<const char *> names)
{
    for (qsizetype i = from; i < args.size(); ++i) {
        for (const char *name : names) {
            if (argIs(args.at(i), name))
                return true;
        }
    }
    return false;
}

} // namespace

namespace HistoryFilter {

bool isSecret(const QByteArrayList &typed)
{
    QByteArrayList args = typed;
    bool isCount = false;
    if (args.size() > 1 && (args.first().toLongLong(&isCount), isCount))
        args.removeFirst(); // "3 AUTH pw" repeats AUTH
    if (args.isEmpty())
        return false;
    const QByteArray &name = args.first();
    if (argIs(name, "auth"))
        return true;
    // HELLO [protover [AUTH username password] [SETNAME name]]; MIGRATE ... AUTH pw / AUTH2 u pw.
    if (argIs(name, "hello") || argIs(name, "migrate"))
        return anyIs(args, 1, { "auth", "auth2" });
    if (argIs(name, "acl") && args.size() > 1)
        return argIs(args.at(1), "setuser");
    // CONFIG SET takes several parameter-value pairs: any secret parameter among them.
    if (argIs(name, "config") && args.size() > 1 && argIs(args.at(1), "set"))
        return anyIs(args, 2, { "requirepass", "masterauth", "masteruser" });
    return false;
}

} // namespace HistoryFilter
