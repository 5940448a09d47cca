#pragma once

#include <QByteArray>
#include <QByteArrayList>

class Connection;

// Builds the INFO text: "# Section\r\n" then "field:value\r\n" lines, sections separated by
// a blank line, with the sections and field order of Redis 7.0.
namespace Info {

// sections: lowercase names from the command ("default", "all", "everything", "server"...).
QByteArray build(Connection &c, const QByteArrayList &sections);
// Memory the allocator has handed out, in bytes (used_memory).
qint64 usedMemory();
// Resident set size of the process, in bytes.
qint64 residentMemory();

} // namespace Info
