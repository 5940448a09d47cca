#pragma once

class CliClient;
struct CliOptions;

// --latency, --latency-history and --latency-dist, as redis-cli 7.0 does them: PING every
// 10 ms and report min/max/avg in milliseconds (updated in place on a terminal; with --raw or
// --json, and when piped, one line after -i seconds, or a line per sample with history), or a
// colour spectrum of microsecond buckets every -i seconds. Runs until Ctrl-C.
namespace LatencyMode {

int run(CliClient &client, const CliOptions &options);

} // namespace LatencyMode
