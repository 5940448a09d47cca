#pragma once

// Redis's adjustOpenFilesLimit: makes room in RLIMIT_NOFILE for maxClients clients plus the
// 32 descriptors Redis keeps for itself (files, the listener), raising the limit when it is
// lower (down to the old limit, 16 at a time, as far as the hard limit allows). Returns how
// many clients the process can then serve: maxClients, or fewer when the limit cannot be
// raised enough.
long long clientsWithinFileLimit(long long maxClients);
