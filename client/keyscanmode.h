#pragma once

class CliClient;
struct CliOptions;

// The keyspace tools, with redis-cli 7.0's output: --scan lists the keys (--pattern, --count);
// --bigkeys and --memkeys SCAN everything, pipeline TYPE and then a size command per batch
// (STRLEN, LLEN, SCARD, HLEN, ZCARD, XLEN, or MEMORY USAGE) and report the biggest key of each
// type and the totals. Exit status 0, 1 on an error reply, 2 when the connection fails.
namespace KeyScanMode {

int run(CliClient &client, const CliOptions &options);

} // namespace KeyScanMode
