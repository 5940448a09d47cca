#include "valueviewer.h"

#include "formatting.h"
#include "valuedialog.h"
#include "valuemodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace {

// A string shown in the text pane: enough for a person to read, never megabytes of layout.
constexpr int StringViewChars = 100000;

enum StackPage { Placeholder, Table, Text };

QPushButton *button(const QString &name, QWidget *parent)
{
    auto *b = new QPushButton(parent);
    b->setObjectName(name);
    return b;
}

} // namespace

ValueViewer::ValueViewer(QWidget *parent)
    : QWidget(parent)
    , m_model(new ValueModel(this))
    , m_title(new QLabel(this))
    , m_detail(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new QLabel(m_stack))
    , m_table(new QTableView(m_stack))
    , m_text(new QPlainTextEdit(m_stack))
    , m_summary(new QLabel(this))
    , m_more(button(QStringLiteral("valueMoreButton"), this))
    , m_message(new QLabel(this))
    , m_add(button(QStringLiteral("valueAddButton"), this))
    , m_pushHead(button(QStringLiteral("valuePushHeadButton"), this))
    , m_pushTail(button(QStringLiteral("valuePushTailButton"), this))
    , m_edit(button(QStringLiteral("valueEditButton"), this))
    , m_remove(button(QStringLiteral("valueRemoveButton"), this))
{
    setObjectName(QStringLiteral("valueViewer"));
    setStyleSheet(QStringLiteral("QLabel#valueTitle { font-size: 12pt; font-weight: 600; }"
                                 "QLabel#valueDetail, QLabel#valuePlaceholder { color: #8a93a3; }"
                                 "QLabel#valueMessage { color: #ff8a80; }"));
    m_title->setObjectName(QStringLiteral("valueTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The title is elided to the panel's width, never the reason it grows.
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_detail->setObjectName(QStringLiteral("valueDetail"));
    m_detail->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_summary->setObjectName(QStringLiteral("valueSummary"));
    m_message->setObjectName(QStringLiteral("valueMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->hide();
    m_placeholder->setObjectName(QStringLiteral("valuePlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);

    m_table->setObjectName(QStringLiteral("valueView"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_text->setObjectName(QStringLiteral("stringView"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_text->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_stack->addWidget(m_placeholder);
    m_stack->addWidget(m_table);
    m_stack->addWidget(m_text);

    m_more->setText(tr("Load more"));
    m_pushHead->setText(tr("Push to head…"));
    m_pushTail->setText(tr("Push to tail…"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_title);
    layout->addWidget(m_detail);
    layout->addWidget(m_stack, 1);
    auto *paging = new QHBoxLayout;
    paging->addWidget(m_summary, 1);
    paging->addWidget(m_more);
    layout->addLayout(paging);
    layout->addWidget(m_message);
    auto *actions = new QHBoxLayout;
    actions->addStretch(1);
    for (QPushButton *b : { m_add, m_pushHead, m_pushTail, m_edit, m_remove })
        actions->addWidget(b);
    layout->addLayout(actions);

    connect(m_more, &QPushButton::clicked, this, &ValueViewer::loadMore);
    connect(m_add, &QPushButton::clicked, this, &ValueViewer::addElement);
    connect(m_pushHead, &QPushButton::clicked, this, &ValueViewer::pushHead);
    connect(m_pushTail, &QPushButton::clicked, this, &ValueViewer::pushTail);
    connect(m_edit, &QPushButton::clicked, this, &ValueViewer::editSelected);
    connect(m_remove, &QPushButton::clicked, this, &ValueViewer::removeSelected);
    connect(m_table, &QTableView::doubleClicked, this, &ValueViewer::editSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ValueViewer::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ValueViewer::sizeColumns);
    updateView();
}

bool ValueViewer::shows(int db, const QByteArray &key) const
{
    return !m_model->key().isNull() && m_model->db() == db && m_model->key() == key;
}

int ValueViewer::db() const
{
    return m_model->db();
}

QByteArray ValueViewer::key() const
{
    return m_model->key();
}

void ValueViewer::showKey(int db, const QByteArray &key)
{
    m_restore = {};
    m_message->hide();
    m_model->restart(db, key);
    if (!key.isNull())
        requestPage(0, PageSize);
    updateView();
}

void ValueViewer::reload()
{
    if (m_model->key().isNull())
        return;
    // Asks again for what is shown (within bounds); applyPage() puts the selection and the
    // scroll position back on the same element.
    m_restore = {};
    m_restore.pending = true;
    const int row = selectedRow();
    if (row >= 0) {
        m_restore.selected = row;
        m_restore.element = m_model->rowAt(row).element;
        m_restore.index = m_model->rowAt(row).index;
    }
    m_restore.scroll = m_table->verticalScrollBar()->value();
    requestPage(0, qBound(PageSize, m_model->rowCount(), MaxReloadRows));
}

void ValueViewer::loadMore()
{
    if (m_model->isLoaded() && m_model->hasMore())
        requestPage(m_model->nextCursor(), PageSize);
}

void ValueViewer::requestPage(quint64 cursor, int count)
{
    emit pageRequested(m_model->db(), m_model->key(), cursor, count);
}

void ValueViewer::applyPage(const ValuePage &page)
{
    if (!m_model->addPage(page))
        return;
    if (page.cursor == 0 && m_restore.pending) {
        m_restore.pending = false;
        int row = -1;
        if (m_restore.selected >= 0) {
            if (m_model->type() == "list") // by position: the element there now
                row = m_restore.index >= 0 && m_restore.index < m_model->rowCount()
                        ? int(m_restore.index)
                        : -1;
            else
                row = m_model->rowOfElement(m_restore.element);
        }
        m_table->doItemsLayout(); // the scroll range follows the new rows now, not later
        if (row >= 0)
            m_table->selectRow(row);
        m_table->verticalScrollBar()->setValue(m_restore.scroll);
    }
    updateView();
}

void ValueViewer::showError(int db, const QByteArray &key, const QString &message)
{
    if (!shows(db, key))
        return;
    m_message->setText(message);
    m_message->show();
}

int ValueViewer::selectedRow() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void ValueViewer::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateTitle();
}

void ValueViewer::sizeColumns()
{
    // Numbers keep a narrow column; the element, member or value takes what is left.
    const QByteArray type = m_model->type();
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(false);
    for (int c = 0; c < m_model->columnCount(); ++c)
        header->setSectionResizeMode(c, QHeaderView::Interactive);
    if (type == "list" || type == "zset")
        header->resizeSection(0, 80); // Index, Rank
    if (type == "zset")
        header->resizeSection(2, 120); // Score
    if (type == "hash")
        header->resizeSection(0, qMax(120, m_table->viewport()->width() / 3)); // Field
    const int main = type == "zset" ? 1 : m_model->columnCount() - 1;
    if (main >= 0)
        header->setSectionResizeMode(main, QHeaderView::Stretch);
}

void ValueViewer::updateTitle()
{
    const QString key = m_model->key().isNull() ? tr("No key selected")
                                                : Formatting::elided(m_model->key(), 1000);
    m_title->setText(m_title->fontMetrics().elidedText(key, Qt::ElideMiddle, m_title->width()));
    m_title->setToolTip(key);
}

// A stream's consumer groups with their pending counts, for the detail line.
QString ValueViewer::streamGroupsText() const
{
    const QList<StreamGroupRow> &groups = m_model->groups();
    if (groups.isEmpty())
        return tr("  ·  no consumer groups");
    QStringList parts;
    for (const StreamGroupRow &group : groups)
        parts << tr("%1 (%2 pending, %3 consumers, last %4)")
                         .arg(Formatting::elided(group.name, 40),
                              Formatting::count(quint64(group.pending)),
                              Formatting::count(quint64(group.consumers)),
                              QString::fromLatin1(group.lastDeliveredId));
    return tr("  ·  groups: %1").arg(parts.join(QStringLiteral(", ")));
}

void ValueViewer::updateView()
{
    updateTitle();
    const QByteArray type = m_model->type();
    const KeyRow &summary = m_model->summary();
    if (m_model->key().isNull()) {
        m_detail->clear();
        m_placeholder->setText(tr("Select a key to see its value."));
        m_stack->setCurrentIndex(Placeholder);
    } else if (!m_model->isLoaded()) {
        m_detail->setText(tr("Loading…"));
        m_placeholder->setText(QString());
        m_stack->setCurrentIndex(Placeholder);
    } else if (type == "none") {
        m_detail->setText(tr("No such key"));
        m_placeholder->setText(tr("This key does not exist (any more)."));
        m_stack->setCurrentIndex(Placeholder);
    } else {
        m_detail->setText(
                QStringLiteral("%1  ·  %2  ·  %3  ·  %4")
                        .arg(QString::fromLatin1(type), Formatting::size(type, summary.size),
                             QString::fromLatin1(m_model->encoding()),
                             summary.ttlMs < 0
                                     ? tr("no expiry")
                                     : tr("expires in %1").arg(Formatting::ttl(summary.ttlMs))));
        if (type == "stream")
            m_detail->setText(m_detail->text() + streamGroupsText());
        if (type == "string") {
            const ValueRow &row = m_model->rowAt(0);
            m_text->setPlainText(Formatting::elided(row.element, StringViewChars));
            m_stack->setCurrentIndex(Text);
        } else {
            m_stack->setCurrentIndex(Table);
        }
    }

    const int shown = m_model->rowCount();
    if (!m_model->isLoaded() || type == "none") {
        m_summary->clear();
    } else if (type == "string") {
        const qint64 bytes = m_model->rowAt(0).elementSize;
        m_summary->setText(
                m_model->rowAt(0).element.size() < bytes
                        ? tr("First %1 of %2 shown")
                                  .arg(Formatting::bytes(m_model->rowAt(0).element.size()),
                                       Formatting::bytes(bytes))
                        : QString());
    } else if (m_model->hasMore() || shown < summary.size) {
        m_summary->setText(tr("%1 of %2 shown")
                                   .arg(Formatting::count(quint64(shown)),
                                        Formatting::size(type, summary.size)));
    } else {
        m_summary->setText(tr("All %1 shown").arg(Formatting::size(type, summary.size)));
    }
    m_more->setVisible(m_model->isLoaded() && m_model->hasMore());

    // The actions of the type shown.
    m_add->setText(type == "hash" ? tr("Add field…") : tr("Add member…"));
    m_edit->setText(type == "list"           ? tr("Set element…")
                            : type == "zset" ? tr("Change score…")
                                             : tr("Edit value…"));
    m_remove->setText(type == "hash"           ? tr("Remove field")
                              : type == "list" ? tr("Remove element")
                                               : tr("Remove member"));
    m_add->setVisible(type == "hash" || type == "set" || type == "zset");
    m_pushHead->setVisible(type == "list");
    m_pushTail->setVisible(type == "list");
    m_edit->setVisible(type == "string" || type == "hash" || type == "list" || type == "zset");
    m_remove->setVisible(type == "hash" || type == "list" || type == "set" || type == "zset");
    updateButtons();
}

void ValueViewer::updateButtons()
{
    const bool selected = selectedRow() >= 0;
    m_edit->setEnabled(m_model->type() == "string" || selected);
    m_remove->setEnabled(selected);
}

bool ValueViewer::editableText(const QByteArray &bytes, bool whole, bool multiLine, QString *text)
{
    *text = QString::fromUtf8(bytes);
    bool plain = whole && text->toUtf8() == bytes; // valid UTF-8, all of it
    for (QChar c : std::as_const(*text)) {
        if (c.unicode() < 32 && c != QLatin1Char('\t') && !(multiLine && c == QLatin1Char('\n')))
            plain = false;
    }
    if (!plain) {
        m_message->setText(
                whole ? tr("This holds bytes that do not edit as text: change it with a client.")
                      : tr("This is too long to edit here: change it with a client."));
        m_message->show();
    }
    return plain;
}

void ValueViewer::addElement()
{
    using Op = ValueEdit::Op;
    const QByteArray type = m_model->type();
    const QString key = Formatting::elided(m_model->key(), 80);
    ValueEdit e;
    if (type == "hash") {
        ValueDialog dialog(tr("Add field"),
                           tr("Sets a field of %1 (as HSET: a field that exists takes the new "
                              "value).")
                                   .arg(key),
                           { { tr("Field") }, { tr("Value"), {}, true } }, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        e.op = Op::HashSet;
        e.element = dialog.bytes(0);
        e.value = dialog.bytes(1);
    } else if (type == "set") {
        ValueDialog dialog(tr("Add member"), tr("Adds a member to %1 (SADD).").arg(key),
                           { { tr("Member") } }, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        e.op = Op::SetAdd;
        e.element = dialog.bytes(0);
    } else if (type == "zset") {
        ValueDialog dialog(tr("Add member"),
                           tr("Adds a member to %1 (as ZADD: a member that exists takes the "
                              "new score).")
                                   .arg(key),
                           { { tr("Member") }, { tr("Score"), QStringLiteral("0") } }, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        e.op = Op::ZSetAdd;
        e.element = dialog.bytes(0);
        e.value = dialog.bytes(1);
    } else if (type == "list") {
        push(false);
        return;
    } else {
        return;
    }
    edit(e);
}

void ValueViewer::pushHead()
{
    push(true);
}

void ValueViewer::pushTail()
{
    push(false);
}

void ValueViewer::push(bool head)
{
    if (m_model->type() != "list")
        return;
    const QString key = Formatting::elided(m_model->key(), 80);
    ValueDialog dialog(head ? tr("Push to head") : tr("Push to tail"),
                       (head ? tr("Adds an element before the first of %1 (LPUSH).")
                             : tr("Adds an element after the last of %1 (RPUSH)."))
                               .arg(key),
                       { { tr("Element") } }, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    ValueEdit e;
    e.op = head ? ValueEdit::Op::ListPushHead : ValueEdit::Op::ListPushTail;
    e.value = dialog.bytes(0);
    edit(e);
}

void ValueViewer::editSelected()
{
    using Op = ValueEdit::Op;
    const QByteArray type = m_model->type();
    const int row = type == "string" ? 0 : selectedRow();
    if (row < 0 || row >= m_model->rowCount())
        return;
    // A copy: a reload (Live mode) may replace the rows while the form is open.
    const ValueRow r = m_model->rowAt(row);
    const QString key = Formatting::elided(m_model->key(), 80);
    QString text;
    ValueEdit e;
    if (type == "string") {
        if (!editableText(r.element, r.isWhole(), true, &text))
            return;
        ValueDialog dialog(tr("Edit value"), tr("Sets %1 (as SET, keeping its TTL).").arg(key),
                           { { tr("Value"), text, true } }, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        e.op = Op::SetString;
        e.value = dialog.bytes(0);
    } else if (type == "hash") {
        if (!editableText(r.value, r.isWhole(), true, &text))
            return;
        ValueDialog dialog(tr("Edit value"), tr("Sets a field of %1 (HSET).").arg(key),
                           { { tr("Field"), Formatting::elided(r.element, 1000), false, true },
                             { tr("Value"), text, true } },
                           this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        e.op = Op::HashSet;
        e.element = r.element;
        e.value = dialog.bytes(1);
    } else if (type == "list") {
        if (!editableText(r.element, r.isWhole(), false, &text))
            return;
        ValueDialog dialog(
                tr("Set element"), tr("Replaces an element of %1 (LSET).").arg(key),
                { { tr("Index"), QString::number(r.index), false, true }, { tr("Element"), text } },
                this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        e.op = Op::ListSet;
        e.index = r.index;
        e.element = r.element;
        e.value = dialog.bytes(1);
    } else if (type == "zset") {
        if (!r.isWhole()) {
            editableText(r.element, false, false, &text);
            return;
        }
        ValueDialog dialog(tr("Change score"),
                           tr("Gives a member of %1 a new score (ZADD XX).").arg(key),
                           { { tr("Member"), Formatting::elided(r.element, 1000), false, true },
                             { tr("Score"), Formatting::score(r.score) } },
                           this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        e.op = Op::ZSetScore;
        e.element = r.element;
        e.value = dialog.bytes(1);
    } else {
        return;
    }
    edit(e);
}

void ValueViewer::removeSelected()
{
    using Op = ValueEdit::Op;
    const QByteArray type = m_model->type();
    const int row = selectedRow();
    if (row < 0)
        return;
    const ValueRow &r = m_model->rowAt(row);
    if (r.element.size() != r.elementSize) { // cut: not the name of anything
        QString text;
        editableText(r.element, false, false, &text);
        return;
    }
    ValueEdit e;
    e.element = r.element;
    e.index = r.index;
    if (type == "hash")
        e.op = Op::HashDelete;
    else if (type == "list")
        e.op = Op::ListRemove;
    else if (type == "set")
        e.op = Op::SetRemove;
    else if (type == "zset")
        e.op = Op::ZSetRemove;
    else
        return;
    edit(e);
}

void ValueViewer::edit(ValueEdit change)
{
    if (m_model->key().isNull())
        return;
    m_message->hide();
    change.db = m_model->db();
    change.key = m_model->key();
    emit editRequested(change);
}
