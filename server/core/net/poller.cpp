#include "poller.h"

#include "epollpoller.h"
#include "notifierpoller.h"

Poller *Poller::create(QObject *parent)
{
#ifdef Q_OS_LINUX
    if (qgetenv("QKV_POLLER") != "notifier") {
        auto *epoll = new EpollPoller(parent);
        if (epoll->isValid())
            return epoll;
        delete epoll;
    }
#endif
    return new NotifierPoller(parent);
}
