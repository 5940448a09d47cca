#include "listpack.h"

#include "protocol/numbers.h"

#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <new>
#include <utility>

namespace {

constexpr size_t HeaderSize = 6;
constexpr unsigned char EndByte = 0xFF;
constexpr quint32 UnknownCount = 65535;

// Encoding bytes (listpack.c's LP_ENCODING_*).
constexpr unsigned char Str32 = 0xF0;
constexpr unsigned char Int16 = 0xF1;
constexpr unsigned char Int24 = 0xF2;
constexpr unsigned char Int32 = 0xF3;
constexpr unsigned char Int64 = 0xF4;

quint32 readLe(const unsigned char *p, int bytes)
{
    quint32 value = 0;
    for (int i = bytes - 1; i >= 0; --i)
        value = (value << 8) | p[i];
    return value;
}

void writeLe(unsigned char *p, quint64 value, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        p[i] = static_cast<unsigned char>(value >> (8 * i));
}

// The back length: an element's (encoding + data) length, 7 bits a byte, read right to left.
int backlenSize(size_t length)
{
    if (length <= 127)
        return 1;
    if (length < 16383)
        return 2;
    if (length < 2097151)
        return 3;
    if (length < 268435455)
        return 4;
    return 5;
}

void writeBacklen(unsigned char *p, size_t length)
{
    const int n = backlenSize(length);
    p[0] = static_cast<unsigned char>(length >> (7 * (n - 1)));
    for (int i = 1; i < n; ++i)
        p[i] = static_cast<unsigned char>(((length >> (7 * (n - 1 - i))) & 127) | 128);
}

// From the last byte of a back length: the length it holds and how many bytes it took.
size_t readBacklen(const unsigned char *last, int *size)
{
    size_t value = 0;
    int shift = 0;
    const unsigned char *p = last;
    for (;;) {
        value |= size_t(*p & 127) << shift;
        if (!(*p & 128))
            break;
        shift += 7;
        --p;
    }
    *size = int(last - p) + 1;
    return value;
}

// Encoding header and data length of the element at p (lpCurrentEncodedSize).
void decodeHeader(const unsigned char *p, size_t *headLength, size_t *dataLength)
{
    const unsigned char b = p[0];
    if ((b & 0x80) == 0) {
        *headLength = 1;
        *dataLength = 0;
    } else if ((b & 0xC0) == 0x80) {
        *headLength = 1;
        *dataLength = b & 0x3F;
    } else if ((b & 0xE0) == 0xC0) {
        *headLength = 2;
        *dataLength = 0;
    } else if ((b & 0xF0) == 0xE0) {
        *headLength = 2;
        *dataLength = size_t((b & 0x0F) << 8) | p[1];
    } else if (b == Str32) {
        *headLength = 5;
        *dataLength = readLe(p + 1, 4);
    } else {
        *dataLength = 0;
        switch (b) {
        case Int16: *headLength = 3; break;
        case Int24: *headLength = 4; break;
        case Int32: *headLength = 5; break;
        default: *headLength = 9; break; // Int64
        }
    }
}

// A two's-complement number of `bits` bits held in an unsigned value.
long long signExtend(quint64 value, int bits)
{
    const quint64 negativeStart = quint64(1) << (bits - 1);
    if (bits < 64 && value >= negativeStart)
        return static_cast<long long>(value) - static_cast<long long>(quint64(1) << bits);
    return static_cast<long long>(value);
}

// lpEncodeIntegerGetType: the smallest encoding that holds value; returns its length.
int encodeInteger(long long v, unsigned char *out)
{
    if (v >= 0 && v <= 127) {
        out[0] = static_cast<unsigned char>(v);
        return 1;
    }
    if (v >= -4096 && v <= 4095) {
        const quint64 u = v < 0 ? quint64((1 << 13) + v) : quint64(v);
        out[0] = static_cast<unsigned char>((u >> 8) | 0xC0);
        out[1] = static_cast<unsigned char>(u & 0xFF);
        return 2;
    }
    struct Width
    {
        long long min, max;
        unsigned char code;
        int bytes;
    };
    static constexpr Width widths[] = { { -32768, 32767, Int16, 2 },
                                        { -8388608, 8388607, Int24, 3 },
                                        { -2147483648LL, 2147483647LL, Int32, 4 } };
    for (const Width &w : widths) {
        if (v >= w.min && v <= w.max) {
            out[0] = w.code;
            writeLe(out + 1, quint64(v), w.bytes);
            return w.bytes + 1;
        }
    }
    out[0] = Int64;
    writeLe(out + 1, quint64(v), 8);
    return 9;
}

// The length header of a string element; returns its length.
int encodeStringHeader(size_t length, unsigned char *out)
{
    if (length < 64) {
        out[0] = static_cast<unsigned char>(0x80 | length);
        return 1;
    }
    if (length < 4096) {
        out[0] = static_cast<unsigned char>((length >> 8) | 0xE0);
        out[1] = static_cast<unsigned char>(length & 0xFF);
        return 2;
    }
    out[0] = Str32;
    writeLe(out + 1, length, 4);
    return 5;
}

unsigned char *allocate(size_t bytes)
{
    auto *p = static_cast<unsigned char *>(std::malloc(bytes));
    if (!p)
        throw std::bad_alloc();
    return p;
}

unsigned char *emptyBlock()
{
    unsigned char *p = allocate(HeaderSize + 1);
    writeLe(p, HeaderSize + 1, 4);
    writeLe(p + 4, 0, 2);
    p[HeaderSize] = EndByte;
    return p;
}

} // namespace

