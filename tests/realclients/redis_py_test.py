"""redis-py (Debian's python3-redis) against qkv-server: the calls applications make."""
import sys
import threading
import time

import redis

port = int(sys.argv[1])
r = redis.Redis(port=port, decode_responses=True)
checks = []


def check(name, condition):
    checks.append((name, bool(condition)))


r.flushall()
check("ping", r.ping())
check("set/get", r.set("name", "Alice") and r.get("name") == "Alice")
check("set nx", r.set("name", "Bob", nx=True) is None)
check("incr", r.incr("counter") == 1 and r.incrby("counter", 5) == 6 and r.decr("counter") == 5)
check("incrbyfloat", r.incrbyfloat("f", 1.5) == 1.5)
check("mset/mget", r.mset({"a": "1", "b": "2"}) and r.mget("a", "b", "missing") == ["1", "2", None])
check("append/strlen", r.append("name", "!") == 6 and r.strlen("name") == 6)
check("getrange", r.getrange("name", 0, 2) == "Ali")
check("getex", r.getex("name", ex=100) == "Alice!" and 0 < r.ttl("name") <= 100)

pipe = r.pipeline(transaction=False)
for i in range(500):
    pipe.set(f"user:{i}", i)
results = pipe.execute()
check("pipeline", len(results) == 500 and all(results))
check("scan_iter", len(set(r.scan_iter(match="user:*", count=50))) == 500)
check("keys", len(r.keys("user:1*")) == 111)

r.set("short", "x", px=100)
check("pttl", 0 < r.pttl("short") <= 100)
time.sleep(0.25)
check("expired", r.get("short") is None and r.exists("short") == 0)
r.set("persist", "x", ex=100)
check("persist", r.persist("persist") and r.ttl("persist") == -1)
check("expire nx", r.expire("persist", 50, nx=True) and not r.expire("persist", 60, nx=True))

info = r.info()
check("info", info["redis_version"].startswith("7.") and info["connected_clients"] >= 1
      and "used_memory" in info and "db0" in info)
check("info keyspace", r.info("keyspace")["db0"]["keys"] == r.dbsize())
r.client_setname("py-test")
check("client_list", any(c["name"] == "py-test" for c in r.client_list()))
check("client_getname", r.client_getname() == "py-test")
check("select", redis.Redis(port=port, db=3, decode_responses=True).set("in3", "x") and r.get("in3") is None)
check("type/rename", r.type("a") == "string" and r.rename("a", "a2") and r.get("a2") == "1")
check("delete", r.delete("a2", "b", "nothing") == 2)

# Transactions: redis-py's default pipeline wraps its commands in MULTI/EXEC.
tx = r.pipeline()  # transaction=True
tx.set("tx:a", "1").incr("tx:a").get("tx:a").incrby("tx:missing", 5)
check("transactional pipeline", tx.execute() == [True, 2, "2", 5])
tx = r.pipeline()
tx.set("tx:s", "x").incr("tx:s").get("tx:s")
try:
    tx.execute()
    check("transaction runtime error", False)
except redis.ResponseError:
    check("transaction runtime error", r.get("tx:s") == "x")
other = redis.Redis(port=port, decode_responses=True)
attempts = []


def bump(pipe):
    value = int(pipe.get("tx:counter") or 0)
    if not attempts:
        other.set("tx:counter", 100)  # another client changes the watched key once
    attempts.append(value)
    pipe.multi()
    pipe.set("tx:counter", value + 1)


r.set("tx:counter", 1)
r.transaction(bump, "tx:counter")
check("watch retry", attempts == [1, 100] and r.get("tx:counter") == "101")

