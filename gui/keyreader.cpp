#include "keyreader.h"

#include "observe/keypreview.h"
#include "respconnection.h"

#include <QLocale>

#include <memory>

namespace {

using Commands = QList<QByteArrayList>;

bool isError(const Reply &reply)
{
    return reply.type == Reply::Type::Error;
}

QByteArray cut(const QByteArray &bytes, qsizetype n)
{
    return bytes.size() > n ? bytes.left(n) : bytes;
}

// A score for people: the shortest text that reads back as the same double.
QByteArray scoreText(const QByteArray &wire)
{
    bool ok = false;
    const double score = wire.toDouble(&ok);
    return ok ? QByteArray::number(score, 'g', QLocale::FloatingPointShortest) : wire;
}

// The elements of an SSCAN/HSCAN reply (cursor, elements) or of an array reply.
const QList<Reply> &elementsOf(const Reply &reply)
{
    static const QList<Reply> none;
    if (reply.elements.size() == 2 && reply.elements.at(1).isAggregate())
        return reply.elements.at(1).elements;
    return reply.isAggregate() ? reply.elements : none;
}

// The commands giving a key's size and preview, by type (none for a type not known here).
Commands summaryCommands(const QByteArray &type, const QByteArray &key)
{
    const QByteArray previewCount = QByteArray::number(KeyPreview::Elements);
    const QByteArray last = QByteArray::number(KeyPreview::Elements - 1);
    if (type == "string")
        return { { "STRLEN", key },
                 { "GETRANGE", key, "0", QByteArray::number(KeyPreview::Bytes - 1) } };
    if (type == "list")
        return { { "LLEN", key }, { "LRANGE", key, "0", last } };
    if (type == "set")
        return { { "SCARD", key }, { "SSCAN", key, "0", "COUNT", previewCount } };
    if (type == "zset")
        return { { "ZCARD", key }, { "ZRANGE", key, "0", last, "WITHSCORES" } };
    if (type == "hash")
        return { { "HLEN", key }, { "HSCAN", key, "0", "COUNT", previewCount } };
    if (type == "stream")
        return { { "XLEN", key } };
    return {};
}

// Fills row's size and preview from the replies to summaryCommands(row->type, ...).
void fillSummary(KeyRow *row, const QList<Reply> &replies)
{
    if (replies.isEmpty())
        return;
    row->size = replies.at(0).integer;
    if (replies.size() < 2 || isError(replies.at(1)))
        return;
    const Reply &preview = replies.at(1);
    if (row->type == "string") {
        row->preview = preview.string;
        return;
    }
    KeyPreview text;
    const QList<Reply> &elements = elementsOf(preview);
    if (row->type == "hash" || row->type == "zset") {
        const bool zset = row->type == "zset";
        for (qsizetype i = 0; i + 1 < elements.size() && !text.isFull(); i += 2) {
            if (zset)
                text.add(elements.at(i).string,
                         QByteArray('(' + scoreText(elements.at(i + 1).string) + ')'), " ");
            else
                text.add(elements.at(i).string, elements.at(i + 1).string, ": ");
        }
    } else {
        for (qsizetype i = 0; i < elements.size() && !text.isFull(); ++i)
            text.add(elements.at(i).string);
    }
    row->preview = text.finish(row->size);
}

qint64 ttlOf(const Reply &pttl)
{
    return pttl.integer >= 0 ? pttl.integer : -1;
}

struct KeysRequest
{
    RespConnection *connection;
    KeyPage page;
    int count;
    int scans = 0;
    int maxScans = KeyReader::MaxScanCalls;
    QByteArrayList keys;
    std::function<void(const KeyPage &)> done;
    // What to do with the keys SCAN found: describeKeys() for a page.
    std::function<void(const std::shared_ptr<KeysRequest> &)> scanned;
};

void describeKeys(const std::shared_ptr<KeysRequest> &request)
{
    Commands commands;
    for (const QByteArray &key : request->keys) {
        commands.append(QByteArrayList { "TYPE", key });
        commands.append(QByteArrayList { "PTTL", key });
    }
    request->connection->select(request->page.db);
    request->connection->sendBatch(commands, [request](const QList<Reply> &replies) {
        if (replies.size() < 2 * request->keys.size()
            || (!replies.isEmpty() && isError(replies.first())))
            return;
        Commands summaries;
        QList<qsizetype> counts;
        for (qsizetype i = 0; i < request->keys.size(); ++i) {
            KeyRow row;
            row.key = request->keys.at(i);
            row.type = replies.at(2 * i).string;
            row.ttlMs = ttlOf(replies.at(2 * i + 1));
            const Commands more = summaryCommands(row.type, row.key);
            summaries += more;
            counts.append(more.size());
            request->page.keys.append(row);
        }
        request->connection->select(request->page.db);
        request->connection->sendBatch(summaries, [request, counts](const QList<Reply> &replies) {
            qsizetype at = 0;
            for (qsizetype i = 0; i < counts.size(); ++i) {
                fillSummary(&request->page.keys[i], replies.mid(at, counts.at(i)));
                at += counts.at(i);
            }
            // A key gone between SCAN and TYPE is not shown.
            request->page.keys.removeIf([](const KeyRow &row) { return row.type == "none"; });
            request->done(request->page);
        });
    });
}

void scanStep(const std::shared_ptr<KeysRequest> &request, quint64 cursor)
{
    request->connection->select(request->page.db);
    request->connection->send({ "SCAN", QByteArray::number(cursor), "MATCH", request->page.pattern,
                                "COUNT", QByteArray::number(request->count) },
                              [request](const Reply &reply) {
                                  if (reply.elements.size() != 2)
                                      return;
                                  const quint64 next = reply.elements.at(0).string.toULongLong();
                                  for (const Reply &key : reply.elements.at(1).elements)
                                      request->keys.append(key.string);
                                  request->page.nextCursor = next;
                                  if (next != 0 && request->keys.size() < request->count
                                      && ++request->scans < request->maxScans)
                                      scanStep(request, next);
                                  else
                                      request->scanned(request);
                              });
}

// The command reading one page of a value of `type` from cursor.
QByteArrayList pageCommand(const QByteArray &type, const QByteArray &key, quint64 cursor, int count)
{
    const QByteArray from = QByteArray::number(cursor);
    const QByteArray to = QByteArray::number(cursor + quint64(count) - 1);
    if (type == "string")
        return { "GETRANGE", key, "0", QByteArray::number(KeyReader::MaxStringBytes - 1) };
    if (type == "list")
        return { "LRANGE", key, from, to };
    if (type == "zset")
        return { "ZRANGE", key, from, to, "WITHSCORES" };
    if (type == "hash")
        return { "HSCAN", key, from, "COUNT", QByteArray::number(count) };
    if (type == "set")
        return { "SSCAN", key, from, "COUNT", QByteArray::number(count) };
    return {};
}

ValueRow valueRow(const QByteArray &element, qint64 index = -1, const QByteArray &value = {})
{
    ValueRow row;
    row.element = cut(element, KeyReader::MaxElementBytes);
    row.elementSize = element.size();
    row.value = cut(value, KeyReader::MaxElementBytes);
    row.valueSize = value.size();
    row.index = index;
    return row;
}

void fillValuePage(ValuePage *page, const Reply &reply, int count)
{
    const QByteArray &type = page->summary.type;
    if (type == "string") {
        ValueRow row = valueRow(reply.string);
        row.elementSize = page->summary.size;
        page->rows.append(row);
        return;
    }
    const QList<Reply> &elements = elementsOf(reply);
    if (type == "list" || type == "zset") {
        const bool zset = type == "zset";
        const qsizetype step = zset ? 2 : 1;
        for (qsizetype i = 0; i + step - 1 < elements.size(); i += step) {
            ValueRow row = valueRow(elements.at(i).string, qint64(page->cursor) + i / step);
            if (zset)
                row.score = elements.at(i + 1).string.toDouble();
            page->rows.append(row);
        }
        const quint64 next = page->cursor + quint64(page->rows.size());
        page->nextCursor
                = page->rows.size() == count && qint64(next) < page->summary.size ? next : 0;
        return;
    }
    if (type == "hash" || type == "set") {
        page->nextCursor = reply.elements.value(0).string.toULongLong();
        if (type == "hash") {
            for (qsizetype i = 0; i + 1 < elements.size(); i += 2)
                page->rows.append(valueRow(elements.at(i).string, -1, elements.at(i + 1).string));
        } else {
            for (const Reply &member : elements)
                page->rows.append(valueRow(member.string));
        }
    }
}

} // namespace

