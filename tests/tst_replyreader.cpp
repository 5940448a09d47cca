// ReplyReader: every reply type, whole and split at every byte boundary, and malformed input.
#include "protocol/replyreader.h"

#include <QTest>

namespace {

// A compact, unambiguous text for a reply: the RESP type byte, then the value.
QByteArray dump(const Reply &r)
{
    switch (r.type) {
    case Reply::Type::Status: return '+' + r.string;
    case Reply::Type::Error: return '-' + r.string;
    case Reply::Type::Integer: return ':' + QByteArray::number(r.integer);
    case Reply::Type::Bulk: return '$' + r.string;
    case Reply::Type::Nil: return QByteArrayLiteral("nil");
    case Reply::Type::Double: return ',' + r.string;
    case Reply::Type::Boolean: return r.integer ? QByteArrayLiteral("#t") : QByteArrayLiteral("#f");
    case Reply::Type::BigNumber: return '(' + r.string;
    case Reply::Type::Verbatim: return '=' + r.string;
    case Reply::Type::Array:
    case Reply::Type::Map:
    case Reply::Type::Set:
    case Reply::Type::Push: break;
    }
    const char type = r.type == Reply::Type::Array ? '*'
            : r.type == Reply::Type::Map           ? '%'
            : r.type == Reply::Type::Set           ? '~'
                                                   : '>';
    QByteArrayList elements;
    for (const Reply &element : r.elements)
        elements.append(dump(element));
    return QByteArray(1, type) + '[' + elements.join(' ') + ']';
}

struct Outcome
{
    QByteArrayList replies;
    QByteArray error;
    bool operator==(const Outcome &other) const
    {
        return replies == other.replies && error == other.error;
    }
};

char *toString(const Outcome &outcome)
{
    return QTest::toString(outcome.replies.join(" | ") + " / error: " + outcome.error);
}

// Feeds the input in chunks of the given sizes and drops consumed bytes after each one, as a
// client does, collecting the replies (and the error) that come out.
Outcome parseInChunks(const QByteArray &input, qsizetype firstChunk, qsizetype chunk)
{
    ReplyReader reader;
    Outcome outcome;
    QByteArray buffer;
    for (qsizetype offset = 0; offset < input.size() && outcome.error.isEmpty();) {
        const qsizetype n = offset == 0 ? firstChunk : chunk;
        buffer += input.mid(offset, n);
        offset += n;
        qsizetype pos = 0;
        Reply reply;
        ReplyReader::Status status;
        while ((status = reader.parse(buffer, &pos, &reply)) == ReplyReader::Status::Reply)
            outcome.replies.append(dump(reply));
        if (status == ReplyReader::Status::Error)
            outcome.error = reader.errorText();
        buffer.remove(0, pos);
    }
    if (outcome.error.isEmpty() && !buffer.isEmpty())
        outcome.error = "unconsumed: " + buffer;
    return outcome;
}

} // namespace

Q_DECLARE_METATYPE(Outcome)

class TestReplyReader : public QObject
{
    Q_OBJECT

private slots:
    void whole_data();
    void whole();
    void split_data();
    void split();
    void byteByByte_data();
    void byteByByte();
    void newStreamAfterError();
    void largeBulkInPieces();
    void hugeCountDoesNotAllocate();

private:
    void addRows();
};

