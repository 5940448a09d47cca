#pragma once

#include <QtGlobal>

#include <array>
#include <functional>

// The latency of one command (Redis's per-command hdr_histogram behind INFO latencystats and
// LATENCY HISTOGRAM): nanoseconds from 1 to 1 s, two significant digits, in the bucket layout
// of an HDR histogram (a power-of-two bucket per magnitude, each split into 128 sub-buckets),
// so that its percentiles are the values Redis reports. record() is a few instructions: it is
// on the path of every command while latency-tracking is on.
class LatencyHistogram
{
public:
    // Values outside 1 ns..1 s count as the nearest bound, as in Redis.
    void record(qint64 nanoseconds)
    {
        ++m_counts[size_t(indexOf(quint64(qBound<qint64>(MinValue, nanoseconds, MaxValue))))];
        ++m_total;
    }
    quint64 totalCount() const { return m_total; }
    // hdr_value_at_percentile: the highest value equivalent to the one at percentile (0..100).
    qint64 valueAtPercentile(double percentile) const;
    // LATENCY HISTOGRAM's buckets (hdr's logarithmic iterator from 1024 ns, base 2): for each
    // power of two up to the largest value, its highest equivalent value and the number of
    // values up to it, when that number grew since the previous bucket.
    void forEachLogBucket(const std::function<void(qint64 upTo, quint64 cumulative)> &visit) const;

private:
    static constexpr qint64 MinValue = 1;
    static constexpr qint64 MaxValue = 1000000000;
    static constexpr int SubBucketHalfMagnitude = 7; // 256 sub-buckets: 2 significant digits
    static constexpr int SubBucketHalf = 1 << SubBucketHalfMagnitude;
    static constexpr quint64 SubBucketMask = (SubBucketHalf << 1) - 1;
    static constexpr int BucketCount = 23; // 256 << 22 > 1e9
    static constexpr int CountsLength = (BucketCount + 1) * SubBucketHalf;

    static int bucketOf(quint64 value) { return 64 - __builtin_clzll(value | SubBucketMask) - 8; }
    static int indexOf(quint64 value)
    {
        const int bucket = bucketOf(value);
        const int subBucket = int(value >> bucket);
        return ((bucket + 1) << SubBucketHalfMagnitude) + subBucket - SubBucketHalf;
    }
    static qint64 valueAt(int index);
    static qint64 highestEquivalent(qint64 value);

    std::array<quint64, CountsLength> m_counts {};
    quint64 m_total = 0;
};
