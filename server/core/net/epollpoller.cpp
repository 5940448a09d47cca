#include "epollpoller.h"

#ifdef Q_OS_LINUX

#include <QSocketNotifier>

#include <sys/epoll.h>
#include <unistd.h>

namespace {

uint32_t epollEvents(int events)
{
    return ((events & Poller::Readable) ? EPOLLIN : 0u)
            | ((events & Poller::Writable) ? EPOLLOUT : 0u);
}

} // namespace

EpollPoller::EpollPoller(QObject *parent)
    : Poller(parent)
    , m_epollFd(epoll_create1(EPOLL_CLOEXEC))
{
    if (m_epollFd < 0)
        return;
    m_notifier = new QSocketNotifier(m_epollFd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &EpollPoller::dispatch);
}

EpollPoller::~EpollPoller()
{
    delete m_notifier;
    if (m_epollFd >= 0)
        ::close(m_epollFd);
}

bool EpollPoller::add(int fd, int events, PollHandler *handler)
{
    epoll_event ev {};
    ev.events = epollEvents(events);
    ev.data.ptr = handler;
    return epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void EpollPoller::modify(int fd, int events, PollHandler *handler)
{
    epoll_event ev {};
    ev.events = epollEvents(events);
    ev.data.ptr = handler;
    epoll_ctl(m_epollFd, EPOLL_CTL_MOD, fd, &ev);
}

void EpollPoller::remove(int fd)
{
    epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, nullptr);
}

void EpollPoller::dispatch()
{
    constexpr int MaxEvents = 256;
    epoll_event events[MaxEvents];
    const int n = epoll_wait(m_epollFd, events, MaxEvents, 0);
    for (int i = 0; i < n; ++i) {
        int mask = 0;
        // Errors and hang-ups are reported as readable: the read then sees EOF or the error.
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
            mask |= Readable;
        if (events[i].events & EPOLLOUT)
            mask |= Writable;
        static_cast<PollHandler *>(events[i].data.ptr)->handleEvents(mask);
    }
}

#endif
