// Bitmap commands: a string as an array of bits, bit 0 being the most significant bit of
// byte 0 (Redis's bitops.c).
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"
#include "protocol/numbers.h"
#include "pubsub/keyspaceevents.h"
#include "store/keyspace.h"

#include <QtAlgorithms>

#include <climits>
#include <cstring>
#include <vector>

using namespace CommandUtil;

namespace {

// Redis's getBitOffsetFromArgument: an offset whose byte lies inside proto-max-bulk-len.
// With bits > 0 (BITFIELD), "#N" means the N-th field of that width.
bool parseBitOffset(Connection &c, QByteArrayView text, int bits, quint64 *offset)
{
    const bool scaled = bits > 0 && text.startsWith('#');
    long long value = 0;
    bool ok = Numbers::toLongLong(scaled ? text.sliced(1) : text, &value);
    // Redis multiplies without an overflow check: the product wraps, and a wrapped product that
    // lands in range is accepted, so the same is done (without the signed overflow).
    if (scaled)
        value = static_cast<long long>(quint64(value) * quint64(bits));
    if (!ok || value < 0 || (value >> 3) >= c.server().config().protoMaxBulkLength) {
        c.reply().error("ERR bit offset is not an integer or out of range");
        return false;
    }
    *offset = quint64(value);
    return true;
}

const uchar *bytes(QByteArrayView s)
{
    return reinterpret_cast<const uchar *>(s.data());
}

// A bit of the string; bits past its end read as zero.
bool bitAt(QByteArrayView s, quint64 bit)
{
    const quint64 byte = bit >> 3;
    return byte < quint64(s.size()) && (bytes(s)[byte] >> (7 - (bit & 7))) & 1;
}

// The caller has grown the string to hold the bit.
void setBitAt(QByteArray &s, quint64 bit, bool on)
{
    char &byte = s[qsizetype(bit >> 3)];
    const int mask = 1 << (7 - (bit & 7));
    byte = char(on ? (byte | mask) : (byte & ~mask));
}

// Redis's lookupStringForBitCommand: the key for writing, created or zero-padded so that
// maxBit exists; *grown says whether either happened. nullptr after replying an error.
KeyEntry *lookupBitsWrite(Connection &c, quint64 maxBit, bool *grown)
{
    KeyEntry *entry = nullptr;
    *grown = false;
    if (!lookupStringWrite(c, c.arg(1), &entry))
        return nullptr;
    const qsizetype size = qsizetype(maxBit >> 3) + 1;
    *grown = !entry || entry->string().size() < size;
    if (!entry)
        entry = c.db().setString(c.arg(1), QByteArray(size, '\0'));
    // Redis unshares the value here, before knowing whether any bit will change.
    QByteArray &bits = c.db().unshareString(entry);
    if (bits.size() < size)
        bits.resize(size, '\0');
    return entry;
}

void setbitCommand(Connection &c)
{
    quint64 offset = 0;
    if (!parseBitOffset(c, c.arg(2), 0, &offset))
        return;
    long long on = 0;
    if (!Numbers::toLongLong(c.arg(3), &on) || (on & ~1LL)) {
        c.reply().error("ERR bit is not an integer or out of range");
        return;
    }
    bool grown = false;
    KeyEntry *entry = lookupBitsWrite(c, offset, &grown);
    if (!entry)
        return;
    const bool old = bitAt(entry->string(), offset);
    setBitAt(entry->mutableString(), offset, on);
    // As in Redis, setting a bit to what it was changes nothing for WATCH.
    if (grown || old != bool(on)) {
        c.db().signalModified(c.arg(1));
        KeyspaceEvents::notify(c, KeyspaceEvents::String, "setbit", c.arg(1));
    }
    c.reply().integer(old);
}

void getbitCommand(Connection &c)
{
    quint64 offset = 0;
    if (!parseBitOffset(c, c.arg(2), 0, &offset))
        return;
    KeyEntry *entry = nullptr;
    if (lookupStringRead(c, c.arg(1), &entry))
        c.reply().integer(entry && bitAt(entry->string(), offset));
}

// The bits [first, last] of a string; empty when first > last.
struct BitSpan
{
    qint64 first = 0;
    qint64 last = -1;
    bool isEmpty() const { return first > last; }
};

// BITCOUNT's and BITPOS's start and end as Redis converts them: they count bytes (bits with
// BIT), negative ones from the end, and are then clamped to the string.
BitSpan clampRange(long long start, long long end, qint64 length, bool bitUnit)
{
    const long long total = bitUnit ? length * 8 : length;
    if (start < 0)
        start += total;
    if (end < 0)
        end += total;
    start = qMax(start, 0LL);
    end = qMin(qMax(end, 0LL), total - 1);
    if (start > end)
        return {};
    return bitUnit ? BitSpan { start, end } : BitSpan { start * 8, end * 8 + 7 };
}

// The BYTE or BIT after a range; a syntax error otherwise.
bool parseRangeUnit(Connection &c, QByteArrayView text, bool *bitUnit)
{
    if (argIs(text, "BIT")) {
        *bitUnit = true;
    } else if (argIs(text, "BYTE")) {
        *bitUnit = false;
    } else {
        replySyntaxError(c);
        return false;
    }
    return true;
}

qint64 popcount(const uchar *p, qint64 count)
{
    qint64 bits = 0;
    for (; count >= 8; p += 8, count -= 8) {
        quint64 word;
        std::memcpy(&word, p, sizeof word);
        bits += qPopulationCount(word);
    }
    for (; count > 0; ++p, --count)
        bits += qPopulationCount(quint8(*p));
    return bits;
}

qint64 countBits(QByteArrayView s, BitSpan span)
{
    if (span.isEmpty())
        return 0;
    const uchar *p = bytes(s);
    const qint64 first = span.first >> 3;
    const qint64 last = span.last >> 3;
    // Whole bytes, less the bits of the two edge bytes that lie outside the span.
    return popcount(p + first, last - first + 1)
            - qPopulationCount(quint8(p[first] & ~(0xFF >> (span.first & 7))))
            - qPopulationCount(quint8(p[last] & (0xFF >> ((span.last & 7) + 1))));
}

// The position of the first bit equal to `bit` inside the span, or -1.
qint64 findBit(QByteArrayView s, BitSpan span, bool bit)
{
    const uchar *p = bytes(s);
    const qint64 first = span.first >> 3;
    const qint64 last = span.last >> 3;
    const quint64 skipWord = bit ? 0 : ~quint64(0);
    for (qint64 i = first; i <= last;) {
        // Whole words inside the span with nothing to find are stepped over at once.
        if (i > first && last - i >= 8) {
            quint64 word;
            std::memcpy(&word, p + i, sizeof word);
            if (word == skipWord) {
                i += 8;
                continue;
            }
        }
        // Looking for a zero is looking for a one in the complement.
        uchar value = bit ? p[i] : uchar(~p[i]);
        if (i == first)
            value = uchar(value & (0xFF >> (span.first & 7)));
        if (i == last)
            value = uchar(value & (0xFF << (7 - (span.last & 7))));
        if (value)
            return i * 8 + qCountLeadingZeroBits(quint8(value));
        ++i;
    }
    return -1;
}

void bitcountCommand(Connection &c)
{
    // As in Redis 7.0, a missing key counts 0 before the other arguments are looked at.
    KeyEntry *entry = nullptr;
    if (!lookupStringRead(c, c.arg(1), &entry))
        return;
    if (!entry) {
        c.reply().integer(0);
        return;
    }
    long long start = 0;
    long long end = -1;
    bool bitUnit = false;
    if (c.argc() == 4 || c.argc() == 5) {
        if (!parseLongLong(c, c.arg(2), &start) || !parseLongLong(c, c.arg(3), &end))
            return;
        // Redis answers this before it reads the unit, so a bad unit goes unnoticed here.
        if (start < 0 && end < 0 && start > end) {
            c.reply().integer(0);
            return;
        }
        if (c.argc() == 5 && !parseRangeUnit(c, c.arg(4), &bitUnit))
            return;
    } else if (c.argc() != 2) {
        replySyntaxError(c);
        return;
    }
    c.reply().integer(
            countBits(entry->string(), clampRange(start, end, entry->string().size(), bitUnit)));
}

void bitposCommand(Connection &c)
{
    long long bit = 0;
    if (!parseLongLong(c, c.arg(2), &bit))
        return;
    if (bit != 0 && bit != 1) {
        c.reply().error("ERR The bit argument must be 1 or 0.");
        return;
    }
    // A missing key is an endless run of zeros, whatever the range.
    KeyEntry *entry = nullptr;
    if (!lookupStringRead(c, c.arg(1), &entry))
        return;
    if (!entry) {
        c.reply().integer(bit ? -1 : 0);
        return;
    }
    if (c.argc() > 6) {
        replySyntaxError(c);
        return;
    }
    // Redis's order: start, then the unit, then end.
    long long start = 0;
    long long end = -1;
    bool bitUnit = false;
    const bool endGiven = c.argc() >= 5;
    if ((c.argc() >= 4 && !parseLongLong(c, c.arg(3), &start))
        || (c.argc() == 6 && !parseRangeUnit(c, c.arg(5), &bitUnit))
        || (endGiven && !parseLongLong(c, c.arg(4), &end)))
        return;
    const BitSpan span = clampRange(start, end, entry->string().size(), bitUnit);
    if (span.isEmpty()) {
        c.reply().integer(-1);
        return;
    }
    const qint64 found = findBit(entry->string(), span, bit);
    // Without an explicit end the string counts as padded with zeros on the right, so a zero
    // is always found: the first bit after the last byte searched.
    if (found < 0 && bit == 0 && !endGiven)
        c.reply().integer(((span.last >> 3) + 1) * 8);
    else
        c.reply().integer(found);
}

enum class BitOp { And, Or, Xor, Not };

void bitopCommand(Connection &c)
{
    const QByteArrayView name = c.arg(1);
    BitOp op;
    if (argIs(name, "AND")) {
        op = BitOp::And;
    } else if (argIs(name, "OR")) {
        op = BitOp::Or;
    } else if (argIs(name, "XOR")) {
        op = BitOp::Xor;
    } else if (argIs(name, "NOT")) {
        op = BitOp::Not;
    } else {
        replySyntaxError(c);
        return;
    }
    if (op == BitOp::Not && c.argc() != 4) {
        c.reply().error("ERR BITOP NOT must be called with a single source key.");
        return;
    }
    // Missing sources are empty strings; shorter ones are padded with zeros.
    std::vector<QByteArray> sources;
    qsizetype maxLength = 0;
    for (qsizetype j = 3; j < c.argc(); ++j) {
        KeyEntry *entry = nullptr;
        if (!lookupStringRead(c, c.arg(j), &entry))
            return;
        sources.push_back(entry ? entry->string().toByteArray() : QByteArray());
        maxLength = qMax(maxLength, sources.back().size());
    }
    const QByteArrayView destination = c.arg(2);
    if (maxLength == 0) {
        // An empty result is not stored: the destination is deleted instead.
        if (c.db().remove(destination))
            KeyspaceEvents::notify(c, KeyspaceEvents::Generic, "del", destination);
        c.reply().integer(0);
        return;
    }
    QByteArray result = sources.front();
    result.resize(maxLength, '\0');
    auto *out = reinterpret_cast<uchar *>(result.data());
    if (op == BitOp::Not) {
        for (qsizetype i = 0; i < maxLength; ++i)
            out[i] = uchar(~out[i]);
    }
    for (size_t j = 1; j < sources.size(); ++j) {
        const uchar *in = bytes(sources[j]);
        const qsizetype length = sources[j].size();
        switch (op) {
        case BitOp::And:
            for (qsizetype i = 0; i < length; ++i)
                out[i] &= in[i];
            std::memset(out + length, 0, size_t(maxLength - length));
            break;
        case BitOp::Or:
            for (qsizetype i = 0; i < length; ++i)
                out[i] |= in[i];
            break;
        case BitOp::Xor:
            for (qsizetype i = 0; i < length; ++i)
                out[i] ^= in[i];
            break;
        case BitOp::Not: break;
        }
    }
    // Redis's setKey looks the destination up first (an expired one is deleted and counted)
    // and stores the result as made, raw, without trying to encode it.
    lookupWrite(c, destination);
    c.db().setEncoding(c.db().setString(destination, result), StringEncoding::Raw);
    KeyspaceEvents::notify(c, KeyspaceEvents::String, "set", destination);
    c.reply().integer(maxLength);
}

// ---------------------------------------------------------------- BITFIELD

enum class Overflow { Wrap, Sat, Fail };

struct BitfieldOp
{
    enum Kind { Get, Set, IncrBy };
    Kind kind = Get;
    quint64 offset = 0;
    long long value = 0; // SET's value, INCRBY's increment
    int bits = 0;
    bool isSigned = false;
    Overflow overflow = Overflow::Wrap;
};

// Redis's getBitfieldTypeFromArgument: i1..i64 or u1..u63 (a u64 could not be replied as a
// RESP integer). The prefix is case-sensitive and the type ends at a NUL, as in C.
bool parseBitfieldType(Connection &c, QByteArrayView text, bool *isSigned, int *bits)
{
    const QByteArrayView type = cString(text);
    long long width = 0;
    if (type.isEmpty() || (type[0] != 'i' && type[0] != 'u')
        || !Numbers::toLongLong(type.sliced(1), &width) || width < 1
        || width > (type[0] == 'i' ? 64 : 63)) {
        c.reply().error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is "
                        "not supported but i64 is.");
        return false;
    }
    *isSigned = type[0] == 'i';
    *bits = int(width);
    return true;
}

