// Listpack: every encoding boundary, byte for byte against blocks Redis 7.0 wrote, walking both
// ways, seek, insert, replace, erase, find, the element-count marker, copies and moves.
//
// The expected bytes come from a redis-server 7.0.15 (hash-max-listpack-value and -entries
// raised, rdbcompression off): HSET of the elements in order, DUMP, and the listpack blob taken
// out of the RDB payload (type 16, RDB_TYPE_HASH_LISTPACK). A hash listpack holds field, value,
// field, value... in insertion order, which is what appending the same elements here builds.
#include "store/listpack.h"

#include <QCryptographicHash>
#include <QTest>

#include <algorithm>
#include <climits>

namespace {

// The generated text of the big rows: the same bytes the Redis session wrote,
// bytes((ord('a') + (i * 7 + i // 26) % 26) for i in range(n)).
QByteArray pattern(int n)
{
    QByteArray s(n, Qt::Uninitialized);
    for (int i = 0; i < n; ++i)
        s[i] = char('a' + (i * 7 + i / 26) % 26);
    return s;
}

Listpack build(const QByteArrayList &elements)
{
    Listpack lp;
    for (const QByteArray &e : elements)
        lp.append(e);
    return lp;
}

QByteArray blob(const Listpack &lp)
{
    return QByteArray(reinterpret_cast<const char *>(lp.data()), qsizetype(lp.bytes()));
}

// The bytes between the header and the end byte.
QByteArray elementBytes(const Listpack &lp)
{
    return blob(lp).mid(6, qsizetype(lp.bytes()) - 7);
}

QByteArray textAt(const Listpack &lp, Listpack::Position p)
{
    char buffer[24];
    return lp.at(p).text(buffer).toByteArray();
}

QByteArrayList forward(const Listpack &lp)
{
    QByteArrayList out;
    for (Listpack::Position p = lp.first(); p; p = lp.next(p))
        out.append(textAt(lp, p));
    return out;
}

QByteArrayList backward(const Listpack &lp)
{
    QByteArrayList out;
    for (Listpack::Position p = lp.last(); p; p = lp.prev(p))
        out.prepend(textAt(lp, p));
    return out;
}

QByteArray header(const Listpack &lp)
{
    return blob(lp).left(6).toHex();
}

// Size, first and last 16 bytes, SHA-256: a block too big to spell out, in one comparison.
QByteArray summary(const Listpack &lp)
{
    const QByteArray b = blob(lp);
    return QByteArray::number(b.size()) + ' ' + b.left(16).toHex() + ' ' + b.right(16).toHex() + ' '
            + QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex();
}

// Elements that cover every encoding and every back-length width under 2 MB.
QByteArrayList mixedElements()
{
    return { "0",
             "127",
             "128",
             "-1",
             "4095",
             "-4096",
             "4096",
             "-4097",
             "32767",
             "-32768",
             "32768",
             "-32769",
             "8388607",
             "-8388608",
             "8388608",
             "-8388609",
             "2147483647",
             "-2147483648",
             "2147483648",
             "-2147483649",
             "9223372036854775807",
             "-9223372036854775808",
             "",
             "a",
             QByteArray("\xff\x00\xff", 3),
             "-0",
             "01",
             "+1",
             " 1",
             "9223372036854775808",
             pattern(63),
             pattern(64),
             pattern(125),
             pattern(126),
             pattern(4095),
             pattern(4096),
             pattern(16377),
             pattern(16378),
             "x" };
}

} // namespace

class TestListpack : public QObject
{
    Q_OBJECT

private slots:
    void empty();
    void integerEncoding_data();
    void integerEncoding();
    void stringEncoding_data();
    void stringEncoding();
    void integerLookingStrings_data();
    void integerLookingStrings();
    void redisBytes_data();
    void redisBytes();
    void redisDigest_data();
    void redisDigest();
    void walkForwardAndBackward_data();
    void walkForwardAndBackward();
    void seek_data();
    void seek();
    void insert_data();
    void insert();
    void insertReturnsPosition();
    void insertInteger_data();
    void insertInteger();
    void replace_data();
    void replace();
    void replaceInteger_data();
    void replaceInteger();
    void erase_data();
    void erase();
    void find_data();
    void find();
    void elementAccessors();
    void countPassesTheMarker();
    void copyAndMove();
    void clear();
};

void TestListpack::empty()
{
    Listpack lp;
    QCOMPARE(blob(lp).toHex(), QByteArray("070000000000ff"));
    QCOMPARE(lp.size(), 0);
    QVERIFY(lp.isEmpty());
    QCOMPARE(lp.first(), Listpack::Position(0));
    QCOMPARE(lp.last(), Listpack::Position(0));
    QCOMPARE(lp.seek(0), Listpack::Position(0));
    QCOMPARE(lp.seek(-1), Listpack::Position(0));
    QCOMPARE(lp.find(lp.first(), "a"), Listpack::Position(0));
    QVERIFY(lp.allocatedBytes() >= lp.bytes());
}

