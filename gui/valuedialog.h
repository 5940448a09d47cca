#pragma once

#include "observe/serversnapshot.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

// The small forms behind the value viewer's edit buttons: one or two texts (a field and its
// value, a member and its score...), each a line or, for long values, a box. It never talks to
// the server: its caller turns the texts into a ValueEdit. Inputs are named "input0", "input1".
class ValueDialog final : public QDialog
{
    Q_OBJECT
public:
    struct Input
    {
        Input(const QString &label, const QString &text = {}, bool multiLine = false,
              bool readOnly = false)
            : label(label)
            , text(text)
            , multiLine(multiLine)
            , readOnly(readOnly)
        { }
        QString label;
        QString text;
        bool multiLine;
        bool readOnly;
    };

    ValueDialog(const QString &title, const QString &prompt, const QList<Input> &inputs,
                QWidget *parent = nullptr);

    // What input number i holds, as the bytes it sends (UTF-8).
    QByteArray bytes(int i) const;

private:
    QList<QWidget *> m_inputs; // QLineEdit or QPlainTextEdit
};

// "New key…": a name, a type and the first element, which is what creates the key (as the
// first HSET, RPUSH, SADD or ZADD does; SET for a string). Inputs are named "newKeyName",
// "newKeyType", "newKeyFirst", "newKeySecond" (a line) and "newKeySecondText" (a box).
class NewKeyDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit NewKeyDialog(QWidget *parent = nullptr);

    QByteArray key() const;
    // The write that creates the key in db with its first element.
    ValueEdit edit(int db) const;

private:
    void typeChanged();
    QByteArray second() const;

    QLineEdit *m_name;
    QComboBox *m_type;
    QLabel *m_firstLabel;
    QLineEdit *m_first;
    QLabel *m_secondLabel;
    QLineEdit *m_secondLine;
    QPlainTextEdit *m_secondText;
};
