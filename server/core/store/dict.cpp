#include "dict.h"

#include <QRandomGenerator>

namespace {
bool g_resizeAllowed = true; // only the event loop's thread forks and resizes
}

void dictSetResizeAllowed(bool allowed)
{
    g_resizeAllowed = allowed;
}

bool dictResizeAllowed()
{
    return g_resizeAllowed;
}

size_t dictHashSeed()
{
    static const size_t seed = size_t(QRandomGenerator::system()->generate64());
    return seed;
}

quint64 dictReverseBits(quint64 v)
{
    // Swap ever smaller halves: six steps instead of a 64-step loop.
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
    return (v >> 32) | (v << 32);
}
