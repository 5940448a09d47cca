"""redis-py (Debian's python3-redis) against qkv-server: the calls applications make."""
import sys
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

failed = [name for name, ok in checks if not ok]
for name in failed:
    print(f"redis-py check failed: {name}")
print(f"redis-py: {len(checks) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
