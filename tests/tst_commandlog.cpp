// The dashboard's command log ring (sampling, overwrites, what a reader missed) and the flat
// batches it hands out: read back exactly, filtered, and shared between copies.
#include "observe/commandlog.h"
#include "observe/commandlogbatch.h"

#include <QTest>

namespace {

CommandLogEntry entry(quint64 sequence, const QByteArray &client, const QByteArray &command,
                      const QByteArray &text)
{
    CommandLogEntry e;
    e.sequence = sequence;
    e.timeMs = 1700000000000 + qint64(sequence);
    e.clientId = sequence % 3;
    e.client = client;
    e.command = command;
    e.text = text;
    e.durationUs = qint64(sequence) * 10 - 1;
    return e;
}

QList<quint64> sequences(const CommandLogBatch &batch)
{
    QList<quint64> out;
    for (qsizetype i = 0; i < batch.size(); ++i)
        out.append(batch.at(i).sequence);
    return out;
}

void record(CommandLog *log, int count)
{
    for (int i = 0; i < count; ++i)
        log->record(1000 + i, 7, "app@127.0.0.1:5000", "SET", "SET k" + QByteArray::number(i), i);
}

} // namespace

class TestCommandLog : public QObject
{
    Q_OBJECT
private slots:
    void batchReadsBackWhatWasAppended();
    void batchCopiesShareUntilAppended();
    void batchFiltered();
    void ringHandsOutEntriesAfterASequence();
    void ringCountsWhatAReaderMissed();
    void admitSamplesPerWindow();
};

void TestCommandLog::batchReadsBackWhatWasAppended()
{
    CommandLogBatch batch;
    QVERIFY(batch.isEmpty());
    // Empty strings, binary bytes and a long text sit side by side in the block.
    const QList<CommandLogEntry> entries
            = { entry(1, "", "PING", "PING"),
                entry(2, "w@127.0.0.1:1", "SET", QByteArray("SET \0k", 6)),
                entry(3, "127.0.0.1:2", "", QByteArray(5000, 'x')), entry(4, "c", "GET", "") };
    for (const CommandLogEntry &e : entries)
        batch.append(e);
    QCOMPARE(batch.size(), entries.size());
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const CommandLogBatch::Entry got = batch.at(i);
        const CommandLogEntry &want = entries.at(i);
        QCOMPARE(got.sequence, want.sequence);
        QCOMPARE(got.timeMs, want.timeMs);
        QCOMPARE(got.clientId, want.clientId);
        QCOMPARE(got.client.toByteArray(), want.client);
        QCOMPARE(got.command.toByteArray(), want.command);
        QCOMPARE(got.text.toByteArray(), want.text);
        QCOMPARE(got.durationUs, want.durationUs);
    }
}

void TestCommandLog::batchCopiesShareUntilAppended()
{
    CommandLogBatch batch;
    batch.append(entry(1, "a", "GET", "GET k"));
    const CommandLogBatch copy = batch;
    QCOMPARE(copy.at(0).text.data(), batch.at(0).text.data()); // one block for both
    batch.append(entry(2, "b", "SET", "SET k v"));
    QCOMPARE(copy.size(), 1);
    QCOMPARE(copy.at(0).text.toByteArray(), QByteArray("GET k"));
    QCOMPARE(sequences(batch), QList<quint64>({ 1, 2 }));
}

void TestCommandLog::batchFiltered()
{
    CommandLogBatch batch;
    for (quint64 i = 1; i <= 6; ++i)
        batch.append(entry(i, i % 2 ? "odd" : "even", "GET", "GET " + QByteArray::number(i)));
    const auto odd = [](const CommandLogBatch::Entry &e) { return e.client == "odd"; };
    const CommandLogBatch kept = batch.filtered(odd);
    QCOMPARE(sequences(kept), QList<quint64>({ 1, 3, 5 }));
    QCOMPARE(kept.at(2).text.toByteArray(), QByteArray("GET 5"));
    // Everything kept: the same block, not a copy.
    const CommandLogBatch all = batch.filtered([](const CommandLogBatch::Entry &) { return true; });
    QCOMPARE(all.at(5).text.data(), batch.at(5).text.data());
    QVERIFY(batch.filtered([](const CommandLogBatch::Entry &) { return false; }).isEmpty());
    // The first entry refused, every later one kept.
    const CommandLogBatch tail
            = batch.filtered([](const CommandLogBatch::Entry &e) { return e.sequence > 1; });
    QCOMPARE(sequences(tail), QList<quint64>({ 2, 3, 4, 5, 6 }));
}

void TestCommandLog::ringHandsOutEntriesAfterASequence()
{
    CommandLog log(8);
    QCOMPARE(log.lastSequence(), quint64(0));
    quint64 missed = 99;
    QVERIFY(log.entriesAfter(0, &missed).isEmpty());
    QCOMPARE(missed, quint64(0));
    record(&log, 5);
    CommandLogBatch batch = log.entriesAfter(2, &missed);
    QCOMPARE(sequences(batch), QList<quint64>({ 3, 4, 5 }));
    QCOMPARE(missed, quint64(0));
    QCOMPARE(batch.at(0).client.toByteArray(), QByteArray("app@127.0.0.1:5000"));
    QCOMPARE(batch.at(0).text.toByteArray(), QByteArray("SET k2"));
    QCOMPARE(batch.at(2).durationUs, qint64(4));
    QVERIFY(log.entriesAfter(5, &missed).isEmpty());
}

void TestCommandLog::ringCountsWhatAReaderMissed()
{
    CommandLog log(8);
    record(&log, 20); // sequences 1..20, the ring keeps 13..20
    quint64 missed = 0;
    const CommandLogBatch batch = log.entriesAfter(3, &missed);
    QCOMPARE(missed, quint64(9)); // 4..12 were overwritten
    QCOMPARE(sequences(batch), QList<quint64>({ 13, 14, 15, 16, 17, 18, 19, 20 }));
    QCOMPARE(batch.at(7).text.toByteArray(), QByteArray("SET k19"));
}

void TestCommandLog::admitSamplesPerWindow()
{
    CommandLog log;
    QVERIFY(!log.admit(0)); // off until someone watches
    log.setEnabled(true);
    int admitted = 0;
    for (int i = 0; i < CommandLog::MaxPerWindow + 50; ++i)
        admitted += log.admit(1050) ? 1 : 0;
    QCOMPARE(admitted, CommandLog::MaxPerWindow);
    QCOMPARE(log.skipped(), quint64(50));
    QVERIFY(log.admit(1100)); // the next 100 ms window
}

QTEST_GUILESS_MAIN(TestCommandLog)
#include "tst_commandlog.moc"
