#pragma once

#include "poller.h"

#ifdef Q_OS_LINUX

class QSocketNotifier;

// Linux poller: one QSocketNotifier watches an epoll fd; when it fires, epoll_wait(0)
// collects every ready socket and their handlers run in one round.
class EpollPoller final : public Poller
{
    Q_OBJECT
public:
    explicit EpollPoller(QObject *parent = nullptr);
    ~EpollPoller() override;

    bool isValid() const { return m_epollFd >= 0; }
    bool add(int fd, int events, PollHandler *handler) override;
    void modify(int fd, int events, PollHandler *handler) override;
    void remove(int fd) override;
    const char *name() const override { return "epoll"; }
    void pollNow() override { dispatch(); }

private:
    void dispatch();

    int m_epollFd = -1;
    QSocketNotifier *m_notifier = nullptr;
};

#endif
