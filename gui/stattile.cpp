#include "stattile.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QMenu>
#include <QPainter>

namespace {

constexpr int HorizontalMargin = 12;
constexpr int VerticalMargin = 8;
constexpr int LineSpacing = 2;
constexpr double MinimumShrink = 0.7;

} // namespace

StatTile::StatTile(const QString &caption, QWidget *parent)
    : QFrame(parent)
    , m_caption(caption.toUpper())
{
    setObjectName(QStringLiteral("tile"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    updateFonts();
}

void StatTile::updateFonts()
{
    m_captionFont = font();
    m_captionFont.setPointSizeF(8);
    m_captionFont.setLetterSpacing(QFont::AbsoluteSpacing, 1);
    m_valueFont = font();
    m_valueFont.setPointSizeF(15);
    m_valueFont.setWeight(QFont::DemiBold);
    m_detailFont = font();
    m_detailFont.setPointSizeF(8);
}

void StatTile::setValue(const QString &value, const QString &detail)
{
    if (value == m_value && detail == m_detail)
        return;
    m_value = value;
    m_detail = detail;
    const int width = qMax(QFontMetrics(m_valueFont).horizontalAdvance(m_value),
                           QFontMetrics(m_detailFont).horizontalAdvance(m_detail));
    if (width > m_textWidth) {
        m_textWidth = width;
        updateGeometry();
    }
    update();
}

QSize StatTile::sizeHint() const
{
    const QFontMetrics caption(m_captionFont), value(m_valueFont), detail(m_detailFont);
    const int width = qMax(caption.horizontalAdvance(m_caption), m_textWidth);
    const int height = caption.height() + value.height() + detail.height() + 2 * LineSpacing;
    return { width + 2 * HorizontalMargin, height + 2 * VerticalMargin };
}

// As a label's: the texts are never cut while the window has room for them.
QSize StatTile::minimumSizeHint() const
{
    return sizeHint();
}

void StatTile::paintEvent(QPaintEvent *event)
{
    QFrame::paintEvent(event); // the style sheet's background and border
    QPainter painter(this);
    const QRect area
            = rect().adjusted(HorizontalMargin, VerticalMargin, -HorizontalMargin, -VerticalMargin);
    int y = area.top();
    // A line's box keeps its font's height; a text too wide for the tile (a narrow window)
    // is drawn smaller, down to MinimumShrink of its size, and only then cut.
    const auto line = [&](QFont font, const QColor &color, const QString &text) {
        const int height = QFontMetrics(font).height();
        const int width = QFontMetrics(font).horizontalAdvance(text);
        QString shown = text;
        if (width > area.width()) {
            font.setPointSizeF(font.pointSizeF()
                               * qMax(MinimumShrink, double(area.width()) / double(width)));
            shown = QFontMetrics(font).elidedText(text, Qt::ElideRight, area.width());
        }
        painter.setFont(font);
        painter.setPen(color.isValid() ? color : palette().color(QPalette::WindowText));
        painter.drawText(QRect(area.left(), y, area.width(), height),
                         Qt::AlignLeft | Qt::AlignVCenter, shown);
        y += height + LineSpacing;
    };
    line(m_captionFont, m_captionColor, m_caption);
    line(m_valueFont, m_valueColor, m_value);
    line(m_detailFont, m_detailColor, m_detail);
}

void StatTile::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange) {
        updateFonts();
        m_textWidth = 0;
        updateGeometry();
    }
    QFrame::changeEvent(event);
}

// The figures were selectable labels once; copying is what that was for.
void StatTile::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    menu.addAction(tr("Copy %1").arg(m_value), this,
                   [this] { QApplication::clipboard()->setText(m_value); });
    menu.exec(event->globalPos());
}