# Hashes: a cache of objects.
r.hset("profile:1", mapping={"name": "Ada", "visits": "1", "lang": "en"})
check("hset/hgetall", r.hgetall("profile:1") == {"name": "Ada", "visits": "1", "lang": "en"})
check("hincrby", r.hincrby("profile:1", "visits", 2) == 3 and r.hget("profile:1", "visits") == "3")
check("hincrbyfloat", r.hincrbyfloat("profile:1", "score", 1.25) == 1.25)
check("hmget/hdel", r.hmget("profile:1", "name", "nope") == ["Ada", None] and r.hdel("profile:1", "lang") == 1)
check("hscan_iter", dict(r.hscan_iter("profile:1")) == r.hgetall("profile:1"))
check("hrandfield", r.hrandfield("profile:1") in r.hkeys("profile:1"))

# Lists: a job queue with a blocking worker.
r.delete("jobs", "done")
r.rpush("jobs", *[f"job{i}" for i in range(5)])
check("lrange/llen", r.lrange("jobs", 0, -1) == [f"job{i}" for i in range(5)] and r.llen("jobs") == 5)
check("lmove", r.lmove("jobs", "done", "LEFT", "RIGHT") == "job0" and r.lindex("done", 0) == "job0")
check("lpop count", r.lpop("jobs", 2) == ["job1", "job2"])
check("lpos", r.lpos("jobs", "job4") == 1)
worker = redis.Redis(port=port, decode_responses=True)
check("blpop ready", worker.blpop(["empty", "jobs"], timeout=1) == ("jobs", "job3"))
check("blpop timeout", worker.blpop("empty", timeout=0.1) is None)


def producer():
    time.sleep(0.2)
    redis.Redis(port=port).rpush("queue", "late-job")


thread = threading.Thread(target=producer)
thread.start()
check("blpop woken", worker.blpop("queue", timeout=5) == ("queue", "late-job"))
thread.join()
check("brpoplpush", r.rpush("q2", "x") and worker.brpoplpush("q2", "q3", timeout=1) == "x")

# Sets: tags.
check("sadd/smembers", r.sadd("tags", "a", "b", "c") == 3 and r.smembers("tags") == {"a", "b", "c"})
check("sinter/sunion", r.sadd("tags2", "b", "c", "d") == 3 and r.sinter("tags", "tags2") == {"b", "c"}
      and r.sunion("tags", "tags2") == {"a", "b", "c", "d"})
check("sismember/srem", r.sismember("tags", "a") and r.srem("tags", "a") == 1 and not r.sismember("tags", "a"))
check("spop", r.spop("tags2") in {"b", "c", "d"} and r.scard("tags2") == 2)

# Sorted sets: a leaderboard.
r.zadd("board", {"ann": 30, "bob": 10, "cid": 20})
check("zrange withscores", r.zrange("board", 0, -1, withscores=True) == [("bob", 10.0), ("cid", 20.0), ("ann", 30.0)])
check("zrevrank/zscore", r.zrevrank("board", "ann") == 0 and r.zscore("board", "cid") == 20.0)
check("zincrby", r.zincrby("board", 25, "bob") == 35.0 and r.zrevrange("board", 0, 0) == ["bob"])
check("zrangebyscore", r.zrangebyscore("board", 20, 30) == ["cid", "ann"])
check("zpopmin", r.zpopmin("board") == [("cid", 20.0)])
check("bzpopmax", worker.bzpopmax("board", timeout=1) == ("board", "bob", 35.0))
check("zunionstore", r.zadd("z1", {"a": 1}) and r.zadd("z2", {"a": 2, "b": 3})
      and r.zunionstore("zu", ["z1", "z2"]) == 2 and r.zscore("zu", "a") == 3.0)
check("types", [r.type(k) for k in ("profile:1", "done", "tags", "zu")] == ["hash", "list", "set", "zset"])
check("sort", r.rpush("nums", 3, 1, 2) and r.sort("nums") == ["1", "2", "3"])

