// RespParser: every protocol edge case, whole and split at every byte boundary.
#include "protocol/respparser.h"

#include <QTest>

namespace {

struct Outcome
{
    QList<QByteArrayList> commands;
    QByteArray error;
    bool operator==(const Outcome &other) const
    {
        return commands == other.commands && error == other.error;
    }
};

// Feeds input in the given chunk sizes, compacting the buffer after each chunk the way a
// connection does, and collects the commands (and the error) that come out.
Outcome parseInChunks(const QByteArray &input, qsizetype firstChunk, qsizetype chunk)
{
    RespParser parser;
    Outcome outcome;
    QByteArray buffer;
    qsizetype offset = 0;
    while (offset < input.size() && outcome.error.isEmpty()) {
        const qsizetype n = offset == 0 ? firstChunk : chunk;
        buffer += input.mid(offset, n);
        offset += n;
        qsizetype pos = 0;
        for (;;) {
            const RespParser::Status status = parser.parse(buffer, &pos);
            if (status == RespParser::Status::NeedMore)
                break;
            if (status == RespParser::Status::Error) {
                outcome.error = parser.errorText();
                break;
            }
            QByteArrayList args;
            for (const QByteArrayView &arg : parser.args())
                args.append(arg.toByteArray());
            outcome.commands.append(args);
        }
        buffer.remove(0, pos);
        parser.discard(pos);
    }
    return outcome;
}

} // namespace

class TestRespParser : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void tooBigInline();
    void emptyInlineArgumentIsNotNull();
    void tooBigCountString();
    void bulkLimitIsConfigurable();
    void unauthenticatedLimits();
    void pendingBulkBytes();
};

void TestRespParser::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<QByteArrayList>>("commands");
    QTest::addColumn<QByteArray>("error");
    using L = QList<QByteArrayList>;

    QTest::newRow("inline crlf") << QByteArray("PING\r\n") << L { { "PING" } } << QByteArray();
    QTest::newRow("inline lf") << QByteArray("PING\n") << L { { "PING" } } << QByteArray();
    QTest::newRow("inline args") << QByteArray("SET k v\r\n") << L { { "SET", "k", "v" } }
                                 << QByteArray();
    QTest::newRow("inline double quotes")
            << QByteArray("SET k \"a b\"\r\n") << L { { "SET", "k", "a b" } } << QByteArray();
    QTest::newRow("inline single quotes")
            << QByteArray("SET k 'a\\'b'\n") << L { { "SET", "k", "a'b" } } << QByteArray();
    QTest::newRow("inline hex escape")
            << QByteArray("ECHO \"\\x41\\x6a\"\n") << L { { "ECHO", "Aj" } } << QByteArray();
    QTest::newRow("inline escapes") << QByteArray("ECHO \"\\n\\r\\t\\b\\a\\q\"\n")
                                    << L { { "ECHO", "\n\r\t\b\aq" } } << QByteArray();
    QTest::newRow("inline quote mid word")
            << QByteArray("ECHO a\"b c\"\n") << L { { "ECHO", "ab c" } } << QByteArray();
    QTest::newRow("inline empty quotes")
            << QByteArray("SET k \"\"\n") << L { { "SET", "k", "" } } << QByteArray();
    QTest::newRow("inline empty lines skipped")
            << QByteArray("\r\n\n  \r\nPING\r\n") << L { { "PING" } } << QByteArray();
    QTest::newRow("inline lone cr splits but does not end")
            << QByteArray("PING\rX\r\n") << L { { "PING", "X" } } << QByteArray();
    QTest::newRow("inline unbalanced double")
            << QByteArray("SET k \"abc\r\n") << L {}
            << QByteArray("Protocol error: unbalanced quotes in request");
    QTest::newRow("inline unbalanced single")
            << QByteArray("SET k 'abc\n") << L {}
            << QByteArray("Protocol error: unbalanced quotes in request");
    QTest::newRow("inline text after closing quote")
            << QByteArray("SET k \"a\"b\n") << L {}
            << QByteArray("Protocol error: unbalanced quotes in request");
    QTest::newRow("inline incomplete") << QByteArray("PING") << L {} << QByteArray();

    QTest::newRow("multibulk ping")
            << QByteArray("*1\r\n$4\r\nPING\r\n") << L { { "PING" } } << QByteArray();
    QTest::newRow("multibulk binary") << QByteArray("*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n", 23)
                                      << L { { "ECHO", QByteArray("a\0b", 3) } } << QByteArray();
    QTest::newRow("multibulk empty arg")
            << QByteArray("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n") << L { { "ECHO", "" } } << QByteArray();
    QTest::newRow("multibulk crlf inside payload")
            << QByteArray("*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n") << L { { "ECHO", "a\r\nb" } }
            << QByteArray();
    QTest::newRow("multibulk terminator unchecked")
            << QByteArray("*2\r\n$4\r\nECHO\r\n$1\r\naXY*1\r\n$4\r\nPING\r\n")
            << L { { "ECHO", "a" }, { "PING" } } << QByteArray();
    QTest::newRow("multibulk count zero")
            << QByteArray("*0\r\n*1\r\n$4\r\nPING\r\n") << L { { "PING" } } << QByteArray();
    QTest::newRow("multibulk count negative")
            << QByteArray("*-1\r\nPING\r\n") << L { { "PING" } } << QByteArray();
    QTest::newRow("multibulk count leading zero")
            << QByteArray("*01\r\n") << L {}
            << QByteArray("Protocol error: invalid multibulk length");
    QTest::newRow("multibulk count plus") << QByteArray("*+1\r\n") << L {}
                                          << QByteArray("Protocol error: invalid multibulk length");
    QTest::newRow("multibulk count space")
            << QByteArray("* 1\r\n") << L {}
            << QByteArray("Protocol error: invalid multibulk length");
    QTest::newRow("multibulk count letters")
            << QByteArray("*abc\r\n") << L {}
            << QByteArray("Protocol error: invalid multibulk length");
    QTest::newRow("multibulk count over int max")
            << QByteArray("*2147483648\r\n") << L {}
            << QByteArray("Protocol error: invalid multibulk length");
    QTest::newRow("multibulk count int max ok so far")
            << QByteArray("*2147483647\r\n") << L {} << QByteArray();
    QTest::newRow("expected dollar") << QByteArray("*1\r\n+PING\r\n") << L {}
                                     << QByteArray("Protocol error: expected '$', got '+'");
    QTest::newRow("expected dollar got cr") << QByteArray("*1\r\n\r\n") << L {}
                                            << QByteArray("Protocol error: expected '$', got ' '");
    QTest::newRow("bulk length negative") << QByteArray("*1\r\n$-1\r\n") << L {}
                                          << QByteArray("Protocol error: invalid bulk length");
    QTest::newRow("bulk length letters") << QByteArray("*1\r\n$x\r\n") << L {}
                                         << QByteArray("Protocol error: invalid bulk length");
    QTest::newRow("bulk length over 512MB") << QByteArray("*1\r\n$536870913\r\n") << L {}
                                            << QByteArray("Protocol error: invalid bulk length");
    QTest::newRow("bulk length 512MB waits")
            << QByteArray("*1\r\n$536870912\r\n") << L {} << QByteArray();
    QTest::newRow("pipeline then error") << QByteArray("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n")
                                         << L { { "PING" }, { "PING" } }
                                         << QByteArray("Protocol error: invalid multibulk length");
    QTest::newRow("mixed pipeline")
            << QByteArray("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nECHO there\n")
            << L { { "PING" }, { "ECHO", "hi" }, { "ECHO", "there" } } << QByteArray();
}

