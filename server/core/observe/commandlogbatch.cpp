#include "commandlogbatch.h"

CommandLogBatch::Entry CommandLogBatch::at(qsizetype i) const
{
    const Row &row = m_rows.at(i);
    const char *client = m_bytes.constData() + row.offset;
    const char *command = client + row.clientLength;
    const char *text = command + row.commandLength;
    return { row.sequence,
             row.timeMs,
             row.clientId,
             QByteArrayView(client, row.clientLength),
             QByteArrayView(command, row.commandLength),
             QByteArrayView(text, row.textLength),
             row.durationUs };
}

void CommandLogBatch::append(const CommandLogEntry &entry)
{
    append({ entry.sequence, entry.timeMs, entry.clientId, entry.durationUs, 0, 0, 0, 0 },
           entry.client, entry.command, entry.text);
}

void CommandLogBatch::append(const Entry &entry)
{
    append({ entry.sequence, entry.timeMs, entry.clientId, entry.durationUs, 0, 0, 0, 0 },
           entry.client, entry.command, entry.text);
}

void CommandLogBatch::append(const Row &numbers, QByteArrayView client, QByteArrayView command,
                             QByteArrayView text)
{
    Row row = numbers;
    row.offset = m_bytes.size();
    row.clientLength = int(client.size());
    row.commandLength = int(command.size());
    row.textLength = int(text.size());
    m_bytes.append(client).append(command).append(text);
    m_rows.append(row);
}
