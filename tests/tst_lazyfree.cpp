// LazyFree and the keyspace's use of it: which deletions go to the background thread (per
// lazyfree-lazy-* and the free-effort threshold), that they are really freed there, and that
// the counters INFO reports add up.
#include "config/serverconfig.h"
#include "store/keyspace.h"
#include "store/lazyfree.h"
#include "store/setvalue.h"

#include <QTest>

#include <atomic>
#include <thread>

namespace {

// An aggregate that says how costly it is to free and records the thread that freed it.
class Probe final : public AggregateOf<Probe>
{
public:
    Probe(qsizetype effort, std::atomic<int> *freedElsewhere)
        : m_effort(effort)
        , m_owner(std::this_thread::get_id())
        , m_freedElsewhere(freedElsewhere)
    { }
    ~Probe() override
    {
        if (std::this_thread::get_id() != m_owner)
            m_freedElsewhere->fetch_add(1);
    }
    qsizetype length() const override { return m_effort; }
    const char *encodingName() const override { return "hashtable"; }
    size_t memoryUsage(qsizetype) const override { return 0; }
    qsizetype freeEffort() const override { return m_effort; }

private:
    qsizetype m_effort;
    std::thread::id m_owner;
    std::atomic<int> *m_freedElsewhere;
};

} // namespace

class TestLazyFree : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void unlinkFreesBigValuesInTheBackground();
    void smallValuesAreFreedInline();
    void policiesDecidePerReason_data();
    void policiesDecidePerReason();
    void asyncClearHandsOverTheWholeTable();
    void realAggregatesMeasureTheirEffort();

private:
    void addProbe(Keyspace &db, QByteArrayView key, qsizetype effort)
    {
        db.setObject(key, ValueType::Hash, std::make_unique<Probe>(effort, &m_freedElsewhere));
    }
    std::atomic<int> m_freedElsewhere { 0 };
};

void TestLazyFree::init()
{
    m_freedElsewhere = 0;
}

void TestLazyFree::unlinkFreesBigValuesInTheBackground()
{
    ServerConfig config;
    LazyFree lazyFree(config);
    Keyspace db;
    db.setLazyFree(&lazyFree);
    addProbe(db, "big", LazyFree::EffortThreshold + 1);
    QVERIFY(db.remove("big", Deletion::Unlink));
    QCOMPARE(db.size(), 0);
    lazyFree.waitIdle();
    QCOMPARE(m_freedElsewhere.load(), 1);
    QCOMPARE(lazyFree.freedObjects(), quint64(1));
    QCOMPARE(lazyFree.pendingObjects(), 0);
    lazyFree.resetStats();
    QCOMPARE(lazyFree.freedObjects(), quint64(0));
}

void TestLazyFree::smallValuesAreFreedInline()
{
    ServerConfig config;
    LazyFree lazyFree(config);
    Keyspace db;
    db.setLazyFree(&lazyFree);
    addProbe(db, "small", LazyFree::EffortThreshold);
    db.setString("string", QByteArray(1000, 'x'));
    QVERIFY(db.remove("small", Deletion::Unlink));
    QVERIFY(db.remove("string", Deletion::Unlink));
    lazyFree.waitIdle();
    QCOMPARE(m_freedElsewhere.load(), 0);
    QCOMPARE(lazyFree.freedObjects(), quint64(0));
}

void TestLazyFree::policiesDecidePerReason_data()
{
    QTest::addColumn<QByteArray>("how");
    QTest::addColumn<bool>("parameterOn");
    for (bool on : { false, true }) {
        const char *suffix = on ? " on" : " off";
        for (const char *how : { "del", "overwrite-string", "overwrite-object", "rename-target",
                                 "lazy-expire", "active-expire" })
            QTest::addRow("%s%s", how, suffix) << QByteArray(how) << on;
    }
}

void TestLazyFree::policiesDecidePerReason()
{
    QFETCH(QByteArray, how);
    QFETCH(bool, parameterOn);
    ServerConfig config;
    const bool expiry = how.endsWith("expire");
    if (how == "del")
        config.lazyfreeLazyUserDel = parameterOn;
    else if (expiry)
        config.lazyfreeLazyExpire = parameterOn;
    else
        config.lazyfreeLazyServerDel = parameterOn;
    LazyFree lazyFree(config);
    Keyspace db;
    db.setLazyFree(&lazyFree);
    addProbe(db, "k", 1000);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (how == "del") {
        QVERIFY(db.remove("k", Deletion::User));
    } else if (how == "overwrite-string") {
        db.setString("k", "v");
    } else if (how == "overwrite-object") {
        db.setObject("k", ValueType::Set, SetValue::createFor("1"));
    } else if (how == "rename-target") {
        db.setString("other", "v");
        QVERIFY(db.rename("other", "k"));
    } else {
        db.setExpire(db.find("k", now), now - 1);
        if (how == "lazy-expire") {
            QVERIFY(!db.find("k", now));
        } else {
            bool timedOut = false;
            QCOMPARE(db.expireCycle(now, std::chrono::steady_clock::now() + std::chrono::seconds(5),
                                    &timedOut),
                     1);
        }
    }
    lazyFree.waitIdle();
    QCOMPARE(m_freedElsewhere.load(), parameterOn ? 1 : 0);
    QCOMPARE(lazyFree.freedObjects(), quint64(parameterOn ? 1 : 0));
    // The other parameters are off: each reason reads only its own.
    if (!expiry)
        QCOMPARE(db.size(), how == "del" ? 0 : 1);
}

void TestLazyFree::asyncClearHandsOverTheWholeTable()
{
    ServerConfig config;
    LazyFree lazyFree(config);
    Keyspace db;
    db.setLazyFree(&lazyFree);
    for (int i = 0; i < 1000; ++i)
        addProbe(db, QByteArray("k" + QByteArray::number(i)), 1);
    db.setString("s", "v", QDateTime::currentMSecsSinceEpoch() + 100000);
    db.clear(true);
    QCOMPARE(db.size(), 0);
    QCOMPARE(db.volatileCount(), 0);
    // The emptied database works at once, while the old table may still be freeing.
    db.setString("after", "1");
    QCOMPARE(db.size(), 1);
    lazyFree.waitIdle();
    QCOMPARE(m_freedElsewhere.load(), 1000); // even values below the threshold
    QCOMPARE(lazyFree.freedObjects(), quint64(1001));
    QCOMPARE(lazyFree.pendingObjects(), 0);
    // A synchronous clear stays here.
    addProbe(db, "big", 1000);
    db.clear(false);
    lazyFree.waitIdle();
    QCOMPARE(m_freedElsewhere.load(), 1000);
}

void TestLazyFree::realAggregatesMeasureTheirEffort()
{
    auto set = SetValue::createFor("1");
    for (int i = 0; i < 100; ++i)
        set->add(QByteArray::number(i), 512);
    QCOMPARE(set->freeEffort(), 1); // an intset is one allocation
    set->add("not-an-integer", 512);
    QCOMPARE(set->freeEffort(), 101); // a hash table: one per member
}

QTEST_GUILESS_MAIN(TestLazyFree)
#include "tst_lazyfree.moc"
