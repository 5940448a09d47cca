// Keyspace commands: whole keys and databases, whatever their type.
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "store/keyspace.h"

using namespace CommandUtil;

namespace {

void delCommand(Connection &c)
{
    long long deleted = 0;
    for (qsizetype j = 1; j < c.argc(); ++j) {
        // find() first so that an expired key counts as missing, not deleted.
        if (lookupWrite(c, c.arg(j)) && c.db().remove(c.arg(j)))
            ++deleted;
    }
    c.reply().integer(deleted);
}

void existsCommand(Connection &c)
{
    long long count = 0;
    for (qsizetype j = 1; j < c.argc(); ++j) {
        if (c.db().find(c.arg(j), c.now()))
            ++count;
    }
    c.reply().integer(count);
}

void dbsizeCommand(Connection &c)
{
    c.reply().integer(c.db().size());
}

// FLUSHALL / FLUSHDB accept ASYNC or SYNC; both flush at once here.
bool parseFlushMode(Connection &c)
{
    if (c.argc() > 2) {
        replySyntaxError(c);
        return false;
    }
    if (c.argc() == 2 && !equalsIgnoreCase(c.arg(1), "ASYNC") && !equalsIgnoreCase(c.arg(1), "SYNC")) {
        replySyntaxError(c);
        return false;
    }
    return true;
}

void flushallCommand(Connection &c)
{
    if (!parseFlushMode(c))
        return;
    for (int i = 0; i < c.server().databaseCount(); ++i)
        c.server().database(i).clear();
    c.reply().ok();
}

void flushdbCommand(Connection &c)
{
    if (!parseFlushMode(c))
        return;
    c.db().clear();
    c.reply().ok();
}

} // namespace

void registerKeyspaceCommands(CommandTable &table)
{
    using namespace CommandFlag;
    table.add({ "del", -2, Write, delCommand, 1, -1, 1 });
    table.add({ "exists", -2, ReadOnly | Fast, existsCommand, 1, -1, 1 });
    table.add({ "dbsize", 1, ReadOnly | Fast, dbsizeCommand });
    table.add({ "flushall", -1, Write, flushallCommand });
    table.add({ "flushdb", -1, Write, flushdbCommand });
}
