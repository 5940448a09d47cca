#include "notifierpoller.h"

#include <QSocketNotifier>

#include <vector>

#include <poll.h>

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

void NotifierPoller::pollNow()
{
    std::vector<pollfd> fds;
    for (auto it = m_watches.cbegin(); it != m_watches.cend(); ++it) {
        const short events = short((it->read->isEnabled() ? POLLIN : 0)
                                   | (it->write->isEnabled() ? POLLOUT : 0));
        if (events)
            fds.push_back({ it.key(), events, 0 });
    }
    if (::poll(fds.data(), nfds_t(fds.size()), 0) <= 0)
        return;
    for (const pollfd &ready : fds) {
        // Errors and hang-ups are reported as readable: the read then sees EOF or the error.
        if (ready.revents & (POLLIN | POLLERR | POLLHUP))
            dispatch(ready.fd, Readable);
        if (ready.revents & POLLOUT)
            dispatch(ready.fd, Writable);
    }
}

void NotifierPoller::dispatch(int fd, int event)
{
    const auto it = m_watches.constFind(fd);
    if (it != m_watches.constEnd())
        it->handler->handleEvents(event);
}
