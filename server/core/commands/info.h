#pragma once

#include <QByteArray>
#include <QByteArrayList>

class Connection;
class Server;

// Builds the INFO text: "# Section\r\n" then "field:value\r\n" lines, sections separated by
// a blank line, with the sections and field order of Redis 7.0.
namespace Info {

// sections: lowercase names from the command ("default", "all", "everything", "server"...).
QByteArray build(Connection &c, const QByteArrayList &sections);
// Memory the allocator has handed out, in bytes (used_memory).
qint64 usedMemory();
// Resident set size of the process, in bytes.
qint64 residentMemory();

// The memory figures INFO memory and MEMORY STATS report, measured once.
struct MemoryFigures
{
    qint64 used;     // what the allocator handed out (used_memory)
    qint64 rss;      // resident set size
    qint64 active;   // what the allocator holds: the heap's resident pages (estimated)
    qint64 peak;     // the highest `used` seen
    qint64 startup;  // `used` at start-up
    qint64 clients;  // query and output buffers of the clients
    qint64 overhead; // start-up, clients and the databases' tables
    qint64 dataset;  // used - overhead
};
MemoryFigures memoryFigures(Server &server);

} // namespace Info
