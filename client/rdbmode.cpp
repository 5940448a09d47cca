#include "rdbmode.h"

#include "cliclient.h"
#include "clioptions.h"

#include <QFile>

#include <cstdio>
#include <unistd.h>

namespace {

constexpr qsizetype EofMarkLength = 40;

// Bytes from the socket until *buffer holds at least `size` of them.
bool fill(CliClient &client, QByteArray *buffer, qsizetype size)
{
    while (buffer->size() < size) {
        bool closed = false;
        const QByteArray more = client.readRaw(-1, &closed);
        if (closed)
            return false;
        *buffer += more;
    }
    return true;
}

} // namespace

namespace RdbMode {

int run(CliClient &client, const CliOptions &options)
{
    Reply reply;
    QString error;
    // Only the snapshot, not the command stream after it; older servers refuse and that is fine.
    if (!client.call({ "REPLCONF", "rdb-only", "1" }, &reply, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    client.queueRaw("SYNC\r\n");
    // The server sends newlines to keep the link alive while it prepares the snapshot.
    QByteArray buffer;
    qsizetype lineEnd = -1;
    while (lineEnd < 0) {
        while (buffer.startsWith('\n'))
            buffer.remove(0, 1);
        lineEnd = buffer.indexOf("\r\n");
        if (lineEnd < 0 && !fill(client, &buffer, buffer.size() + 1)) {
            std::fprintf(stderr, "Error reading bulk length while SYNCing\n");
            return 2;
        }
    }
    const QByteArray line = buffer.left(lineEnd);
    buffer.remove(0, lineEnd + 2);
    if (line.startsWith('-')) {
        std::printf("SYNC with master failed: %s\n", line.constData());
        return 1;
    }
    const bool diskless = line.startsWith("$EOF:");
    const QByteArray mark = line.mid(5);
    const qint64 length = diskless ? -1 : line.mid(1).toLongLong();
    if (diskless) {
        std::fprintf(stderr,
                     "SYNC sent to master, writing bytes of bulk transfer until EOF "
                     "marker to '%s'\n",
                     qPrintable(options.rdbFile));
    } else {
        std::fprintf(stderr, "SYNC sent to master, writing %lld bytes to '%s'\n", (long long)length,
                     qPrintable(options.rdbFile));
    }
    QFile file(options.rdbFile);
    const bool toStdout = options.rdbFile == QLatin1String("-");
    if (!(toStdout ? file.open(stdout, QIODevice::WriteOnly)
                   : file.open(QIODevice::WriteOnly | QIODevice::Truncate))) {
        std::fprintf(stderr, "Error opening '%s': %s\n", qPrintable(options.rdbFile),
                     qPrintable(file.errorString()));
        return 1;
    }
    auto save = [&file](const QByteArray &bytes) {
        if (file.write(bytes) == bytes.size())
            return true;
        std::fprintf(stderr, "Error writing data to file: %s\n", qPrintable(file.errorString()));
        return false;
    };
    for (qint64 written = 0;;) {
        if (diskless) {
            // The marker may be split between reads: the bytes that could start it wait.
            if (mark.size() == EofMarkLength && buffer.endsWith(mark)) {
                if (!save(buffer.chopped(EofMarkLength)))
                    return 1;
                break;
            }
            if (buffer.size() >= EofMarkLength) {
                if (!save(buffer.left(buffer.size() - (EofMarkLength - 1))))
                    return 1;
                buffer = buffer.right(EofMarkLength - 1);
            }
        } else {
            const qsizetype take = qsizetype(qMin<qint64>(buffer.size(), length - written));
            if (!save(buffer.left(take)))
                return 1;
            written += take;
            buffer.clear();
            if (written >= length)
                break;
        }
        if (!fill(client, &buffer, buffer.size() + 1)) {
            std::fprintf(stderr, "I/O Error reading RDB payload from socket\n");
            return 2;
        }
    }
    client.close(); // as soon as possible: the server may start streaming commands
    file.flush();
    if (file.handle() >= 0)
        fsync(file.handle());
    std::fprintf(stderr, "Transfer finished with success.\n");
    return 0;
}

} // namespace RdbMode
