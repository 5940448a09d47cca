#include "infotext.h"

namespace InfoText {

QList<InfoField> parse(const QByteArray &info)
{
    QList<InfoField> out;
    QByteArray section;
    for (QByteArray line : info.split('\n')) {
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith('#')) {
            section = line.mid(1).trimmed();
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            out.append({ section, line.left(colon), line.mid(colon + 1) });
    }
    return out;
}

QHash<QByteArray, QByteArray> fields(const QByteArray &info)
{
    QHash<QByteArray, QByteArray> out;
    for (const InfoField &field : parse(info))
        out.insert(field.name, field.value);
    return out;
}

QByteArray part(const QByteArray &value, const QByteArray &name)
{
    for (const QByteArray &item : value.split(',')) {
        const qsizetype eq = item.indexOf('=');
        if (eq > 0 && item.left(eq) == name)
            return item.mid(eq + 1);
    }
    return {};
}

} // namespace InfoText
