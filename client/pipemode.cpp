#include "pipemode.h"

#include "cliclient.h"
#include "clioptions.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

#include <cstdio>
#include <unistd.h>

namespace {

constexpr qsizetype ChunkBytes = 64 * 1024;
// More than this waiting to be sent: wait for the server before reading more of stdin.
constexpr qint64 MaxUnsentBytes = 4 * 1024 * 1024;

struct Counts
{
    long long errors = 0;
    long long replies = 0;
    bool done = false;
    bool lost = false;
};

// Takes every reply that has arrived, waiting up to timeoutMs for the first.
void takeReplies(CliClient &client, const QByteArray &magic, bool eof, int timeoutMs,
                 Counts *counts, QElapsedTimer *lastRead)
{
    for (Reply reply; !counts->done;) {
        QString error;
        const CliClient::Status status = client.read(&reply, &error, timeoutMs);
        if (status == CliClient::Status::Closed) {
            std::fprintf(stderr, "Error reading replies from server: %s\n", qPrintable(error));
            counts->lost = true;
            return;
        }
        if (status != CliClient::Status::Reply)
            return;
        timeoutMs = 0;
        lastRead->restart();
        if (reply.type == Reply::Type::Error) {
            std::fprintf(stderr, "%s\n", reply.string.constData());
            ++counts->errors;
        } else if (eof && reply.type == Reply::Type::Bulk && reply.string == magic) {
            std::printf("Last reply received from server.\n");
            counts->done = true;
            --counts->replies; // the ECHO's reply is not one of the input's
        }
        ++counts->replies;
    }
}

} // namespace

namespace PipeMode {

int run(CliClient &client, const CliOptions &options)
{
    QByteArray magic(20, '\0');
    for (char &c : magic)
        c = char(QRandomGenerator::global()->bounded(256));
    Counts counts;
    QElapsedTimer lastRead;
    lastRead.start();
    QByteArray chunk(ChunkBytes, '\0');
    for (bool eof = false; !eof && !counts.lost;) {
        const ssize_t n = ::read(STDIN_FILENO, chunk.data(), size_t(chunk.size()));
        if (n < 0) {
            std::perror("Error reading from stdin");
            return 1;
        }
        eof = n == 0;
        if (!eof)
            client.queueRaw(chunk.left(n));
        client.flush(0);
        while (client.bytesToWrite() > MaxUnsentBytes && !counts.lost) {
            client.flush(100);
            takeReplies(client, magic, false, 0, &counts, &lastRead);
        }
        takeReplies(client, magic, false, 0, &counts, &lastRead);
    }
    if (!counts.lost) {
        // The ECHO starts with CRLF, which the server skips, so that it is read as a command
        // even after a truncated last command in the input.
        client.queueRaw("\r\n*2\r\n$4\r\nECHO\r\n$20\r\n" + magic + "\r\n");
        std::printf("All data transferred. Waiting for the last reply...\n");
        std::fflush(stdout);
    }
    while (!counts.done && !counts.lost) {
        takeReplies(client, magic, true, 1000, &counts, &lastRead);
        if (!counts.done && options.pipeTimeout > 0
            && lastRead.elapsed() > options.pipeTimeout * 1000LL) {
            std::fprintf(stderr, "No replies for %d seconds: exiting.\n", options.pipeTimeout);
            ++counts.errors;
            break;
        }
    }
    std::printf("errors: %lld, replies: %lld\n", counts.errors, counts.replies);
    std::fflush(stdout);
    if (counts.lost)
        return 2;
    return counts.errors > 0 ? 1 : 0;
}

} // namespace PipeMode
