#include "keypreview.h"

namespace {

QByteArrayView leftOf(QByteArrayView view, qsizetype n)
{
    return view.first(qMin(n, view.size()));
}

} // namespace

void KeyPreview::add(QByteArrayView element, QByteArrayView detail, const char *between)
{
    if (m_shown++)
        m_text += ", ";
    m_text += leftOf(element, Bytes);
    if (!detail.isNull()) {
        m_text += between;
        m_text += leftOf(detail, Bytes);
    }
}

QByteArray KeyPreview::finish(qsizetype length)
{
    if (m_text.size() > Bytes) {
        m_text.truncate(Bytes);
        m_text += "...";
    } else if (m_shown < length) {
        m_text += ", ...";
    }
    return m_text;
}
