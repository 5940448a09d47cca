// Compatibility: every sequence of tests/compat/*.txt goes to a live redis-server and to
// qkv-server; the raw reply bytes must be identical. Format: tests/compat/README.md.
#include "common/respframe.h"
#include "common/serverprocess.h"
#include "protocol/argsplitter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

namespace {

struct Step
{
    enum class Kind { Command, ShapeOnly, Raw } kind;
    QByteArray bytes; // encoded request
    QByteArray text;  // as written in the file
};

struct Sequence
{
    QString name;
    QList<Step> steps;
};

const QByteArray Sentinel = QByteArrayLiteral("__qkv_compat_sentinel__");

QList<Sequence> loadSequences(QString *error)
{
    QList<Sequence> sequences;
    const QDir dir(QStringLiteral(QKV_SOURCE_DIR "/tests/compat"));
    for (const QString &fileName : dir.entryList({ QStringLiteral("*.txt") }, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(fileName));
        if (!file.open(QIODevice::ReadOnly)) {
            *error = file.errorString();
            return {};
        }
        int lineNumber = 0;
        while (!file.atEnd()) {
            ++lineNumber;
            QByteArray line = file.readLine();
            if (line.endsWith('\n'))
                line.chop(1);
            if (line.trimmed().isEmpty() || line.startsWith('#'))
                continue;
            if (line.startsWith("=== ")) {
                sequences.append({ fileName + QLatin1Char(':') + QString::fromUtf8(line.mid(4)), {} });
                continue;
            }
            if (sequences.isEmpty()) {
                *error = QStringLiteral("%1:%2: request before the first ===").arg(fileName).arg(lineNumber);
                return {};
            }
            Step step { Step::Kind::Command, {}, line };
            QByteArray command = line;
            if (line.startsWith("raw: ")) {
                step.kind = Step::Kind::Raw;
                step.bytes = RespFrame::unescape(line.mid(5));
                sequences.last().steps.append(step);
                continue;
            }
            if (line.startsWith("~ ")) {
                step.kind = Step::Kind::ShapeOnly;
                command = line.mid(2);
            }
            QList<QByteArray> args;
            if (!splitInlineArgs(command, &args) || args.isEmpty()) {
                *error = QStringLiteral("%1:%2: cannot split: %3")
                                 .arg(fileName)
                                 .arg(lineNumber)
                                 .arg(QString::fromUtf8(line));
                return {};
            }
            step.bytes = RespFrame::request(args);
            sequences.last().steps.append(step);
        }
    }
    return sequences;
}

// Runs one sequence against the server on port; returns one transcript entry per step.
QList<QByteArray> run(quint16 port, const Sequence &sequence)
{
    {
        QTcpSocket control;
        control.connectToHost(QHostAddress::LocalHost, port);
        control.waitForConnected(2000);
        control.write(RespFrame::request({ "FLUSHALL" }));
        control.waitForReadyRead(2000);
    }
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(2000))
        return { QByteArrayLiteral("<cannot connect>") };

    QList<QByteArray> transcript;
    QByteArray buffer;
    bool closed = false;
    auto readMore = [&](int timeoutMs) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(timeoutMs)) {
            closed = closed || socket.state() != QAbstractSocket::ConnectedState;
            return false;
        }
        buffer += socket.readAll();
        return true;
    };
    const QByteArray sentinelRequest = RespFrame::request({ "ECHO", Sentinel });
    const QByteArray sentinelReply = "$" + QByteArray::number(Sentinel.size()) + "\r\n" + Sentinel + "\r\n";

    for (const Step &step : sequence.steps) {
        if (closed) {
            transcript.append(QByteArrayLiteral("<closed>"));
            continue;
        }
        if (step.kind == Step::Kind::Raw) {
            // Unknown number of replies: read up to a sentinel, or until the server closes.
            socket.write(step.bytes + sentinelRequest);
            socket.waitForBytesWritten(2000);
            QElapsedTimer timer;
            timer.start();
            while (!buffer.endsWith(sentinelReply) && !closed && timer.elapsed() < 3000)
                readMore(500);
            QByteArray received = std::exchange(buffer, QByteArray());
            if (received.endsWith(sentinelReply))
                received.chop(sentinelReply.size());
            transcript.append(received + (closed ? "<closed>" : ""));
            continue;
        }
        socket.write(step.bytes);
        socket.waitForBytesWritten(2000);
        qsizetype end = -1;
        QElapsedTimer timer;
        timer.start();
        while ((end = buffer.isEmpty() ? -1 : RespFrame::replyEnd(buffer, 0)) < 0 && !closed
               && timer.elapsed() < 5000)
            readMore(500);
        if (end < 0) {
            transcript.append(buffer + (closed ? "<closed>" : "<timeout>"));
            buffer.clear();
            continue;
        }
        const QByteArray reply = buffer.left(end);
        buffer.remove(0, end);
        transcript.append(step.kind == Step::Kind::ShapeOnly ? RespFrame::shape(reply) : reply);
    }
    return transcript;
}

} // namespace

class TestCompat : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void compare_data();
    void compare();
    void cleanupTestCase();

private:
    QList<Sequence> m_sequences;
    ServerProcess m_redis;
    ServerProcess m_qkv;
    int m_identical = 0;
};

void TestCompat::initTestCase()
{
    if (ServerProcess::redisPath().isEmpty())
        QSKIP("redis-server is not installed");
    QString error;
    m_sequences = loadSequences(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!m_sequences.isEmpty());
    QVERIFY2(m_redis.startRedis(&error), qPrintable(error));
    QVERIFY2(m_qkv.startQkv(QStringLiteral(QKV_SERVER_PATH), &error), qPrintable(error));
}

void TestCompat::compare_data()
{
    QTest::addColumn<int>("index");
    for (int i = 0; i < m_sequences.size(); ++i)
        QTest::newRow(qPrintable(m_sequences[i].name)) << i;
}

void TestCompat::compare()
{
    QFETCH(int, index);
    const Sequence &sequence = m_sequences.at(index);
    const QList<QByteArray> expected = run(m_redis.port(), sequence);
    const QList<QByteArray> actual = run(m_qkv.port(), sequence);
    for (int i = 0; i < sequence.steps.size(); ++i) {
        if (actual.value(i) != expected.value(i)) {
            const QByteArray message = "request: " + sequence.steps[i].text + "\n   redis: "
                    + RespFrame::escaped(expected.value(i)) + "\n     qkv: "
                    + RespFrame::escaped(actual.value(i));
            QFAIL(message.constData());
        }
    }
    ++m_identical;
}

void TestCompat::cleanupTestCase()
{
    qInfo("%d sequences identical", m_identical);
}

QTEST_GUILESS_MAIN(TestCompat)
#include "tst_compat.moc"
