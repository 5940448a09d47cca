#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <cstddef>

// Redis's intset, byte for byte: one heap block with the element width (2, 4 or 8 bytes) and
// count, then the integers in ascending order, little-endian. Adding a value that needs a wider
// width widens every element once (never back), as Redis does. Small sets of integers use it:
// SMEMBERS lists them sorted, and an RDB file can carry the block as it is.
class Intset
{
public:
    Intset();
    ~Intset();
    // A copy of a serialized block (RDB loading, RESTORE), checked first as Redis's
    // intsetValidateIntegrity does (width, length, strictly ascending, not empty); false when
    // it is malformed.
    static bool fromBytes(QByteArrayView bytes, Intset *out);
    Intset(const Intset &other);
    Intset &operator=(const Intset &other);
    Intset(Intset &&other) noexcept;
    Intset &operator=(Intset &&other) noexcept;

    qsizetype size() const;
    long long at(qsizetype index) const;
    bool contains(long long value) const;
    // False when value was already there.
    bool add(long long value);
    // False when value was not there.
    bool remove(long long value);

    // Bytes of the block (intsetBlobLen) and what the allocator gave for it.
    size_t bytes() const;
    size_t allocatedBytes() const;
    const unsigned char *data() const { return m_data; }

private:
    int width() const;
    void set(qsizetype index, long long value, int width);
    long long get(qsizetype index, int width) const;
    // Binary search: true if found; *index is where value is or would go.
    bool search(long long value, qsizetype *index) const;
    void resize(qsizetype count, int width);

    unsigned char *m_data;
};