// The field as an unsigned number, most significant bit first; sign-extended when signed.
qint64 getField(QByteArrayView s, quint64 offset, int bits, bool isSigned)
{
    quint64 value = 0;
    for (int j = 0; j < bits; ++j)
        value = (value << 1) | quint64(bitAt(s, offset + quint64(j)));
    if (isSigned && bits < 64 && (value >> (bits - 1)) & 1)
        value |= ~quint64(0) << bits;
    return qint64(value);
}

void setField(QByteArray &s, quint64 offset, int bits, quint64 value)
{
    for (int j = 0; j < bits; ++j)
        setBitAt(s, offset + quint64(j), (value >> (bits - 1 - j)) & 1);
}

/* Redis's checkUnsignedBitfieldOverflow and checkSignedBitfieldOverflow: whether value +
 * increment leaves the field's range, and if so what WRAP or SAT store in *limit. Redis
 * computes the headroom with wrap-around and uses it only where it is exact; the same is done
 * here in unsigned arithmetic so that even its quirks (SET i8 to LLONG_MIN saturates to the
 * maximum) come out identical.
 */
bool unsignedOverflow(quint64 value, qint64 increment, int bits, Overflow mode, quint64 *limit)
{
    const quint64 max = (quint64(1) << bits) - 1; // bits <= 63
    const auto maxIncrement = qint64(max - value);
    const auto minIncrement = qint64(0 - value);
    const bool over = value > max || (increment > 0 && increment > maxIncrement);
    const bool under = !over && increment < 0 && increment < minIncrement;
    if (!over && !under)
        return false;
    if (mode == Overflow::Wrap)
        *limit = (value + quint64(increment)) & max;
    else
        *limit = over ? max : 0;
    return true;
}

