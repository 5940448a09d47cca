#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

#include <functional>
#include <vector>

// Anything that WATCHes keys (a client's transaction). It is told each time a key it watches
// is modified, and must not watch or unwatch from that call; it unwatches its keys before it
// is destroyed.
class KeyWatcher
{
public:
    virtual void watchedKeyModified() = 0;

protected:
    ~KeyWatcher() = default;
};

// What client-side caching's tracking table hears from the databases: every key modified
// (byCommand: through the signal WATCH uses) or deleted because it expired (byCommand false).
class KeyInvalidator
{
public:
    virtual void keyModified(QByteArrayView key, bool byCommand) = 0;

protected:
    ~KeyInvalidator() = default;
};

// The keys of one database that clients WATCH (Redis's db->watched_keys): key → its watchers
// in the order they came. The Keyspace owns one only while something is watched, so that a
// write to an unwatched database costs a single null check.
class WatchedKeys
{
public:
    bool isEmpty() const { return m_keys.isEmpty(); }
    // Watching a key twice is one watch.
    void add(QByteArrayView key, KeyWatcher *watcher);
    void remove(QByteArrayView key, KeyWatcher *watcher);
    // Tells every watcher of key that it changed.
    void touch(QByteArrayView key) const;
    // FLUSHDB, FLUSHALL and SWAPDB: touches every watched key for which exists(key) holds.
    void touchIf(const std::function<bool(QByteArrayView)> &exists) const;

private:
    QHash<QByteArray, std::vector<KeyWatcher *>> m_keys;
};