void TestListpack::integerEncoding_data()
{
    // The element (encoding, data, back length) each integer takes: lpEncodeIntegerGetType.
    QTest::addColumn<qint64>("value");
    QTest::addColumn<QByteArray>("element");
    QTest::newRow("0") << qint64(0) << QByteArray("0001");
    QTest::newRow("1") << qint64(1) << QByteArray("0101");
    QTest::newRow("127") << qint64(127) << QByteArray("7f01");
    QTest::newRow("128") << qint64(128) << QByteArray("c08002");
    QTest::newRow("-1") << qint64(-1) << QByteArray("dfff02");
    QTest::newRow("-128") << qint64(-128) << QByteArray("df8002");
    QTest::newRow("4095") << qint64(4095) << QByteArray("cfff02");
    QTest::newRow("-4096") << qint64(-4096) << QByteArray("d00002");
    QTest::newRow("4096") << qint64(4096) << QByteArray("f1001003");
    QTest::newRow("-4097") << qint64(-4097) << QByteArray("f1ffef03");
    QTest::newRow("32767") << qint64(32767) << QByteArray("f1ff7f03");
    QTest::newRow("-32768") << qint64(-32768) << QByteArray("f1008003");
    QTest::newRow("32768") << qint64(32768) << QByteArray("f200800004");
    QTest::newRow("-32769") << qint64(-32769) << QByteArray("f2ff7fff04");
    QTest::newRow("8388607") << qint64(8388607) << QByteArray("f2ffff7f04");
    QTest::newRow("-8388608") << qint64(-8388608) << QByteArray("f200008004");
    QTest::newRow("8388608") << qint64(8388608) << QByteArray("f30000800005");
    QTest::newRow("-8388609") << qint64(-8388609) << QByteArray("f3ffff7fff05");
    QTest::newRow("2147483647") << qint64(2147483647) << QByteArray("f3ffffff7f05");
    QTest::newRow("-2147483648") << qint64(-2147483648LL) << QByteArray("f30000008005");
    QTest::newRow("2147483648") << qint64(2147483648LL) << QByteArray("f4000000800000000009");
    QTest::newRow("-2147483649") << qint64(-2147483649LL) << QByteArray("f4ffffff7fffffffff09");
    QTest::newRow("4294967296") << qint64(4294967296LL) << QByteArray("f4000000000100000009");
    QTest::newRow("9223372036854775807") << qint64(LLONG_MAX) << QByteArray("f4ffffffffffffff7f09");
    QTest::newRow("-9223372036854775808")
            << qint64(LLONG_MIN) << QByteArray("f4000000000000008009");
}

void TestListpack::integerEncoding()
{
    QFETCH(qint64, value);
    QFETCH(QByteArray, element);
    const QByteArray text = QByteArray::number(value);

    Listpack fromInteger;
    fromInteger.insertInteger(0, value);
    Listpack fromText;
    fromText.append(text);

    QCOMPARE(elementBytes(fromInteger).toHex(), element);
    QCOMPARE(elementBytes(fromText).toHex(), element);
    QCOMPARE(fromText.bytes(), size_t(7 + element.size() / 2));
    QCOMPARE(Listpack::encodedSize(text), size_t(element.size() / 2));
    const Listpack::Element e = fromText.at(fromText.first());
    QVERIFY(e.isInteger);
    QCOMPARE(qint64(e.integer), value);
    QCOMPARE(textAt(fromText, fromText.first()), text);
    // Read back from the other end too: the back length must lead to the same element.
    QCOMPARE(fromText.last(), fromText.first());
}

void TestListpack::stringEncoding_data()
{
    // A string of `length` generated bytes: its encoding header, and its back length (whose
    // width changes at Redis's odd limits: 127, 16383, 2097151 encoded bytes).
    QTest::addColumn<int>("length");
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("backlen");
    QTest::newRow("0") << 0 << QByteArray("80") << QByteArray("01");
    QTest::newRow("1") << 1 << QByteArray("81") << QByteArray("02");
    QTest::newRow("63") << 63 << QByteArray("bf") << QByteArray("40");
    QTest::newRow("64") << 64 << QByteArray("e040") << QByteArray("42");
    QTest::newRow("125") << 125 << QByteArray("e07d") << QByteArray("7f");
    QTest::newRow("126") << 126 << QByteArray("e07e") << QByteArray("0180");
    QTest::newRow("4095") << 4095 << QByteArray("efff") << QByteArray("2081");
    QTest::newRow("4096") << 4096 << QByteArray("f000100000") << QByteArray("2085");
    QTest::newRow("16377") << 16377 << QByteArray("f0f93f0000") << QByteArray("7ffe");
    QTest::newRow("16378") << 16378 << QByteArray("f0fa3f0000") << QByteArray("00ffff");
    QTest::newRow("2097145") << 2097145 << QByteArray("f0f9ff1f00") << QByteArray("7ffffe");
    QTest::newRow("2097146") << 2097146 << QByteArray("f0faff1f00") << QByteArray("00ffffff");
}

void TestListpack::stringEncoding()
{
    QFETCH(int, length);
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, backlen);
    const QByteArray value = pattern(length);
    // Between two small elements, so the walk has to cross it both ways.
    Listpack lp;
    lp.append("a");
    const Listpack::Position p = lp.insert(0, value);
    lp.append("z");

    const QByteArray bytes = elementBytes(lp);
    const qsizetype size = head.size() / 2 + length + backlen.size() / 2;
    QCOMPARE(lp.bytes(), size_t(6 + 3 + size + 3 + 1));
    QCOMPARE(Listpack::encodedSize(value), size_t(size));
    QCOMPARE(bytes.mid(3, head.size() / 2).toHex(), head);
    QCOMPARE(bytes.mid(3 + size - backlen.size() / 2, backlen.size() / 2).toHex(), backlen);
    QVERIFY(lp.at(p).string == QByteArrayView(value));
    QVERIFY(!lp.at(p).isInteger);
    QCOMPARE(lp.next(lp.first()), p);
    QCOMPARE(lp.prev(lp.last()), p);
    QCOMPARE(lp.prev(p), lp.first());
    QCOMPARE(lp.size(), 3);
}

