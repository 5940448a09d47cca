#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <initializer_list>
#include <vector>

// Commands as an append-only file holds them: RESP arrays of bulk strings.
namespace AofEncoding {

inline void appendHeader(QByteArray &out, qint64 count)
{
    out += '*';
    out += QByteArray::number(count);
    out += "\r\n";
}

inline void appendBulk(QByteArray &out, QByteArrayView bytes)
{
    out += '$';
    out += QByteArray::number(bytes.size());
    out += "\r\n";
    out.append(bytes.data(), bytes.size());
    out += "\r\n";
}

template<typename Args> void appendCommand(QByteArray &out, const Args &argv)
{
    appendHeader(out, qint64(argv.size()));
    for (QByteArrayView arg : argv)
        appendBulk(out, arg);
}

inline void appendCommand(QByteArray &out, std::initializer_list<QByteArrayView> argv)
{
    appendCommand<std::initializer_list<QByteArrayView>>(out, argv);
}

// Where the command starting at `from` ends in data (*end), as Redis's loader reads it.
enum class Parse { Complete, Truncated, Malformed };
Parse nextCommand(QByteArrayView data, qsizetype from, qsizetype *end,
                  std::vector<QByteArrayView> *argv);

} // namespace AofEncoding
