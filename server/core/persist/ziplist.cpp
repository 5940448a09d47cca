#include "ziplist.h"

#include <QtEndian>

namespace {

constexpr qsizetype HeaderSize = 10; // zlbytes, zltail, zllen
constexpr unsigned char End = 0xFF;

} // namespace

bool Ziplist::decode(QByteArrayView blob, std::vector<Listpack::Element> *elements)
{
    const auto *p = reinterpret_cast<const unsigned char *>(blob.data());
    const qsizetype size = blob.size();
    if (size < HeaderSize + 1 || qFromLittleEndian<quint32>(p) != quint32(size)
        || p[size - 1] != End)
        return false;
    const quint16 storedCount = qFromLittleEndian<quint16>(p + 8);
    qsizetype offset = HeaderSize;
    const qsizetype end = size - 1;
    qsizetype count = 0;
    while (offset < end) {
        // The previous entry's length: 1 byte, or 0xFE and 4 bytes.
        offset += p[offset] < 0xFE ? 1 : 5;
        if (offset >= end)
            return false;
        const unsigned char encoding = p[offset];
        Listpack::Element element;
        qsizetype head = 1;
        qsizetype length = 0;
        switch (encoding >> 6) {
        case 0: length = encoding & 0x3F; break;
        case 1:
            head = 2;
            if (offset + 2 > end)
                return false;
            length = qsizetype(encoding & 0x3F) << 8 | p[offset + 1];
            break;
        case 2:
            head = 5;
            if (encoding != 0x80 || offset + 5 > end)
                return false;
            length = qsizetype(qFromBigEndian<quint32>(p + offset + 1));
            break;
        default: {
            element.isInteger = true;
            const unsigned char *data = p + offset + 1;
            switch (encoding) {
            case 0xC0: length = 2; break;
            case 0xD0: length = 4; break;
            case 0xE0: length = 8; break;
            case 0xF0: length = 3; break;
            case 0xFE: length = 1; break;
            default:
                if (encoding < 0xF1 || encoding > 0xFD)
                    return false;
                element.integer = (encoding & 0x0F) - 1;
            }
            if (offset + 1 + length > end)
                return false;
            switch (encoding) {
            case 0xC0: element.integer = qFromLittleEndian<qint16>(data); break;
            case 0xD0: element.integer = qFromLittleEndian<qint32>(data); break;
            case 0xE0: element.integer = qFromLittleEndian<qint64>(data); break;
            case 0xF0:
                element.integer = qint32(quint32(data[0]) << 8 | quint32(data[1]) << 16
                                         | quint32(data[2]) << 24)
                        >> 8;
                break;
            case 0xFE: element.integer = qint8(data[0]); break;
            default: break;
            }
        }
        }
        if (length > end - offset - head)
            return false;
        if (!element.isInteger)
            element.string = QByteArrayView(blob.data() + offset + head, length);
        elements->push_back(element);
        offset += head + length;
        ++count;
    }
    return offset == end && (storedCount == 0xFFFF || storedCount == count);
}
