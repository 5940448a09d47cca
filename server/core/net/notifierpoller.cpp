#include "notifierpoller.h"

#include <QSocketNotifier>

NotifierPoller::NotifierPoller(QObject *parent)
    : Poller(parent)
{ }

NotifierPoller::~NotifierPoller()
{
    for (const Watch &watch : std::as_const(m_watches)) {
        delete watch.read;
        delete watch.write;
    }
}

bool NotifierPoller::add(int fd, int events, PollHandler *handler)
{
    Watch watch { new QSocketNotifier(fd, QSocketNotifier::Read, this),
                  new QSocketNotifier(fd, QSocketNotifier::Write, this), handler };
    connect(watch.read, &QSocketNotifier::activated, this, [this, fd] { dispatch(fd, Readable); });
    connect(watch.write, &QSocketNotifier::activated, this, [this, fd] { dispatch(fd, Writable); });
    m_watches.insert(fd, watch);
    modify(fd, events, handler);
    return true;
}

void NotifierPoller::modify(int fd, int events, PollHandler *handler)
{
    auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    it->handler = handler;
    it->read->setEnabled(events & Readable);
    it->write->setEnabled(events & Writable);
}

void NotifierPoller::remove(int fd)
{
    const Watch watch = m_watches.take(fd);
    // Disabled first: a notifier must not fire for a closed (and maybe reused) fd.
    if (watch.read) {
        watch.read->setEnabled(false);
        watch.write->setEnabled(false);
        watch.read->deleteLater();
        watch.write->deleteLater();
    }
}

void NotifierPoller::dispatch(int fd, int event)
{
    const auto it = m_watches.constFind(fd);
    if (it != m_watches.constEnd())
        it->handler->handleEvents(event);
}
