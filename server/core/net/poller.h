#pragma once

#include <QObject>

// Receives readiness events for one file descriptor.
class PollHandler
{
public:
    virtual ~PollHandler() = default;
    virtual void handleEvents(int events) = 0;
};

// Readiness notification for raw sockets on the Qt event loop. The epoll implementation puts
// one QSocketNotifier on an epoll fd, so the cost of a pass does not grow with idle clients;
// the portable one uses a notifier per socket. Handlers are not owned.
class Poller : public QObject
{
    Q_OBJECT
public:
    enum Event { Readable = 1, Writable = 2 };

    using QObject::QObject;
    virtual bool add(int fd, int events, PollHandler *handler) = 0;
    virtual void modify(int fd, int events, PollHandler *handler) = 0;
    // Must be called before the fd is closed.
    virtual void remove(int fd) = 0;
    virtual const char *name() const = 0;
    // Dispatches the events ready now without waiting: a script running long lets clients in
    // this way (Redis's processEventsWhileBlocked), from inside a command.
    virtual void pollNow() = 0;

    // epoll on Linux; QKV_POLLER=notifier in the environment selects the portable one.
    static Poller *create(QObject *parent = nullptr);
};
