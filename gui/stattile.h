#pragma once

#include <QFrame>

class QLabel;

// One overview figure: a caption and a large value.
class StatTile final : public QFrame
{
    Q_OBJECT
public:
    explicit StatTile(const QString &caption, QWidget *parent = nullptr);
    void setValue(const QString &value, const QString &detail = QString());
    QString value() const;
    QString detail() const;

private:
    QLabel *m_value;
    QLabel *m_detail;
};
