#include "lineeditor.h"

#include "interrupt.h"

#include <histedit.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cwchar>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr int HistorySize = 1000;
constexpr char InterruptKey = 3; // Ctrl-C, bound to qkv-interrupt

int terminalColumns()
{
    winsize size {};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 80;
}

// Columns the text takes, counting code points: what a terminal shows for UTF-8 text.
int displayWidth(const QByteArray &text)
{
    int width = 0;
    for (const char c : text) {
        if ((uchar(c) & 0xc0) != 0x80)
            ++width;
    }
    return width;
}

} // namespace

LineEditor::LineEditor(const char *program, const QString &historyFile, Hooks hooks)
    : m_historyFile(historyFile.toLocal8Bit())
    , m_hooks(std::move(hooks))
{
    // Hints are drawn with ANSI colours and cursor moves: only on a terminal that has them.
    const QByteArray term = qgetenv("TERM");
    m_hintsShown = isatty(STDOUT_FILENO) && !term.isEmpty() && term != "dumb";
    m_el = el_init(program, stdin, stdout, stderr);
    el_set(m_el, EL_CLIENTDATA, this);
    el_set(m_el, EL_EDITOR, "emacs");
    el_set(m_el, EL_PROMPT, &LineEditor::promptCallback);
    el_set(m_el, EL_GETCFN, &LineEditor::readCharCallback);
    el_set(m_el, EL_ADDFN, "qkv-complete", "Complete a command or subcommand name",
           &LineEditor::completeCallback);
    el_set(m_el, EL_ADDFN, "qkv-interrupt", "Discard the line", &LineEditor::interruptCallback);
    el_set(m_el, EL_BIND, "^I", "qkv-complete", nullptr);
    el_set(m_el, EL_BIND, "^C", "qkv-interrupt", nullptr);
    el_source(m_el, nullptr); // ~/.editrc may change any of this, as in every libedit program

    HistEvent event;
    m_history = history_init();
    history(m_history, &event, H_SETSIZE, HistorySize);
    history(m_history, &event, H_SETUNIQUE, 1);
    if (!m_historyFile.isEmpty())
        history(m_history, &event, H_LOAD, m_historyFile.constData());
    el_set(m_el, EL_HIST, history, m_history);
}

LineEditor::~LineEditor()
{
    el_end(m_el);
    history_end(m_history);
}

LineEditor *LineEditor::self(editline *el)
{
    void *data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    return static_cast<LineEditor *>(data);
}

int LineEditor::readCharCallback(editline *el, wchar_t *c)
{
    return self(el)->readChar(c);
}

char *LineEditor::promptCallback(editline *el)
{
    LineEditor *editor = self(el);
    editor->m_prompt = editor->m_hooks.prompt();
    return editor->m_prompt.data();
}

unsigned char LineEditor::completeCallback(editline *el, int)
{
    return self(el)->complete();
}

unsigned char LineEditor::interruptCallback(editline *el, int)
{
    self(el)->m_interrupted = true;
    return CC_NEWLINE;
}

LineEditor::Result LineEditor::readLine(QByteArray *line)
{
    m_interrupted = false;
    int count = 0;
    const char *text = el_gets(m_el, &count);
    eraseHint();
    if (m_interrupted) {
        write("\n");
        return Result::Interrupted;
    }
    if (!text || count <= 0)
        return Result::End;
    *line = QByteArray(text, count);
    while (line->endsWith('\n') || line->endsWith('\r'))
        line->chop(1);
    return Result::Line;
}

void LineEditor::addHistory(const QByteArray &line)
{
    HistEvent event;
    history(m_history, &event, H_ENTER, line.constData());
    if (m_historyFile.isEmpty())
        return;
    // The file is private: it holds what was typed (passwords are kept out by the caller).
    const mode_t previous = umask(077);
    history(m_history, &event, H_SAVE, m_historyFile.constData());
    umask(previous);
    chmod(m_historyFile.constData(), 0600);
}

void LineEditor::printAbove(const QByteArray &text)
{
    eraseHint();
    write("\r\x1b[K" + text);
    el_set(m_el, EL_REFRESH);
}

bool LineEditor::inputPending() const
{
    pollfd input { STDIN_FILENO, POLLIN, 0 };
    return ::poll(&input, 1, 0) > 0;
}