void TestReplyReader::addRows()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Outcome>("expected");
    auto row = [](const char *name, const QByteArray &input, const QByteArrayList &replies,
                  const QByteArray &error = QByteArray()) {
        QTest::newRow(name) << input << Outcome { replies, error };
    };
    row("status", "+OK\r\n", { "+OK" });
    row("empty status", "+\r\n", { "+" });
    row("error", "-ERR bad thing\r\n", { "-ERR bad thing" });
    row("integer", ":42\r\n", { ":42" });
    row("negative integer", ":-7\r\n", { ":-7" });
    row("integer limits", ":-9223372036854775808\r\n:9223372036854775807\r\n",
        { ":-9223372036854775808", ":9223372036854775807" });
    row("bulk", "$5\r\nAlice\r\n", { "$Alice" });
    row("empty bulk", "$0\r\n\r\n", { "$" });
    row("bulk with CRLF inside", "$4\r\na\r\nb\r\n", { "$a\r\nb" });
    row("binary bulk", QByteArray("$3\r\n\0\xff\r\r\n", 9), { QByteArray("$\0\xff\r", 4) });
    row("nil bulk", "$-1\r\n", { "nil" });
    row("nil array", "*-1\r\n", { "nil" });
    row("resp3 null", "_\r\n", { "nil" });
    row("array", "*2\r\n$1\r\na\r\n:1\r\n", { "*[$a :1]" });
    row("empty array", "*0\r\n", { "*[]" });
    row("array with nils", "*3\r\n$-1\r\n*-1\r\n_\r\n", { "*[nil nil nil]" });
    row("nested", "*3\r\n*2\r\n:1\r\n*1\r\n:2\r\n*0\r\n+x\r\n", { "*[*[:1 *[:2]] *[] +x]" });
    row("array ending in aggregates", "*2\r\n*1\r\n*1\r\n:1\r\n*0\r\n", { "*[*[*[:1]] *[]]" });
    row("error inside array", "*2\r\n-ERR one\r\n:2\r\n", { "*[-ERR one :2]" });
    row("map", "%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*1\r\n:2\r\n", { "%[+a :1 $b *[:2]]" });
    row("empty map", "%0\r\n", { "%[]" });
    row("set", "~2\r\n+x\r\n+y\r\n", { "~[+x +y]" });
    row("push", ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", { ">[$message $ch $hi]" });
    row("double", ",1.5\r\n", { ",1.5" });
    row("double exponent", ",-1.25e-10\r\n", { ",-1.25e-10" });
    row("double inf", ",inf\r\n,-inf\r\n,nan\r\n", { ",inf", ",-inf", ",nan" });
    row("true", "#t\r\n", { "#t" });
    row("false", "#f\r\n", { "#f" });
    row("big number", "(3492890328409238509324850943850943825024385\r\n",
        { "(3492890328409238509324850943850943825024385" });
    row("negative big number", "(-12345678901234567890\r\n", { "(-12345678901234567890" });
    row("verbatim", "=15\r\ntxt:Some string\r\n", { "=Some string" });
    row("empty verbatim", "=4\r\nmkd:\r\n", { "=" });
    row("blob error", "!21\r\nSYNTAX invalid syntax\r\n", { "-SYNTAX invalid syntax" });
    row("attribute before a value", "|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", { "$v" });
    row("attribute inside an array", "*2\r\n|1\r\n+a\r\n*1\r\n+b\r\n:1\r\n:2\r\n", { "*[:1 :2]" });
    row("empty attribute", "|0\r\n+OK\r\n", { "+OK" });
    row("many replies", "+OK\r\n:1\r\n$1\r\nx\r\n*1\r\n:2\r\n_\r\n",
        { "+OK", ":1", "$x", "*[:2]", "nil" });

    row("bad type byte", "?x\r\n", {}, "Protocol error, got \"?\" as reply type byte");
    row("control type byte", "\x01\r\n", {}, "Protocol error, got \\x01 as reply type byte");
    row("bad type after a reply", "+OK\r\nHTTP/1.1 400\r\n", { "+OK" },
        "Protocol error, got \"H\" as reply type byte");
    row("bad type inside array", "*2\r\n:1\r\n@\r\n", {},
        "Protocol error, got \"@\" as reply type byte");
    row("bad integer", ":abc\r\n", {}, "Protocol error, invalid integer: abc");
    row("float integer", ":1.5\r\n", {}, "Protocol error, invalid integer: 1.5");
    row("empty integer", ":\r\n", {}, "Protocol error, invalid integer: ");
    row("integer overflow", ":9223372036854775808\r\n", {},
        "Protocol error, invalid integer: 9223372036854775808");
    row("bad bulk length", "$abc\r\n", {}, "Protocol error, invalid bulk length: abc");
    row("negative bulk length", "$-2\r\n", {}, "Protocol error, invalid bulk length: -2");
    row("bulk without CRLF", "$3\r\nabcXY", {}, "Protocol error, bulk data not followed by CRLF");
    row("nil blob error", "!-1\r\n", {}, "Protocol error, invalid bulk length: -1");
    row("verbatim without format", "=3\r\nabc\r\n", {}, "Protocol error, invalid verbatim string");
    row("bad array length", "*x\r\n", {}, "Protocol error, invalid aggregate length: x");
    row("negative array length", "*-2\r\n", {}, "Protocol error, invalid aggregate length: -2");
    row("nil map", "%-1\r\n", {}, "Protocol error, invalid aggregate length: -1");
    row("bad boolean", "#x\r\n", {}, "Protocol error, invalid boolean: x");
    row("bad double", ",abc\r\n", {}, "Protocol error, invalid double: abc");
    row("bad big number", "(12a\r\n", {}, "Protocol error, invalid big number: 12a");
    row("empty big number", "(-\r\n", {}, "Protocol error, invalid big number: -");
    row("null with data", "_x\r\n", {}, "Protocol error, invalid null: x");
}

