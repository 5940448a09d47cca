#include "outputbufferlimits.h"

#include "configtable.h"

#include <QList>

#include <cerrno>
#include <cstdlib>

namespace {

const char *const ClassNames[] = { "normal", "slave", "pubsub" };

// Redis's getClientTypeByName, without the master class, which the limits refuse.
bool classByName(QByteArrayView name, ClientClass *c)
{
    const QByteArray lower = name.toByteArray().toLower();
    if (lower == "normal")
        *c = ClientClass::Normal;
    else if (lower == "slave" || lower == "replica")
        *c = ClientClass::Replica;
    else if (lower == "pubsub")
        *c = ClientClass::PubSub;
    else
        return false;
    return true;
}

// strtoll over the whole text, as Redis reads the seconds: leading blanks and a sign allowed.
bool parseSeconds(const QByteArray &text, long long *seconds)
{
    char *end = nullptr;
    errno = 0;
    *seconds = std::strtoll(text.constData(), &end, 10);
    return errno == 0 && *end == '\0' && *seconds >= 0;
}

} // namespace

QByteArray OutputBufferLimits::set(QByteArrayView text)
{
    if (text.isEmpty())
        return QByteArray();
    const QList<QByteArray> words = text.toByteArray().split(' ');
    if (words.size() % 4 != 0)
        return "Wrong number of arguments in buffer limit configuration.";
    OutputBufferLimits updated = *this;
    for (qsizetype i = 0; i < words.size(); i += 4) {
        ClientClass c;
        if (!classByName(words[i], &c))
            return "Invalid client class specified in buffer limit configuration.";
        OutputBufferLimit limit;
        if (!ConfigTable::parseMemory(words[i + 1], &limit.hardBytes)
            || !ConfigTable::parseMemory(words[i + 2], &limit.softBytes)
            || !parseSeconds(words[i + 3], &limit.softSeconds))
            return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        updated.limits[size_t(c)] = limit;
    }
    *this = updated;
    return QByteArray();
}

const char *OutputBufferLimits::className(ClientClass c)
{
    return ClassNames[size_t(c)];
}

QByteArray OutputBufferLimits::toString() const
{
    QByteArrayList parts;
    for (size_t i = 0; i < limits.size(); ++i) {
        parts << className(ClientClass(i)) << QByteArray::number(limits[i].hardBytes)
              << QByteArray::number(limits[i].softBytes)
              << QByteArray::number(limits[i].softSeconds);
    }
    return parts.join(' ');
}

bool OutputBufferLimits::isOver(ClientClass c, unsigned long long usedBytes, qint64 nowMs,
                                qint64 *softSinceMs) const
{
    const OutputBufferLimit &limit = of(c);
    if (limit.hardBytes && usedBytes >= limit.hardBytes)
        return true;
    if (!limit.softBytes || usedBytes < limit.softBytes) {
        *softSinceMs = 0;
        return false;
    }
    // The first time it is seen over the soft limit starts the clock; Redis counts whole
    // seconds and closes only once more than softSeconds have passed.
    if (*softSinceMs == 0) {
        *softSinceMs = nowMs;
        return false;
    }
    return (nowMs / 1000 - *softSinceMs / 1000) > limit.softSeconds;
}
