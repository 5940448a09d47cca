#pragma once

#include <QtGlobal>

#include <sys/time.h>

// Wall-clock time in microseconds since the epoch (Redis's ustime()): TIME, INFO's
// server_time_usec and MONITOR's timestamps need the microseconds Qt's clock does not give.
inline qint64 unixTimeMicros()
{
    timeval now {};
    gettimeofday(&now, nullptr);
    return qint64(now.tv_sec) * 1000000 + qint64(now.tv_usec);
}