void TestListpack::integerLookingStrings_data()
{
    // string2ll's rules: no sign but '-', no leading zeros, no spaces, within 64 bits.
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("isInteger");
    QTest::newRow("12") << QByteArray("12") << true;
    QTest::newRow("0") << QByteArray("0") << true;
    QTest::newRow("-1") << QByteArray("-1") << true;
    QTest::newRow("-0") << QByteArray("-0") << false;
    QTest::newRow("00") << QByteArray("00") << false;
    QTest::newRow("01") << QByteArray("01") << false;
    QTest::newRow("-01") << QByteArray("-01") << false;
    QTest::newRow("+1") << QByteArray("+1") << false;
    QTest::newRow(" 1") << QByteArray(" 1") << false;
    QTest::newRow("1 ") << QByteArray("1 ") << false;
    QTest::newRow("-") << QByteArray("-") << false;
    QTest::newRow("empty") << QByteArray("") << false;
    QTest::newRow("1.0") << QByteArray("1.0") << false;
    QTest::newRow("1e3") << QByteArray("1e3") << false;
    QTest::newRow("0x10") << QByteArray("0x10") << false;
    QTest::newRow("1\\0") << QByteArray("1\0", 2) << false;
    QTest::newRow("9223372036854775807") << QByteArray("9223372036854775807") << true;
    QTest::newRow("9223372036854775808") << QByteArray("9223372036854775808") << false;
    QTest::newRow("-9223372036854775808") << QByteArray("-9223372036854775808") << true;
    QTest::newRow("-9223372036854775809") << QByteArray("-9223372036854775809") << false;
    QTest::newRow("18446744073709551615") << QByteArray("18446744073709551615") << false;
    QTest::newRow("18446744073709551616") << QByteArray("18446744073709551616") << false;
    QTest::newRow("99999999999999999999") << QByteArray("99999999999999999999") << false;
    QTest::newRow("100000000000000000000") << QByteArray("100000000000000000000") << false;
}

void TestListpack::integerLookingStrings()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, isInteger);
    long long number = 0;
    QCOMPARE(Listpack::stringToInteger(value, &number), isInteger);

    Listpack lp;
    lp.append("before");
    const Listpack::Position p = lp.insert(0, value);
    lp.append("after");
    QCOMPARE(lp.at(p).isInteger, isInteger);
    QCOMPARE(textAt(lp, p), value);
    QVERIFY(lp.at(p).equals(value));
    QCOMPARE(lp.find(lp.first(), value), p);
    QCOMPARE(backward(lp), QByteArrayList({ "before", value, "after" }));
    QCOMPARE(Listpack::encodedSize(value), size_t(lp.bytes() - 7 - 8 - 7));
    long long read = 0;
    QCOMPARE(lp.at(p).toLongLong(&read), isInteger);
    if (isInteger)
        QCOMPARE(read, number);
}

void TestListpack::redisBytes_data()
{
    QTest::addColumn<QByteArrayList>("elements");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("0 127 1 126") << QByteArrayList { "0", "127", "1", "126" }
                                 << QByteArray("0f000000040000017f0101017e01ff");
    QTest::newRow("128 -1 4095 -4096 -128 129")
            << QByteArrayList { "128", "-1", "4095", "-4096", "-128", "129" }
            << QByteArray("190000000600c08002dfff02cfff02d00002df8002c08102ff");
    QTest::newRow("-4097 4096") << QByteArrayList { "-4097", "4096" }
                                << QByteArray("0f0000000200f1ffef03f1001003ff");
    QTest::newRow("32767 -32768 32768 -32769")
            << QByteArrayList { "32767", "-32768", "32768", "-32769" }
            << QByteArray("190000000400f1ff7f03f1008003f200800004f2ff7fff04ff");
    QTest::newRow("8388607 -8388608 8388608 -8388609")
            << QByteArrayList { "8388607", "-8388608", "8388608", "-8388609" }
            << QByteArray("1d0000000400f2ffff7f04f200008004f30000800005f3ffff7fff05ff");
    QTest::newRow("2147483647 -2147483648 2147483648 -2147483649")
            << QByteArrayList { "2147483647", "-2147483648", "2147483648", "-2147483649" }
            << QByteArray("270000000400f3ffffff7f05f30000008005f4000000800000000009f4ffffff7fff"
                          "ffffff09ff");
    QTest::newRow("int64 max, min, 2^32, -2^32")
            << QByteArrayList { "9223372036854775807", "-9223372036854775808", "4294967296",
                                "-4294967296" }
            << QByteArray("2f0000000400f4ffffffffffffff7f09f4000000000000008009f40000000001000000"
                          "09f400000000ffffffff09ff");
    QTest::newRow("-0 01 +1 ' 1' 2^63 -2^63-1 '1 ' 0x1")
            << QByteArrayList { "-0",
                                "01",
                                "+1",
                                " 1",
                                "9223372036854775808",
                                "-9223372036854775809",
                                "1 ",
                                "0x1" }
            << QByteArray("4b0000000800822d300382303103822b310382203103933932323333373230333638"
                          "353437373538303814942d393232333337323033363835343737353830391582312003"
                          "8330783104ff");
    QTest::newRow("'' a ab ff00ff")
            << QByteArrayList { "", "a", "ab", QByteArray("\xff\x00\xff", 3) }
            << QByteArray("15000000040080018161028261620383ff00ff04ff");
    QTest::newRow("63 and 64 bytes")
            << QByteArrayList { pattern(63), pattern(64) }
            << QByteArray("8b0000000200bf61686f76636a7178656c737a676e7562697077646b7279666d746269"
                          "7077646b7279666d7461686f76636a7178656c737a676e75636a7178656c737a676e75"
                          "40e04061686f76636a7178656c737a676e7562697077646b7279666d7462697077646b"
                          "7279666d7461686f76636a7178656c737a676e75636a7178656c737a676e756242ff");
}

