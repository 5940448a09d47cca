#pragma once

#include "aggregate.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstring>
#include <memory>
#include <new>
#include <utility>

// Redis's object types, in its order (OBJ_STRING, OBJ_LIST, OBJ_SET, OBJ_ZSET, OBJ_HASH,
// OBJ_STREAM).
enum class ValueType : quint8 { String, List, Set, ZSet, Hash, Stream };

// TYPE's name for a value type ("string", "list", ...).
QByteArray typeName(ValueType type);

// How Redis 7.0 would hold a string (OBJECT ENCODING, OBJECT REFCOUNT). It follows how the
// value was last written, not only what it holds: "12" stored by SET is an int, the same "12"
// after APPEND is raw. SharedInt is one of Redis's shared integers 0..9999: "int" with a
// refcount of 2147483647. Aggregates name their own encoding (Aggregate::encodingName()).
enum class StringEncoding : quint8 { Raw, Embstr, Int, SharedInt };

// One key with its value: a single allocation holding this header followed by the key bytes.
// A string of up to SmallStringCapacity bytes lives inside the header itself, so that a small
// key with a small value costs one allocation (Redis needs three: dict entry, key, object); a
// longer one is a QByteArray; any other type is an Aggregate the entry owns, inside the header
// when it fits (sets, hashes and sorted sets do), else on the heap. The header stays 56 bytes
// on 64-bit: that is measured per key against redis-server.
struct KeyEntry
{
    static constexpr qsizetype SmallStringCapacity = 23;

    KeyEntry(quint32 keyLength, quint32 accessTime)
        : keyLength(keyLength)
        , accessTime(accessTime)
    {
        small.length = 0;
    }
    ~KeyEntry() { releaseValue(); }
    KeyEntry(const KeyEntry &) = delete;
    KeyEntry &operator=(const KeyEntry &) = delete;

    KeyEntry *next = nullptr;
    qint64 expireAt = -1; // milliseconds since the epoch, -1 for none
    union
    {
        struct
        {
            char bytes[SmallStringCapacity];
            quint8 length;
        } small;               // type String, isSmallString
        QByteArray heapString; // type String, !isSmallString
        Aggregate *heapObject; // every other type, !isInlineObject; owned
        alignas(void *) unsigned char inlineObject[Aggregate::InlineCapacity]; // isInlineObject
    };
    quint32 keyLength;
    qint32 volatileIndex = -1; // position in Keyspace's list of keys with a TTL, -1 if none
    ValueType type = ValueType::String;
    StringEncoding encoding = StringEncoding::Embstr;
    bool isSmallString = true;
    bool isInlineObject = false;
    // Last access in Keyspace's seconds clock (Redis's LRU field), for OBJECT IDLETIME.
    quint32 accessTime;

    QByteArrayView key() const
    {
        return QByteArrayView(reinterpret_cast<const char *>(this + 1), keyLength);
    }
    bool hasExpire() const { return expireAt >= 0; }
    // Redis's keyIsExpired: past its time only once now is beyond it (now > expireAt).
    bool isExpired(qint64 nowMs) const { return expireAt >= 0 && expireAt < nowMs; }

    // The string value (type String), valid until the value changes.
    QByteArrayView string() const
    {
        return isSmallString ? QByteArrayView(small.bytes, small.length)
                             : QByteArrayView(heapString);
    }
    // The string value for editing in place (APPEND, SETRANGE, SETBIT...): a small one moves
    // to the heap first, as Redis's dbUnshareStringValue makes a raw copy.
    QByteArray &mutableString()
    {
        if (isSmallString) {
            QByteArray bytes(small.bytes, small.length);
            new (&heapString) QByteArray(std::move(bytes));
            isSmallString = false;
        }
        return heapString;
    }
    // The aggregate (the caller has checked that `type` is not String).
    Aggregate *object() const
    {
        return isInlineObject ? std::launder(
                       reinterpret_cast<Aggregate *>(const_cast<unsigned char *>(inlineObject)))
                              : heapObject;
    }
    // The aggregate, as its type (the caller has checked `type`).
    template<typename T> T *as() const { return static_cast<T *>(object()); }

