#include "oomscore.h"

#include "observe/logsink.h"

#include <QFile>

#include <algorithm>

namespace OomScore {

namespace {

constexpr int MinScore = -1000;
constexpr int MaxScore = 1000;
const QString ProcFile = QStringLiteral("/proc/self/oom_score_adj");

// What the last apply() was given, for a fork child.
OomScoreAdj g_mode = OomScoreAdj::No;
std::array<int, 3> g_values {};
// Whether qkv changed the score, and the score before it did (restored by "no").
bool g_adjusted = false;
int g_base = 0;

bool writeScore(int score)
{
    QFile file(ProcFile);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered)
        || file.write(QByteArray::number(score) + '\n') < 0) {
        qCWarning(lcServer).noquote() << "Unable to write oom_score_adj:" << file.errorString();
        return false;
    }
    return true;
}

bool set(OomScoreAdj mode, const std::array<int, 3> &values, ProcessClass processClass)
{
    if (mode == OomScoreAdj::No) {
        if (!g_adjusted)
            return true;
        if (!writeScore(g_base))
            return false;
        g_adjusted = false;
        return true;
    }
    int base = g_base;
    if (!g_adjusted) {
        QFile file(ProcFile);
        if (!file.open(QIODevice::ReadOnly)) {
            qCWarning(lcServer).noquote() << "Unable to read oom_score_adj:" << file.errorString();
            return false;
        }
        base = file.readAll().trimmed().toInt();
    }
    int score = values[size_t(processClass)];
    if (mode == OomScoreAdj::Relative)
        score += base;
    // Marked as changed only once written: a refused value leaves everything as it was.
    if (!writeScore(std::clamp(score, MinScore, MaxScore)))
        return false;
    g_base = base;
    g_adjusted = true;
    return true;
}

} // namespace

bool apply(const ServerConfig &config, ProcessClass processClass)
{
    if (!set(config.oomScoreAdj, config.oomScoreAdjValues, processClass))
        return false;
    g_mode = config.oomScoreAdj;
    g_values = config.oomScoreAdjValues;
    return true;
}

void enterBackgroundChild()
{
    set(g_mode, g_values, ProcessClass::BackgroundChild);
}

} // namespace OomScore
