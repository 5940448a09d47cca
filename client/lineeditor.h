#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QString>

#include <functional>

struct editline; // libedit's EditLine and History, from <histedit.h>
struct history;

// The REPL's input line, on libedit (see README for why not GNU readline): Emacs-style editing
// (or what ~/.editrc sets), history kept in a file, Tab completion and greyed hints supplied by
// the caller. While it waits for keys it also watches one more descriptor (the server's
// socket) and calls back when that is readable, or every retry interval, so messages can be
// shown above the line being typed. Only for a terminal on stdin; not copyable.
class LineEditor
{
public:
    struct Hooks
    {
        std::function<QByteArray()> prompt;
        // The hint for the line (cursor at its end), or empty.
        std::function<QByteArray(const QByteArray &line)> hint;
        // Candidates for the last word of the text before the cursor.
        std::function<QByteArrayList(const QByteArray &text)> complete;
        // The descriptor to watch besides stdin, or -1.
        std::function<int()> watchedDescriptor;
        // Called when the watched descriptor is readable.
        std::function<void()> readable;
        // Called every retryMs() while it returns more than 0 (reconnecting).
        std::function<int()> retryMs;
        std::function<void()> retry;
    };

    // historyFile may be empty (no history kept across sessions).
    LineEditor(const char *program, const QString &historyFile, Hooks hooks);
    ~LineEditor();
    LineEditor(const LineEditor &) = delete;
    LineEditor &operator=(const LineEditor &) = delete;

    enum class Result { Line, Interrupted, End };
    // Reads one line (without its newline). Interrupted: Ctrl-C discarded the line. End: Ctrl-D
    // on an empty line, or stdin closed.
    Result readLine(QByteArray *line);
    // Adds a line to the history and writes the history file (mode 0600) at once, so that
    // sessions running side by side and crashes keep it.
    void addHistory(const QByteArray &line);
    // From a hook, while readLine() waits: prints text above the prompt and redraws the line.
    void printAbove(const QByteArray &text);

private:
    static int readCharCallback(editline *el, wchar_t *c);
    static char *promptCallback(editline *el);
    static unsigned char completeCallback(editline *el, int key);
    static unsigned char interruptCallback(editline *el, int key);
    static LineEditor *self(editline *el);

    int readChar(wchar_t *c);
    unsigned char complete();
    bool inputPending() const;
    void drawHint();
    void eraseHint();
    void write(const QByteArray &text);

    struct editline *m_el = nullptr;
    struct history *m_history = nullptr;
    QByteArray m_historyFile;
    Hooks m_hooks;
    QByteArray m_prompt;
    bool m_hintsShown = false; // whether this terminal gets hints at all
    bool m_hintShown = false;  // whether one is on the screen now
    bool m_interrupted = false;
};