void TestListpack::redisBytes()
{
    QFETCH(QByteArrayList, elements);
    QFETCH(QByteArray, expected);
    const Listpack lp = build(elements);
    QCOMPARE(blob(lp).toHex(), expected);
    QCOMPARE(lp.size(), elements.size());
    QCOMPARE(forward(lp), elements);
}

void TestListpack::redisDigest_data()
{
    // Blocks too big to spell out: their size, first and last 16 bytes, and SHA-256.
    QTest::addColumn<QByteArrayList>("elements");
    QTest::addColumn<int>("bytes");
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("tail");
    QTest::addColumn<QByteArray>("sha256");
    QTest::newRow("63 and 64 bytes")
            << QByteArrayList { pattern(63), pattern(64) } << 139
            << QByteArray("8b0000000200bf61686f76636a717865")
            << QByteArray("6e75636a7178656c737a676e756242ff")
            << QByteArray("ae46a10ef6f9bb50bcfea5d2bde9f616047e563d2ed06655df9b4ca525ee5023");
    QTest::newRow("125 and 126 bytes")
            << QByteArrayList { pattern(125), pattern(126) } << 265
            << QByteArray("090100000200e07d61686f76636a7178")
            << QByteArray("7077646b7279666d7461686f760180ff")
            << QByteArray("02e4ba15aa1f702d8dd207cab8d7f719f1a9be44068cc5c13f7c7dff193bc676");
    QTest::newRow("4095 and 4096 bytes")
            << QByteArrayList { pattern(4095), pattern(4096) } << 8209
            << QByteArray("112000000200efff61686f76636a7178")
            << QByteArray("697077646b7279666d7461686f2085ff")
            << QByteArray("f5443f678b656bb247f7e41cb456233cfbb27513cdde6a4af31ad9d131d33198");
    QTest::newRow("16377 and 16378 bytes")
            << QByteArrayList { pattern(16377), pattern(16378) } << 32777
            << QByteArray("098000000200f0f93f000061686f7663")
            << QByteArray("6c737a676e7562697077646b00ffffff")
            << QByteArray("9f3e86348ce851e1c7a61f64a4cfcf1c909d464aceef91c29764b5be3e0dabbc");
    QTest::newRow("x, 16383 bytes, 2 bytes, -70000")
            << QByteArrayList { "x", pattern(16383), pattern(2), "-70000" } << 16410
            << QByteArray("1a4000000400817802f0ff3f00006168")
            << QByteArray("676e7501808482616803f290eefe04ff")
            << QByteArray("f7f92cc30be4a81f5362d1e1469348040d7180749438f2560577787fb1719b36");
    QTest::newRow("2097145 and 2097146 bytes")
            << QByteArrayList { pattern(2097145), pattern(2097146) } << 4194315
            << QByteArray("0b0040000200f0f9ff1f0061686f7663")
            << QByteArray("6f76636a7178656c737a6700ffffffff")
            << QByteArray("c555e89d9cf8da53388b89b802ae27340e2fcefd8757c48cbee8b9f8110bd189");
}

void TestListpack::redisDigest()
{
    QFETCH(QByteArrayList, elements);
    QFETCH(int, bytes);
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, tail);
    QFETCH(QByteArray, sha256);
    const Listpack lp = build(elements);
    const QByteArray b = blob(lp);
    QCOMPARE(b.size(), bytes);
    QCOMPARE(b.left(16).toHex(), head);
    QCOMPARE(b.right(16).toHex(), tail);
    QCOMPARE(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex(), sha256);
    QCOMPARE(lp.size(), elements.size());
}

void TestListpack::walkForwardAndBackward_data()
{
    QTest::addColumn<QByteArrayList>("elements");
    QTest::newRow("one") << QByteArrayList { "a" };
    QTest::newRow("one integer") << QByteArrayList { "-70000" };
    QTest::newRow("every encoding") << mixedElements();
    QByteArrayList reversed = mixedElements();
    std::reverse(reversed.begin(), reversed.end());
    QTest::newRow("every encoding reversed") << reversed;
    QTest::newRow("2 MB strings") << QByteArrayList { "1", pattern(2097145), "2", pattern(2097146),
                                                      "3" };
}

void TestListpack::walkForwardAndBackward()
{
    QFETCH(QByteArrayList, elements);
    const Listpack lp = build(elements);
    QCOMPARE(lp.size(), elements.size());
    QCOMPARE(forward(lp), elements);
    QCOMPARE(backward(lp), elements);
    QCOMPARE(lp.prev(lp.first()), Listpack::Position(0));
    QCOMPARE(lp.next(lp.last()), Listpack::Position(0));
    // Positions agree both ways, and with seek.
    QList<Listpack::Position> ahead;
    for (Listpack::Position p = lp.first(); p; p = lp.next(p))
        ahead.append(p);
    QList<Listpack::Position> behind;
    for (Listpack::Position p = lp.last(); p; p = lp.prev(p))
        behind.prepend(p);
    QCOMPARE(behind, ahead);
    for (qsizetype i = 0; i < ahead.size(); ++i) {
        QCOMPARE(lp.seek(i), ahead.at(i));
        QCOMPARE(lp.seek(i - ahead.size()), ahead.at(i));
    }
    size_t sum = 7;
    for (const QByteArray &e : elements)
        sum += Listpack::encodedSize(e);
    QCOMPARE(lp.bytes(), sum);
}

