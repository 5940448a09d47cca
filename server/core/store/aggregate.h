#pragma once

#include <QtGlobal>

#include <cstddef>
#include <memory>

// A value of one of the aggregate types (list, set, sorted set, hash), owned by its KeyEntry.
// Each type is one class beside this file that owns its compact and big encodings and converts
// between them; none writes replies. This base is what the keyspace needs without knowing the
// type: copying (COPY), sizes (dashboard, MEMORY USAGE) and the encoding's name (OBJECT).
class Aggregate
{
public:
    virtual ~Aggregate() = default;

    virtual std::unique_ptr<Aggregate> clone() const = 0;
    // Elements: fields of a hash, members of a set or sorted set, elements of a list.
    virtual qsizetype length() const = 0;
    // OBJECT ENCODING's answer: "listpack", "quicklist", "intset", "hashtable", "skiplist".
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
