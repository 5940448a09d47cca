#include "statmode.h"

#include "cliclient.h"
#include "clioptions.h"

#include <QThread>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// redis-cli's getLongInfoField: the first "field" in the text, its value up to \r or ",";
// LONG_MIN when absent.
long infoField(const QByteArray &info, const char *field)
{
    const char *p = std::strstr(info.constData(), field);
    if (!p)
        return LONG_MIN;
    return std::strtol(p + std::strlen(field) + 1, nullptr, 10);
}

// 0 when the server does not report it.
long flagField(const QByteArray &info, const char *field)
{
    const long value = infoField(info, field);
    return value == LONG_MIN ? 0 : value;
}

QByteArray bytesToHuman(long long n)
{
    char text[64];
    if (n < 1024)
        std::snprintf(text, sizeof text, "%lldB", n);
    else if (n < 1024LL * 1024)
        std::snprintf(text, sizeof text, "%.2fK", double(n) / 1024);
    else if (n < 1024LL * 1024 * 1024)
        std::snprintf(text, sizeof text, "%.2fM", double(n) / (1024 * 1024));
    else if (n < 1024LL * 1024 * 1024 * 1024)
        std::snprintf(text, sizeof text, "%.2fG", double(n) / (1024LL * 1024 * 1024));
    else
        std::snprintf(text, sizeof text, "%.2fT", double(n) / (1024LL * 1024 * 1024 * 1024));
    return text;
}

} // namespace

namespace StatMode {

int run(CliClient &client, const CliOptions &options)
{
    const unsigned long intervalUs
            = options.intervalSet ? (unsigned long)(options.interval * 1e6) : 1000000;
    long requests = 0;
    for (int lines = 0;; ++lines) {
        Reply reply;
        QString error;
        if (!client.call({ "INFO" }, &reply, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
        if (reply.type == Reply::Type::Error) {
            std::printf("ERROR: %s\n", reply.string.constData());
            return 1;
        }
        const QByteArray &info = reply.string;
        if (lines % 20 == 0) {
            std::printf("------- data ------ --------------------- load -------------------- - "
                        "child -\n"
                        "keys       mem      clients blocked requests            connections  "
                        "        \n");
        }
        long keys = 0;
        for (int db = 0; db < 20; ++db) {
            const QByteArray field = "db" + QByteArray::number(db) + ":keys";
            const long k = infoField(info, field.constData());
            if (k != LONG_MIN)
                keys += k;
        }
        std::printf("%-11s", QByteArray::number(qlonglong(keys)).constData());
        std::printf("%-8s", bytesToHuman(infoField(info, "used_memory")).constData());
        std::printf(" %-8ld", infoField(info, "connected_clients"));
        std::printf("%-8ld", infoField(info, "blocked_clients"));
        const long total = infoField(info, "total_commands_processed");
        const QByteArray load = QByteArray::number(qlonglong(total)) + " (+"
                + QByteArray::number(qlonglong(requests == 0 ? 0 : total - requests)) + ')';
        std::printf("%-19s", load.constData());
        requests = total;
        std::printf(" %-12ld", infoField(info, "total_connections_received"));
        const long child = flagField(info, "bgsave_in_progress")
                | flagField(info, "aof_rewrite_in_progress") << 1 | flagField(info, "loading") << 2;
        const char *children[] = { "", "SAVE", "AOF", "SAVE+AOF", "LOAD" };
        if (child >= 0 && child <= 4)
            std::printf("%s", children[child]);
        std::printf("\n");
        std::fflush(stdout);
        QThread::usleep(intervalUs);
    }
}

} // namespace StatMode
