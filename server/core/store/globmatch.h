#pragma once

#include <QByteArrayView>

// Redis's glob matching (stringmatchlen): * ? [abc] [^a] [a-z] and \x escapes. Used by KEYS,
// SCAN MATCH, CONFIG GET and the dashboard's key filter.
bool globMatch(QByteArrayView pattern, QByteArrayView string, bool noCase = false);
