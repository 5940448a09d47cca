// libFuzzer target for the request parser, used as Connection uses it: the input arrives in
// reads of the sizes its first bytes choose, every complete request is taken, the consumed
// prefix is dropped and the parser told so, and an error ends the client. Each request's
// arguments must lie inside the buffer; AddressSanitizer and UBSan catch the rest.
#include "respparser.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    // Byte 0: the read size (1..256 bytes); byte 1: the parser's limits.
    const size_t chunk = size_t(data[0]) + 1;
    RespParser parser;
    parser.setUnauthenticated(data[1] & 1);
    if (data[1] & 2)
        parser.setMaxBulkLength(64);
    data += 2;
    size -= 2;

    QByteArray buffer;
    size_t fed = 0;
    while (fed < size) {
        const size_t n = qMin(chunk, size - fed);
        buffer.append(reinterpret_cast<const char *>(data + fed), qsizetype(n));
        fed += n;
        qsizetype pos = 0;
        for (;;) {
            const qsizetype before = pos;
            const RespParser::Status status = parser.parse(buffer, &pos);
            check(pos >= before && pos <= buffer.size());
            if (status == RespParser::Status::Error) {
                check(!parser.errorText().isEmpty());
                return 0;
            }
            if (status == RespParser::Status::NeedMore)
                break;
            check(!parser.args().empty());
            const char *begin = buffer.constData();
            for (QByteArrayView arg : parser.args()) {
                // Inline arguments live in the parser's own copies; multibulk ones in buffer.
                if (arg.data() >= begin && arg.data() < begin + buffer.size())
                    check(arg.data() + arg.size() <= begin + buffer.size());
            }
        }
        check(parser.pendingBulkBytes(buffer) >= 0);
        buffer.remove(0, pos);
        parser.discard(pos);
    }
    return 0;
}
