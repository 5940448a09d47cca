#include "watchedkeys.h"

#include <algorithm>

void WatchedKeys::add(QByteArrayView key, KeyWatcher *watcher)
{
    std::vector<KeyWatcher *> &watchers = m_keys[key.toByteArray()];
    if (std::find(watchers.begin(), watchers.end(), watcher) == watchers.end())
        watchers.push_back(watcher);
}

void WatchedKeys::remove(QByteArrayView key, KeyWatcher *watcher)
{
    const auto it = m_keys.find(key.toByteArray());
    if (it == m_keys.end())
        return;
    std::vector<KeyWatcher *> &watchers = it.value();
    watchers.erase(std::remove(watchers.begin(), watchers.end(), watcher), watchers.end());
    if (watchers.empty())
        m_keys.erase(it);
}

void WatchedKeys::touch(QByteArrayView key) const
{
    const auto it = m_keys.constFind(QByteArray::fromRawData(key.data(), key.size()));
    if (it == m_keys.constEnd())
        return;
    for (KeyWatcher *watcher : it.value())
        watcher->watchedKeyModified();
}

void WatchedKeys::touchIf(const std::function<bool(QByteArrayView)> &exists) const
{
    for (auto it = m_keys.constBegin(); it != m_keys.constEnd(); ++it) {
        if (exists(it.key())) {
            for (KeyWatcher *watcher : it.value())
                watcher->watchedKeyModified();
        }
    }
}
