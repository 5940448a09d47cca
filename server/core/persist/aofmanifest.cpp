#include "aofmanifest.h"

#include "protocol/argsplitter.h"
#include "protocol/repr.h"

#include <QFile>

bool AofManifest::parse(const QByteArray &text, QString *error)
{
    *this = AofManifest();
    int lineNumber = 0;
    for (const QByteArray &raw : text.split('\n')) {
        ++lineNumber;
        const QByteArray line = raw.trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        QList<QByteArray> words;
        if (!splitInlineArgs(line, &words) || words.size() % 2 != 0) {
            *error = QStringLiteral("Invalid AOF manifest file format at line %1").arg(lineNumber);
            return false;
        }
        File file;
        for (qsizetype i = 0; i < words.size(); i += 2) {
            if (words[i] == "file")
                file.name = QFile::decodeName(words[i + 1]);
            else if (words[i] == "seq")
                file.seq = words[i + 1].toLongLong();
            else if (words[i] == "type" && words[i + 1].size() == 1)
                file.type = words[i + 1][0];
        }
        if (file.name.isEmpty() || file.seq <= 0 || !QByteArray("bih").contains(file.type)) {
            *error = QStringLiteral("Invalid AOF manifest file format at line %1").arg(lineNumber);
            return false;
        }
        if (file.type == 'b') {
            if (hasBase()) {
                *error = QStringLiteral("Found duplicate base file information");
                return false;
            }
            m_base = file;
        } else if (file.type == 'i') {
            if (file.seq <= m_lastIncrementSeq) {
                *error = QStringLiteral("Found a non-monotonic sequence number");
                return false;
            }
            m_increments.append(file);
            m_lastIncrementSeq = file.seq;
        } else {
            m_history.append(file);
        }
    }
    return true;
}

QByteArray AofManifest::toText() const
{
    QByteArray text;
    auto line = [&text](const File &file) {
        const QByteArray name = QFile::encodeName(file.name);
        const bool plain = !name.contains(' ') && !name.contains('"') && !name.contains('\'');
        text += "file " + (plain ? name : Repr::quoted(name)) + " seq "
                + QByteArray::number(file.seq) + " type " + file.type + '\n';
    };
    if (hasBase())
        line(m_base);
    for (const File &file : m_history)
        line(file);
    for (const File &file : m_increments)
        line(file);
    return text;
}

QList<AofManifest::File> AofManifest::loadOrder() const
{
    QList<File> files;
    if (hasBase())
        files.append(m_base);
    files.append(m_increments);
    return files;
}

QString AofManifest::addIncrement(const QString &appendFilename)
{
    File file;
    file.seq = ++m_lastIncrementSeq;
    file.name = QStringLiteral("%1.%2.incr.aof").arg(appendFilename).arg(file.seq);
    file.type = 'i';
    m_increments.append(file);
    return file.name;
}

void AofManifest::rebase(const QString &newBase, qint64 seq, bool keepLast)
{
    // Redis puts the replaced files at the head of the history, increments in order first
    // (seen when aof-disable-auto-gc keeps them listed).
    QList<File> replaced;
    while (m_increments.size() > (keepLast ? 1 : 0))
        replaced.append(m_increments.takeFirst());
    if (hasBase())
        replaced.append(m_base);
    for (File &file : replaced)
        file.type = 'h';
    m_history = replaced + m_history;
    m_base = { newBase, seq, 'b' };
}

QString AofManifest::baseName(const QString &appendFilename, qint64 seq, bool rdb)
{
    return QStringLiteral("%1.%2.base.%3")
            .arg(appendFilename)
            .arg(seq)
            .arg(rdb ? QStringLiteral("rdb") : QStringLiteral("aof"));
}
