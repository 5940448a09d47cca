// ReplyWriter: every reply type in RESP2 and RESP3.
#include "protocol/replywriter.h"

#include <QTest>

#include <functional>
#include <limits>

class TestReplyWriter : public QObject
{
    Q_OBJECT

private slots:
    void write_data();
    void write();
    void errorCountsAndCodes();
    void checkpointHook();
};

using Write = std::function<void(ReplyWriter &)>;
Q_DECLARE_METATYPE(Write)

void TestReplyWriter::write_data()
{
    QTest::addColumn<Write>("write");
    QTest::addColumn<QByteArray>("resp2");
    QTest::addColumn<QByteArray>("resp3");

    QTest::newRow("simple") << Write([](ReplyWriter &w) { w.simple("PONG"); })
                            << QByteArray("+PONG\r\n") << QByteArray("+PONG\r\n");
    QTest::newRow("ok") << Write([](ReplyWriter &w) { w.ok(); }) << QByteArray("+OK\r\n")
                        << QByteArray("+OK\r\n");
    QTest::newRow("error") << Write([](ReplyWriter &w) { w.error("ERR bad"); })
                           << QByteArray("-ERR bad\r\n") << QByteArray("-ERR bad\r\n");
    QTest::newRow("error newlines become spaces")
            << Write([](ReplyWriter &w) { w.error("ERR a\r\nb"); }) << QByteArray("-ERR a  b\r\n")
            << QByteArray("-ERR a  b\r\n");
    QTest::newRow("integer") << Write([](ReplyWriter &w) { w.integer(42); })
                             << QByteArray(":42\r\n") << QByteArray(":42\r\n");
    QTest::newRow("integer min") << Write([](ReplyWriter &w) {
        w.integer(std::numeric_limits<long long>::min());
    }) << QByteArray(":-9223372036854775808\r\n")
                                 << QByteArray(":-9223372036854775808\r\n");
    QTest::newRow("bulk") << Write([](ReplyWriter &w) { w.bulk("hi"); })
                          << QByteArray("$2\r\nhi\r\n") << QByteArray("$2\r\nhi\r\n");
    QTest::newRow("bulk empty") << Write([](ReplyWriter &w) { w.bulk(""); })
                                << QByteArray("$0\r\n\r\n") << QByteArray("$0\r\n\r\n");
    QTest::newRow("bulk binary") << Write([](ReplyWriter &w) { w.bulk(QByteArrayView("a\0b", 3)); })
                                 << QByteArray("$3\r\na\0b\r\n", 9)
                                 << QByteArray("$3\r\na\0b\r\n", 9);
    QTest::newRow("null") << Write([](ReplyWriter &w) { w.null(); }) << QByteArray("$-1\r\n")
                          << QByteArray("_\r\n");
    QTest::newRow("null array") << Write([](ReplyWriter &w) { w.nullArray(); })
                                << QByteArray("*-1\r\n") << QByteArray("_\r\n");
    QTest::newRow("array") << Write([](ReplyWriter &w) {
        w.arrayHeader(2);
        w.integer(1);
        w.bulk("a");
    }) << QByteArray("*2\r\n:1\r\n$1\r\na\r\n")
                           << QByteArray("*2\r\n:1\r\n$1\r\na\r\n");
    QTest::newRow("map") << Write([](ReplyWriter &w) {
        w.mapHeader(1);
        w.bulk("k");
        w.integer(1);
    }) << QByteArray("*2\r\n$1\r\nk\r\n:1\r\n")
                         << QByteArray("%1\r\n$1\r\nk\r\n:1\r\n");
    QTest::newRow("set") << Write([](ReplyWriter &w) { w.setHeader(0); }) << QByteArray("*0\r\n")
                         << QByteArray("~0\r\n");
    QTest::newRow("double") << Write([](ReplyWriter &w) { w.doubleValue(1.5); })
                            << QByteArray("$3\r\n1.5\r\n") << QByteArray(",1.5\r\n");
    QTest::newRow("double inf") << Write(
            [](ReplyWriter &w) { w.doubleValue(std::numeric_limits<double>::infinity()); })
                                << QByteArray("$3\r\ninf\r\n") << QByteArray(",inf\r\n");
    QTest::newRow("verbatim") << Write([](ReplyWriter &w) { w.verbatim("a\r\nb"); })
                              << QByteArray("$4\r\na\r\nb\r\n")
                              << QByteArray("=8\r\ntxt:a\r\nb\r\n");
    QTest::newRow("boolean") << Write([](ReplyWriter &w) {
        w.boolean(true);
        w.boolean(false);
    }) << QByteArray(":1\r\n:0\r\n")
                             << QByteArray("#t\r\n#f\r\n");
}

void TestReplyWriter::write()
{
    QFETCH(Write, write);
    QFETCH(QByteArray, resp2);
    QFETCH(QByteArray, resp3);
    QByteArray out2;
    ReplyWriter writer2(&out2);
    write(writer2);
    QCOMPARE(out2, resp2);
    QByteArray out3;
    ReplyWriter writer3(&out3);
    writer3.setProtocol(3);
    write(writer3);
    QCOMPARE(out3, resp3);
}

void TestReplyWriter::errorCountsAndCodes()
{
    QByteArray out;
    ReplyWriter writer(&out);
    writer.error("WRONGTYPE Operation against a key holding the wrong kind of value");
    writer.error("ERR syntax error");
    QCOMPARE(writer.errorCount(), quint64(2));
    QCOMPARE(writer.lastErrorCode(), QByteArray("ERR"));
}

// The hook runs once the output reaches the checkpoint, after the element that reached it, and
// may empty the output (a client being closed) and set the next checkpoint.
void TestReplyWriter::checkpointHook()
{
    QByteArray out;
    ReplyWriter writer(&out);
    QList<qsizetype> seen;
    writer.setCheckpointHook([&](QByteArray &output) {
        QCOMPARE(&output, &out);
        seen << output.size();
        output.resize(0);
        writer.setCheckpoint(10);
    });
    writer.arrayHeader(3); // no checkpoint set yet
    writer.setCheckpoint(10);
    writer.bulk("abc");  // 4 + 9 bytes: over
    writer.integer(1);   // 4 bytes after the reset: under
    writer.simple("xy"); // 4 + 5
    writer.bulk("");     // 9 + 6
    QCOMPARE(seen, QList<qsizetype>({ 13, 15 }));
    QCOMPARE(out, QByteArray());
}

QTEST_GUILESS_MAIN(TestReplyWriter)
#include "tst_replywriter.moc"
