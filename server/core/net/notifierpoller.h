#pragma once

#include "poller.h"

#include <QHash>

class QSocketNotifier;

// Portable poller: one read and one write QSocketNotifier per socket.
class NotifierPoller final : public Poller
{
    Q_OBJECT
public:
    explicit NotifierPoller(QObject *parent = nullptr);
    ~NotifierPoller() override;

    bool add(int fd, int events, PollHandler *handler) override;
    void modify(int fd, int events, PollHandler *handler) override;
    void remove(int fd) override;
    void pollNow() override;
    const char *name() const override { return "notifier"; }

private:
    struct Watch
    {
        QSocketNotifier *read;
        QSocketNotifier *write;
        PollHandler *handler;
    };
    void dispatch(int fd, int event);

    QHash<int, Watch> m_watches;
};
