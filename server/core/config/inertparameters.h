#pragma once

#include "configtable.h"

#include <vector>

// The rows of Redis 7.0's parameters that belong to features qkv does not have: replication,
// cluster, TLS, active defragmentation, I/O threads, process management (daemonize, syslog,
// CPU affinity...). A standalone Redis primary without replicas, cluster or TLS listeners
// takes the mutable ones and does nothing with them, so qkv does the same: CONFIG SET checks
// the value as Redis does (same bounds, same error texts) and keeps it in
// ServerConfig::inertValues for CONFIG GET and REWRITE. The values that would turn such a
// feature on are refused with Redis's text for a build without it. The immutable ones report
// Redis's default and cannot change.
namespace InertParameters {

std::vector<ConfigParameter> rows();

} // namespace InertParameters
