"""redis-py's scripting against a server (qkv or redis-server, same assertions): Lock, which
releases and extends through EVALSHA, and register_script."""
import sys
import threading
import time

import redis
from redis.exceptions import LockError, LockNotOwnedError, NoScriptError, ResponseError

port = int(sys.argv[1])
r = redis.Redis(port=port, decode_responses=True)
checks = []


def check(name, condition):
    checks.append((name, bool(condition)))


r.flushall()
r.script_flush()

lock = r.lock("resource", timeout=5, blocking_timeout=1)
check("lock acquire", lock.acquire())
check("lock owned", lock.owned() and lock.locked())
check("lock second acquire fails", not r.lock("resource", blocking_timeout=0.2).acquire())
check("lock extend", lock.extend(10) and 5000 < r.pttl("resource") <= 15000)
check("lock extend replace", lock.extend(3, replace_ttl=True) and r.pttl("resource") <= 3000)
check("lock reacquire", lock.reacquire() and 4000 < r.pttl("resource") <= 5000)
lock.release()
check("lock release", not lock.locked() and r.get("resource") is None)
try:
    lock.release()
    check("lock release twice raises", False)
except LockError:
    check("lock release twice raises", True)

stolen = r.lock("resource", timeout=5)
stolen.acquire()
r.set("resource", "someone else")
try:
    stolen.release()
    check("lock not owned", False)
except LockNotOwnedError:
    check("lock not owned", True)
r.delete("resource")

# The release script is in the cache now; after SCRIPT FLUSH redis-py reloads it on NOSCRIPT.
r.script_flush()
with r.lock("ctx", timeout=5) as held:
    check("lock context", held.owned())
check("lock context released", r.get("ctx") is None)

counter = {"value": 0}


def worker():
    for _ in range(20):
        with r.lock("shared", timeout=5, blocking_timeout=5, sleep=0.001):
            value = int(r.get("count") or 0)
            r.set("count", value + 1)


threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check("lock mutual exclusion", r.get("count") == "80")

incrby = r.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
check("register_script", incrby(keys=["n"], args=[5]) == 5 and incrby(keys=["n"], args=[2]) == 7)
check("script_exists", r.script_exists(incrby.sha) == [True])
r.script_flush()
check("register_script after flush", incrby(keys=["n"], args=[1]) == 8)
multi = r.register_script("return {KEYS[1], ARGV[1], 3, {ok='fine'}, false}")
check("script conversions", multi(keys=["k"], args=["a"]) == ["k", "a", 3, "fine", None])
pipe = r.pipeline()
incrby(keys=["p"], args=[1], client=pipe)
incrby(keys=["p"], args=[1], client=pipe)
check("register_script in a pipeline", pipe.execute() == [1, 2])
failing = r.register_script("return redis.call('incr', KEYS[1])")
r.set("text", "abc")
try:
    failing(keys=["text"])
    check("script error", False)
except ResponseError as error:
    check("script error", "value is not an integer" in str(error))
try:
    r.evalsha("0" * 40, 0)
    check("noscript", False)
except NoScriptError:
    check("noscript", True)
check("eval_ro", r.eval_ro("return redis.call('get', KEYS[1])", 1, "text") == "abc")
check("sha1 matches", r.script_load("return 1") == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")

r.function_flush()
library = ("#!lua name=counters\n"
           "redis.register_function('bump', function(keys, args) "
           "return redis.call('incrby', keys[1], args[1]) end)\n"
           "redis.register_function{function_name='peek', callback=function(keys) "
           "return redis.call('get', keys[1]) end, flags={'no-writes'}}")
check("function load", r.function_load(library) == "counters")
check("fcall", r.fcall("bump", 1, "f", 4) == 4 and r.fcall_ro("peek", 1, "f") == "4")
listed = r.function_list()
check("function list", len(listed) == 1 and listed[0][:2] == ["library_name", "counters"])
payload = r.function_dump()
r.function_flush()
check("function restore", r.function_restore(payload) and r.fcall("bump", 1, "f", 1) == 5)
r.function_flush()

started = time.time()
r.config_set("busy-reply-threshold", 100)
other = redis.Redis(port=port, decode_responses=True)
done = {}


def endless():
    try:
        redis.Redis(port=port, decode_responses=True).eval("while true do end", 0)
    except ResponseError as error:
        done["error"] = str(error)


runner = threading.Thread(target=endless)
runner.start()
time.sleep(0.3)
try:
    other.ping()
    busy = False
except redis.exceptions.BusyLoadingError:
    busy = False
except ResponseError as error:
    busy = "BUSY" in str(error)
check("busy", busy)
check("script kill", other.script_kill())
runner.join(5)
check("killed script error", "Script killed by user" in done.get("error", ""))
check("after kill", other.ping() and time.time() - started < 5)
r.config_set("busy-reply-threshold", 5000)

failed = [name for name, ok in checks if not ok]
for name in failed:
    print(f"redis-py scripts check failed: {name}")
print(f"redis-py scripts: {len(checks) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
