#pragma once

#include <QTcpServer>

// Accepts connections and hands the raw descriptor over: the data path does not use
// QTcpSocket (see PERF-NOTES.md), only accepting goes through Qt.
class Listener final : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

signals:
    void accepted(qintptr socketDescriptor);

protected:
    void incomingConnection(qintptr socketDescriptor) override { emit accepted(socketDescriptor); }
};
