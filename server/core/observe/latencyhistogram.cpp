#include "latencyhistogram.h"

#include <cmath>

qint64 LatencyHistogram::valueAt(int index)
{
    int bucket = (index >> SubBucketHalfMagnitude) - 1;
    int subBucket = (index & (SubBucketHalf - 1)) + SubBucketHalf;
    if (bucket < 0) { // the first bucket also holds the values below its upper half
        subBucket -= SubBucketHalf;
        bucket = 0;
    }
    return qint64(subBucket) << bucket;
}

qint64 LatencyHistogram::highestEquivalent(qint64 value)
{
    const int bucket = bucketOf(quint64(value));
    const qint64 subBucket = value >> bucket;
    const int rangeBucket = subBucket >= 2 * SubBucketHalf ? bucket + 1 : bucket;
    const qint64 lowest = subBucket << bucket;
    return lowest + (qint64(1) << rangeBucket) - 1;
}

qint64 LatencyHistogram::valueAtPercentile(double percentile) const
{
    const double requested = qMin(percentile, 100.0);
    const auto wanted = qMax<quint64>(1, quint64(requested / 100 * double(m_total) + 0.5));
    quint64 seen = 0;
    for (int i = 0; i < CountsLength; ++i) {
        seen += m_counts[size_t(i)];
        if (seen >= wanted)
            return highestEquivalent(valueAt(i));
    }
    return 0;
}

void LatencyHistogram::forEachLogBucket(
        const std::function<void(qint64 upTo, quint64 cumulative)> &visit) const
{
    quint64 cumulative = 0;
    quint64 previous = 0;
    quint64 remaining = m_total;
    int i = 0;
    for (qint64 level = 1024; remaining > 0; level *= 2) {
        const qint64 upTo = highestEquivalent(level);
        for (; i < CountsLength && valueAt(i) <= upTo; ++i) {
            cumulative += m_counts[size_t(i)];
            remaining -= m_counts[size_t(i)];
        }
        if (cumulative > previous)
            visit(upTo, cumulative);
        previous = cumulative;
    }
}
