#include "lfu.h"

#include <QRandomGenerator>

namespace {

quint32 minutes(quint32 nowSeconds)
{
    return (nowSeconds / 60) & 0xffff;
}

// Minutes since the 16-bit stamp, across one wrap (Redis's LFUTimeElapsed).
quint32 elapsedMinutes(quint32 stamp, quint32 nowSeconds)
{
    const quint32 now = minutes(nowSeconds);
    return now >= stamp ? now - stamp : 0xffff - stamp + now;
}

// Uniform in [0, 1): a per-thread generator, since reads under an LFU policy call it on every
// access and the global generator locks.
double uniform()
{
    thread_local QRandomGenerator generator(QRandomGenerator::global()->generate());
    return generator.generateDouble();
}

} // namespace

namespace Lfu {

quint32 initial(quint32 nowSeconds)
{
    return withCount(InitialCount, nowSeconds);
}

quint32 withCount(quint8 count, quint32 nowSeconds)
{
    return (minutes(nowSeconds) << 8) | count;
}

quint8 count(quint32 field, quint32 nowSeconds, long long decayMinutes)
{
    const quint32 counter = field & 0xff;
    const quint32 periods
            = decayMinutes > 0 ? quint32(elapsedMinutes(field >> 8, nowSeconds) / decayMinutes) : 0;
    return quint8(periods > counter ? 0 : counter - periods);
}

quint32 accessed(quint32 field, quint32 nowSeconds, long long logFactor, long long decayMinutes)
{
    quint32 counter = count(field, nowSeconds, decayMinutes);
    if (counter < 255) {
        const double base = counter > InitialCount ? double(counter - InitialCount) : 0.0;
        if (uniform() < 1.0 / (base * double(logFactor) + 1.0))
            ++counter;
    }
    return withCount(quint8(counter), nowSeconds);
}

} // namespace Lfu
