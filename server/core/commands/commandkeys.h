#pragma once

#include "commandtable.h"

#include <QByteArrayView>

#include <vector>

// Which arguments of a request are keys, from the command table's key specs (Redis's
// getKeysUsingKeySpecs): COMMAND GETKEYS reports them, client-side caching tracks the keys a
// read-only command read. argv starts at the command name.
namespace CommandKeys {

// Redis's doesCommandHaveKeys: at least one key spec that is not marked not_key.
bool hasKeyArguments(const Command &command);
// The keys of argv with their KeyFlag bits, in spec order. A keynum spec whose count is missing
// or not a number makes the whole request invalid (no keys), as in Redis; an unknown spec hands
// the request to the command's keys function.
std::vector<KeyReference> find(const Command &command, const QByteArrayView *argv, qsizetype argc);

} // namespace CommandKeys
