#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

// Splits one inline command line into arguments with Redis's quoting rules (sdssplitargs):
// "..." understands \xHH, \n \r \t \b \a and \c; '...' understands only \'. A closing quote
// must be followed by whitespace or the end of the line. Returns false on unbalanced quotes.
// The console client uses the same rules for what the user types, as redis-cli does.
bool splitInlineArgs(QByteArrayView line, QList<QByteArray> *args);