QByteArrayView Listpack::Element::text(char (&buffer)[24]) const
{
    if (!isInteger)
        return string;
    // Digits written backwards, then the sign: no allocation on the reply path.
    char *end = buffer + sizeof(buffer);
    char *p = end;
    quint64 magnitude = integer < 0 ? quint64(0) - quint64(integer) : quint64(integer);
    do {
        *--p = char('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (integer < 0)
        *--p = '-';
    return QByteArrayView(p, end - p);
}

bool Listpack::Element::equals(QByteArrayView value) const
{
    if (!isInteger)
        return string == value;
    long long number = 0;
    return stringToInteger(value, &number) && number == integer;
}

bool Listpack::Element::toLongLong(long long *value) const
{
    if (isInteger) {
        *value = integer;
        return true;
    }
    return Numbers::toLongLong(string, value);
}

Listpack::Listpack()
    : m_data(emptyBlock())
{ }

Listpack::~Listpack()
{
    std::free(m_data);
}

Listpack::Listpack(const Listpack &other)
    : m_data(allocate(other.bytes()))
{
    std::memcpy(m_data, other.m_data, other.bytes());
}

Listpack &Listpack::operator=(const Listpack &other)
{
    if (this != &other) {
        Listpack copy(other);
        std::swap(m_data, copy.m_data);
    }
    return *this;
}

Listpack::Listpack(Listpack &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr))
{ }

Listpack &Listpack::operator=(Listpack &&other) noexcept
{
    std::swap(m_data, other.m_data);
    return *this;
}

size_t Listpack::bytes() const
{
    return m_data ? readLe(m_data, 4) : 0;
}

size_t Listpack::allocatedBytes() const
{
    return m_data ? malloc_usable_size(m_data) : 0;
}

qsizetype Listpack::size() const
{
    const quint32 count = readLe(m_data + 4, 2);
    if (count != UnknownCount)
        return count;
    qsizetype n = 0;
    for (Position p = first(); p; p = next(p))
        ++n;
    return n;
}

void Listpack::setBytes(size_t bytes)
{
    writeLe(m_data, bytes, 4);
}

void Listpack::setCount(qsizetype count)
{
    writeLe(m_data + 4, count < qsizetype(UnknownCount) ? quint64(count) : UnknownCount, 2);
}

void Listpack::adjustCount(qsizetype delta)
{
    const quint32 count = readLe(m_data + 4, 2);
    if (count != UnknownCount)
        setCount(qsizetype(count) + delta);
    else if (delta < 0)
        setCount(size()); // may have come back under the limit
}

size_t Listpack::entrySize(Position p) const
{
    size_t head = 0;
    size_t data = 0;
    decodeHeader(m_data + p, &head, &data);
    return head + data + size_t(backlenSize(head + data));
}

Listpack::Position Listpack::first() const
{
    return m_data[HeaderSize] == EndByte ? 0 : Position(HeaderSize);
}

Listpack::Position Listpack::next(Position p) const
{
    const Position n = p + Position(entrySize(p));
    return m_data[n] == EndByte ? 0 : n;
}

Listpack::Position Listpack::prev(Position p) const
{
    if (p <= HeaderSize)
        return 0;
    int size = 0;
    const size_t length = readBacklen(m_data + p - 1, &size);
    return p - Position(size) - Position(length);
}

Listpack::Position Listpack::last() const
{
    const Position end = Position(bytes() - 1);
    return end == HeaderSize ? 0 : prev(end);
}

Listpack::Position Listpack::seek(qsizetype index) const
{
    const qsizetype count = size();
    if (index < 0)
        index += count;
    if (index < 0 || index >= count)
        return 0;
    // From whichever end is nearer, as lpSeek does.
    if (index < count / 2) {
        Position p = first();
        while (index--)
            p = next(p);
        return p;
    }
    Position p = last();
    for (qsizetype i = count - 1; i > index; --i)
        p = prev(p);
    return p;
}

Listpack::Element Listpack::at(Position p) const
{
    const unsigned char *e = m_data + p;
    const unsigned char b = e[0];
    Element element;
    size_t head = 0;
    size_t data = 0;
    decodeHeader(e, &head, &data);
    const bool isString = (b & 0xC0) == 0x80 || (b & 0xF0) == 0xE0 || b == Str32;
    if (isString) {
        element.string = QByteArrayView(reinterpret_cast<const char *>(e + head), qsizetype(data));
        return element;
    }
    element.isInteger = true;
    if ((b & 0x80) == 0)
        element.integer = b & 0x7F;
    else if ((b & 0xE0) == 0xC0)
        element.integer = signExtend(quint64((b & 0x1F) << 8) | e[1], 13);
    else if (b == Int64)
        element.integer
                = signExtend(quint64(readLe(e + 1, 4)) | quint64(readLe(e + 5, 4)) << 32, 64);
    else
        element.integer = signExtend(readLe(e + 1, int(head - 1)), int(head - 1) * 8);
    return element;
}

bool Listpack::stringToInteger(QByteArrayView value, long long *integer)
{
    return Numbers::toLongLong(value, integer);
}

size_t Listpack::encodedSize(QByteArrayView value)
{
    unsigned char head[9];
    long long number = 0;
    const size_t length = stringToInteger(value, &number)
            ? size_t(encodeInteger(number, head))
            : size_t(encodeStringHeader(size_t(value.size()), head)) + size_t(value.size());
    return length + size_t(backlenSize(length));
}

Listpack::Position Listpack::splice(Position p, size_t replaced, const unsigned char *head,
                                    size_t headLength, QByteArrayView payload)
{
    const size_t encoded = headLength + size_t(payload.size());
    const size_t size = encoded + size_t(backlenSize(encoded));
    const size_t oldBytes = bytes();
    const size_t tail = oldBytes - p - replaced;
    const size_t newBytes = oldBytes - replaced + size;
    if (newBytes > oldBytes) {
        auto *grown = static_cast<unsigned char *>(std::realloc(m_data, newBytes));
        if (!grown)
            throw std::bad_alloc();
        m_data = grown;
    }
    std::memmove(m_data + p + size, m_data + p + replaced, tail);
    if (newBytes < oldBytes) {
        if (auto *shrunk = static_cast<unsigned char *>(std::realloc(m_data, newBytes)))
            m_data = shrunk;
    }
    unsigned char *e = m_data + p;
    std::memcpy(e, head, headLength);
    if (!payload.isEmpty())
        std::memcpy(e + headLength, payload.data(), size_t(payload.size()));
    writeBacklen(e + encoded, encoded);
    setBytes(newBytes);
    return p;
}

Listpack::Position Listpack::store(Position p, size_t replaced, QByteArrayView value)
{
    long long number = 0;
    if (stringToInteger(value, &number))
        return storeInteger(p, replaced, number);
    unsigned char head[5];
    const int headLength = encodeStringHeader(size_t(value.size()), head);
    return splice(p, replaced, head, size_t(headLength), value);
}

Listpack::Position Listpack::storeInteger(Position p, size_t replaced, long long value)
{
    unsigned char head[9];
    const int headLength = encodeInteger(value, head);
    return splice(p, replaced, head, size_t(headLength), QByteArrayView());
}

Listpack::Position Listpack::insert(Position p, QByteArrayView value)
{
    const Position at = store(p ? p : Position(bytes() - 1), 0, value);
    adjustCount(1);
    return at;
}

Listpack::Position Listpack::insertInteger(Position p, long long value)
{
    const Position at = storeInteger(p ? p : Position(bytes() - 1), 0, value);
    adjustCount(1);
    return at;
}

Listpack::Position Listpack::replace(Position p, QByteArrayView value)
{
    return store(p, entrySize(p), value);
}

Listpack::Position Listpack::replaceInteger(Position p, long long value)
{
    return storeInteger(p, entrySize(p), value);
}

Listpack::Position Listpack::erase(Position p, qsizetype count)
{
    Position end = p;
    qsizetype removed = 0;
    while (removed < count && m_data[end] != EndByte) {
        end += Position(entrySize(end));
        ++removed;
    }
    const size_t oldBytes = bytes();
    std::memmove(m_data + p, m_data + end, oldBytes - end);
    const size_t newBytes = oldBytes - (end - p);
    if (auto *shrunk = static_cast<unsigned char *>(std::realloc(m_data, newBytes)))
        m_data = shrunk;
    setBytes(newBytes);
    adjustCount(-removed);
    return m_data[p] == EndByte ? 0 : p;
}

void Listpack::clear()
{
    std::free(m_data);
    m_data = emptyBlock();
}

Listpack::Position Listpack::find(Position p, QByteArrayView value, int skip) const
{
    // One header decode per element, as lpFind: this loop is every small hash's lookup.
    long long number = 0;
    const bool isInteger = stringToInteger(value, &number);
    const auto length = size_t(value.size());
    int skipped = 0;
    while (p && m_data[p] != EndByte) {
        const unsigned char *e = m_data + p;
        size_t head = 0;
        size_t data = 0;
        decodeHeader(e, &head, &data);
        if (skipped == 0) {
            const unsigned char b = e[0];
            const bool stringElement = (b & 0xC0) == 0x80 || (b & 0xF0) == 0xE0 || b == Str32;
            // An integer string is always stored as an integer, so kinds must agree first.
            if (stringElement && !isInteger) {
                if (data == length
                    && (length == 0 || std::memcmp(e + head, value.data(), length) == 0))
                    return p;
            } else if (!stringElement && isInteger && at(p).integer == number) {
                return p;
            }
            skipped = skip;
        } else {
            --skipped;
        }
        p += Position(head + data + size_t(backlenSize(head + data)));
    }
    return 0;
}

bool Listpack::fromBytes(QByteArrayView bytes, Listpack *out)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const size_t size = size_t(bytes.size());
    if (size < HeaderSize + 1 || readLe(p, 4) != size || p[size - 1] != EndByte)
        return false;
    size_t offset = HeaderSize;
    quint32 count = 0;
    while (offset < size - 1) {
        const unsigned char b = p[offset];
        if (b >= 0xF5) // 0xF5..0xFE are unused; 0xFF ends the block only at its last byte
            return false;
        // The header bytes must be inside the block before decodeHeader reads them.
        size_t needed = 1;
        if ((b & 0xE0) == 0xC0 || (b & 0xF0) == 0xE0)
            needed = 2;
        else if (b >= Str32)
            needed = b == Str32 ? 5 : 1;
        if (offset + needed > size - 1)
            return false;
        size_t head = 0;
        size_t data = 0;
        decodeHeader(p + offset, &head, &data);
        const size_t entry = head + data;
        const size_t total = entry + size_t(backlenSize(entry));
        if (total > size - 1 - offset)
            return false;
        int backlenBytes = 0;
        if (readBacklen(p + offset + total - 1, &backlenBytes) != entry
            || backlenBytes != backlenSize(entry))
            return false;
        offset += total;
        ++count;
    }
    const quint32 stored = readLe(p + 4, 2);
    if (stored != UnknownCount && stored != count)
        return false;
    unsigned char *copy = allocate(size);
    std::memcpy(copy, p, size);
    std::free(out->m_data);
    out->m_data = copy;
    return true;
}
