#pragma once

class CliClient;
struct CliOptions;

// --rdb FILE, as redis-cli 7.0 does it: REPLCONF rdb-only 1, then SYNC, and the snapshot the
// server sends (with a length, or diskless up to its EOF marker) is written to FILE ("-" for
// stdout). Works with any server that replicates; one without SYNC says so. Exit status 0, 1 when
// the server refuses or the file cannot be written, 2 when the connection fails.
namespace RdbMode {

int run(CliClient &client, const CliOptions &options);

} // namespace RdbMode