void TestListpack::seek_data()
{
    QTest::addColumn<qsizetype>("index");
    QTest::addColumn<QByteArray>("expected"); // null: no element
    QTest::newRow("0") << qsizetype(0) << QByteArray("e0");
    QTest::newRow("1") << qsizetype(1) << QByteArray("1");
    QTest::newRow("4") << qsizetype(4) << QByteArray("e4");
    QTest::newRow("5") << qsizetype(5) << QByteArray("-5");
    QTest::newRow("6") << qsizetype(6) << QByteArray("e6");
    QTest::newRow("8") << qsizetype(8) << QByteArray("e8");
    QTest::newRow("9") << qsizetype(9) << QByteArray("-9");
    QTest::newRow("10") << qsizetype(10) << QByteArray();
    QTest::newRow("1000") << qsizetype(1000) << QByteArray();
    QTest::newRow("-1") << qsizetype(-1) << QByteArray("-9");
    QTest::newRow("-2") << qsizetype(-2) << QByteArray("e8");
    QTest::newRow("-5") << qsizetype(-5) << QByteArray("-5");
    QTest::newRow("-6") << qsizetype(-6) << QByteArray("e4");
    QTest::newRow("-10") << qsizetype(-10) << QByteArray("e0");
    QTest::newRow("-11") << qsizetype(-11) << QByteArray();
    QTest::newRow("-1000") << qsizetype(-1000) << QByteArray();
}

void TestListpack::seek()
{
    QFETCH(qsizetype, index);
    QFETCH(QByteArray, expected);
    // Strings at even indexes, integers at odd ones (negative from 5 on).
    Listpack lp;
    for (int i = 0; i < 10; ++i)
        lp.append(i % 2 ? QByteArray::number(i < 5 ? i : -i) : "e" + QByteArray::number(i));
    const Listpack::Position p = lp.seek(index);
    if (expected.isNull())
        QCOMPARE(p, Listpack::Position(0));
    else
        QCOMPARE(p ? textAt(lp, p) : QByteArray("(none)"), expected);
}

void TestListpack::insert_data()
{
    // Inserting value before the element at index (-1: at the end) of a b c.
    QTest::addColumn<int>("index");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::newRow("head string") << 0 << QByteArray("x") << QByteArrayList { "x", "a", "b", "c" };
    QTest::newRow("head integer") << 0 << QByteArray("-70000")
                                  << QByteArrayList { "-70000", "a", "b", "c" };
    QTest::newRow("middle string")
            << 1 << QByteArray("xyz") << QByteArrayList { "a", "xyz", "b", "c" };
    QTest::newRow("middle integer")
            << 2 << QByteArray("12") << QByteArrayList { "a", "b", "12", "c" };
    QTest::newRow("middle 4096 bytes")
            << 1 << pattern(4096) << QByteArrayList { "a", pattern(4096), "b", "c" };
    QTest::newRow("middle 16378 bytes")
            << 2 << pattern(16378) << QByteArrayList { "a", "b", pattern(16378), "c" };
    QTest::newRow("end string") << -1 << QByteArray("x") << QByteArrayList { "a", "b", "c", "x" };
    QTest::newRow("end int64") << -1 << QByteArray("-9223372036854775808")
                               << QByteArrayList { "a", "b", "c", "-9223372036854775808" };
    QTest::newRow("before last") << 2 << QByteArray("") << QByteArrayList { "a", "b", "", "c" };
}

void TestListpack::insert()
{
    QFETCH(int, index);
    QFETCH(QByteArray, value);
    QFETCH(QByteArrayList, expected);
    Listpack lp = build({ "a", "b", "c" });
    const Listpack::Position p = lp.insert(index < 0 ? 0 : lp.seek(index), value);
    QCOMPARE(textAt(lp, p), value);
    QCOMPARE(p, lp.seek(index < 0 ? -1 : index));
    QCOMPARE(forward(lp), expected);
    QCOMPARE(backward(lp), expected);
    QCOMPARE(lp.size(), expected.size());
    // The format has one spelling per sequence: the bytes of the same list built in order.
    QCOMPARE(blob(lp).toHex(), blob(build(expected)).toHex());
}

void TestListpack::insertReturnsPosition()
{
    // Prepend and append, alternately, with every encoding: the returned positions stay right.
    Listpack lp;
    QByteArrayList expected;
    const QByteArrayList values = mixedElements();
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i % 2) {
            lp.prepend(values.at(i));
            expected.prepend(values.at(i));
            QCOMPARE(textAt(lp, lp.first()), values.at(i));
        } else {
            const Listpack::Position p = lp.insert(0, values.at(i));
            expected.append(values.at(i));
            QCOMPARE(p, lp.last());
        }
        QCOMPARE(lp.size(), expected.size());
    }
    QCOMPARE(forward(lp), expected);
    QCOMPARE(backward(lp), expected);
    QCOMPARE(blob(lp).toHex(), blob(build(expected)).toHex());
}

void TestListpack::insertInteger_data()
{
    QTest::addColumn<qint64>("value");
    QTest::newRow("0") << qint64(0);
    QTest::newRow("-4096") << qint64(-4096);
    QTest::newRow("-8388609") << qint64(-8388609);
    QTest::newRow("2147483648") << qint64(2147483648LL);
    QTest::newRow("int64 min") << qint64(LLONG_MIN);
    QTest::newRow("int64 max") << qint64(LLONG_MAX);
}

void TestListpack::insertInteger()
{
    QFETCH(qint64, value);
    const QByteArray text = QByteArray::number(value);
    Listpack lp = build({ "a", "b" });
    const Listpack::Position p = lp.insertInteger(lp.seek(1), value);
    QCOMPARE(p, lp.seek(1));
    QCOMPARE(qint64(lp.at(p).integer), value);
    QCOMPARE(lp.size(), 3);
    QCOMPARE(blob(lp).toHex(), blob(build({ "a", text, "b" })).toHex());
    lp.insertInteger(0, value);
    QCOMPARE(blob(lp).toHex(), blob(build({ "a", text, "b", text })).toHex());
}

