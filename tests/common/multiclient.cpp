#include "multiclient.h"

#include "respclient.h"

#include <QThread>

#include <memory>
#include <vector>

namespace MultiClient {

QByteArrayList transcript(quint16 port, const Scenario &scenario, int clients)
{
    std::vector<std::unique_ptr<RespClient>> connections;
    for (int i = 0; i < clients; ++i) {
        connections.push_back(std::make_unique<RespClient>());
        if (!connections.back()->connectTo(port))
            return { "<connect failed>" };
    }
    RespClient &control = *connections.front();
    control.call({ "FLUSHALL" });
    control.call({ "CONFIG", "SET", "notify-keyspace-events", "" });

    QByteArrayList result;
    std::vector<bool> closed(size_t(clients), false);
    for (qsizetype s = 0; s < scenario.size(); ++s) {
        const Step &step = scenario[s];
        const QByteArray prefix = QByteArray::number(s) + " c";
        if (step.command == QByteArrayList { "CLOSE" }) {
            connections[size_t(step.client)]->disconnect();
            closed[size_t(step.client)] = true;
            // The server notices at its own pace; the next step must find the client gone.
            QThread::msleep(200);
            continue;
        }
        if (step.command.size() == 2 && step.command.first() == "SLEEP") {
            QThread::msleep(step.command.last().toULong());
            continue;
        }
        connections[size_t(step.client)]->send(step.command);
        // The sender first: once its PING is answered, its command has run everywhere.
        std::vector<int> order { step.client };
        for (int i = 0; i < clients; ++i) {
            if (i != step.client)
                order.push_back(i);
        }
        for (int i : order) {
            if (closed[size_t(i)])
                continue;
            const QByteArray received = connections[size_t(i)]->drain();
            if (!received.isEmpty())
                result << prefix + QByteArray::number(i) + ": " + received;
            if (received.endsWith("<closed>"))
                closed[size_t(i)] = true;
        }
    }
    return result;
}

} // namespace MultiClient
