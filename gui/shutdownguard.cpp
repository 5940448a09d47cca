#include "shutdownguard.h"

#include <QCloseEvent>
#include <QMessageBox>
#include <QWidget>

namespace {

bool askToStopWithoutSaving(QWidget *window)
{
    return QMessageBox::warning(
                   window, QObject::tr("The snapshot could not be saved"),
                   QObject::tr("qkv could not save the data before stopping (the Server log tab "
                               "says why). Stop anyway and lose the changes since the last "
                               "save, or keep the server running?"),
                   QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Discard;
}

} // namespace

ShutdownGuard::ShutdownGuard(QWidget *window, std::function<bool()> prepare,
                             std::function<void()> abandon, Confirm confirm)
    : QObject(window)
    , m_window(window)
    , m_prepare(std::move(prepare))
    , m_abandon(std::move(abandon))
    , m_confirm(confirm ? std::move(confirm) : Confirm(askToStopWithoutSaving))
{
    window->installEventFilter(this);
}

bool ShutdownGuard::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_window || event->type() != QEvent::Close)
        return QObject::eventFilter(watched, event);
    if (m_prepare())
        return false; // saved (or nothing to save): the window closes and the program ends
    if (m_confirm(m_window)) {
        m_abandon();
        return false;
    }
    event->ignore();
    return true;
}
