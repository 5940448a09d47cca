#include "keyscanmode.h"

#include "cliclient.h"
#include "clioptions.h"
#include "protocol/repr.h"

#include <QThread>

#include <cstdio>
#include <deque>
#include <vector>

namespace {

struct TypeInfo
{
    TypeInfo(const QByteArray &name, const char *sizeCommand, const char *sizeUnit)
        : name(name)
        , sizeCommand(sizeCommand)
        , sizeUnit(sizeUnit)
    { }

    QByteArray name;
    const char *sizeCommand;
    const char *sizeUnit;
    unsigned long long biggest = 0;
    unsigned long long count = 0;
    unsigned long long totalSize = 0;
    QByteArray biggestKey; // empty until a key of this type is seen
};

class Scanner
{
public:
    Scanner(CliClient &client, const CliOptions &options)
        : m_client(client)
        , m_options(options)
    { }

    // One SCAN step: the next cursor and the keys; false (after saying why) on failure.
    bool scan(QByteArray *cursor, QByteArrayList *keys)
    {
        QByteArrayList args { "SCAN", *cursor };
        if (!m_options.pattern.isEmpty())
            args << "MATCH" << m_options.pattern;
        if (m_options.count > 0)
            args << "COUNT" << QByteArray::number(m_options.count);
        Reply reply;
        if (!call(args, &reply))
            return false;
        if (reply.type == Reply::Type::Error) {
            std::fprintf(stderr, "SCAN error: %s\n", reply.string.constData());
            m_status = 1;
            return false;
        }
        if (reply.elements.size() != 2 || reply.elements.at(1).type != Reply::Type::Array) {
            std::fprintf(stderr, "Invalid SCAN reply\n");
            m_status = 1;
            return false;
        }
        *cursor = reply.elements.at(0).string;
        keys->clear();
        for (const Reply &key : reply.elements.at(1).elements)
            keys->append(key.string);
        return true;
    }

    // Sends every command, then reads every reply: one round trip per batch.
    bool pipeline(const QList<QByteArrayList> &commands, QList<Reply> *replies)
    {
        for (const QByteArrayList &command : commands)
            m_client.queue(command);
        replies->clear();
        for (qsizetype i = 0; i < commands.size(); ++i) {
            Reply reply;
            QString error;
            if (!m_client.readReply(&reply, &error)) {
                std::fprintf(stderr, "\nI/O error: %s\n", qPrintable(error));
                m_status = 2;
                return false;
            }
            replies->append(reply);
        }
        return true;
    }

    bool call(const QByteArrayList &args, Reply *reply)
    {
        QList<Reply> replies;
        if (!pipeline({ args }, &replies))
            return false;
        *reply = replies.first();
        return true;
    }

