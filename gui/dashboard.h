#pragma once

class DashboardBridge;
class MainWindow;
class QCoreApplication;
struct ServerConfig;

// Runs qkv-server with the dashboard: the server (and its bridge) on their own thread, the
// window on the main one. Closing the window or quitting the application shuts the server
// down cleanly.
namespace Dashboard {

// Returns the process exit status. QKV_SCREENSHOT=path (with QKV_SCREENSHOT_DELAY_MS, default
// 3000) saves a picture of the window and quits; with QKV_SCREENSHOT_KEY=key the picture shows
// the Keys tab with that key (of db0) in the value viewer.
int run(QCoreApplication &app, const ServerConfig &config);
// Wires the window's requests to the bridge (queued: they live on different threads) and the
// bridge's snapshots to the window.
void connectWindow(MainWindow *window, DashboardBridge *bridge);

} // namespace Dashboard
