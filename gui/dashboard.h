#pragma once

class MainWindow;
class QApplication;
class QCoreApplication;
class SignalWatcher;
struct ServerConfig;

// Runs qkv-server with the dashboard: the server (and its bridge) on their own thread, the
// window on the main one. Closing the window or quitting the application shuts the server
// down cleanly.
namespace Dashboard {

// Returns the process exit status; the window takes screenshots as scheduleScreenshot() says.
// SIGINT and SIGTERM from watcher stop the program as they stop a headless server.
int run(QCoreApplication &app, const ServerConfig &config, SignalWatcher &watcher);
// The dashboard's dark Fusion theme and style sheet, for qkv-server and qkv-dashboard alike.
void applyTheme(QApplication &app);
// QKV_SCREENSHOT=path: saves a picture of window after QKV_SCREENSHOT_DELAY_MS (default 3000)
// and quits app. QKV_SCREENSHOT_KEY=key shows that key of db0 in the value viewer first;
// QKV_SCREENSHOT_TAB=title shows that tab first; QKV_SCREENSHOT_CHANNEL=name shows the Channels
// tab with that channel selected.
void scheduleScreenshot(QCoreApplication &app, MainWindow *window);

} // namespace Dashboard
