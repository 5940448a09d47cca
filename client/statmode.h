#pragma once

class CliClient;
struct CliOptions;

// --stat, as redis-cli 7.0 prints it: every -i seconds (default 1) a line of keys, memory,
// clients, blocked clients, requests (and the change since the last line), connections and
// the child process at work, from INFO; the header again every 20 lines. Runs until Ctrl-C.
namespace StatMode {

int run(CliClient &client, const CliOptions &options);

} // namespace StatMode