namespace KeyReader {

void readKeys(RespConnection *connection, int db, const QByteArray &pattern, quint64 cursor,
              int count, std::function<void(const KeyPage &)> done)
{
    auto request = std::make_shared<KeysRequest>();
    request->connection = connection;
    request->page.db = db;
    request->page.pattern = pattern.isEmpty() ? QByteArrayLiteral("*") : pattern;
    request->page.cursor = cursor;
    request->count = qMax(1, count);
    request->done = std::move(done);
    request->scanned = describeKeys;
    scanStep(request, cursor);
}

void sampleMemory(RespConnection *connection, int db, int maxKeys,
                  std::function<void(const QList<KeySample> &)> done)
{
    auto request = std::make_shared<KeysRequest>();
    request->connection = connection;
    request->page.db = db;
    request->page.pattern = QByteArrayLiteral("*");
    request->count = qMax(1, maxKeys);
    // SCAN's COUNT is per call here: a sample of maxKeys takes a few calls.
    request->maxScans = MaxScanCalls * 10;
    request->scanned = [done](const std::shared_ptr<KeysRequest> &request) {
        Commands commands;
        for (const QByteArray &key : request->keys) {
            commands.append(QByteArrayList { "TYPE", key });
            commands.append(QByteArrayList { "MEMORY", "USAGE", key });
        }
        request->connection->select(request->page.db);
        request->connection->sendBatch(commands, [request, done](const QList<Reply> &replies) {
            QList<KeySample> samples;
            for (qsizetype i = 0; i + 1 < replies.size(); i += 2) {
                if (isError(replies.at(i)) || replies.at(i).string == "none")
                    continue;
                samples.append({ request->keys.at(i / 2), replies.at(i).string,
                                 isError(replies.at(i + 1)) ? -1 : replies.at(i + 1).integer });
            }
            done(samples);
        });
    };
    request->connection->select(db);
    scanStep(request, 0);
}

void readValue(RespConnection *connection, int db, const QByteArray &key, quint64 cursor, int count,
               std::function<void(const ValuePage &)> done)
{
    count = qBound(1, count, MaxValueRows);
    connection->select(db);
    connection->sendBatch(
            { { "TYPE", key }, { "PTTL", key }, { "OBJECT", "ENCODING", key } },
            [=](const QList<Reply> &replies) {
                if (isError(replies.at(0)))
                    return;
                auto page = std::make_shared<ValuePage>();
                page->db = db;
                page->key = key;
                page->cursor = cursor;
                page->summary.key = key;
                page->summary.type = replies.at(0).string;
                page->summary.ttlMs = ttlOf(replies.at(1));
                page->encoding = isError(replies.at(2)) ? QByteArray() : replies.at(2).string;
                if (page->summary.type == "none") {
                    done(*page);
                    return;
                }
                Commands commands = summaryCommands(page->summary.type, key);
                const qsizetype summaryCount = commands.size();
                const QByteArrayList read = pageCommand(page->summary.type, key, cursor, count);
                if (!read.isEmpty())
                    commands.append(read);
                connection->select(db);
                connection->sendBatch(commands, [=](const QList<Reply> &replies) {
                    fillSummary(&page->summary, replies.mid(0, summaryCount));
                    if (replies.size() > summaryCount && !isError(replies.last()))
                        fillValuePage(page.get(), replies.last(), count);
                    done(*page);
                });
            });
}

} // namespace KeyReader
