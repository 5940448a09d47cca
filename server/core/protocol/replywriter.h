#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <limits>

// Appends replies to one output buffer, in RESP2 or RESP3 (after HELLO 3). One function per
// reply type; where RESP2 has no such type, the RESP2 form Redis uses is written instead.
class ReplyWriter
{
public:
    explicit ReplyWriter(QByteArray *out)
        : m_out(out)
    { }

    // Where replies go from now on (CLIENT REPLY OFF/SKIP points it at a buffer that is
    // thrown away, so that no reply function needs a branch for it).
    void setOutput(QByteArray *out) { m_out = out; }
    void setProtocol(int version) { m_resp3 = version >= 3; }
    // Output-buffer limits inside one command: once the output holds checkAt bytes or more, the
    // next element written (a header, a bulk or simple string) calls the hook, which may empty
    // the output and sets the next checkpoint. So a command whose reply has no size bound
    // (SRANDMEMBER with a negative count) stops growing a client the server is closing, as
    // Redis stops buffering for a CLIENT_CLOSE_ASAP client.
    void setCheckpointHook(std::function<void(QByteArray &out)> hook) { m_hook = std::move(hook); }
    void setCheckpoint(qsizetype checkAt) { m_checkAt = checkAt; }
    int protocol() const { return m_resp3 ? 3 : 2; }

    void simple(QByteArrayView text); // +text
    void ok() { simple("OK"); }
    // -text; text carries its own code ("ERR ...", "WRONGTYPE ..."). CR/LF become spaces.
    void error(const QByteArray &text);
    void integer(long long value);     // :value
    void bulk(QByteArrayView data);    // $len data
    void null();                       // $-1 (RESP2) or _ (RESP3)
    void nullArray();                  // *-1 (RESP2) or _ (RESP3)
    void arrayHeader(qsizetype count); // *count
    void mapHeader(qsizetype pairs);   // %pairs, or *2n in RESP2
    void setHeader(qsizetype count);   // ~count, or *count in RESP2
    void pushHeader(qsizetype count);  // >count (out-of-band data), or *count in RESP2
    void doubleValue(double value);    // ,value, or a bulk string in RESP2
    void verbatim(QByteArrayView data, QByteArrayView format = "txt"); // =len fmt:data, or bulk
    void boolean(bool value);                                          // #t/#f, or :1/:0 in RESP2
    void bigNumber(QByteArrayView digits); // (digits, or a bulk string in RESP2

    // Error replies written so far, for INFO's total_error_replies.
    quint64 errorCount() const { return m_errors; }
    // The code of the last error ("ERR", "WRONGTYPE"), for INFO errorstats.
    const QByteArray &lastErrorCode() const { return m_lastErrorCode; }

private:
    void header(char type, long long value);
    void checkpoint()
    {
        if (Q_UNLIKELY(m_out->size() >= m_checkAt))
            m_hook(*m_out);
    }

    QByteArray *m_out;
    qsizetype m_checkAt = std::numeric_limits<qsizetype>::max();
    std::function<void(QByteArray &out)> m_hook;
    bool m_resp3 = false;
    quint64 m_errors = 0;
    QByteArray m_lastErrorCode;
};
