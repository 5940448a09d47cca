#include "lzf.h"

#include <cstring>
#include <vector>

namespace {

constexpr int MaxLiteral = 32;
constexpr qsizetype MaxOffset = 8191;       // 13 bits of distance
constexpr qsizetype MaxMatch = 7 + 255 + 2; // longest back reference
constexpr int HashBits = 14;

inline quint32 hashAt(const unsigned char *p)
{
    const quint32 v = quint32(p[0]) << 16 | quint32(p[1]) << 8 | p[2];
    return (v * 2654435761U) >> (32 - HashBits);
}

} // namespace

QByteArray Lzf::compress(QByteArrayView input, qsizetype maxOutput)
{
    const auto *in = reinterpret_cast<const unsigned char *>(input.data());
    const qsizetype n = input.size();
    if (n < 4 || maxOutput <= 0)
        return {};
    QByteArray out(maxOutput, Qt::Uninitialized);
    auto *op = reinterpret_cast<unsigned char *>(out.data());
    unsigned char *const outEnd = op + maxOutput;
    // Positions + 1 of the latest place each 3-byte hash was seen (0: none).
    std::vector<qsizetype> table(size_t(1) << HashBits, 0);

    qsizetype literalStart = 0; // first byte not written yet
    auto flushLiterals = [&](qsizetype end) {
        while (literalStart < end) {
            const qsizetype run = qMin<qsizetype>(MaxLiteral, end - literalStart);
            if (outEnd - op < run + 1)
                return false;
            *op++ = static_cast<unsigned char>(run - 1);
            std::memcpy(op, in + literalStart, size_t(run));
            op += run;
            literalStart += run;
        }
        return true;
    };

    qsizetype i = 0;
    while (i + 2 < n) {
        const quint32 h = hashAt(in + i);
        const qsizetype candidate = table[h] - 1;
        table[h] = i + 1;
        const qsizetype distance = i - candidate - 1;
        if (candidate < 0 || distance > MaxOffset || std::memcmp(in + candidate, in + i, 3) != 0) {
            ++i;
            continue;
        }
        qsizetype length = 3;
        const qsizetype limit = qMin(MaxMatch, n - i);
        while (length < limit && in[candidate + length] == in[i + length])
            ++length;
        if (!flushLiterals(i))
            return {};
        const qsizetype code = length - 2;
        if (outEnd - op < (code >= 7 ? 3 : 2))
            return {};
        if (code < 7) {
            *op++ = static_cast<unsigned char>((code << 5) | (distance >> 8));
        } else {
            *op++ = static_cast<unsigned char>((7 << 5) | (distance >> 8));
            *op++ = static_cast<unsigned char>(code - 7);
        }
        *op++ = static_cast<unsigned char>(distance & 0xff);
        // Remember the positions inside the match too, so later repeats find them.
        for (qsizetype k = i + 1; k < i + length && k + 2 < n; ++k)
            table[hashAt(in + k)] = k + 1;
        i += length;
        literalStart = i;
    }
    if (!flushLiterals(n))
        return {};
    out.truncate(op - reinterpret_cast<unsigned char *>(out.data()));
    return out;
}

bool Lzf::decompress(QByteArrayView input, qsizetype outputLength, QByteArray *output)
{
    output->resize(outputLength);
    const auto *ip = reinterpret_cast<const unsigned char *>(input.data());
    const unsigned char *const inEnd = ip + input.size();
    auto *const outStart = reinterpret_cast<unsigned char *>(output->data());
    unsigned char *op = outStart;
    unsigned char *const outEnd = outStart + outputLength;
    while (ip < inEnd) {
        unsigned int control = *ip++;
        if (control < 32) {
            const qsizetype run = control + 1;
            if (inEnd - ip < run || outEnd - op < run)
                return false;
            std::memcpy(op, ip, size_t(run));
            op += run;
            ip += run;
            continue;
        }
        qsizetype length = control >> 5;
        qsizetype distance = qsizetype(control & 0x1f) << 8;
        if (length == 7) {
            if (ip >= inEnd)
                return false;
            length += *ip++;
        }
        if (ip >= inEnd)
            return false;
        distance += *ip++;
        length += 2;
        const unsigned char *ref = op - distance - 1;
        if (ref < outStart || outEnd - op < length)
            return false;
        // Byte by byte: a reference may overlap the bytes it produces (runs).
        for (qsizetype k = 0; k < length; ++k)
            *op++ = *ref++;
    }
    return op == outEnd;
}