void TestRespParser::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(QList<QByteArrayList>, commands);
    QFETCH(QByteArray, error);
    const Outcome expected { commands, error };

    QCOMPARE(parseInChunks(input, input.size(), input.size()).commands, expected.commands);
    QCOMPARE(parseInChunks(input, input.size(), input.size()).error, expected.error);
    for (qsizetype split = 1; split < input.size(); ++split) {
        const Outcome outcome = parseInChunks(input, split, input.size());
        if (!(outcome == expected))
            QFAIL(qPrintable(QStringLiteral("differs when split at byte %1").arg(split)));
    }
    QVERIFY(parseInChunks(input, 1, 1) == expected);
}

void TestRespParser::tooBigInline()
{
    const Outcome outcome
            = parseInChunks(QByteArray(RespParser::InlineMaxSize + 1, 'a'), 4096, 4096);
    QCOMPARE(outcome.error, QByteArray("Protocol error: too big inline request"));
}

// Found by fuzz/fuzz_dispatch: SET "" v sent inline gave the keyspace a key view with a null
// data pointer, which it passed to memcpy (undefined behaviour, even for 0 bytes).
void TestRespParser::emptyInlineArgumentIsNotNull()
{
    RespParser parser;
    const QByteArray buffer("SET \"\" ''\r\n");
    qsizetype pos = 0;
    QCOMPARE(parser.parse(buffer, &pos), RespParser::Status::Command);
    QCOMPARE(parser.args().size(), size_t(3));
    for (qsizetype i = 1; i < 3; ++i) {
        QVERIFY(parser.args()[size_t(i)].isEmpty());
        QVERIFY(parser.args()[size_t(i)].data() != nullptr);
    }
}

void TestRespParser::tooBigCountString()
{
    const Outcome outcome
            = parseInChunks("*" + QByteArray(RespParser::InlineMaxSize + 1, '1'), 4096, 4096);
    QCOMPARE(outcome.error, QByteArray("Protocol error: too big mbulk count string"));
}

void TestRespParser::bulkLimitIsConfigurable()
{
    RespParser parser;
    parser.setMaxBulkLength(10);
    qsizetype pos = 0;
    QCOMPARE(parser.parse("*1\r\n$11\r\n", &pos), RespParser::Status::Error);
    QCOMPARE(parser.errorText(), QByteArray("Protocol error: invalid bulk length"));
}

void TestRespParser::unauthenticatedLimits()
{
    RespParser parser;
    parser.setUnauthenticated(true);
    qsizetype pos = 0;
    QCOMPARE(parser.parse("*11\r\n", &pos), RespParser::Status::Error);
    QCOMPARE(parser.errorText(), QByteArray("Protocol error: unauthenticated multibulk length"));
    parser.reset();
    pos = 0;
    QCOMPARE(parser.parse("*1\r\n$16385\r\n", &pos), RespParser::Status::Error);
    QCOMPARE(parser.errorText(), QByteArray("Protocol error: unauthenticated bulk length"));
}

void TestRespParser::pendingBulkBytes()
{
    RespParser parser;
    const QByteArray partial("*2\r\n$3\r\nSET\r\n$100\r\nabc");
    qsizetype pos = 0;
    QCOMPARE(parser.parse(partial, &pos), RespParser::Status::NeedMore);
    QCOMPARE(parser.pendingBulkBytes(partial), qsizetype(100 + 2 - 3));
}

QTEST_GUILESS_MAIN(TestRespParser)
#include "tst_respparser.moc"
