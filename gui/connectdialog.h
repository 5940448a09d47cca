#pragma once

#include "redisurl.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

// File > Connect: a server address (HOST:PORT or redis://[user:password@]host:port/db), picked
// from the recent ones or typed, and a password. Recent servers are remembered with QSettings
// by RedisUrl::text(), which never holds a password: passwords live in memory only.
class ConnectDialog final : public QDialog
{
    Q_OBJECT
public:
    static constexpr int MaxRecent = 10;

    explicit ConnectDialog(QWidget *parent = nullptr);

    // What was accepted, with the password typed (or the URL's).
    RedisUrl url() const { return m_url; }

    static QStringList recentServers();
    // Puts url first among the recent servers.
    static void remember(const RedisUrl &url);

    void accept() override;

private:
    QComboBox *m_address;
    QLineEdit *m_password;
    QLabel *m_error;
    RedisUrl m_url;
};