    // Makes the value this string (copied), freeing what it held. bytes may point into the
    // entry's own value.
    void setStringValue(QByteArrayView bytes)
    {
        if (bytes.size() <= SmallStringCapacity) {
            char copy[SmallStringCapacity];
            if (!bytes.isEmpty())
                std::memcpy(copy, bytes.data(), size_t(bytes.size()));
            releaseValue();
            setSmall(QByteArrayView(copy, bytes.size()));
        } else if (type == ValueType::String && !isSmallString) {
            heapString = bytes.toByteArray();
        } else {
            QByteArray copy = bytes.toByteArray();
            releaseValue();
            new (&heapString) QByteArray(std::move(copy));
            isSmallString = false;
        }
        type = ValueType::String;
    }
    // The same, adopting a buffer the caller made (no copy when it is long).
    void setStringValue(QByteArray &&bytes)
    {
        if (bytes.size() <= SmallStringCapacity) {
            setStringValue(QByteArrayView(bytes));
            return;
        }
        QByteArray adopted = std::move(bytes);
        releaseValue();
        new (&heapString) QByteArray(std::move(adopted));
        isSmallString = false;
        type = ValueType::String;
    }
    // Makes the value an aggregate of type t, freeing what it held.
    void setObjectValue(ValueType t, std::unique_ptr<Aggregate> aggregate)
    {
        releaseValue();
        isInlineObject = aggregate->moveInto(inlineObject) != nullptr;
        if (!isInlineObject)
            heapObject = aggregate.release();
        type = t;
        encoding = StringEncoding::Embstr; // never SharedInt: touch() reads a shared integer
    }
    // Takes the aggregate out (the caller has checked `type`), leaving an empty string.
    std::unique_ptr<Aggregate> takeObject()
    {
        std::unique_ptr<Aggregate> taken;
        if (isInlineObject) {
            taken = object()->moveToHeap();
            object()->~Aggregate();
            isInlineObject = false;
        } else {
            taken.reset(heapObject);
        }
        type = ValueType::String;
        setSmall(QByteArrayView());
        return taken;
    }
    // Moves other's value here; other is left holding an empty string.
    void takeValue(KeyEntry &other)
    {
        if (other.type != ValueType::String) {
            const ValueType t = other.type;
            releaseValue();
            if (other.isInlineObject) {
                Aggregate *moved = other.object();
                moved->moveInto(inlineObject);
                moved->~Aggregate();
            } else {
                heapObject = other.heapObject;
            }
            isInlineObject = std::exchange(other.isInlineObject, false);
            type = t;
            other.type = ValueType::String;
            other.setSmall(QByteArrayView());
        } else if (other.isSmallString) {
            setStringValue(other.string());
        } else {
            setStringValue(std::move(other.heapString));
        }
    }
    // Bytes allocated for the value outside the entry (MEMORY USAGE of a string).
    const QByteArray *heapStringIfAny() const
    {
        return type == ValueType::String && !isSmallString ? &heapString : nullptr;
    }

private:
    void setSmall(QByteArrayView bytes)
    {
        if (!bytes.isEmpty())
            std::memcpy(small.bytes, bytes.data(), size_t(bytes.size()));
        small.length = quint8(bytes.size());
        isSmallString = true;
    }
    void releaseValue()
    {
        if (type != ValueType::String) {
            if (isInlineObject)
                object()->~Aggregate();
            else
                delete heapObject;
            isInlineObject = false;
        } else if (!isSmallString)
            heapString.~QByteArray();
        isSmallString = true;
    }
};
static_assert(sizeof(void *) != 8 || sizeof(KeyEntry) == 56,
              "KeyEntry is measured per key against redis-server: keep it at 56 bytes");
