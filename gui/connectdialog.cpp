#include "connectdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>

namespace {

const QString RecentKey = QStringLiteral("dashboard/recentServers");

} // namespace

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_address(new QComboBox(this))
    , m_password(new QLineEdit(this))
    , m_error(new QLabel(this))
{
    setWindowTitle(tr("Connect to a server"));
    m_address->setObjectName(QStringLiteral("serverAddress"));
    m_address->setEditable(true);
    m_address->addItems(recentServers());
    m_address->lineEdit()->setPlaceholderText(tr("host:port or redis://user@host:port/db"));
    m_address->setMinimumWidth(320);
    m_password->setObjectName(QStringLiteral("serverPassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("none"));
    m_error->setObjectName(QStringLiteral("connectError"));
    m_error->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Server"), m_address);
    form->addRow(tr("Password"), m_password);
    form->addRow(m_error);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
}

void ConnectDialog::accept()
{
    QString error;
    RedisUrl url;
    if (!RedisUrl::parse(m_address->currentText(), &url, &error)) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    if (!m_password->text().isEmpty())
        url.password = m_password->text().toUtf8();
    m_url = url;
    remember(url);
    QDialog::accept();
}

QStringList ConnectDialog::recentServers()
{
    return QSettings().value(RecentKey).toStringList();
}

void ConnectDialog::remember(const RedisUrl &url)
{
    QStringList recent = recentServers();
    recent.removeAll(url.text());
    recent.prepend(url.text());
    QSettings().setValue(RecentKey, recent.mid(0, MaxRecent));
}
