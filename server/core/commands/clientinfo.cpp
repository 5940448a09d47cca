#include "clientinfo.h"

#include "net/connection.h"
#include "net/server.h"
#include "pubsub/clientsubscriptions.h"
#include "pubsub/clienttracking.h"

#include <QDateTime>

namespace ClientInfo {

bool isValidName(QByteArrayView name)
{
    for (char c : name) {
        if (c < '!' || c > '~')
            return false;
    }
    return true;
}

QByteArray flags(const Connection &client)
{
    // Redis's flag letters, in its order: O monitor, P subscribed, x in MULTI, b held by CLIENT
    // PAUSE, t tracking, R its redirect client gone, B broadcasting, d a watched key changed,
    // e CLIENT NO-EVICT.
    const Transaction &transaction = client.transaction();
    QByteArray letters;
    if (client.isMonitor())
        letters += 'O';
    if (client.isSubscribed())
        letters += 'P';
    if (transaction.isActive())
        letters += 'x';
    if (client.server().isPostponed(client) || client.isBlocked())
        letters += 'b';
    const ClientTracking *tracking = client.trackingIfAny();
    const bool tracks = tracking && tracking->on;
    if (tracks)
        letters += 't';
    if (tracks && tracking->brokenRedirect)
        letters += 'R';
    if (tracks && tracking->bcast)
        letters += 'B';
    if (transaction.isDirty())
        letters += 'd';
    if (client.isNoEvict())
        letters += 'e';
    return letters.isEmpty() ? QByteArrayLiteral("N") : letters;
}

QByteArray describe(const Connection &client, const Connection &caller)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qsizetype argvMemory = 0;
    if (&client == &caller) {
        for (const QByteArrayView &arg : client.args())
            argvMemory += arg.size();
    }
    const qsizetype queryBuffer = client.queryBufferSize();
    const qsizetype output = client.outputBufferSize();
    // Redis's 16 KB reply buffer (obl), then its list of 16 KB blocks (oll, omem).
    const qsizetype outputList = client.outputListBytes();
    auto number = [](qint64 v) { return QByteArray::number(v); };
    const ClientSubscriptions *subscriptions = client.subscriptionsIfAny();
    const Transaction &transaction = client.transaction();
    const ClientTracking *tracking = client.trackingIfAny();
    const bool tracks = tracking && tracking->on;
    return "id=" + number(qint64(client.id())) + " addr=" + client.peerAddress()
            + " laddr=" + client.localAddress() + " fd=" + number(client.fd())
            + " name=" + client.name() + " age=" + number((now - client.createdMs()) / 1000)
            + " idle=" + number((now - client.lastInteractionMs()) / 1000)
            + " flags=" + flags(client) + " db=" + number(client.dbIndex())
            + " sub=" + number(subscriptions ? subscriptions->channels.size() : 0)
            + " psub=" + number(subscriptions ? subscriptions->patterns.size() : 0)
            + " ssub=" + number(subscriptions ? subscriptions->shardChannels.size() : 0)
            + " multi=" + number(transaction.isActive() ? transaction.queuedCount() : -1)
            + " qbuf=" + number(queryBuffer)
            + " qbuf-free=" + number(queryBuffer ? 16384 - qMin<qsizetype>(queryBuffer, 16384) : 0)
            + " argv-mem=" + number(argvMemory) + " multi-mem=" + number(transaction.queuedBytes())
            + " rbs=" + number(queryBuffer) + " rbp=" + number(queryBuffer)
            + " obl=" + number(output - outputList) + " oll="
            + number((outputList + Connection::ReplyBufferBytes - 1) / Connection::ReplyBufferBytes)
            + " omem=" + number(outputList)
            + " tot-mem=" + number(client.memoryUsage() + argvMemory)
            + " events=" + (output ? "rw" : "r") + " cmd="
            + (client.lastCommand().isEmpty() ? QByteArrayLiteral("NULL") : client.lastCommand())
            + " user=" + client.user()->name()
            + " redir=" + number(tracks ? qint64(tracking->redirect) : -1)
            + " resp=" + number(client.protocol());
}

} // namespace ClientInfo
