#pragma once

class CliClient;
struct CliOptions;

// --pipe (mass insertion, as redis-cli does it): stdin is raw RESP, sent as fast as the server
// takes it while its replies are read; a final ECHO of 20 random bytes tells when the last
// reply has come. Prints "errors: E, replies: R"; error replies go to stderr. Exit status 1
// when there were errors or no reply for --pipe-timeout seconds, 2 if the connection failed.
namespace PipeMode {

int run(CliClient &client, const CliOptions &options);

} // namespace PipeMode