bool signedOverflow(qint64 value, qint64 increment, int bits, Overflow mode, qint64 *limit)
{
    const qint64 max = bits == 64 ? LLONG_MAX : (qint64(1) << (bits - 1)) - 1;
    const qint64 min = -max - 1;
    const auto maxIncrement = qint64(quint64(max) - quint64(value));
    const auto minIncrement = qint64(quint64(min) - quint64(value));
    const bool over = value > max || (bits != 64 && increment > maxIncrement)
            || (value >= 0 && increment > 0 && increment > maxIncrement);
    const bool under = !over
            && (value < min || (bits != 64 && increment < minIncrement)
                || (value < 0 && increment < 0 && increment < minIncrement));
    if (!over && !under)
        return false;
    if (mode == Overflow::Wrap) {
        quint64 sum = quint64(value) + quint64(increment);
        if (bits < 64) {
            // The field's sign bit decides what the bits above it become.
            const quint64 high = ~quint64(0) << bits;
            sum = (sum >> (bits - 1)) & 1 ? sum | high : sum & ~high;
        }
        *limit = qint64(sum);
    } else {
        *limit = over ? max : min;
    }
    return true;
}

// SET and INCRBY on one field: replies the old value (SET) or the new one (INCRBY), or a null
// when the result overflows under FAIL (then nothing is written). True when the field changed.
bool writeField(Connection &c, QByteArray &s, const BitfieldOp &op)
{
    const qint64 old = getField(s, op.offset, op.bits, op.isSigned);
    const qint64 base = op.kind == BitfieldOp::IncrBy ? old : op.value;
    const qint64 increment = op.kind == BitfieldOp::IncrBy ? op.value : 0;
    // Without overflow the sum is exact; unsigned addition only keeps the compiler honest.
    qint64 result = qint64(quint64(base) + quint64(increment));
    bool overflowed;
    if (op.isSigned) {
        overflowed = signedOverflow(base, increment, op.bits, op.overflow, &result);
    } else {
        quint64 limit = 0;
        overflowed = unsignedOverflow(quint64(base), increment, op.bits, op.overflow, &limit);
        if (overflowed)
            result = qint64(limit);
    }
    if (overflowed && op.overflow == Overflow::Fail) {
        c.reply().null();
        return false;
    }
    setField(s, op.offset, op.bits, quint64(result));
    c.reply().integer(op.kind == BitfieldOp::IncrBy ? result : old);
    return getField(s, op.offset, op.bits, op.isSigned) != old;
}

