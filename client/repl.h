#pragma once

#include "commandhelp.h"

#include <QByteArrayList>

#include <memory>

class CliApp;
class LineEditor;

// qkv-cli's interactive mode: a LineEditor prompt over a CliApp session. History, completion
// and hints; HELP, CONNECT, CLEAR, JSON ON|OFF and ":json" run here; "N command" repeats a
// command; Ctrl-C ends a stream or a blocked command and comes back to the prompt; a lost
// connection is noticed while idle and made again in the background.
class Repl
{
public:
    explicit Repl(CliApp *app);
    ~Repl();

    // Runs until EXIT, QUIT or Ctrl-D. Exit status 0.
    int run();

private:
    void loadHelp();
    bool runLocal(const QByteArrayList &args);
    void reconnectInBackground();
    static QString historyFile();

    CliApp *m_app;
    CommandHelp m_help;
    std::unique_ptr<LineEditor> m_editor;
};
