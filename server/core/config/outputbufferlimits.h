#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <array>

// Redis's client-output-buffer-limit: per class of client, a hard limit (closed as soon as its
// pending output reaches it) and a soft limit (closed when it stays at or over it for more than
// softSeconds). 0 means no limit. The classes are Redis's getClientType: a subscriber counts as
// pubsub, every other client (a monitor too) as normal; qkv has no replicas.
enum class ClientClass : quint8 { Normal, Replica, PubSub };

struct OutputBufferLimit
{
    unsigned long long hardBytes = 0;
    unsigned long long softBytes = 0;
    long long softSeconds = 0;
};

struct OutputBufferLimits
{
    // Redis's defaults: normal 0 0 0, replica 256mb 64mb 60, pubsub 32mb 8mb 60.
    std::array<OutputBufferLimit, 3> limits { { { 0, 0, 0 },
                                                { 256ULL * 1024 * 1024, 64ULL * 1024 * 1024, 60 },
                                                { 32ULL * 1024 * 1024, 8ULL * 1024 * 1024, 60 } } };

    const OutputBufferLimit &of(ClientClass c) const { return limits[size_t(c)]; }
    // CONFIG GET's and CONFIG REWRITE's name of the class: "normal", "slave" or "pubsub".
    static const char *className(ClientClass c);

    // CONFIG SET's syntax: "<class> <hard> <soft> <seconds>..." split on single spaces, the
    // classes given changed, the others kept; all or nothing. Returns Redis's error text, empty
    // on success.
    QByteArray set(QByteArrayView text);
    // CONFIG GET's spelling: "normal 0 0 0 slave 268435456 67108864 60 pubsub ...".
    QByteArray toString() const;

    // Redis's checkClientOutputBufferLimits: whether a client of class c with usedBytes of
    // pending output must be closed now. *softSinceMs is the client's own record of when it went
    // over the soft limit (0: it is under it), kept up to date here.
    bool isOver(ClientClass c, unsigned long long usedBytes, qint64 nowMs,
                qint64 *softSinceMs) const;
};