void TestListpack::replace_data()
{
    // Replacing the element at index of: 7, "mid", -70000, <200 bytes>, "z".
    QTest::addColumn<int>("index");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("first by longer string") << 0 << QByteArray("seven");
    QTest::newRow("first by integer") << 0 << QByteArray("-9223372036854775808");
    QTest::newRow("string by longer string") << 1 << QByteArray("middle element");
    QTest::newRow("string by shorter string") << 1 << QByteArray("m");
    QTest::newRow("string by empty string") << 1 << QByteArray("");
    QTest::newRow("string by integer") << 1 << QByteArray("5");
    QTest::newRow("string by integer-like string") << 1 << QByteArray("05");
    QTest::newRow("string by 4096 bytes") << 1 << pattern(4096);
    QTest::newRow("string by 16378 bytes") << 1 << pattern(16378);
    QTest::newRow("integer by smaller integer") << 2 << QByteArray("3");
    QTest::newRow("integer by bigger integer") << 2 << QByteArray("4294967296");
    QTest::newRow("integer by string") << 2 << QByteArray("abc");
    QTest::newRow("200 bytes by 1 byte") << 3 << QByteArray("q");
    QTest::newRow("200 bytes by 125 bytes") << 3 << pattern(125);
    QTest::newRow("200 bytes by integer") << 3 << QByteArray("100");
    QTest::newRow("last by longer string") << 4 << pattern(300);
    QTest::newRow("last by integer") << 4 << QByteArray("-1");
    QTest::newRow("same value") << 1 << QByteArray("mid");
}

void TestListpack::replace()
{
    QFETCH(int, index);
    QFETCH(QByteArray, value);
    QByteArrayList expected { "7", "mid", "-70000", pattern(200), "z" };
    Listpack lp = build(expected);
    expected[index] = value;
    const Listpack::Position p = lp.replace(lp.seek(index), value);
    QCOMPARE(p, lp.seek(index));
    QCOMPARE(textAt(lp, p), value);
    QCOMPARE(lp.size(), expected.size());
    QCOMPARE(forward(lp), expected);
    QCOMPARE(backward(lp), expected);
    QCOMPARE(blob(lp).toHex(), blob(build(expected)).toHex());
}

void TestListpack::replaceInteger_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<qint64>("value");
    QTest::newRow("string by 0") << 0 << qint64(0);
    QTest::newRow("integer by int64 max") << 1 << qint64(LLONG_MAX);
    QTest::newRow("integer by 13-bit") << 1 << qint64(-4096);
    QTest::newRow("long string by 24-bit") << 2 << qint64(8388607);
}

void TestListpack::replaceInteger()
{
    QFETCH(int, index);
    QFETCH(qint64, value);
    QByteArrayList expected { "s", "-70000", pattern(5000), "z" };
    Listpack lp = build(expected);
    expected[index] = QByteArray::number(value);
    const Listpack::Position p = lp.replaceInteger(lp.seek(index), value);
    QCOMPARE(p, lp.seek(index));
    QCOMPARE(qint64(lp.at(p).integer), value);
    QCOMPARE(backward(lp), expected);
    QCOMPARE(blob(lp).toHex(), blob(build(expected)).toHex());
}

void TestListpack::erase_data()
{
    // Erasing count elements from index of e0, 1, e2, -3, <5000 bytes>, 5, e6, 70000, e8, 9.
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("count");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::addColumn<QByteArray>("following"); // null: none followed
    QTest::newRow("first") << 0 << 1 << QByteArrayList { "1",  "e2",    "-3", "big", "5",
                                                         "e6", "70000", "e8", "9" }
                           << QByteArray("1");
    QTest::newRow("middle") << 3 << 1 << QByteArrayList { "e0", "1",     "e2", "big", "5",
                                                          "e6", "70000", "e8", "9" }
                            << QByteArray("big");
    QTest::newRow("big one") << 4 << 1 << QByteArrayList { "e0", "1",     "e2", "-3", "5",
                                                           "e6", "70000", "e8", "9" }
                             << QByteArray("5");
    QTest::newRow("last") << 9 << 1 << QByteArrayList { "e0", "1",  "e2",    "-3", "big",
                                                        "5",  "e6", "70000", "e8" }
                          << QByteArray();
    QTest::newRow("range from the head")
            << 0 << 3 << QByteArrayList { "-3", "big", "5", "e6", "70000", "e8", "9" }
            << QByteArray("-3");
    QTest::newRow("range across the big one")
            << 3 << 4 << QByteArrayList { "e0", "1", "e2", "70000", "e8", "9" }
            << QByteArray("70000");
    QTest::newRow("range to the end")
            << 6 << 4 << QByteArrayList { "e0", "1", "e2", "-3", "big", "5" } << QByteArray();
    QTest::newRow("range past the end")
            << 7 << 100 << QByteArrayList { "e0", "1", "e2", "-3", "big", "5", "e6" }
            << QByteArray();
    QTest::newRow("everything") << 0 << 10 << QByteArrayList {} << QByteArray();
    QTest::newRow("nothing") << 2 << 0 << QByteArrayList { "e0", "1",  "e2",    "-3", "big",
                                                           "5",  "e6", "70000", "e8", "9" }
                             << QByteArray("e2");
}

