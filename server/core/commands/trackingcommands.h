#pragma once

class Connection;

// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (Redis's client-side caching), rows of
// the CLIENT command in connectioncommands.cpp.
namespace TrackingCommands {

void clientTrackingCommand(Connection &c);
void clientCachingCommand(Connection &c);
void clientGetredirCommand(Connection &c);
void clientTrackinginfoCommand(Connection &c);

} // namespace TrackingCommands
