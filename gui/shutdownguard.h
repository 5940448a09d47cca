#pragma once

#include <QObject>

#include <functional>

// Watches the in-process dashboard's window: closing it stops the server, so the close first
// runs the server's shutdown save (prepare). When that save fails the window stays open and
// the user is asked (confirm) whether to stop without saving: yes runs abandon (the shutdown
// without a save) and closes; no keeps the server serving, as Redis does when a SIGTERM's save
// fails.
class ShutdownGuard final : public QObject
{
    Q_OBJECT
public:
    using Confirm = std::function<bool(QWidget *window)>;

    // prepare: true when the server may stop; abandon: stops it without saving. confirm
    // defaults to a message box.
    ShutdownGuard(QWidget *window, std::function<bool()> prepare, std::function<void()> abandon,
                  Confirm confirm = {});

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *m_window;
    std::function<bool()> m_prepare;
    std::function<void()> m_abandon;
    Confirm m_confirm;
};
