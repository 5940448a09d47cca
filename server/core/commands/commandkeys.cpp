#include "commandkeys.h"

#include "commandutil.h"
#include "protocol/numbers.h"

#include <algorithm>

using CommandUtil::argIs;

namespace CommandKeys {

namespace {

// The real flags of a key whose spec says variable_flags: Redis's setGetKeys and
// bitfieldGetKeys, the only two such commands qkv has. argv starts at the command name.
quint32 resolveVariableKeyFlags(const Command &command, const QByteArrayView *argv, qsizetype argc)
{
    using namespace KeyFlag;
    if (command.fullName == "set") {
        for (qsizetype i = 3; i < argc; ++i) {
            if (argIs(argv[i], "GET"))
                return RW | Access | Update;
        }
        return OW | Update;
    }
    // BITFIELD only reads when every operation is a GET (OVERFLOW changes nothing itself).
    for (qsizetype i = 2; i < argc; ++i) {
        const qsizetype more = argc - i - 1;
        if (argIs(argv[i], "GET") && more >= 2)
            i += 2;
        else if (argIs(argv[i], "OVERFLOW") && more >= 1)
            i += 1;
        else
            return RW | Access | Update;
    }
    return RO | Access;
}

} // namespace

bool hasKeyArguments(const Command &command)
{
    return std::any_of(command.keySpecs.begin(), command.keySpecs.end(),
                       [](const KeySpec &spec) { return !(spec.flags & KeyFlag::NotKey); });
}

std::vector<KeyReference> find(const Command &command, const QByteArrayView *argv, qsizetype argc)
{
    std::vector<KeyReference> keys;
    for (const KeySpec &spec : command.keySpecs) {
        if (spec.flags & KeyFlag::NotKey)
            continue;
        // An unknown spec makes the specs useless: Redis falls back to the command's own
        // function.
        if (spec.unknown)
            return command.getKeys ? command.getKeys(argv, argc) : std::vector<KeyReference>();
        qsizetype first = spec.index;
        if (spec.keyword) {
            // Redis's search stops before the last argument; no keyword, no keys from here.
            first = 0;
            for (qsizetype i = spec.index; i < argc - 1; ++i) {
                if (argIs(argv[i], spec.keyword)) {
                    first = i + 1;
                    break;
                }
            }
            if (first == 0)
                continue;
        }
        qsizetype last;
        if (spec.keynum) {
            long long count = 0;
            if (first + spec.keynumIndex >= argc
                || !Numbers::toLongLong(argv[first + spec.keynumIndex], &count) || count < 0)
                return {};
            first += spec.firstKey;
            last = first + qsizetype(count) - 1;
        } else if (spec.lastKey >= 0)
            last = first + spec.lastKey;
        else if (spec.limit == 0)
            last = argc + spec.lastKey;
        else
            last = first + ((argc - first) / spec.limit + spec.lastKey);
        const quint32 flags = (spec.flags & KeyFlag::VariableFlags)
                ? resolveVariableKeyFlags(command, argv, argc)
                : spec.flags;
        // Variable-arity commands get no arity check before this, so positions past the end
        // are skipped, as Redis skips them.
        for (qsizetype i = first; i <= last && i < argc; i += spec.keyStep)
            keys.push_back({ i, flags });
    }
    return keys;
}

} // namespace CommandKeys
