#pragma once

#include <QByteArray>
#include <QList>

// One decoded server reply, RESP2 or RESP3, as ReplyReader produces it. A plain value type.
struct Reply
{
    // The RESP type bytes each one comes from: + status, - and ! errors, : integer, $ bulk
    // string, $-1 *-1 and _ nil, "," double, # boolean, ( big number, = verbatim string,
    // * array, % map, ~ set, > push (out-of-band data such as pub/sub messages).
    enum class Type {
        Status,
        Error,
        Integer,
        Bulk,
        Nil,
        Double,
        Boolean,
        BigNumber,
        Verbatim,
        Array,
        Map,
        Set,
        Push
    };

    Type type = Type::Nil;
    // Status, Error, Bulk, BigNumber, Verbatim (its text, without "fmt:"), and Double as the
    // server wrote it (redis-cli prints that text).
    QByteArray string;
    // Integer; Boolean as 1 or 0.
    long long integer = 0;
    // Array, Set, Push; a Map's are key, value, key, value...
    QList<Reply> elements;

    bool isAggregate() const
    {
        return type == Type::Array || type == Type::Map || type == Type::Set || type == Type::Push;
    }
};
