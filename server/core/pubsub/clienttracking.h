#pragma once

#include <QByteArray>

#include <set>

// One client's CLIENT TRACKING state (Redis's CLIENT_TRACKING* flags, its redirection and its
// BCAST prefixes). A Connection owns one only once it first turns tracking on.
struct ClientTracking
{
    bool on = false;
    bool bcast = false;
    bool optin = false;
    bool optout = false;
    bool noloop = false;
    // CLIENT CACHING YES (OPTIN) or NO (OPTOUT), for the next command or transaction only.
    bool caching = false;
    // The redirect client was gone when an invalidation was due (CLIENT LIST's flag R).
    bool brokenRedirect = false;
    // Whether the request being run leaves caching as it is (Redis's resetClient keeps it
    // after a CLIENT command).
    bool keepCaching = false;
    quint64 redirect = 0;          // 0: none
    std::set<QByteArray> prefixes; // BCAST: in byte order, as Redis's radix tree lists them

    // Redis's trackingRememberKeys test: whether the keys of a read-only command are tracked.
    bool remembersKeys() const
    {
        return on && !bcast && !(optin && !caching) && !(optout && caching);
    }
};
