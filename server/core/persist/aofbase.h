#pragma once

#include "rdbfile.h"

#include <vector>

class Keyspace;

// The base file of an append-only file in commands (aof-use-rdb-preamble no), as Redis's
// rewriteAppendOnlyFileRio writes it: a FUNCTION LOAD per function library, then per non-empty
// database a SELECT, then per key the commands that rebuild it (SET, RPUSH, SADD, ZADD, HMSET,
// at most 64 elements each) and a PEXPIREAT for a key with a TTL. Only reads the databases, so
// a forked child can run it.
namespace AofBase {

// Writes to fd; false on a write error. Of options, only the function libraries and the
// key-save delay apply.
bool write(int fd, const std::vector<const Keyspace *> &databases,
           const RdbFile::SaveOptions &options);

} // namespace AofBase
