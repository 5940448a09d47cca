#include "keepalive.h"

#include <QtGlobal>

#include <climits>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

void applyKeepAlive(int fd, long long intervalSeconds)
{
    if (intervalSeconds <= 0)
        return;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    const int idle = int(qMin<long long>(intervalSeconds, INT_MAX));
    const int interval = qMax(1, idle / 3);
    const int probes = 3;
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}
