#include "channelsview.h"

#include "channelsmodel.h"
#include "formatting.h"
#include "sparkchart.h"
#include "sparklinedelegate.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace {

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(24);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    return view;
}

} // namespace

ChannelsView::ChannelsView(QWidget *parent)
    : QWidget(parent)
    , m_model(new ChannelsModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_summary(new QLabel(this))
    , m_rateChart(new SparkChart(tr("Messages published / second"), &Formatting::rate, this))
    , m_messages(new QStandardItemModel(0, MessageColumnCount, this))
    , m_messagesTitle(new QLabel(this))
    , m_message(new QLineEdit(this))
    , m_publish(new QPushButton(tr("Publish"), this))
    , m_publishResult(new QLabel(this))
{
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(ChannelsModel::SortRole);
    m_sorted->setDynamicSortFilter(true);
    m_summary->setObjectName(QStringLiteral("channelsSummary"));
    m_summary->setWordWrap(true);
    m_rateChart->setMaximumHeight(100);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    m_table = makeTable(m_sorted, split);
    m_table->setObjectName(QStringLiteral("channelsView"));
    m_table->setItemDelegateForColumn(
            ChannelsModel::Activity,
            new SparklineDelegate(ChannelsModel::SeriesRole, ChannelsModel::HistorySeconds, this));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ChannelsModel::Rate, Qt::DescendingOrder);
    QHeaderView *header = m_table->horizontalHeader();
    header->resizeSection(ChannelsModel::Kind, 70);
    header->resizeSection(ChannelsModel::Name, 190);
    header->resizeSection(ChannelsModel::Subscribers, 95);
    header->resizeSection(ChannelsModel::Rate, 70);
    header->resizeSection(ChannelsModel::Activity, 170);

    auto *messagesPane = new QWidget(split);
    auto *messagesLayout = new QVBoxLayout(messagesPane);
    messagesLayout->setContentsMargins(0, 0, 0, 0);
    m_messagesTitle->setObjectName(QStringLiteral("channelMessagesTitle"));
    m_messagesTitle->setWordWrap(true);
    m_messages->setHorizontalHeaderLabels({ tr("Time"), tr("Channel"), tr("Message") });
    m_messagesView = makeTable(m_messages, messagesPane);
    m_messagesView->setObjectName(QStringLiteral("channelMessagesView"));
    m_messagesView->horizontalHeader()->resizeSection(MessageTime, 95);
    m_messagesView->horizontalHeader()->resizeSection(MessageChannel, 100);
    auto *publishBar = new QHBoxLayout;
    m_message->setObjectName(QStringLiteral("publishMessage"));
    m_message->setPlaceholderText(tr("Message to publish to the selected channel"));
    m_message->setClearButtonEnabled(true);
    m_publish->setObjectName(QStringLiteral("publishButton"));
    m_publish->setEnabled(false);
    publishBar->addWidget(m_message, 1);
    publishBar->addWidget(m_publish);
    m_publishResult->setObjectName(QStringLiteral("publishResult"));
    messagesLayout->addWidget(m_messagesTitle);
    messagesLayout->addWidget(m_messagesView, 1);
    messagesLayout->addLayout(publishBar);
    messagesLayout->addWidget(m_publishResult);
    split->addWidget(m_table);
    split->addWidget(messagesPane);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({ 720, 480 });

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_rateChart, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ChannelsView::selectionChanged);
    connect(m_publish, &QPushButton::clicked, this, &ChannelsView::publish);
    connect(m_message, &QLineEdit::returnPressed, this, &ChannelsView::publish);
    updateMessagesTitle();
}

bool ChannelsView::select(ChannelKind kind, const QByteArray &name)
{
    const int row = m_model->rowOf(kind, name);
    if (row < 0)
        return false;
    m_table->selectRow(m_sorted->mapFromSource(m_model->index(row, 0)).row());
    return true;
}

void ChannelsView::selectionChanged()
{
    // A selection lost to a vanished row keeps the watch: the channel may come back.
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const auto kind = ChannelKind(rows.first().data(ChannelsModel::KindRole).toInt());
    const QByteArray name = rows.first().data(ChannelsModel::NameRole).toByteArray();
    m_publish->setEnabled(kind != ChannelKind::Pattern);
    if (kind == m_watchedKind && name == m_watched)
        return;
    m_watchedKind = kind;
    m_watched = name;
    m_messages->setRowCount(0);
    m_droppedMessages = 0;
    m_publishResult->clear();
    updateMessagesTitle();
    emit watchRequested(kind, name);
}