# Pub/Sub: a chat channel, a pattern, a listener thread, keyspace notifications.
def next_message(pubsub, timeout=2.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message:
            return message
    return None


p = r.pubsub()
p.subscribe("chat")
check("pubsub subscribe", next_message(p) == {"type": "subscribe", "pattern": None,
                                              "channel": "chat", "data": 1})
check("pubsub publish count", r.publish("chat", "hi") == 1 and r.publish("nobody", "x") == 0)
check("pubsub get_message", next_message(p) == {"type": "message", "pattern": None,
                                                "channel": "chat", "data": "hi"})
p.psubscribe("room.*")
check("pubsub psubscribe", next_message(p)["data"] == 2)
r.publish("room.1", "pattern")
check("pubsub pmessage", next_message(p) == {"type": "pmessage", "pattern": "room.*",
                                             "channel": "room.1", "data": "pattern"})
check("pubsub numsub/numpat", r.pubsub_numsub("chat") == [("chat", 1)] and r.pubsub_numpat() == 1
      and r.pubsub_channels() == ["chat"])
p.unsubscribe("chat")
p.punsubscribe()
check("pubsub unsubscribe", next_message(p)["type"] == "unsubscribe"
      and next_message(p) == {"type": "punsubscribe", "pattern": None, "channel": "room.*", "data": 0})
p.close()

# SUBSCRIBE and PUBLISH travel on different connections: publish only once the server has
# the subscription, or the messages rightly go nowhere.
def wait_subscribed(channel):
    deadline = time.time() + 5
    while r.pubsub_numsub(channel)[0][1] == 0 and time.time() < deadline:
        time.sleep(0.01)


received = []
listener = r.pubsub(ignore_subscribe_messages=True)
listener.subscribe(**{"jobs": lambda message: received.append(message["data"])})
worker_thread = listener.run_in_thread(sleep_time=0.01)
wait_subscribed("jobs")
for i in range(100):
    r.publish("jobs", f"job{i}")
deadline = time.time() + 5
while len(received) < 100 and time.time() < deadline:
    time.sleep(0.01)
worker_thread.stop()
worker_thread.join(2)
check("pubsub run_in_thread", received == [f"job{i}" for i in range(100)])

# A socket timeout turns a missing message into a failed check instead of a hang.
listen = redis.Redis(port=port, decode_responses=True, socket_timeout=5).pubsub()
listen.subscribe("once")
check("pubsub listen subscribed", next_message(listen)["type"] == "subscribe")
r.publish("once", "a")
r.publish("once", "b")
got = []
try:
    for message in listen.listen():
        if message["type"] == "message":
            got.append(message["data"])
            if len(got) == 2:
                break
except redis.exceptions.TimeoutError:
    pass
check("pubsub listen", got == ["a", "b"])
listen.close()

check("notify config", r.config_set("notify-keyspace-events", "KEA")
      and r.config_get("notify-keyspace-events") == {"notify-keyspace-events": "AKE"})
events = r.pubsub()
events.psubscribe("__keyspace@0__:note:*", "__keyevent@0__:expired")
next_message(events)
next_message(events)
r.set("note:7", "x")
r.hset("note:8", "f", "v")
r.delete("note:7")
r.set("temp", "x", px=50)
check("notify keyspace", [next_message(events)["data"] for _ in range(3)] == ["set", "hset", "del"])
expired = next_message(events, timeout=3)
check("notify expired", expired and expired["channel"] == "__keyevent@0__:expired"
      and expired["data"] == "temp")
events.close()
r.config_set("notify-keyspace-events", "")

# Client-side caching in RESP2: invalidations reach a subscribed connection through REDIRECT.
invalidations = r.pubsub()
invalidations.subscribe("__redis__:invalidate")
next_message(invalidations)
listener = next(c["id"] for c in r.client_list() if "P" in c["flags"])
cache = redis.Redis(port=port, decode_responses=True, single_connection_client=True)
check("tracking on", cache.client_tracking_on(clientid=listener))
r.set("cached", "1")
check("tracking read", cache.get("cached") == "1")
r.set("cached", "2")
message = next_message(invalidations)
check("tracking invalidation", message and message["channel"] == "__redis__:invalidate"
      and message["data"] == ["cached"])
check("tracking getredir", cache.client_getredir() == int(listener))
cache.close()
invalidations.close()

failed = [name for name, ok in checks if not ok]
for name in failed:
    print(f"redis-py check failed: {name}")
print(f"redis-py: {len(checks) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
