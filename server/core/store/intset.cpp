#include "intset.h"

#include <QtEndian>

#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <new>
#include <utility>

namespace {

constexpr size_t HeaderSize = 8;

void writeLe(unsigned char *p, quint64 value, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        p[i] = static_cast<unsigned char>(value >> (8 * i));
}

int widthFor(long long value)
{
    if (value >= -32768 && value <= 32767)
        return 2;
    if (value >= -2147483648LL && value <= 2147483647LL)
        return 4;
    return 8;
}

unsigned char *allocate(size_t bytes)
{
    auto *p = static_cast<unsigned char *>(std::malloc(bytes));
    if (!p)
        throw std::bad_alloc();
    return p;
}

} // namespace

Intset::Intset()
    : m_data(allocate(HeaderSize))
{
    writeLe(m_data, 2, 4);
    writeLe(m_data + 4, 0, 4);
}

Intset::~Intset()
{
    std::free(m_data);
}

Intset::Intset(const Intset &other)
    : m_data(allocate(other.bytes()))
{
    std::memcpy(m_data, other.m_data, other.bytes());
}

Intset &Intset::operator=(const Intset &other)
{
    if (this != &other) {
        Intset copy(other);
        std::swap(m_data, copy.m_data);
    }
    return *this;
}

Intset::Intset(Intset &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr))
{ }

Intset &Intset::operator=(Intset &&other) noexcept
{
    std::swap(m_data, other.m_data);
    return *this;
}

int Intset::width() const
{
    return int(qFromLittleEndian<quint32>(m_data));
}

qsizetype Intset::size() const
{
    return m_data ? qsizetype(qFromLittleEndian<quint32>(m_data + 4)) : 0;
}

size_t Intset::bytes() const
{
    return HeaderSize + size_t(size()) * size_t(width());
}

size_t Intset::allocatedBytes() const
{
    return malloc_usable_size(m_data);
}

// Whole values at a time, as Redis's _intsetGetEncoded: a lookup reads its width once.
long long Intset::get(qsizetype index, int width) const
{
    const unsigned char *p = m_data + HeaderSize + size_t(index) * size_t(width);
    switch (width) {
    case 2: return qFromLittleEndian<qint16>(p);
    case 4: return qFromLittleEndian<qint32>(p);
    default: return qFromLittleEndian<qint64>(p);
    }
}

void Intset::set(qsizetype index, long long value, int width)
{
    unsigned char *p = m_data + HeaderSize + size_t(index) * size_t(width);
    switch (width) {
    case 2: qToLittleEndian<qint16>(qint16(value), p); break;
    case 4: qToLittleEndian<qint32>(qint32(value), p); break;
    default: qToLittleEndian<qint64>(qint64(value), p); break;
    }
}

long long Intset::at(qsizetype index) const
{
    return get(index, width());
}

bool Intset::search(long long value, qsizetype *index) const
{
    qsizetype low = 0;
    qsizetype high = size() - 1;
    const int w = width();
    while (low <= high) {
        const qsizetype mid = low + (high - low) / 2;
        const long long current = get(mid, w);
        if (current == value) {
            *index = mid;
            return true;
        }
        if (current < value)
            low = mid + 1;
        else
            high = mid - 1;
    }
    *index = low;
    return false;
}

bool Intset::contains(long long value) const
{
    qsizetype index = 0;
    return widthFor(value) <= width() && search(value, &index);
}

void Intset::resize(qsizetype count, int width)
{
    const size_t bytes = HeaderSize + size_t(count) * size_t(width);
    auto *p = static_cast<unsigned char *>(std::realloc(m_data, bytes));
    if (!p && bytes)
        throw std::bad_alloc();
    m_data = p;
}

bool Intset::add(long long value)
{
    const qsizetype count = size();
    const int oldWidth = width();
    const int needed = widthFor(value);
    if (needed > oldWidth) {
        // A value too wide for the set is beyond every element: it goes first or last.
        resize(count + 1, needed);
        const bool first = value < 0;
        for (qsizetype i = count - 1; i >= 0; --i)
            set(i + (first ? 1 : 0), get(i, oldWidth), needed);
        set(first ? 0 : count, value, needed);
        writeLe(m_data, quint64(needed), 4);
        writeLe(m_data + 4, quint64(count + 1), 4);
        return true;
    }
    qsizetype index = 0;
    if (search(value, &index))
        return false;
    resize(count + 1, oldWidth);
    unsigned char *base = m_data + HeaderSize;
    std::memmove(base + size_t(index + 1) * size_t(oldWidth),
                 base + size_t(index) * size_t(oldWidth), size_t(count - index) * size_t(oldWidth));
    set(index, value, oldWidth);
    writeLe(m_data + 4, quint64(count + 1), 4);
    return true;
}

bool Intset::remove(long long value)
{
    qsizetype index = 0;
    if (widthFor(value) > width() || !search(value, &index))
        return false;
    const qsizetype count = size();
    const int w = width();
    unsigned char *base = m_data + HeaderSize;
    std::memmove(base + size_t(index) * size_t(w), base + size_t(index + 1) * size_t(w),
                 size_t(count - index - 1) * size_t(w));
    writeLe(m_data + 4, quint64(count - 1), 4);
    resize(count - 1, w);
    return true;
}

bool Intset::fromBytes(QByteArrayView bytes, Intset *out)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    if (bytes.size() < qsizetype(HeaderSize))
        return false;
    const quint32 width = qFromLittleEndian<quint32>(p);
    const quint32 count = qFromLittleEndian<quint32>(p + 4);
    if ((width != 2 && width != 4 && width != 8) || count == 0
        || quint64(HeaderSize) + quint64(count) * width != quint64(bytes.size()))
        return false;
    Intset candidate;
    std::free(candidate.m_data);
    candidate.m_data = allocate(size_t(bytes.size()));
    std::memcpy(candidate.m_data, p, size_t(bytes.size()));
    for (qsizetype i = 1; i < qsizetype(count); ++i) {
        if (candidate.get(i - 1, int(width)) >= candidate.get(i, int(width)))
            return false;
    }
    *out = std::move(candidate);
    return true;
}