// Reads one character for libedit. Between keys it draws the hint, watches the server and
// notices Ctrl-C (EINTR from poll) and resizes, which libedit's own reader would not.
int LineEditor::readChar(wchar_t *c)
{
    char bytes[MB_LEN_MAX];
    size_t count = 0;
    for (;;) {
        if (count == 0 && !m_hintShown && !inputPending())
            drawHint();
        const int watched = m_hooks.watchedDescriptor ? m_hooks.watchedDescriptor() : -1;
        const int retryMs = m_hooks.retryMs ? m_hooks.retryMs() : 0;
        pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 }, { watched, POLLIN, 0 } };
        const int ready = ::poll(fds, watched >= 0 ? 2 : 1, retryMs > 0 ? retryMs : -1);
        if (ready < 0) {
            if (errno != EINTR)
                return -1;
            if (Interrupt::takeResize()) {
                eraseHint();
                el_resize(m_el);
            }
            if (Interrupt::take()) {
                eraseHint();
                *c = InterruptKey;
                return 1;
            }
            continue;
        }
        if (ready == 0) {
            eraseHint();
            m_hooks.retry();
            continue;
        }
        if (watched >= 0 && fds[1].revents != 0) {
            eraseHint();
            m_hooks.readable();
        }
        if (fds[0].revents == 0)
            continue;
        const ssize_t n = ::read(STDIN_FILENO, bytes + count, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            eraseHint();
            return int(n);
        }
        ++count;
        std::mbstate_t state {};
        const size_t decoded = std::mbrtowc(c, bytes, count, &state);
        if (decoded == size_t(-2) && count < sizeof bytes)
            continue; // the rest of a multibyte character follows
        if (decoded == size_t(-1) || decoded == size_t(-2)) {
            count = 0; // not a character in this locale: dropped, as libedit does
            continue;
        }
        eraseHint();
        return 1;
    }
}

unsigned char LineEditor::complete()
{
    const LineInfo *info = el_line(m_el);
    const QByteArray before(info->buffer, info->cursor - info->buffer);
    const qsizetype start = qMax(before.lastIndexOf(' '), before.lastIndexOf('\t')) + 1;
    const qsizetype typed = before.size() - start;
    const QByteArrayList matches = m_hooks.complete(before);
    if (matches.isEmpty())
        return CC_REFRESH_BEEP;
    QByteArray common = matches.first();
    for (const QByteArray &match : matches) {
        qsizetype i = 0;
        while (i < common.size() && i < match.size() && common.at(i) == match.at(i))
            ++i;
        common.truncate(i);
    }
    if (matches.size() == 1 || common.size() > typed) {
        el_deletestr(m_el, int(typed));
        if (matches.size() == 1)
            common += ' ';
        el_insertstr(m_el, common.constData());
        return CC_REFRESH;
    }
    // Nothing to add: list the candidates in columns under the line, then redraw it.
    eraseHint();
    qsizetype widest = 0;
    for (const QByteArray &match : matches)
        widest = qMax(widest, match.size());
    const qsizetype columns = qMax<qsizetype>(1, terminalColumns() / (widest + 2));
    const qsizetype rows = (matches.size() + columns - 1) / columns;
    QByteArray list = "\n";
    for (qsizetype row = 0; row < rows; ++row) {
        QByteArray line;
        for (qsizetype column = 0; column < columns; ++column) {
            const qsizetype i = column * rows + row;
            if (i < matches.size())
                line += matches.at(i).leftJustified(widest + 2);
        }
        while (line.endsWith(' '))
            line.chop(1);
        list += line + '\n';
    }
    write(list);
    return CC_REDISPLAY;
}

void LineEditor::drawHint()
{
    if (!m_hooks.hint || !m_hintsShown)
        return;
    const LineInfo *info = el_line(m_el);
    if (info->cursor != info->lastchar)
        return;
    const QByteArray line(info->buffer, info->lastchar - info->buffer);
    QByteArray hint = m_hooks.hint(line);
    if (hint.isEmpty())
        return;
    // Only what fits before the right margin: a wrapped hint would move the cursor.
    const int columns = terminalColumns();
    const int used = (displayWidth(m_prompt) + displayWidth(line)) % columns;
    const int room = columns - used - 1;
    if (room <= 0)
        return;
    hint.truncate(room);
    write("\x1b[90m" + hint + "\x1b[0m\x1b[" + QByteArray::number(hint.size()) + 'D');
    m_hintShown = true;
}

void LineEditor::eraseHint()
{
    if (!m_hintShown)
        return;
    write("\x1b[K"); // the cursor is where the hint starts: clear to the end of the row
    m_hintShown = false;
}

void LineEditor::write(const QByteArray &text)
{
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    std::fflush(stdout);
}