void ChannelsView::updateMessagesTitle()
{
    if (m_watched.isEmpty()) {
        m_messagesTitle->setText(tr("Select a channel to see its messages as they are published."));
        return;
    }
    const QString what = m_watchedKind == ChannelKind::Pattern ? tr("Messages matching %1")
            : m_watchedKind == ChannelKind::ShardChannel       ? tr("Messages of shard channel %1")
                                                               : tr("Messages of %1");
    m_messagesTitle->setText(what.arg(Formatting::elided(m_watched, 60))
                             + (m_droppedMessages
                                        ? tr("  ·  %1 not shown (sampled under load)")
                                                  .arg(Formatting::count(m_droppedMessages))
                                        : QString()));
}

void ChannelsView::applySnapshot(const ServerSnapshot &s)
{
    m_model->update(s.channels, s.totalPublished, s.timeMs);
    const qint64 second = s.timeMs / 1000;
    if (second != m_lastChartSecond) {
        m_lastChartSecond = second;
        m_rateChart->addSample(m_model->totalRate());
    }
    qint64 channels = 0, patterns = 0, shard = 0;
    for (const ChannelRow &row : s.channels) {
        if (row.kind == ChannelKind::Channel)
            ++channels;
        else if (row.kind == ChannelKind::ShardChannel)
            ++shard;
        else
            ++patterns;
    }
    QString text = tr("%n channel(s)", nullptr, int(channels)) + QStringLiteral("  ·  ")
            + tr("%n pattern(s)", nullptr, int(s.patternCount));
    if (patterns < s.patternCount)
        text += tr(" (the server does not list them)");
    text += QStringLiteral("  ·  ") + tr("%n shard channel(s)", nullptr, int(shard));
    if (s.channelsTruncated)
        text += tr(" (first %1 shown)").arg(s.channels.size());
    text += QStringLiteral("\n")
            + tr("%1 messages published, %2/s")
                      .arg(Formatting::count(m_model->totalPublished()),
                           Formatting::rate(m_model->totalRate()));
    m_summary->setText(text);

    if (m_watched.isEmpty())
        return;
    m_droppedMessages += s.droppedMessages;
    if (!s.channelMessages.isEmpty()) {
        // The newest at the bottom; the oldest leave once MaxMessages are shown.
        QScrollBar *scroll = m_messagesView->verticalScrollBar();
        const bool follow = scroll->value() >= scroll->maximum() - 2;
        const qsizetype keep = qMin<qsizetype>(s.channelMessages.size(), MaxMessages);
        m_droppedMessages += quint64(s.channelMessages.size() - keep);
        const int overflow = int(qMax<qsizetype>(0, m_messages->rowCount() + keep - MaxMessages));
        if (overflow > 0)
            m_messages->removeRows(0, overflow);
        for (qsizetype i = s.channelMessages.size() - keep; i < s.channelMessages.size(); ++i) {
            const ChannelMessage &message = s.channelMessages.at(i);
            QString text = Formatting::printable(message.message);
            if (message.size > message.message.size())
                text += tr(" … (%1)").arg(Formatting::bytes(message.size));
            auto *item = new QStandardItem(text);
            item->setToolTip(text);
            m_messages->appendRow(
                    { new QStandardItem(QDateTime::fromMSecsSinceEpoch(message.timeMs)
                                                .toString(QStringLiteral("HH:mm:ss.zzz"))),
                      new QStandardItem(Formatting::printable(message.channel)), item });
        }
        if (follow)
            m_messagesView->scrollToBottom();
    }
    if (s.droppedMessages)
        updateMessagesTitle();
}

void ChannelsView::publish()
{
    if (m_watched.isEmpty() || m_watchedKind == ChannelKind::Pattern || !m_publish->isEnabled())
        return;
    emit publishRequested(m_watchedKind, m_watched, m_message->text().toUtf8());
}

void ChannelsView::published(const QByteArray &channel, qint64 receivers)
{
    m_publishResult->setText(tr("Published to %1: %n receiver(s)", nullptr, int(receivers))
                                     .arg(Formatting::elided(channel, 60)));
}

void ChannelsView::clear()
{
    m_model->clear();
    m_messages->setRowCount(0);
    m_watched.clear();
    m_droppedMessages = 0;
    m_publish->setEnabled(false);
    m_publishResult->clear();
    m_summary->clear();
    updateMessagesTitle();
}
