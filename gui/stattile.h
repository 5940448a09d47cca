#pragma once

#include <QColor>
#include <QFrame>

// One overview figure: a caption, a large value and a line of detail. It paints its texts
// itself rather than holding labels: a label whose text changes asks the whole window for a
// new layout, and the tiles change on every snapshot (five times a second), which made layout
// the larger part of the window's work. A tile asks for a new layout only when a text is wider
// than any it showed before. The colours come from the style sheet (qproperty-captionColor...).
class StatTile final : public QFrame
{
    Q_OBJECT
    Q_PROPERTY(QColor captionColor MEMBER m_captionColor)
    Q_PROPERTY(QColor valueColor MEMBER m_valueColor)
    Q_PROPERTY(QColor detailColor MEMBER m_detailColor)
public:
    explicit StatTile(const QString &caption, QWidget *parent = nullptr);
    void setValue(const QString &value, const QString &detail = QString());
    QString value() const { return m_value; }
    QString detail() const { return m_detail; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void updateFonts();

    QString m_caption;
    QString m_value = QStringLiteral("-");
    QString m_detail;
    int m_textWidth = 0; // the widest text shown so far
    QFont m_captionFont;
    QFont m_valueFont;
    QFont m_detailFont;
    // Invalid until the style sheet sets them: the palette's text colour then.
    QColor m_captionColor;
    QColor m_valueColor;
    QColor m_detailColor;
};
