#pragma once

#include <QtGlobal>

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

// A value of one of the aggregate types (list, set, sorted set, hash, stream), owned by its
// KeyEntry.
// Each type is one class beside this file that owns its compact and big encodings and converts
// between them; none writes replies. This base is what the keyspace needs without knowing the
// type: copying (COPY), sizes (dashboard, MEMORY USAGE) and the encoding's name (OBJECT).
class Aggregate
{
public:
    // Room for a value inside its KeyEntry: a small aggregate (a pointer or two beside the
    // vtable) lives there and saves the heap block Redis's robj would cost.
    static constexpr size_t InlineCapacity = 24;

    virtual ~Aggregate() = default;

    virtual std::unique_ptr<Aggregate> clone() const = 0;
    // Moves the value into `storage` (InlineCapacity bytes, pointer-aligned) and returns it
    // there, or returns nullptr when the type does not fit. The caller still destroys `this`.
    virtual Aggregate *moveInto(void *storage) = 0;
    // Moves the value into a heap block of its own; the caller still destroys `this`.
    virtual std::unique_ptr<Aggregate> moveToHeap() = 0;
    // Elements: fields of a hash, members of a set or sorted set, elements of a list, entries
    // of a stream.
    virtual qsizetype length() const = 0;
    // OBJECT ENCODING's answer: "listpack", "quicklist", "intset", "hashtable", "skiplist",
    // "stream".
    virtual const char *encodingName() const = 0;
    // Bytes held by the value (MEMORY USAGE): exact for compact encodings; for big ones,
    // estimated from up to `samples` elements (0: all), as Redis's objectComputeSize does.
    virtual size_t memoryUsage(qsizetype samples) const = 0;
    // Redis's lazyfreeGetFreeEffort: roughly the allocations freeing it takes (elements of a
    // table or skip list, nodes of a quicklist; 1 for a packed value), which decides whether
    // it is freed in the background.
    virtual qsizetype freeEffort() const = 0;

protected:
    Aggregate() = default;
    Aggregate(const Aggregate &) = default;
    Aggregate &operator=(const Aggregate &) = default;
};

// Copying and moving, the same for every aggregate type T (which derives from AggregateOf<T>
// and has a copy and a move constructor).
template<typename T> class AggregateOf : public Aggregate
{
public:
    std::unique_ptr<Aggregate> clone() const final
    {
        return std::make_unique<T>(static_cast<const T &>(*this));
    }
    Aggregate *moveInto(void *storage) final
    {
        if constexpr (sizeof(T) <= InlineCapacity && alignof(T) <= alignof(void *))
            return new (storage) T(std::move(static_cast<T &>(*this)));
        else
            return nullptr;
    }
    std::unique_ptr<Aggregate> moveToHeap() final
    {
        return std::make_unique<T>(std::move(static_cast<T &>(*this)));
    }

protected:
    AggregateOf() = default;
    AggregateOf(const AggregateOf &) = default;
};
