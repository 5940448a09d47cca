#include "stattile.h"

#include <QLabel>
#include <QVBoxLayout>

StatTile::StatTile(const QString &caption, QWidget *parent)
    : QFrame(parent)
    , m_value(new QLabel(QStringLiteral("-"), this))
    , m_detail(new QLabel(this))
{
    setObjectName(QStringLiteral("tile"));
    auto *title = new QLabel(caption.toUpper(), this);
    title->setObjectName(QStringLiteral("tileCaption"));
    m_value->setObjectName(QStringLiteral("tileValue"));
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setObjectName(QStringLiteral("tileDetail"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(2);
    layout->addWidget(title);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
}

void StatTile::setValue(const QString &value, const QString &detail)
{
    m_value->setText(value);
    m_detail->setText(detail);
}

QString StatTile::value() const
{
    return m_value->text();
}

QString StatTile::detail() const
{
    return m_detail->text();
}
