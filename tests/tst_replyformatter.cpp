// ReplyFormatter: each reply type as redis-cli 7 prints it on a terminal and with --raw, and
// as JSON. The terminal and raw texts were taken from the real redis-cli.
#include "protocol/replyformatter.h"
#include "protocol/replyreader.h"

#include <QTest>

namespace {

Reply parsed(const QByteArray &resp)
{
    ReplyReader reader;
    Reply reply;
    qsizetype pos = 0;
    reader.parse(resp, &pos, &reply);
    return reply;
}

} // namespace

class TestReplyFormatter : public QObject
{
    Q_OBJECT

private slots:
    void tty_data() { addRows(); }
    void tty();
    void raw_data() { addRows(); }
    void raw();
    void json_data() { addRows(); }
    void json();

private:
    void addRows();
};

void TestReplyFormatter::addRows()
{
    QTest::addColumn<QByteArray>("resp");
    QTest::addColumn<QByteArray>("tty");
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("json");
    auto row = [](const char *name, const QByteArray &resp, const QByteArray &tty,
                  const QByteArray &raw,
                  const QByteArray &json) { QTest::newRow(name) << resp << tty << raw << json; };
    row("status", "+OK\r\n", "OK\n", "OK", "\"OK\"");
    row("error", "-ERR bad\r\n", "(error) ERR bad\n", "ERR bad\n", "{\"error\":\"ERR bad\"}");
    row("integer", ":-42\r\n", "(integer) -42\n", "-42", "-42");
    row("bulk", "$5\r\nAlice\r\n", "\"Alice\"\n", "Alice", "\"Alice\"");
    row("empty bulk", "$0\r\n\r\n", "\"\"\n", "", "\"\"");
    row("escapes", "$14\r\na\"b\\c\n\r\t\a\b\x01\x7f\xc3\xa9\r\n",
        "\"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\x7f\\xc3\\xa9\"\n", "a\"b\\c\n\r\t\a\b\x01\x7f\xc3\xa9",
        "\"a\\\"b\\\\c\\n\\r\\t\\u0007\\b\\u0001\x7f\xc3\xa9\"");
    row("invalid utf-8", "$12\r\n\xff\xc3(\xc0\xaf\xed\xa0\x80\xf0\x9f\x98\x80\r\n",
        "\"\\xff\\xc3(\\xc0\\xaf\\xed\\xa0\\x80\\xf0\\x9f\\x98\\x80\"\n",
        "\xff\xc3(\xc0\xaf\xed\xa0\x80\xf0\x9f\x98\x80",
        "\"\\u00ff\\u00c3(\\u00c0\\u00af\\u00ed\\u00a0\\u0080\xf0\x9f\x98\x80\"");
    row("truncated utf-8", "$2\r\nx\xe2\r\n", "\"x\\xe2\"\n", "x\xe2", "\"x\\u00e2\"");
    row("nil", "$-1\r\n", "(nil)\n", "", "null");
    row("empty array", "*0\r\n", "(empty array)\n", "", "[]");
    row("empty map", "%0\r\n", "(empty hash)\n", "", "{}");
    row("empty set", "~0\r\n", "(empty set)\n", "", "[]");
    row("array", "*3\r\n$1\r\na\r\n:1\r\n$-1\r\n", "1) \"a\"\n2) (integer) 1\n3) (nil)\n", "a\n1\n",
        "[\"a\",1,null]");
    // redis-cli --no-raw eval "return {1,{2,{3,'x'}},redis.error_reply('E1'),false,'',{}}" 0
    row("nested",
        "*6\r\n:1\r\n*2\r\n:2\r\n*2\r\n:3\r\n$1\r\nx\r\n-ERR E1\r\n$-1\r\n$0\r\n\r\n*0\r\n",
        "1) (integer) 1\n"
        "2) 1) (integer) 2\n"
        "   2) 1) (integer) 3\n"
        "      2) \"x\"\n"
        "3) (error) ERR E1\n"
        "4) (nil)\n"
        "5) \"\"\n"
        "6) (empty array)\n",
        "1\n2\n3\nx\nERR E1\n\n\n\n", "[1,[2,[3,\"x\"]],{\"error\":\"ERR E1\"},null,\"\",[]]");
    // redis-cli --no-raw eval "return {{1,2},0,0,0,0,0,0,0,0,{3,{4}}}" 0
    row("ten elements",
        "*10\r\n*2\r\n:1\r\n:2\r\n" + QByteArray(":0\r\n").repeated(8) + "*2\r\n:3\r\n*1\r\n:4\r\n",
        " 1) 1) (integer) 1\n"
        "    2) (integer) 2\n"
        " 2) (integer) 0\n 3) (integer) 0\n 4) (integer) 0\n 5) (integer) 0\n"
        " 6) (integer) 0\n 7) (integer) 0\n 8) (integer) 0\n 9) (integer) 0\n"
        "10) 1) (integer) 3\n"
        "    2) 1) (integer) 4\n",
        "1\n2\n0\n0\n0\n0\n0\n0\n0\n0\n3\n4", "[[1,2],0,0,0,0,0,0,0,0,[3,[4]]]");
    row("map", "%2\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n:2\r\n",
        "1# \"f1\" => \"v1\"\n2# \"f2\" => (integer) 2\n", "f1 v1\nf2 2",
        "{\"f1\":\"v1\",\"f2\":2}");
    // redis-cli -3 --no-raw eval "redis.setresp(3); return {map={a={1,{2,3}},b={map={x={1}}}}}" 0
    row("map of lists",
        "%2\r\n$1\r\na\r\n*2\r\n:1\r\n*2\r\n:2\r\n:3\r\n$1\r\nb\r\n%1\r\n$1\r\nx\r\n*1\r\n:1\r\n",
        "1# \"a\" => \n"
        "   1) (integer) 1\n"
        "   2) 1) (integer) 2\n"
        "      2) (integer) 3\n"
        "2# \"b\" => 1# \"x\" => 1) (integer) 1\n",
        "a 1\n2\n3\nb x 1", "{\"a\":[1,[2,3]],\"b\":{\"x\":[1]}}");
    // redis-cli -3 --no-raw eval "redis.setresp(3); return {1,{map={a={1,2}}}}" 0
    row("map in a list", "*2\r\n:1\r\n%1\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n",
        "1) (integer) 1\n"
        "2) 1# \"a\" => \n"
        "      1) (integer) 1\n"
        "      2) (integer) 2\n",
        "1\na 1\n2", "[1,{\"a\":[1,2]}]");
    // redis-cli -3 --no-raw debug protocol map
    row("map with other keys", "%2\r\n:0\r\n#f\r\n:1\r\n#t\r\n",
        "1# (integer) 0 => (false)\n2# (integer) 1 => (true)\n", "0 (false)\n1 (true)",
        "{\"0\":false,\"1\":true}");
    row("set", "~2\r\n$1\r\na\r\n$1\r\nb\r\n", "1~ \"a\"\n2~ \"b\"\n", "a\nb", "[\"a\",\"b\"]");
    row("push", ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
        "1) \"message\"\n2) \"ch\"\n3) \"hi\"\n", "message\nch\nhi", "[\"message\",\"ch\",\"hi\"]");
    row("double", ",3.141\r\n", "(double) 3.141\n", "3.141", "3.141");
    row("double exponent", ",1.5e+20\r\n", "(double) 1.5e+20\n", "1.5e+20", "1.5e+20");
    row("double inf", ",-inf\r\n", "(double) -inf\n", "-inf", "\"-inf\"");
    row("double nan", ",nan\r\n", "(double) nan\n", "nan", "\"nan\"");
    row("true", "#t\r\n", "(true)\n", "(true)", "true");
    row("false", "#f\r\n", "(false)\n", "(false)", "false");
    row("big number", "(1234567999999999999999999999999999999\r\n",
        "(big number) 1234567999999999999999999999999999999\n",
        "1234567999999999999999999999999999999", "1234567999999999999999999999999999999");
    row("verbatim", "=25\r\ntxt:This is a verbatim\nst\r\n", "This is a verbatim\nst\n",
        "This is a verbatim\nst", "\"This is a verbatim\\nst\"");
}

void TestReplyFormatter::tty()
{
    QFETCH(QByteArray, resp);
    QFETCH(QByteArray, tty);
    QCOMPARE(ReplyFormatter::toTty(parsed(resp)), tty);
}

void TestReplyFormatter::raw()
{
    QFETCH(QByteArray, resp);
    QFETCH(QByteArray, raw);
    QCOMPARE(ReplyFormatter::toRaw(parsed(resp)), raw);
}

void TestReplyFormatter::json()
{
    QFETCH(QByteArray, resp);
    QFETCH(QByteArray, json);
    QCOMPARE(ReplyFormatter::toJson(parsed(resp)), json);
}

QTEST_GUILESS_MAIN(TestReplyFormatter)
#include "tst_replyformatter.moc"
