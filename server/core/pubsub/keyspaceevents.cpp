#include "keyspaceevents.h"

#include "store/keyspace.h"

namespace KeyspaceEvents {

namespace {

struct Letter
{
    char letter;
    int flag;
};

// In the order Redis prints them after 'A' is ruled out.
constexpr Letter ClassLetters[] = {
    { 'g', Generic }, { '$', String }, { 'l', List },    { 's', Set },
    { 'h', Hash },    { 'z', ZSet },   { 'x', Expired }, { 'e', Evicted },
    { 't', Stream },  { 'd', Module }, { 'n', New },
};
constexpr Letter OtherLetters[] = { { 'K', Keyspace }, { 'E', Keyevent }, { 'm', KeyMiss } };

QByteArray channel(const char *prefix, int db, QByteArrayView name)
{
    QByteArray result = prefix + QByteArray::number(db) + "__:";
    result.append(name.data(), name.size());
    return result;
}

} // namespace

bool parse(QByteArrayView text, int *flags)
{
    int result = 0;
    for (char c : text) {
        if (c == '\0')
            break; // Redis reads the value as a C string
        if (c == 'A') {
            result |= All;
            continue;
        }
        int found = 0;
        for (const Letter &letter : ClassLetters)
            found = letter.letter == c ? letter.flag : found;
        for (const Letter &letter : OtherLetters)
            found = letter.letter == c ? letter.flag : found;
        if (!found)
            return false;
        result |= found;
    }
    *flags = result;
    return true;
}

QByteArray toString(int flags)
{
    QByteArray result;
    if ((flags & All) == All) {
        result += 'A';
    } else {
        for (const Letter &letter : ClassLetters) {
            if (flags & letter.flag)
                result += letter.letter;
        }
    }
    for (const Letter &letter : OtherLetters) {
        if (flags & letter.flag)
            result += letter.letter;
    }
    return result;
}

void notify(Server &server, int type, const char *event, QByteArrayView key, int db)
{
    const int flags = server.config().notifyKeyspaceEvents;
    if (!(flags & type))
        return;
    PubSubRegistry &pubsub = server.pubsub();
    // Nobody listens: skip making the channel names. Nothing else of Redis's depends on them.
    if (pubsub.isEmpty())
        return;
    if (flags & Keyspace)
        pubsub.publish(channel("__keyspace@", db, key), event, PubSubRegistry::Scope::Global);
    if (flags & Keyevent)
        pubsub.publish(channel("__keyevent@", db, event), key, PubSubRegistry::Scope::Global);
}

void watchDatabases(Server &server)
{
    const bool wanted = server.config().notifyKeyspaceEvents & (New | Expired);
    for (int i = 0; i < server.databaseCount(); ++i) {
        if (!wanted) {
            server.database(i).setKeyEventHook(nullptr);
            continue;
        }
        server.database(i).setKeyEventHook(
                [&server, i](Keyspace::KeyEvent event, QByteArrayView key) {
                    if (event == Keyspace::KeyEvent::Created)
                        notify(server, New, "new", key, i);
                    else
                        notify(server, Expired, "expired", key, i);
                });
    }
}

} // namespace KeyspaceEvents
