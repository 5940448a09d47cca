#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

// The manifest of Redis 7.0's multi-part append-only file (aofManifest): which base file and
// which incremental files, in order, make the data, and which old files (history) are left to
// delete. One `file <name> seq <n> type <b|i|h>` line per file, base first.
class AofManifest
{
public:
    struct File
    {
        QString name;
        qint64 seq = 0;
        char type = 'i'; // b: base, i: incremental, h: history
    };

    // Parses the manifest's text; false with *error on a malformed line.
    bool parse(const QByteArray &text, QString *error);
    QByteArray toText() const;

    bool hasBase() const { return !m_base.name.isEmpty(); }
    const File &base() const { return m_base; }
    const QList<File> &increments() const { return m_increments; }
    const QList<File> &history() const { return m_history; }
    // Every file to load, base first.
    QList<File> loadOrder() const;

    // Adds the next incremental file (appendfilename.<seq>.incr.aof) and returns its name.
    QString addIncrement(const QString &appendFilename);
    // A rewrite finished: newBase becomes the base (with the next base seq) and every
    // incremental file but the last one (opened when the rewrite began) becomes history;
    // without keepLast, the last one too (a base written from the data in memory).
    void rebase(const QString &newBase, qint64 seq, bool keepLast = true);
    // The seq and name the next base file gets.
    qint64 nextBaseSeq() const { return m_base.seq + 1; }
    static QString baseName(const QString &appendFilename, qint64 seq, bool rdb);
    // Forgets the history once its files are deleted.
    void clearHistory() { m_history.clear(); }

private:
    File m_base;
    QList<File> m_increments;
    QList<File> m_history;
    qint64 m_lastIncrementSeq = 0;
};
