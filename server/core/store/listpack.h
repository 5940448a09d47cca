#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <cstddef>

// Redis's listpack, byte for byte: one heap block holding a 6-byte header (total bytes, element
// count), the elements, and an end byte. An element is an encoding byte, its data and its
// length written backwards (so the list walks both ways). Integers that a string spells exactly
// (string2ll's rules) are stored as integers, in 1 to 9 bytes. Small hashes, sorted sets and
// every list node use it, so the memory per element is Redis's and an RDB file can carry the
// block as it is.
//
// Positions are byte offsets of elements, valid until the next change; 0 is "none" (no element
// starts inside the header). Insertions and removals move the tail: O(bytes), as in Redis.
class Listpack
{
public:
    using Position = quint32;

    // One element as stored. A string is a view into the listpack, valid until the next change.
    struct Element
    {
        QByteArrayView string;
        long long integer = 0;
        bool isInteger = false;

        // The element as text: integers are written into buffer.
        QByteArrayView text(char (&buffer)[24]) const;
        bool equals(QByteArrayView value) const;
        // As Redis's lpGetValue + string2ll: the element as an integer, if it is one.
        bool toLongLong(long long *value) const;
    };

    Listpack();
    ~Listpack();
    // A copy of a serialized block (RDB loading, RESTORE), checked entry by entry first as
    // Redis's lpValidateIntegrity does with deep checking; false when it is malformed.
    static bool fromBytes(QByteArrayView bytes, Listpack *out);
    Listpack(const Listpack &other);
    Listpack &operator=(const Listpack &other);
    Listpack(Listpack &&other) noexcept;
    Listpack &operator=(Listpack &&other) noexcept;

    qsizetype size() const;
    bool isEmpty() const { return first() == 0; }
    // Bytes of the block (lpBytes), and what the allocator gave for it (MEMORY USAGE).
    size_t bytes() const;
    size_t allocatedBytes() const;
    const unsigned char *data() const { return m_data; }

    Position first() const;
    Position last() const;
    Position next(Position p) const;
    Position prev(Position p) const;
    // The element at index (negative: from the end, -1 the last), or 0 when out of range.
    Position seek(qsizetype index) const;
    Element at(Position p) const;

    // Inserts value before p (p == 0: at the end); returns the new element's position.
    Position insert(Position p, QByteArrayView value);
    Position insertInteger(Position p, long long value);
    void append(QByteArrayView value) { insert(0, value); }
    void prepend(QByteArrayView value) { insert(first(), value); }
    // Replaces the element at p; returns its (same) position.
    Position replace(Position p, QByteArrayView value);
    Position replaceInteger(Position p, long long value);
    // Removes count elements from p on; returns the position of the element that followed
    // them, or 0 when they were the last.
    Position erase(Position p, qsizetype count = 1);
    void clear();

    // The first element from p on, stepping over `skip` elements after each one compared
    // (skip 1 compares every other element: the fields of a field/value listpack), that equals
    // value; 0 if none.
    Position find(Position p, QByteArrayView value, int skip = 0) const;

    // What an element of this value costs in the block (encoding, data and back length).
    static size_t encodedSize(QByteArrayView value);
    // Redis's lpStringToInt64 (string2ll): the only strings stored as integers.
    static bool stringToInteger(QByteArrayView value, long long *integer);

private:
    size_t entrySize(Position p) const; // encoding + data + back length
    void setBytes(size_t bytes);
    void setCount(qsizetype count);
    void adjustCount(qsizetype delta);
    // Writes an element built in encoded/encodedLength at p, replacing `replaced` bytes there.
    Position splice(Position p, size_t replaced, const unsigned char *head, size_t headLength,
                    QByteArrayView payload);
    Position store(Position p, size_t replaced, QByteArrayView value);
    Position storeInteger(Position p, size_t replaced, long long value);

    unsigned char *m_data;
};