// BITFIELD and BITFIELD_RO (Redis's bitfieldGeneric): every operation is parsed before any
// runs; OVERFLOW applies to the SET and INCRBY after it.
void bitfieldGeneric(Connection &c, bool readOnlyCommand)
{
    std::vector<BitfieldOp> ops;
    Overflow overflow = Overflow::Wrap;
    bool writes = false;
    quint64 highestBit = 0;
    for (qsizetype j = 2; j < c.argc(); ++j) {
        const qsizetype remaining = c.argc() - j - 1;
        const QByteArrayView name = c.arg(j);
        BitfieldOp op;
        if (argIs(name, "GET") && remaining >= 2) {
            op.kind = BitfieldOp::Get;
        } else if (argIs(name, "SET") && remaining >= 3) {
            op.kind = BitfieldOp::Set;
        } else if (argIs(name, "INCRBY") && remaining >= 3) {
            op.kind = BitfieldOp::IncrBy;
        } else if (argIs(name, "OVERFLOW") && remaining >= 1) {
            const QByteArrayView mode = c.arg(++j);
            if (argIs(mode, "WRAP")) {
                overflow = Overflow::Wrap;
            } else if (argIs(mode, "SAT")) {
                overflow = Overflow::Sat;
            } else if (argIs(mode, "FAIL")) {
                overflow = Overflow::Fail;
            } else {
                c.reply().error("ERR Invalid OVERFLOW type specified");
                return;
            }
            continue;
        } else {
            replySyntaxError(c);
            return;
        }
        if (!parseBitfieldType(c, c.arg(j + 1), &op.isSigned, &op.bits)
            || !parseBitOffset(c, c.arg(j + 2), op.bits, &op.offset))
            return;
        if (op.kind != BitfieldOp::Get) {
            writes = true;
            highestBit = qMax(highestBit, op.offset + quint64(op.bits) - 1);
            if (!parseLongLong(c, c.arg(j + 3), &op.value))
                return;
        }
        op.overflow = overflow;
        ops.push_back(op);
        j += op.kind == BitfieldOp::Get ? 2 : 3;
    }

    KeyEntry *entry = nullptr;
    if (!writes) {
        if (!lookupStringRead(c, c.arg(1), &entry))
            return;
    } else if (readOnlyCommand) {
        c.reply().error("ERR BITFIELD_RO only supports the GET subcommand");
        return;
    } else {
        // Created and grown as in Redis, even if every write then fails under OVERFLOW FAIL.
        bool grown = false;
        entry = lookupBitsWrite(c, highestBit, &grown);
        if (!entry)
            return;
    }

    c.reply().arrayHeader(qsizetype(ops.size()));
    bool written = false;
    for (const BitfieldOp &op : ops) {
        if (op.kind != BitfieldOp::Get)
            written |= writeField(c, entry->mutableString(), op);
        else
            c.reply().integer(getField(entry ? entry->string() : QByteArrayView(), op.offset,
                                       op.bits, op.isSigned));
    }
    // As in Redis, WATCH sees a change only when a field's value changed.
    if (written) {
        c.db().signalModified(c.arg(1));
        KeyspaceEvents::notify(c, KeyspaceEvents::String, "setbit", c.arg(1));
    }
}

