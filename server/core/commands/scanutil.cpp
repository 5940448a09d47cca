#include "scanutil.h"

#include "commandutil.h"
#include "net/connection.h"
#include "store/globmatch.h"
#include "store/keyentry.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

using namespace CommandUtil;

namespace ScanUtil {

bool startKeyScan(Connection &c, ValueType type, quint64 *cursor, KeyEntry **entry,
                  Options *options)
{
    if (!parseCursor(c, c.arg(2), cursor) || !lookupTypedRead(c, c.arg(1), type, entry))
        return false;
    if (!*entry) {
        replyEmpty(c);
        return false;
    }
    return parseOptions(c, 3, false, options);
}

bool parseCursor(Connection &c, QByteArrayView text, quint64 *cursor)
{
    // strtoul: leading '+'/'-', zeros and an empty string are accepted; spaces, trailing
    // garbage and overflow are not.
    const QByteArray copy = cString(text).toByteArray();
    char *end = nullptr;
    errno = 0;
    const unsigned long value = std::strtoul(copy.constData(), &end, 10);
    if ((!copy.isEmpty() && std::isspace(static_cast<unsigned char>(copy[0]))) || *end != '\0'
        || errno == ERANGE) {
        c.reply().error("ERR invalid cursor");
        return false;
    }
    *cursor = value;
    return true;
}

bool parseOptions(Connection &c, qsizetype first, bool allowType, Options *options)
{
    for (qsizetype j = first; j < c.argc(); j += 2) {
        const bool hasValue = j + 1 < c.argc();
        if (argIs(c.arg(j), "COUNT") && hasValue) {
            if (!parseLongLong(c, c.arg(j + 1), &options->count))
                return false;
            if (options->count < 1) {
                replySyntaxError(c);
                return false;
            }
        } else if (argIs(c.arg(j), "MATCH") && hasValue) {
            options->pattern = c.arg(j + 1);
        } else if (allowType && argIs(c.arg(j), "TYPE") && hasValue) {
            options->type = cString(c.arg(j + 1));
            options->hasType = true;
        } else {
            replySyntaxError(c);
            return false;
        }
    }
    return true;
}

bool matches(const Options &options, QByteArrayView element)
{
    return options.pattern.isNull() || options.pattern == "*"
            || globMatch(options.pattern, element);
}

QByteArrayList filter(const QByteArrayList &items, const Options &options, bool pairs)
{
    const qsizetype step = pairs ? 2 : 1;
    QByteArrayList kept;
    for (qsizetype i = 0; i + step - 1 < items.size(); i += step) {
        if (!matches(options, items[i]))
            continue;
        for (qsizetype k = 0; k < step; ++k)
            kept.append(items[i + k]);
    }
    return kept;
}

void reply(Connection &c, quint64 cursor, const QByteArrayList &items)
{
    c.reply().arrayHeader(2);
    c.reply().bulk(QByteArray::number(cursor));
    c.reply().arrayHeader(items.size());
    for (const QByteArray &item : items)
        c.reply().bulk(item);
}

void replyEmpty(Connection &c)
{
    reply(c, 0, QByteArrayList());
}

} // namespace ScanUtil