void TestReplyReader::whole_data()
{
    addRows();
}

void TestReplyReader::whole()
{
    QFETCH(QByteArray, input);
    QFETCH(Outcome, expected);
    QCOMPARE(parseInChunks(input, input.size(), input.size()), expected);
}

void TestReplyReader::split_data()
{
    addRows();
}

// Every split into two pieces gives the same replies as the whole input.
void TestReplyReader::split()
{
    QFETCH(QByteArray, input);
    QFETCH(Outcome, expected);
    Outcome firstMismatch = expected;
    for (qsizetype first = 1; first < input.size() && firstMismatch == expected; ++first)
        firstMismatch = parseInChunks(input, first, input.size());
    QCOMPARE(firstMismatch, expected);
}

void TestReplyReader::byteByByte_data()
{
    addRows();
}

void TestReplyReader::byteByByte()
{
    QFETCH(QByteArray, input);
    QFETCH(Outcome, expected);
    QCOMPARE(parseInChunks(input, 1, 1), expected);
}

void TestReplyReader::newStreamAfterError()
{
    ReplyReader reader;
    Reply reply;
    qsizetype pos = 0;
    QCOMPARE(reader.parse("*2\r\n:1\r\n?", &pos, &reply), ReplyReader::Status::Error);
    pos = 0;
    QCOMPARE(reader.parse("+OK\r\n", &pos, &reply), ReplyReader::Status::Reply);
    QCOMPARE(dump(reply), QByteArray("+OK"));
}

// A bulk string arriving in many reads is not copied until it is complete, and the header is
// not consumed before then.
void TestReplyReader::largeBulkInPieces()
{
    const QByteArray data(1 << 20, 'x');
    const QByteArray input = "$" + QByteArray::number(data.size()) + "\r\n" + data + "\r\n";
    ReplyReader reader;
    Reply reply;
    QByteArray buffer;
    QList<qsizetype> positions;
    for (qsizetype offset = 0; offset < input.size(); offset += 64 * 1024) {
        buffer += input.mid(offset, 64 * 1024);
        qsizetype pos = 0;
        if (reader.parse(buffer, &pos, &reply) == ReplyReader::Status::Reply)
            break;
        positions.append(pos);
    }
    QCOMPARE(reply.string.size(), data.size());
    QCOMPARE(positions, QList<qsizetype>(input.size() / (64 * 1024), 0));
}

void TestReplyReader::hugeCountDoesNotAllocate()
{
    ReplyReader reader;
    Reply reply;
    qsizetype pos = 0;
    QCOMPARE(reader.parse("*1000000000000\r\n:1\r\n", &pos, &reply), ReplyReader::Status::NeedMore);
}

QTEST_GUILESS_MAIN(TestReplyReader)
#include "tst_replyreader.moc"
