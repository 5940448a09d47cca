#include "latencymode.h"

#include "cliclient.h"
#include "clioptions.h"

#include <QElapsedTimer>
#include <QThread>

#include <cmath>
#include <cstdio>
#include <vector>

namespace {

constexpr int SampleEveryMs = 10;
constexpr long long HistoryDefaultMs = 15000;
constexpr long long DistDefaultMs = 1000;

// redis-cli's spectrum palette (xterm 256 colours), from none to all samples.
constexpr int palette[] = { 0,   233, 234, 235, 237, 239, 241, 243, 245, 247,
                            144, 143, 142, 184, 226, 214, 208, 202, 196 };
constexpr int paletteSize = int(sizeof palette / sizeof *palette);

struct Bucket
{
    long long maxUs; // 0: everything slower than the previous one
    long long count;
    char character;
};

enum class Output { Standard, Raw, Json };

bool ping(CliClient &client, long long *elapsedUs, QElapsedTimer &clock)
{
    const qint64 start = clock.nsecsElapsed();
    Reply reply;
    QString error;
    if (!client.call({ "PING" }, &reply, &error)) {
        std::fprintf(stderr, "\nI/O error: %s\n", qPrintable(error));
        return false;
    }
    *elapsedUs = (clock.nsecsElapsed() - start) / 1000;
    return true;
}

void printStats(Output output, long long min, long long max, double avg, long long count)
{
    switch (output) {
    case Output::Standard:
        std::printf("min: %lld, max: %lld, avg: %.2f (%lld samples)", min, max, avg, count);
        break;
    case Output::Raw: std::printf("%lld %lld %.2f %lld\n", min, max, avg, count); break;
    case Output::Json:
        std::printf("{\"min\": %lld, \"max\": %lld, \"avg\": %.2f, \"count\": %lld}\n", min, max,
                    avg, count);
        break;
    }
    std::fflush(stdout);
}

int latency(CliClient &client, const CliOptions &options, Output output)
{
    const bool history = options.mode == CliOptions::Mode::LatencyHistory;
    const long long intervalMs = options.intervalSet ? (long long)(options.interval * 1000) : 1000;
    const long long historyMs
            = options.intervalSet ? (long long)(options.interval * 1000) : HistoryDefaultMs;
    QElapsedTimer clock;
    clock.start();
    long long min = 0, max = 0, total = 0, count = 0;
    qint64 historyStart = clock.elapsed();
    for (;;) {
        long long us = 0;
        if (!ping(client, &us, clock))
            return 2;
        const long long ms = us / 1000; // redis-cli measures this mode in whole milliseconds
        ++count;
        if (count == 1) {
            min = max = total = ms;
        } else {
            min = qMin(min, ms);
            max = qMax(max, ms);
            total += ms;
        }
        const double avg = double(total) / double(count);
        if (output == Output::Standard) {
            std::printf("\x1b[0G\x1b[2K"); // clear the line
            printStats(output, min, max, avg, count);
        } else if (history) {
            printStats(output, min, max, avg, count);
        } else if (clock.elapsed() - historyStart > intervalMs) {
            printStats(output, min, max, avg, count);
            return 0;
        }
        if (history && clock.elapsed() - historyStart > historyMs) {
            std::printf(" -- %.2f seconds range\n", double(clock.elapsed() - historyStart) / 1000);
            std::fflush(stdout);
            historyStart = clock.elapsed();
            min = max = total = count = 0;
        }
        QThread::msleep(SampleEveryMs);
    }
}

void distLegend()
{
    std::printf("---------------------------------------------\n");
    std::printf(". - * #          .01 .125 .25 .5 milliseconds\n");
    std::printf("1,2,3,...,9      from 1 to 9     milliseconds\n");
    std::printf("A,B,C,D,E        10,20,30,40,50  milliseconds\n");
    std::printf("F,G,H,I,J        .1,.2,.3,.4,.5       seconds\n");
    std::printf("K,L,M,N,O,P,Q,?  1,2,4,8,16,30,60,>60 seconds\n");
    std::printf("From 0 to 100%%: ");
    for (const int colour : palette)
        std::printf("\033[48;5;%dm ", colour);
    std::printf("\033[0m\n");
    std::printf("---------------------------------------------\n");
}

// Each bucket's share of the samples picks its colour, so the picture does not change with
// the request rate; the counts restart.
void distSamples(std::vector<Bucket> &buckets, long long total)
{
    std::printf("\033[38;5;0m"); // black foreground
    for (Bucket &bucket : buckets) {
        const int index = int(std::ceil(float(bucket.count) / float(total) * (paletteSize - 1)));
        std::printf("\033[48;5;%dm%c", palette[index], bucket.character);
        bucket.count = 0;
    }
    std::printf("\033[0m\n");
    std::fflush(stdout);
}

int latencyDist(CliClient &client, const CliOptions &options)
{
    // Mostly logarithmic, with the interesting 1-10 ms range linear.
    std::vector<Bucket> buckets = {
        { 10, 0, '.' },       { 125, 0, '-' },      { 250, 0, '*' },     { 500, 0, '#' },
        { 1000, 0, '1' },     { 2000, 0, '2' },     { 3000, 0, '3' },    { 4000, 0, '4' },
        { 5000, 0, '5' },     { 6000, 0, '6' },     { 7000, 0, '7' },    { 8000, 0, '8' },
        { 9000, 0, '9' },     { 10000, 0, 'A' },    { 20000, 0, 'B' },   { 30000, 0, 'C' },
        { 40000, 0, 'D' },    { 50000, 0, 'E' },    { 100000, 0, 'F' },  { 200000, 0, 'G' },
        { 300000, 0, 'H' },   { 400000, 0, 'I' },   { 500000, 0, 'J' },  { 1000000, 0, 'K' },
        { 2000000, 0, 'L' },  { 4000000, 0, 'M' },  { 8000000, 0, 'N' }, { 16000000, 0, 'O' },
        { 30000000, 0, 'P' }, { 60000000, 0, 'Q' }, { 0, 0, '?' },
    };
    const long long intervalMs
            = options.intervalSet ? (long long)(options.interval * 1000) : DistDefaultMs;
    QElapsedTimer clock;
    clock.start();
    qint64 historyStart = clock.elapsed();
    long long count = 0;
    for (int outputs = 0;;) {
        long long us = 0;
        if (!ping(client, &us, clock))
            return 2;
        ++count;
        for (Bucket &bucket : buckets) {
            if (bucket.maxUs == 0 || us <= bucket.maxUs) {
                ++bucket.count;
                break;
            }
        }
        if (clock.elapsed() - historyStart > intervalMs) {
            if (outputs++ % 20 == 0)
                distLegend();
            distSamples(buckets, count);
            historyStart = clock.elapsed();
            count = 0;
        }
        QThread::msleep(SampleEveryMs);
    }
}

} // namespace

namespace LatencyMode {

int run(CliClient &client, const CliOptions &options)
{
    if (options.mode == CliOptions::Mode::LatencyDist)
        return latencyDist(client, options);
    const Output output = options.json ? Output::Json
            : options.raw              ? Output::Raw
                                       : Output::Standard;
    return latency(client, options, output);
}

} // namespace LatencyMode
