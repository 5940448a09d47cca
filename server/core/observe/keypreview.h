#pragma once

#include <QByteArray>
#include <QByteArrayView>

// The keys browser's preview of an aggregate: its first few elements, "a, b, c, ...", each cut
// to Bytes, the whole cut to Bytes with "..." after it. Both the in-process bridge and the
// remote reader of the dashboard write previews with it, so they read the same.
class KeyPreview
{
public:
    static constexpr qsizetype Bytes = 120;
    static constexpr qsizetype Elements = 8;

    bool isFull() const { return m_shown >= Elements || m_text.size() >= Bytes; }
    // Adds an element, with its detail after `between` when there is one ("field: value").
    void add(QByteArrayView element, QByteArrayView detail = {}, const char *between = "");
    // The text, for an aggregate of `length` elements (", ..." when not all were added).
    QByteArray finish(qsizetype length);

private:
    QByteArray m_text;
    qsizetype m_shown = 0;
};