void bitfieldCommand(Connection &c)
{
    bitfieldGeneric(c, false);
}

void bitfieldroCommand(Connection &c)
{
    bitfieldGeneric(c, true);
}

} // namespace

void registerBitCommands(CommandTable &table)
{
    using namespace CommandFlag;
    using namespace KeyFlag;
    constexpr quint32 Bitmap = AclCategory::Bitmap;
    table.add(Command { "setbit", 4, Write | DenyOom, setbitCommand, 1, 1, 1 }.acl(Bitmap).keys(
            { { RW | Access | Update, 1 } }));
    table.add(Command { "getbit", 3, ReadOnly | Fast, getbitCommand, 1, 1, 1 }.acl(Bitmap).keys(
            { { RO | Access, 1 } }));
    table.add(Command { "bitcount", -2, ReadOnly, bitcountCommand, 1, 1, 1 }.acl(Bitmap).keys(
            { { RO | Access, 1 } }));
    table.add(Command { "bitpos", -3, ReadOnly, bitposCommand, 1, 1, 1 }.acl(Bitmap).keys(
            { { RO | Access, 1 } }));
    table.add(Command { "bitop", -4, Write | DenyOom, bitopCommand, 2, -1, 1 }.acl(Bitmap).keys(
            { { OW | Update, 2 }, { RO | Access, 3, -1 } }));
    table.add(
            Command { "bitfield", -2, Write | DenyOom, bitfieldCommand, 1, 1, 1 }.acl(Bitmap).keys(
                    { { RW | Access | Update | VariableFlags, 1, 0, 1, 0,
                        "This command allows both access and modification of the key" } }));
    table.add(Command { "bitfield_ro", -2, ReadOnly | Fast, bitfieldroCommand, 1, 1, 1 }
                      .acl(Bitmap)
                      .keys({ { RO | Access, 1 } }));
}
