#pragma once

#include "observe/serversnapshot.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
class ValueModel;

/* The Keys tab's value viewer: one key's value, paged (PageSize elements a page, "Load more"),
 * with the edit actions of its type:
 *
 *   string: Edit value                      hash: Add field, Edit value, Remove field
 *   list:   Push to head, Push to tail, Set element, Remove element
 *   set:    Add member, Remove member       zset: Add member, Change score, Remove member
 *
 * Like the window, it never touches the server: it asks for pages and edits through its
 * signals and is handed the answers (applyPage(), showError()). After an edit the owner calls
 * reload(), which asks again for the rows shown and keeps the selection and scroll position.
 */
class ValueViewer final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int PageSize = 200;
    // reload() asks for at most this many rows at once (the bridge's own bound).
    static constexpr int MaxReloadRows = 5000;

    explicit ValueViewer(QWidget *parent = nullptr);

    ValueModel *model() const { return m_model; }
    QTableView *view() const { return m_table; }
    bool shows(int db, const QByteArray &key) const;
    int db() const;
    QByteArray key() const;

public slots:
    // Shows key of db from its first page; a null key shows nothing.
    void showKey(int db, const QByteArray &key);
    void reload();
    void loadMore();
    void applyPage(const ValuePage &page);
    void showError(int db, const QByteArray &key, const QString &message);
    // The edit actions (each opens a small form, then calls edit()).
    void addElement();
    void pushHead();
    void pushTail();
    void editSelected();
    void removeSelected();
    // Sends edit for the key shown (its db and key are filled in).
    void edit(ValueEdit change);

signals:
    void pageRequested(int db, const QByteArray &key, quint64 cursor, int count);
    void editRequested(const ValueEdit &edit);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    // The selected row of the table, or -1.
    int selectedRow() const;
    void requestPage(quint64 cursor, int count);
    void push(bool head);
    void updateView();
    QString streamGroupsText() const;
    void updateTitle();
    void updateButtons();
    void sizeColumns();
    // The row's bytes as text to edit, or false (after saying why) when they would not come
    // back the same: binary, or cut for display.
    bool editableText(const QByteArray &bytes, bool whole, bool multiLine, QString *text);

    ValueModel *m_model;
    QLabel *m_title;
    QLabel *m_detail;
    QStackedWidget *m_stack;
    QLabel *m_placeholder;
    QTableView *m_table;
    QPlainTextEdit *m_text;
    QLabel *m_summary;
    QPushButton *m_more;
    QLabel *m_message;
    QPushButton *m_add;
    QPushButton *m_pushHead;
    QPushButton *m_pushTail;
    QPushButton *m_edit;
    QPushButton *m_remove;

    // What reload() keeps: the selected element (or list index) and the scroll position.
    struct Restore
    {
        bool pending = false;
        int selected = -1; // a row was selected
        QByteArray element;
        qint64 index = -1;
        int scroll = 0;
    } m_restore;
};
