#include "trackingcommands.h"

#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "pubsub/clienttracking.h"
#include "pubsub/trackingtable.h"

using namespace CommandUtil;

namespace TrackingCommands {

namespace {

// Redis's clientCommand "tracking" option loop: false after replying an error.
bool parseTrackingOptions(Connection &c, TrackingTable::Options *options)
{
    for (qsizetype j = 3; j < c.argc(); ++j) {
        const bool more = j + 1 < c.argc();
        const QByteArrayView option = c.arg(j);
        if (argIs(option, "redirect") && more) {
            ++j;
            if (options->redirect != 0) {
                c.reply().error("ERR A client can only redirect to a single other client");
                return false;
            }
            long long id = 0;
            if (!parseLongLong(c, c.arg(j), &id))
                return false;
            // The redirect client must exist now, although it may go away later.
            if (id <= 0 || !c.server().client(quint64(id))) {
                c.reply().error("ERR The client ID you want redirect to does not exist");
                return false;
            }
            options->redirect = quint64(id);
        } else if (argIs(option, "bcast")) {
            options->bcast = true;
        } else if (argIs(option, "optin")) {
            options->optin = true;
        } else if (argIs(option, "optout")) {
            options->optout = true;
        } else if (argIs(option, "noloop")) {
            options->noloop = true;
        } else if (argIs(option, "prefix") && more) {
            options->prefixes.push_back(c.arg(++j).toByteArray());
        } else {
            replySyntaxError(c);
            return false;
        }
    }
    return true;
}

// Redis's checks before enableTracking, in its order: the error text, or empty when the
// options fit each other and the client's current mode.
QByteArray trackingOnError(const ClientTracking *current, const TrackingTable::Options &options)
{
    const bool tracking = current && current->on;
    if (!options.bcast && !options.prefixes.empty())
        return "PREFIX option requires BCAST mode to be enabled";
    if (tracking && current->bcast != options.bcast)
        return "You can't switch BCAST mode on/off before disabling tracking for this client, "
               "and then re-enabling it with a different mode.";
    if (options.bcast && (options.optin || options.optout))
        return "OPTIN and OPTOUT are not compatible with BCAST";
    if (options.optin && options.optout)
        return "You can't specify both OPTIN mode and OPTOUT mode";
    if (tracking && ((options.optin && current->optout) || (options.optout && current->optin)))
        return "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
               "and then re-enabling it with a different mode.";
    if (options.bcast)
        return TrackingTable::prefixCollision(tracking ? current : nullptr, options.prefixes);
    return QByteArray();
}

} // namespace

// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]
void clientTrackingCommand(Connection &c)
{
    TrackingTable::Options options;
    if (!parseTrackingOptions(c, &options))
        return;
    TrackingTable &table = c.server().tracking();
    if (argIs(c.arg(2), "on")) {
        const QByteArray error = trackingOnError(c.trackingIfAny(), options);
        if (!error.isEmpty()) {
            c.reply().error("ERR " + error);
            return;
        }
        table.enable(c, options);
    } else if (argIs(c.arg(2), "off")) {
        table.disable(c);
    } else {
        replySyntaxError(c);
        return;
    }
    c.reply().ok();
}

// CLIENT CACHING YES|NO: whether the next command's keys are tracked, against OPTIN or OPTOUT.
void clientCachingCommand(Connection &c)
{
    ClientTracking *tracking = c.trackingIfAny();
    if (!tracking || !tracking->on) {
        c.reply().error("ERR CLIENT CACHING can be called only when the client is in tracking "
                        "mode with OPTIN or OPTOUT mode enabled");
        return;
    }
    if (argIs(c.arg(2), "yes")) {
        if (!tracking->optin) {
            c.reply().error("ERR CLIENT CACHING YES is only valid when tracking is enabled in "
                            "OPTIN mode.");
            return;
        }
    } else if (argIs(c.arg(2), "no")) {
        if (!tracking->optout) {
            c.reply().error("ERR CLIENT CACHING NO is only valid when tracking is enabled in "
                            "OPTOUT mode.");
            return;
        }
    } else {
        replySyntaxError(c);
        return;
    }
    tracking->caching = true;
    c.reply().ok();
}

void clientGetredirCommand(Connection &c)
{
    const ClientTracking *tracking = c.trackingIfAny();
    c.reply().integer(tracking && tracking->on ? qint64(tracking->redirect) : -1);
}

void clientTrackinginfoCommand(Connection &c)
{
    const ClientTracking none;
    const ClientTracking *found = c.trackingIfAny();
    const ClientTracking &t = found ? *found : none;
    QByteArrayList flags { t.on ? "on" : "off" };
    if (t.bcast)
        flags.append("bcast");
    if (t.optin)
        flags.append("optin");
    if (t.optin && t.caching)
        flags.append("caching-yes");
    if (t.optout)
        flags.append("optout");
    if (t.optout && t.caching)
        flags.append("caching-no");
    if (t.noloop)
        flags.append("noloop");
    if (t.brokenRedirect)
        flags.append("broken_redirect");
    ReplyWriter &r = c.reply();
    r.mapHeader(3);
    r.bulk("flags");
    r.setHeader(flags.size());
    for (const QByteArray &flag : std::as_const(flags))
        r.bulk(flag);
    r.bulk("redirect");
    r.integer(t.on ? qint64(t.redirect) : -1);
    r.bulk("prefixes");
    r.arrayHeader(qsizetype(t.prefixes.size()));
    for (const QByteArray &prefix : t.prefixes)
        r.bulk(prefix);
}

} // namespace TrackingCommands