    int status() const { return m_status; }

private:
    CliClient &m_client;
    const CliOptions &m_options;
    int m_status = 0;
};

int scanKeys(Scanner &scanner)
{
    QByteArray cursor = "0";
    QByteArrayList keys;
    do {
        if (!scanner.scan(&cursor, &keys))
            return scanner.status();
        for (const QByteArray &key : keys) {
            std::fwrite(key.constData(), 1, size_t(key.size()), stdout);
            std::fputc('\n', stdout);
        }
    } while (cursor != "0");
    std::fflush(stdout);
    return 0;
}

int findBigKeys(Scanner &scanner, const CliOptions &options)
{
    const bool memory = options.mode == CliOptions::Mode::MemKeys;
    // redis-cli keeps these in a dict; this is the order its summary comes out in. A deque, so
    // that a module's type added later leaves the pointers to the others valid.
    std::deque<TypeInfo> types = {
        { "list", "LLEN", "items" },     { "hash", "HLEN", "fields" },
        { "string", "STRLEN", "bytes" }, { "stream", "XLEN", "entries" },
        { "set", "SCARD", "members" },   { "zset", "ZCARD", "members" },
    };
    auto typeNamed = [&types](const QByteArray &name) -> TypeInfo * {
        for (TypeInfo &type : types) {
            if (type.name == name)
                return &type;
        }
        if (name == "none")
            return nullptr;                         // deleted between SCAN and TYPE
        types.emplace_back(name, nullptr, "units"); // a module's type
        return &types.back();
    };

    Reply dbsize;
    if (!scanner.call({ "DBSIZE" }, &dbsize))
        return scanner.status();
    if (dbsize.type != Reply::Type::Integer) {
        std::fprintf(stderr, "Couldn't determine DBSIZE!\n");
        return 1;
    }
    const unsigned long long totalKeys = (unsigned long long)dbsize.integer;
    std::printf("\n# Scanning the entire keyspace to find biggest keys as well as\n");
    std::printf("# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n");
    std::printf("# per 100 SCAN commands (not usually needed).\n\n");

    unsigned long long sampled = 0, totalLength = 0;
    QByteArray cursor = "0";
    QByteArrayList keys;
    do {
        const double pct = 100 * double(sampled) / double(totalKeys);
        if (!scanner.scan(&cursor, &keys))
            return scanner.status();
        QList<QByteArrayList> typeCommands;
        for (const QByteArray &key : keys)
            typeCommands.append({ "TYPE", key });
        QList<Reply> typeReplies;
        if (!scanner.pipeline(typeCommands, &typeReplies))
            return scanner.status();
        std::vector<TypeInfo *> keyTypes;
        QList<QByteArrayList> sizeCommands;
        for (qsizetype i = 0; i < keys.size(); ++i) {
            TypeInfo *type = typeNamed(typeReplies.at(i).string);
            keyTypes.push_back(type);
            if (!type)
                continue;
            if (memory) {
                QByteArrayList usage { "MEMORY", "USAGE", keys.at(i) };
                if (options.memkeysSamples > 0)
                    usage << "SAMPLES" << QByteArray::number(options.memkeysSamples);
                sizeCommands.append(usage);
            } else if (type->sizeCommand) {
                sizeCommands.append({ type->sizeCommand, keys.at(i) });
            }
        }
        QList<Reply> sizeReplies;
        if (!scanner.pipeline(sizeCommands, &sizeReplies))
            return scanner.status();
        qsizetype next = 0;
        for (qsizetype i = 0; i < keys.size(); ++i) {
            TypeInfo *type = keyTypes.at(size_t(i));
            if (!type)
                continue;
            unsigned long long size = 0;
            if (memory || type->sizeCommand) {
                const Reply &reply = sizeReplies.at(next++);
                if (reply.type == Reply::Type::Integer)
                    size = (unsigned long long)reply.integer;
            }
            type->totalSize += size;
            ++type->count;
            totalLength += (unsigned long long)keys.at(i).size();
            ++sampled;
            const char *unit = memory ? "bytes" : type->sizeUnit;
            if (type->biggest < size) {
                std::printf("[%05.2f%%] Biggest %-6s found so far '%s' with %llu %s\n", pct,
                            type->name.constData(), Repr::quoted(keys.at(i)).constData(), size,
                            unit);
                type->biggestKey = Repr::quoted(keys.at(i));
                type->biggest = size;
            }
            if (sampled % 1000000 == 0)
                std::printf("[%05.2f%%] Sampled %llu keys so far\n", pct, sampled);
        }
        if (sampled && sampled % 100 == 0 && options.interval > 0)
            QThread::usleep((unsigned long)(options.interval * 1e6));
    } while (cursor != "0");

    std::printf("\n-------- summary -------\n\n");
    std::printf("Sampled %llu keys in the keyspace!\n", sampled);
    std::printf("Total key length in bytes is %llu (avg len %.2f)\n\n", totalLength,
                totalLength ? double(totalLength) / double(sampled) : 0);
    for (const TypeInfo &type : types) {
        if (!type.biggestKey.isEmpty()) {
            std::printf("Biggest %6s found '%s' has %llu %s\n", type.name.constData(),
                        type.biggestKey.constData(), type.biggest,
                        memory ? "bytes" : type.sizeUnit);
        }
    }
    std::printf("\n");
    for (const TypeInfo &type : types) {
        std::printf("%llu %ss with %llu %s (%05.2f%% of keys, avg size %.2f)\n", type.count,
                    type.name.constData(), type.totalSize, memory ? "bytes" : type.sizeUnit,
                    sampled ? 100 * double(type.count) / double(sampled) : 0,
                    type.count ? double(type.totalSize) / double(type.count) : 0);
    }
    std::fflush(stdout);
    return 0;
}

} // namespace

namespace KeyScanMode {

int run(CliClient &client, const CliOptions &options)
{
    Scanner scanner(client, options);
    if (options.mode == CliOptions::Mode::Scan)
        return scanKeys(scanner);
    return findBigKeys(scanner, options);
}

} // namespace KeyScanMode
