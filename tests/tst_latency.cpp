// Latency introspection where tests/compat/latency.txt cannot go: the histogram's percentiles
// and buckets for known values (the figures Redis reports for the same values), the graph's
// drawing, and the monitor's events for a command slow enough to pass the threshold.
#include "common/respclient.h"
#include "common/serverthread.h"
#include "observe/latencyhistogram.h"
#include "observe/sparkline.h"

#include <QRegularExpression>
#include <QtTest>

class TestLatency : public QObject
{
    Q_OBJECT
private slots:
    void percentiles_data();
    void percentiles();
    void logBuckets();
    void sparkline();
    void monitorRecordsSlowCommand();
    void latencystatsLines();
};

void TestLatency::percentiles_data()
{
    QTest::addColumn<double>("percentile");
    QTest::addColumn<qint64>("expected");
    // 50 calls of 1 µs, 49 of 2 µs, one of 4 µs (in ns, as commands record them): Redis shows
    // these as p50=1.003, p99=2.007, p99.9=4.015.
    QTest::newRow("p0") << 0.0 << qint64(1003);
    QTest::newRow("p50") << 50.0 << qint64(1003);
    QTest::newRow("p51") << 51.0 << qint64(2007);
    QTest::newRow("p99") << 99.0 << qint64(2007);
    QTest::newRow("p99.9") << 99.9 << qint64(4015);
    QTest::newRow("p100") << 100.0 << qint64(4015);
    QTest::newRow("over 100") << 250.0 << qint64(4015);
}

void TestLatency::percentiles()
{
    QFETCH(double, percentile);
    QFETCH(qint64, expected);
    LatencyHistogram histogram;
    for (int i = 0; i < 50; ++i)
        histogram.record(1000);
    for (int i = 0; i < 49; ++i)
        histogram.record(2000);
    histogram.record(4000);
    QCOMPARE(histogram.totalCount(), quint64(100));
    QCOMPARE(histogram.valueAtPercentile(percentile), expected);
}

// LATENCY HISTOGRAM's keys for these (Redis: 1 2 4 ... 33 66 ... 1073741 µs), and a 0 µs call
// counting as 1 ns.
void TestLatency::logBuckets()
{
    LatencyHistogram histogram;
    for (qint64 value : { 0LL, 1000LL, 1500LL, 2000LL, 30000LL, 60000LL, 5000000000LL })
        histogram.record(value);
    QList<QPair<qint64, quint64>> buckets;
    histogram.forEachLogBucket([&](qint64 upTo, quint64 cumulative) {
        buckets.append({ upTo / 1000, cumulative });
    });
    const QList<QPair<qint64, quint64>> expected {
        { 1, 2 }, { 2, 4 }, { 33, 5 }, { 66, 6 }, { 1082130, 7 },
    };
    QCOMPARE(buckets, expected);
    QCOMPARE(histogram.valueAtPercentile(0), qint64(1));
}

// The graph redis-server 7.0 drew for two spikes of 26 and 51 ms, one and zero seconds old.
void TestLatency::sparkline()
{
    Sparkline sparkline;
    sparkline.add(26, "1s");
    sparkline.add(51, "0s");
    QCOMPARE(sparkline.render(80, 4), QByteArray(" #\n |\n |\n_|\n  \n10\nss\n"));

    Sparkline flat;
    for (int i = 0; i < 3; ++i)
        flat.add(5, QByteArray());
    QCOMPARE(flat.render(2, 2), QByteArray("  \n__\n\n \n_\n"));
}

void TestLatency::monitorRecordsSlowCommand()
{
    ServerThread server;
    RespClient client;
    QVERIFY(client.connectTo(server.port()));
    QCOMPARE(client.call({ "CONFIG", "SET", "latency-monitor-threshold", "1" }),
             QByteArray("+OK\r\n"));
    // A sorted set big enough that copying it takes well over a millisecond.
    for (int batch = 0; batch < 5; ++batch) {
        QByteArrayList args { "ZADD", "z" };
        for (int i = 0; i < 10000; ++i)
            args << QByteArray::number(i) << "m" + QByteArray::number(batch * 10000 + i);
        client.call(args);
    }
    client.call({ "LATENCY", "RESET" }); // only what the slow command records
    QCOMPARE(client.call({ "ZUNIONSTORE", "copy", "1", "z" }), QByteArray(":50000\r\n"));

    const QByteArray latest = client.call({ "LATENCY", "LATEST" });
    static const QRegularExpression latestShape(QStringLiteral(
            "^\\*1\r\n\\*4\r\n\\$7\r\ncommand\r\n:\\d{10}\r\n:(\\d+)\r\n:(\\d+)\r\n$"));
    const QRegularExpressionMatch match = latestShape.match(QString::fromLatin1(latest));
    QVERIFY2(match.hasMatch(), latest.constData());
    QVERIFY(match.captured(1).toInt() >= 1);
    QCOMPARE(match.captured(1), match.captured(2));

    const QByteArray history = client.call({ "LATENCY", "HISTORY", "command" });
    QVERIFY2(history.startsWith("*1\r\n*2\r\n:"), history.constData());
    const QByteArray graph = client.call({ "LATENCY", "GRAPH", "command" });
    QVERIFY2(graph.contains(
                     QByteArray("command - high " + match.captured(1).toLatin1() + " ms, low ")),
             graph.constData());
    const QByteArray doctor = client.call({ "LATENCY", "DOCTOR" });
    // The whole line: a report once ended each event's line with the unused part of a buffer.
    static const QRegularExpression eventLine(QStringLiteral(
            "\n1\\. command: 1 latency spikes \\(average (\\d+)ms, mean deviation 0ms, period "
            "1\\.00 sec\\)\\. Worst all time event (\\d+)ms\\.\n\n"));
    QVERIFY2(eventLine.match(QString::fromLatin1(doctor)).hasMatch(), doctor.constData());
    QVERIFY(!doctor.contains('\0'));
    QVERIFY(doctor.contains("- Check your Slow Log to understand"));
    QCOMPARE(client.call({ "LATENCY", "RESET", "COMMAND", "nosuch" }), QByteArray(":1\r\n"));
    QCOMPARE(client.call({ "LATENCY", "LATEST" }), QByteArray("*0\r\n"));
}

void TestLatency::latencystatsLines()
{
    ServerThread server;
    RespClient client;
    QVERIFY(client.connectTo(server.port()));
    client.call({ "CONFIG", "RESETSTAT" });
    client.call({ "SET", "k", "v" });
    client.call({ "CONFIG", "SET", "latency-tracking-info-percentiles", "50 99.99" });
    const QByteArray info = client.call({ "INFO", "latencystats" });
    static const QRegularExpression line(QStringLiteral(
            "\r\nlatency_percentiles_usec_set:p50=\\d+\\.\\d{3},p99.99=\\d+\\.\\d{3}\r\n"));
    QVERIFY2(line.match(QString::fromLatin1(info)).hasMatch(), info.constData());
    QVERIFY(info.contains("latency_percentiles_usec_config|resetstat:p50="));
    QVERIFY(!info.contains("latency_percentiles_usec_get:"));
}

QTEST_GUILESS_MAIN(TestLatency)
#include "tst_latency.moc"
