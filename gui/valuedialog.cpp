#include "valuedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace {

QDialogButtonBox *okCancel(QDialog *dialog)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}

QPlainTextEdit *textBox(QWidget *parent)
{
    auto *box = new QPlainTextEdit(parent);
    box->setTabChangesFocus(true);
    box->setMinimumHeight(90);
    return box;
}

} // namespace

ValueDialog::ValueDialog(const QString &title, const QString &prompt, const QList<Input> &inputs,
                         QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(title);
    auto *layout = new QVBoxLayout(this);
    if (!prompt.isEmpty()) {
        auto *label = new QLabel(prompt, this);
        label->setWordWrap(true);
        label->setTextFormat(Qt::PlainText);
        layout->addWidget(label);
    }
    auto *form = new QFormLayout;
    for (const Input &input : inputs) {
        QWidget *widget = nullptr;
        if (input.multiLine) {
            QPlainTextEdit *box = textBox(this);
            box->setPlainText(input.text);
            box->setReadOnly(input.readOnly);
            widget = box;
        } else {
            auto *line = new QLineEdit(input.text, this);
            line->setReadOnly(input.readOnly);
            widget = line;
        }
        widget->setObjectName(QStringLiteral("input%1").arg(m_inputs.size()));
        form->addRow(input.label, widget);
        m_inputs.append(widget);
    }
    layout->addLayout(form);
    layout->addWidget(okCancel(this));
    // Start where there is something to type.
    for (QWidget *widget : std::as_const(m_inputs)) {
        auto *line = qobject_cast<QLineEdit *>(widget);
        auto *box = qobject_cast<QPlainTextEdit *>(widget);
        if ((line && !line->isReadOnly()) || (box && !box->isReadOnly())) {
            widget->setFocus();
            break;
        }
    }
    setMinimumWidth(420);
}

QByteArray ValueDialog::bytes(int i) const
{
    if (i < 0 || i >= m_inputs.size())
        return {};
    if (auto *line = qobject_cast<QLineEdit *>(m_inputs.at(i)))
        return line->text().toUtf8();
    return static_cast<QPlainTextEdit *>(m_inputs.at(i))->toPlainText().toUtf8();
}

NewKeyDialog::NewKeyDialog(QWidget *parent)
    : QDialog(parent)
    , m_name(new QLineEdit(this))
    , m_type(new QComboBox(this))
    , m_firstLabel(new QLabel(this))
    , m_first(new QLineEdit(this))
    , m_secondLabel(new QLabel(this))
    , m_secondLine(new QLineEdit(this))
    , m_secondText(textBox(this))
{
    setWindowTitle(tr("New key"));
    m_name->setObjectName(QStringLiteral("newKeyName"));
    m_type->setObjectName(QStringLiteral("newKeyType"));
    m_first->setObjectName(QStringLiteral("newKeyFirst"));
    m_secondLine->setObjectName(QStringLiteral("newKeySecond"));
    m_secondText->setObjectName(QStringLiteral("newKeySecondText"));
    for (const char *type : { "string", "hash", "list", "set", "zset" })
        m_type->addItem(QString::fromLatin1(type), QByteArray(type));

    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->addRow(tr("Key"), m_name);
    form->addRow(tr("Type"), m_type);
    form->addRow(m_firstLabel, m_first);
    auto *second = new QVBoxLayout;
    second->setContentsMargins(0, 0, 0, 0);
    second->addWidget(m_secondLine);
    second->addWidget(m_secondText);
    form->addRow(m_secondLabel, second);
    layout->addLayout(form);
    layout->addWidget(okCancel(this));
    connect(m_type, &QComboBox::currentIndexChanged, this, &NewKeyDialog::typeChanged);
    typeChanged();
    m_name->setFocus();
    setMinimumWidth(420);
}

void NewKeyDialog::typeChanged()
{
    const QByteArray type = m_type->currentData().toByteArray();
    // What the first write needs: string: a value; hash: a field and its value; list: an
    // element; set: a member; zset: a member and its score.
    const bool hasFirst = type == "hash" || type == "set" || type == "zset";
    const bool hasSecond = type != "set";
    const bool longSecond = type == "string" || type == "hash";
    m_firstLabel->setText(type == "hash" ? tr("Field") : tr("Member"));
    m_secondLabel->setText(type == "zset"           ? tr("Score")
                                   : type == "list" ? tr("Element")
                                                    : tr("Value"));
    m_firstLabel->setVisible(hasFirst);
    m_first->setVisible(hasFirst);
    m_secondLabel->setVisible(hasSecond);
    m_secondLine->setVisible(hasSecond && !longSecond);
    m_secondText->setVisible(hasSecond && longSecond);
}

QByteArray NewKeyDialog::key() const
{
    return m_name->text().toUtf8();
}

QByteArray NewKeyDialog::second() const
{
    const QByteArray type = m_type->currentData().toByteArray();
    return type == "string" || type == "hash" ? m_secondText->toPlainText().toUtf8()
                                              : m_secondLine->text().toUtf8();
}

ValueEdit NewKeyDialog::edit(int db) const
{
    using Op = ValueEdit::Op;
    const QByteArray type = m_type->currentData().toByteArray();
    ValueEdit edit;
    edit.db = db;
    edit.key = key();
    edit.element = m_first->text().toUtf8();
    edit.value = second();
    edit.op = type == "hash" ? Op::HashSet
            : type == "list" ? Op::ListPushTail
            : type == "set"  ? Op::SetAdd
            : type == "zset" ? Op::ZSetAdd
                             : Op::SetString;
    return edit;
}
