#pragma once

// Redis's anetKeepAlive: turns TCP keepalive on for a client's socket, the first probe after
// intervalSeconds idle, then one every third of it, and the peer given up on after 3 missed
// probes (about twice the interval). A dead peer that never sends a FIN is found this way.
// Nothing is done for intervalSeconds <= 0.
void applyKeepAlive(int fd, long long intervalSeconds);
