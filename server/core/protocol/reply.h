#pragma once

#include <QByteArray>
#include <QList>

// One decoded Redis reply, RESP2 or RESP3. Aggregates hold their elements; a map holds
// key, value, key, value...
struct Reply
{
    enum class Type { Status, Error, Integer, Bulk, Nil, Array, Map, Set, Push, Double, Boolean, BigNumber, Verbatim };

    Type type = Type::Nil;
    QByteArray string;     // Status, Error, Bulk, Double, BigNumber, Verbatim (without "txt:")
    long long integer = 0; // Integer, Boolean (0/1)
    QList<Reply> elements; // Array, Map, Set, Push

    bool isAggregate() const
    {
        return type == Type::Array || type == Type::Map || type == Type::Set || type == Type::Push;
    }
};