void TestListpack::erase()
{
    QFETCH(int, index);
    QFETCH(int, count);
    QFETCH(QByteArrayList, expected);
    QFETCH(QByteArray, following);
    const QByteArray big = pattern(5000);
    auto expand = [&](QByteArrayList list) {
        for (QByteArray &e : list) {
            if (e == "big")
                e = big;
        }
        return list;
    };
    const QByteArrayList initial { "e0", "1", "e2", "-3", "big", "5", "e6", "70000", "e8", "9" };
    Listpack lp = build(expand(initial));
    expected = expand(expected);
    const Listpack::Position p = lp.erase(lp.seek(index), count);
    if (following.isNull())
        QCOMPARE(p, Listpack::Position(0));
    else
        QCOMPARE(p ? textAt(lp, p) : QByteArray("(none)"), expand({ following }).first());
    QCOMPARE(lp.size(), expected.size());
    QCOMPARE(lp.isEmpty(), expected.isEmpty());
    QCOMPARE(forward(lp), expected);
    QCOMPARE(backward(lp), expected);
    QCOMPARE(blob(lp).toHex(), blob(build(expected)).toHex());
}

void TestListpack::find_data()
{
    // Searching, from the element at `from`, the field/value listpack
    //   a 1 | b 2 | 1 a | <5000 bytes> x | -70000 01 | c -70000 | 0 ""
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("skip");
    QTest::addColumn<int>("expected"); // index, or -1
    QTest::newRow("a") << QByteArray("a") << 0 << 0 << 0;
    QTest::newRow("a in values") << QByteArray("a") << 1 << 1 << 5;
    QTest::newRow("1") << QByteArray("1") << 0 << 0 << 1;
    QTest::newRow("1 in fields") << QByteArray("1") << 0 << 1 << 4;
    QTest::newRow("1 in values") << QByteArray("1") << 1 << 1 << 1;
    QTest::newRow("1 from 2") << QByteArray("1") << 2 << 0 << 4;
    QTest::newRow("b in values") << QByteArray("b") << 1 << 1 << -1;
    QTest::newRow("x") << QByteArray("x") << 0 << 0 << 7;
    QTest::newRow("x in fields") << QByteArray("x") << 0 << 1 << -1;
    QTest::newRow("x in values") << QByteArray("x") << 1 << 1 << 7;
    QTest::newRow("-70000") << QByteArray("-70000") << 0 << 0 << 8;
    QTest::newRow("-70000 in values") << QByteArray("-70000") << 1 << 1 << 11;
    QTest::newRow("01") << QByteArray("01") << 0 << 0 << 9;
    QTest::newRow("01 in fields") << QByteArray("01") << 0 << 1 << -1;
    QTest::newRow("c") << QByteArray("c") << 0 << 1 << 10;
    QTest::newRow("+1") << QByteArray("+1") << 0 << 0 << -1;
    QTest::newRow("2") << QByteArray("2") << 0 << 0 << 3;
    QTest::newRow("empty") << QByteArray("") << 0 << 0 << 13;
    QTest::newRow("empty in fields") << QByteArray("") << 0 << 1 << -1;
    QTest::newRow("0") << QByteArray("0") << 0 << 0 << 12;
    QTest::newRow("-0") << QByteArray("-0") << 0 << 0 << -1;
    QTest::newRow("00") << QByteArray("00") << 0 << 0 << -1;
    QTest::newRow("0 in values") << QByteArray("0") << 1 << 1 << -1;
    QTest::newRow("from the last") << QByteArray("-70000") << 11 << 0 << 11;
    QTest::newRow("long") << pattern(5000) << 0 << 1 << 6;
    QTest::newRow("long prefix") << pattern(4999) << 0 << 0 << -1;
}

void TestListpack::find()
{
    QFETCH(QByteArray, value);
    QFETCH(int, from);
    QFETCH(int, skip);
    QFETCH(int, expected);
    const Listpack lp = build({ "a", "1", "b", "2", "1", "a", pattern(5000), "x", "-70000", "01",
                                "c", "-70000", "0", "" });
    const Listpack::Position p = lp.find(lp.seek(from), value, skip);
    QCOMPARE(p, expected < 0 ? Listpack::Position(0) : lp.seek(expected));
}

void TestListpack::elementAccessors()
{
    const Listpack lp = build({ "-9223372036854775808", "12", "abc", "-0", "" });
    char buffer[24];
    const Listpack::Element min = lp.at(lp.seek(0));
    QVERIFY(min.isInteger);
    QCOMPARE(min.integer, LLONG_MIN);
    QVERIFY(min.text(buffer) == QByteArrayView("-9223372036854775808"));
    QVERIFY(min.equals("-9223372036854775808"));
    QVERIFY(!min.equals("-9223372036854775807"));
    long long value = 0;
    QVERIFY(min.toLongLong(&value));
    QCOMPARE(value, LLONG_MIN);

    const Listpack::Element twelve = lp.at(lp.seek(1));
    QVERIFY(twelve.equals("12"));
    QVERIFY(!twelve.equals("012"));
    QVERIFY(!twelve.equals("+12"));
    QVERIFY(!twelve.equals("12 "));

    const Listpack::Element abc = lp.at(lp.seek(2));
    QVERIFY(!abc.isInteger);
    QVERIFY(abc.equals("abc"));
    QVERIFY(!abc.equals("ab"));
    QVERIFY(!abc.toLongLong(&value));

    const Listpack::Element minusZero = lp.at(lp.seek(3));
    QVERIFY(!minusZero.isInteger);
    QVERIFY(minusZero.equals("-0"));
    QVERIFY(!minusZero.equals("0"));
    QVERIFY(!minusZero.toLongLong(&value));

    const Listpack::Element empty = lp.at(lp.seek(4));
    QVERIFY(!empty.isInteger);
    QVERIFY(empty.equals(""));
    QCOMPARE(empty.text(buffer).size(), 0);
}

