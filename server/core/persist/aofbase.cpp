#include "aofbase.h"

#include "aofencoding.h"
#include "store/hashvalue.h"
#include "store/keyspace.h"
#include "store/listvalue.h"
#include "store/setvalue.h"
#include "store/streamvalue.h"
#include "store/zsetvalue.h"

#include <cerrno>
#include <cstdio>

#include <unistd.h>

namespace {

// Redis's AOF_REWRITE_ITEMS_PER_CMD.
constexpr qsizetype ItemsPerCommand = 64;
constexpr qsizetype FlushThreshold = 1024 * 1024;

class BaseWriter
{
public:
    explicit BaseWriter(int fd)
        : m_fd(fd)
    { }

    // Adds items to a command of `command key` that holds at most ItemsPerCommand of them;
    // `remaining` counts the key's items still to come (Redis's rewriteListObject pattern).
    void item(const char *command, QByteArrayView key, qint64 remaining,
              std::initializer_list<QByteArrayView> words)
    {
        if (m_inCommand == 0) {
            const qint64 count = qMin<qint64>(ItemsPerCommand, remaining);
            AofEncoding::appendHeader(m_out, 2 + count * qint64(words.size()));
            AofEncoding::appendBulk(m_out, command);
            AofEncoding::appendBulk(m_out, key);
            m_inCommand = count;
        }
        for (QByteArrayView word : words)
            AofEncoding::appendBulk(m_out, word);
        --m_inCommand;
        maybeFlush();
    }
    template<typename Args> void command(const Args &argv)
    {
        AofEncoding::appendCommand(m_out, argv);
        maybeFlush();
    }
    void command(std::initializer_list<QByteArrayView> argv)
    {
        command<std::initializer_list<QByteArrayView>>(argv);
    }
    bool flush()
    {
        const char *p = m_out.constData();
        qsizetype left = m_out.size();
        while (m_ok && left > 0) {
            const ssize_t n = ::write(m_fd, p, size_t(left));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                m_ok = false;
                break;
            }
            p += n;
            left -= n;
        }
        m_out.resize(0);
        return m_ok;
    }

private:
    void maybeFlush()
    {
        if (m_out.size() >= FlushThreshold)
            flush();
    }

    int m_fd;
    QByteArray m_out;
    qint64 m_inCommand = 0;
    bool m_ok = true;
};

// Redis's rewriteStreamObject: the entries, the stream's ids and counters (XSETID), then each
// group with its pending entries (XCLAIM ... JUSTID FORCE keeps their times and counts) and
// the consumers that have none.
void writeStream(BaseWriter &w, QByteArrayView key, const StreamValue &stream)
{
    const QByteArray lastId = stream.lastId().toString();
    if (stream.length() > 0) {
        std::vector<QByteArrayView> argv;
        stream.visitFrom(0, stream.length(), [&](const StreamValue::Entry &entry) {
            const QByteArray id = entry.id.toString();
            argv.assign({ "XADD", key, id });
            for (qsizetype i = 0; i < entry.pairCount(); ++i) {
                argv.push_back(entry.field(i));
                argv.push_back(entry.value(i));
            }
            w.command(argv);
        });
    } else {
        // An empty stream still exists: added, then trimmed to nothing, as Redis writes it.
        w.command({ "XADD", key, "MAXLEN", "0", lastId, "x", "y" });
    }
    w.command({ "XSETID", key, lastId, "ENTRIESADDED", QByteArray::number(stream.entriesAdded()),
                "MAXDELETEDID", stream.maxDeletedId().toString() });
    for (const auto &[name, group] : stream.groups()) {
        w.command({ "XGROUP", "CREATE", key, name, group->lastId.toString(), "ENTRIESREAD",
                    QByteArray::number(group->entriesRead) });
        for (const auto &[id, nack] : group->pending) {
            w.command({ "XCLAIM", key, name, nack.consumer->name, "0", id.toString(), "TIME",
                        QByteArray::number(nack.deliveryTime), "RETRYCOUNT",
                        QByteArray::number(qulonglong(nack.deliveryCount)), "JUSTID", "FORCE" });
        }
        for (const auto &[consumerName, consumer] : group->consumers) {
            if (consumer->pending.empty())
                w.command({ "XGROUP", "CREATECONSUMER", key, name, consumerName });
        }
    }
}

void writeEntry(BaseWriter &w, const KeyEntry &entry)
{
    const QByteArrayView key = entry.key();
    char buffer[24];
    switch (entry.type) {
    case ValueType::String: w.command({ "SET", key, entry.string() }); break;
    case ValueType::List: {
        const auto *list = entry.as<ListValue>();
        qint64 remaining = list->length();
        for (auto it = list->first(); it.isValid(); it.next())
            w.item("RPUSH", key, remaining--, { it.element().text(buffer) });
        break;
    }
    case ValueType::Set: {
        const auto *set = entry.as<SetValue>();
        qint64 remaining = set->length();
        set->forEach([&](const SetValue::Element &member) {
            w.item("SADD", key, remaining--, { member.text(buffer) });
            return true;
        });
        break;
    }
    case ValueType::ZSet: {
        const auto *zset = entry.as<ZSetValue>();
        qint64 remaining = zset->length();
        for (auto it = zset->atRank(0); it.isValid(); it.next()) {
            char score[32];
            const int n = std::snprintf(score, sizeof(score), "%.17g", it.score());
            w.item("ZADD", key, remaining--, { QByteArrayView(score, n), it.member() });
        }
        break;
    }
    case ValueType::Hash: {
        const auto *hash = entry.as<HashValue>();
        qint64 remaining = hash->length();
        hash->forEach([&](QByteArrayView field, QByteArrayView value) {
            w.item("HMSET", key, remaining--, { field, value });
        });
        break;
    }
    case ValueType::Stream: writeStream(w, key, *entry.as<StreamValue>()); break;
    }
    if (entry.hasExpire())
        w.command({ "PEXPIREAT", key, QByteArray::number(entry.expireAt) });
}

} // namespace

namespace AofBase {

bool write(int fd, const std::vector<const Keyspace *> &databases,
           const RdbFile::SaveOptions &options)
{
    BaseWriter w(fd);
    for (const QByteArray &code : options.functionLibraries)
        w.command({ "FUNCTION", "LOAD", code });
    for (size_t db = 0; db < databases.size(); ++db) {
        if (!databases[db] || databases[db]->size() == 0)
            continue;
        w.command({ "SELECT", QByteArray::number(qulonglong(db)) });
        databases[db]->forEach([&w, &options](const KeyEntry &entry) {
            writeEntry(w, entry);
            RdbFile::afterKey(options);
        });
    }
    return w.flush();
}

} // namespace AofBase
