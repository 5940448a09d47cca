#pragma once

#include "observe/serversnapshot.h"

#include <QWidget>

class ChannelsModel;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class SparkChart;

/* The Channels tab: active channels, patterns and shard channels with their subscribers and
 * messages per second (a sparkline each), the total published and its rate; the selected
 * channel's last messages, live (sampled under load, at most MaxMessages kept); a Publish box
 * that sends a message to the selected channel. It asks for what it needs through its signals
 * (wired to the DashboardSource by the window) and never knows where the server runs.
 */
class ChannelsView final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int MaxMessages = 1000;
    enum MessageColumn { MessageTime, MessageChannel, MessageText, MessageColumnCount };

    explicit ChannelsView(QWidget *parent = nullptr);
    ChannelsModel *model() const { return m_model; }
    QStandardItemModel *messagesModel() const { return m_messages; }
    QTableView *table() const { return m_table; }
    QLineEdit *messageEdit() const { return m_message; }
    QPushButton *publishButton() const { return m_publish; }
    QLabel *summary() const { return m_summary; }
    // Selects the row of that channel (or pattern), which watches it.
    bool select(ChannelKind kind, const QByteArray &name);

public slots:
    void applySnapshot(const ServerSnapshot &snapshot);
    void published(const QByteArray &channel, qint64 receivers);
    void clear();
    // Sends the message in the box to the selected channel.
    void publish();

signals:
    void watchRequested(ChannelKind kind, const QByteArray &name);
    void publishRequested(ChannelKind kind, const QByteArray &channel, const QByteArray &message);

private:
    void selectionChanged();
    void updateMessagesTitle();

    ChannelsModel *m_model;
    QSortFilterProxyModel *m_sorted;
    QTableView *m_table;
    QLabel *m_summary;
    SparkChart *m_rateChart;
    QStandardItemModel *m_messages;
    QTableView *m_messagesView;
    QLabel *m_messagesTitle;
    QLineEdit *m_message;
    QPushButton *m_publish;
    QLabel *m_publishResult;
    ChannelKind m_watchedKind = ChannelKind::Channel;
    QByteArray m_watched;
    quint64 m_droppedMessages = 0;
    qint64 m_lastChartSecond = 0;
};