void TestListpack::countPassesTheMarker()
{
    // The header counts up to 65534; from 65535 on it holds the "unknown" marker and size()
    // walks. Redis's blocks at each step: HSET h 0 "" 1 "" ... (fields "0".."n-1", empty
    // values), then HDEL h 0 .. 2499, which brings the count back under and exact again.
    Listpack lp;
    auto appendPairs = [&lp](int from, int to) {
        for (int i = from; i < to; ++i) {
            lp.append(QByteArray::number(i));
            lp.append("");
        }
    };
    appendPairs(0, 32767);
    QCOMPARE(lp.size(), 65534);
    QCOMPARE(summary(lp),
             QByteArray("192385 81ef0200feff00018001010180010201 038001f1fd7f038001f1fe7f038001ff "
                        "a1cc416d8f3c31b318e8c09c4e83cfcc2ce5b882b1d6a9a8d76e8f1db343775e"));
    lp.append("32767");
    QCOMPARE(header(lp).right(4), QByteArray("ffff"));
    QCOMPARE(lp.size(), 65535);
    lp.append("");
    QCOMPARE(lp.size(), 65536);
    QCOMPARE(summary(lp),
             QByteArray("192391 87ef0200ffff00018001010180010201 038001f1fe7f038001f1ff7f038001ff "
                        "917bccff48c77053b2410c43f07b9c6105c05fa69ecc3c49f7f9ce1aca9cf6ce"));

    // Around the marker on a copy: inserts anywhere, seek from both ends, replace, erase.
    Listpack odd(lp);
    odd.insertInteger(odd.first(), -1);
    QCOMPARE(odd.size(), 65537);
    odd.append("y");
    odd.prepend("w");
    QCOMPARE(odd.size(), 65539);
    QCOMPARE(header(odd).right(4), QByteArray("ffff"));
    QCOMPARE(odd.seek(65538), odd.last());
    QCOMPARE(textAt(odd, odd.seek(-1)), QByteArray("y"));
    QCOMPARE(textAt(odd, odd.seek(-65539)), QByteArray("w"));
    QCOMPARE(textAt(odd, odd.seek(2)), QByteArray("0"));
    QCOMPARE(odd.seek(65539), Listpack::Position(0));
    QCOMPARE(odd.seek(-65540), Listpack::Position(0));
    odd.replace(odd.first(), "ww");
    QCOMPARE(odd.size(), 65539);
    odd.erase(odd.first(), 4);
    QCOMPARE(odd.size(), 65535);
    QCOMPARE(header(odd).right(4), QByteArray("ffff"));
    odd.erase(odd.last());
    QCOMPARE(odd.size(), 65534);
    QCOMPARE(header(odd).right(4), QByteArray("feff"));
    odd.erase(odd.seek(100), 34);
    QCOMPARE(odd.size(), 65500);
    QCOMPARE(header(odd).right(4), QByteArray("dcff"));
    odd.append("z");
    QCOMPARE(odd.size(), 65501);
    QCOMPARE(header(odd).right(4), QByteArray("ddff"));

    appendPairs(32768, 35000);
    QCOMPARE(lp.size(), 70000);
    QCOMPARE(summary(lp),
             QByteArray("208015 8f2c0300ffff00018001010180010201 01f2b68800048001f2b78800048001ff "
                        "bb69543f0760a1c74d86d5fe987167e37d8c3d95b6bd32c0b80ea9644602bc96"));
    const Listpack copy(lp);
    QCOMPARE(copy.size(), 70000);
    QCOMPARE(blob(copy), blob(lp));

    // HDEL: the field found among the fields, then the field and its value erased.
    for (int i = 0; i < 2500; ++i) {
        const Listpack::Position p = lp.find(lp.first(), QByteArray::number(i), 1);
        QVERIFY(p);
        lp.erase(p, 2);
    }
    QCOMPARE(lp.size(), 65000);
    QCOMPARE(summary(lp),
             QByteArray("195643 3bfc0200e8fdc9c4028001c9c5028001 01f2b68800048001f2b78800048001ff "
                        "a43cafb98f01dff70506bb2be66510408755746b4b0dab174c8eb8db5d716500"));
}

void TestListpack::copyAndMove()
{
    const QByteArrayList elements { "a", "12", pattern(300), "-70000" };
    Listpack original = build(elements);
    const QByteArray bytes = blob(original);

    Listpack copy(original);
    QCOMPARE(blob(copy), bytes);
    QVERIFY(copy.data() != original.data());
    copy.append("more");
    original.erase(original.first());
    QCOMPARE(forward(copy), elements + QByteArrayList { "more" });
    QCOMPARE(forward(original), elements.mid(1));

    Listpack assigned;
    assigned.append("old");
    assigned = copy;
    QCOMPARE(blob(assigned), blob(copy));
    Listpack &self = assigned;
    assigned = self;
    QCOMPARE(forward(assigned), elements + QByteArrayList { "more" });

    const unsigned char *block = assigned.data();
    Listpack moved(std::move(assigned));
    QCOMPARE(moved.data(), block);
    QCOMPARE(forward(moved), elements + QByteArrayList { "more" });

    Listpack target = build({ "x" });
    target = std::move(moved);
    QCOMPARE(target.data(), block);
    QCOMPARE(forward(target), elements + QByteArrayList { "more" });

    // A moved-from listpack can be assigned again and used.
    assigned = build({ "again" });
    QCOMPARE(forward(assigned), QByteArrayList { "again" });
    assigned = copy;
    QCOMPARE(blob(assigned), blob(copy));
}

void TestListpack::clear()
{
    Listpack lp = build(mixedElements());
    lp.clear();
    QCOMPARE(blob(lp).toHex(), QByteArray("070000000000ff"));
    QCOMPARE(lp.size(), 0);
    QVERIFY(lp.isEmpty());
    lp.append("again");
    QCOMPARE(forward(lp), QByteArrayList { "again" });
}

QTEST_GUILESS_MAIN(TestListpack)
#include "tst_listpack.moc"
