#include "aofencoding.h"

#include "protocol/numbers.h"

namespace AofEncoding {

namespace {

// A "<prefix><number>\r\n" line at *pos.
Parse readNumberLine(QByteArrayView data, qsizetype *pos, char prefix, long long *number)
{
    if (*pos >= data.size())
        return Parse::Truncated;
    if (data[*pos] != prefix)
        return Parse::Malformed;
    const qsizetype eol = data.indexOf("\r\n", *pos);
    if (eol < 0)
        return data.size() - *pos > 32 ? Parse::Malformed : Parse::Truncated;
    if (!Numbers::toLongLong(data.sliced(*pos + 1, eol - *pos - 1), number))
        return Parse::Malformed;
    *pos = eol + 2;
    return Parse::Complete;
}

} // namespace

Parse nextCommand(QByteArrayView data, qsizetype from, qsizetype *end,
                  std::vector<QByteArrayView> *argv)
{
    argv->clear();
    qsizetype pos = from;
    long long count = 0;
    Parse status = readNumberLine(data, &pos, '*', &count);
    if (status != Parse::Complete)
        return status;
    if (count < 1)
        return Parse::Malformed;
    for (long long i = 0; i < count; ++i) {
        long long length = 0;
        status = readNumberLine(data, &pos, '$', &length);
        if (status != Parse::Complete)
            return status;
        if (length < 0)
            return Parse::Malformed;
        if (data.size() - pos < length + 2)
            return Parse::Truncated;
        if (data[pos + length] != '\r' || data[pos + length + 1] != '\n')
            return Parse::Malformed;
        argv->push_back(data.sliced(pos, length));
        pos += length + 2;
    }
    *end = pos;
    return Parse::Complete;
}

} // namespace AofEncoding
