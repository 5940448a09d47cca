#pragma once

#include "store/listpack.h"

#include <QByteArrayView>

#include <vector>

// Redis's ziplist, read only: the packed encoding of small lists, hashes and sorted sets in RDB
// files written before 7.0 (types LIST_ZIPLIST, HASH_ZIPLIST, ZSET_ZIPLIST and the nodes of
// LIST_QUICKLIST), which redis-server 7.0 still loads. qkv never writes one.
class Ziplist
{
public:
    // The elements of blob, in order: strings are views into blob. False when blob is
    // malformed (bounds, header, end byte, entry count), as ziplistValidateIntegrity checks.
    static bool decode(QByteArrayView blob, std::vector<Listpack::Element> *elements);
};
