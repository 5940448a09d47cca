#pragma once

#include <QByteArray>
#include <QByteArrayView>

// LZF, the compression of strings in RDB files and DUMP payloads (Redis's rdbcompression).
// The stream is a sequence of runs: a control byte below 32 copies that many plus one literal
// bytes; otherwise its top 3 bits are a length (7: add the next byte), its low 5 bits and the
// next byte a distance back into the output, and length + 2 bytes are copied from there.
// This is qkv's own encoder (greedy, one candidate per hash slot): any LZF decoder reads its
// output, but it is not byte for byte what liblzf would produce.
class Lzf
{
public:
    // Compresses input into at most maxOutput bytes; an empty result when it does not fit
    // (the caller then stores the string as it is, as Redis does).
    static QByteArray compress(QByteArrayView input, qsizetype maxOutput);
    // Decompresses input, which must expand to exactly outputLength bytes; false on a corrupt
    // stream.
    static bool decompress(QByteArrayView input, qsizetype outputLength, QByteArray *output);
};
