#include "streamid.h"

#include "protocol/numbers.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace {

// Redis's string2ull: string2ll's integers when not negative, else what strtoull accepts whole.
bool parseUnsigned(const char *text, size_t length, quint64 *value)
{
    long long ll = 0;
    if (Numbers::toLongLong(QByteArrayView(text, qsizetype(length)), &ll)) {
        if (ll < 0)
            return false;
        *value = quint64(ll);
        return true;
    }
    if (length == 0)
        return false;
    errno = 0;
    char *end = nullptr;
    *value = std::strtoull(text, &end, 10);
    return errno != EINVAL && errno != ERANGE && *end == '\0';
}

} // namespace

bool StreamId::increment()
{
    if (seq != std::numeric_limits<quint64>::max()) {
        ++seq;
        return true;
    }
    if (ms == std::numeric_limits<quint64>::max())
        return false;
    ++ms;
    seq = 0;
    return true;
}

bool StreamId::decrement()
{
    if (seq != 0) {
        --seq;
        return true;
    }
    if (ms == 0)
        return false;
    --ms;
    seq = std::numeric_limits<quint64>::max();
    return true;
}

QByteArray StreamId::toString() const
{
    QByteArray text = QByteArray::number(ms);
    text += '-';
    text += QByteArray::number(seq);
    return text;
}

void StreamId::encode(unsigned char (&out)[16]) const
{
    for (int i = 0; i < 8; ++i) {
        out[i] = uchar(ms >> (56 - 8 * i));
        out[8 + i] = uchar(seq >> (56 - 8 * i));
    }
}

StreamId StreamId::decode(const unsigned char *bytes)
{
    StreamId id;
    for (int i = 0; i < 8; ++i) {
        id.ms = (id.ms << 8) | bytes[i];
        id.seq = (id.seq << 8) | bytes[8 + i];
    }
    return id;
}

bool StreamId::parse(QByteArrayView text, StreamId *id, quint64 missingSeq, bool strict,
                     bool *seqGiven)
{
    // Redis copies the argument into a 128-byte buffer and reads it as a C string.
    char buffer[128];
    if (size_t(text.size()) > sizeof(buffer) - 1)
        return false;
    std::memcpy(buffer, text.data(), size_t(text.size()));
    buffer[text.size()] = '\0';
    const size_t length = std::strlen(buffer);
    const bool single = length == 1;
    if (strict && single && (buffer[0] == '-' || buffer[0] == '+'))
        return false;
    if (seqGiven)
        *seqGiven = true;
    if (single && buffer[0] == '-') {
        *id = {};
        return true;
    }
    if (single && buffer[0] == '+') {
        *id = max();
        return true;
    }
    char *dash = std::strchr(buffer, '-');
    if (dash)
        *dash = '\0';
    quint64 ms = 0;
    quint64 seq = missingSeq;
    if (!parseUnsigned(buffer, std::strlen(buffer), &ms))
        return false;
    if (dash) {
        const char *rest = dash + 1;
        if (seqGiven && std::strcmp(rest, "*") == 0) {
            seq = 0;
            *seqGiven = false;
        } else if (!parseUnsigned(rest, std::strlen(rest), &seq)) {
            return false;
        }
    }
    id->ms = ms;
    id->seq = seq;
    return true;
}
