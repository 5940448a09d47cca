"""The limits library (moving window in Lua, fixed windows) against one server. Prints the
outcome as JSON on stdout, for run.sh to compare between qkv and redis-server, and the failed
checks on stderr; exits non-zero on any."""
import json
import sys
import time

from limits import parse
from limits.storage import RedisStorage
from limits.strategies import (FixedWindowElasticExpiryRateLimiter, FixedWindowRateLimiter,
                               MovingWindowRateLimiter)

storage = RedisStorage(f"redis://127.0.0.1:{sys.argv[1]}")
storage.storage.flushall()
failures = []
outcome = {}


def check(name, condition):
    if not condition:
        failures.append(name)


per_second = parse("5/2 second")
for strategy in (MovingWindowRateLimiter, FixedWindowRateLimiter,
                 FixedWindowElasticExpiryRateLimiter):
    limiter = strategy(storage)
    # Each strategy keeps its own type of value: a key of its own.
    a, b = f"{strategy.__name__}-a", f"{strategy.__name__}-b"
    hits = [limiter.hit(per_second, a) for _ in range(7)]
    hits.append(limiter.test(per_second, a))
    hits.append(limiter.hit(per_second, b))
    reset, remaining = limiter.get_window_stats(per_second, a)
    check(f"{strategy.__name__} reset", time.time() - 1 <= reset <= time.time() + 3)
    limiter.clear(per_second, a)
    hits.append(limiter.hit(per_second, a))
    outcome[strategy.__name__] = [hits, remaining]
    check(f"{strategy.__name__} hits", hits == [True] * 5 + [False, False, False, True, True])

# The moving window slides: after the window, hits are allowed again.
moving = MovingWindowRateLimiter(storage)
time.sleep(2.1)
outcome["slid"] = [moving.hit(per_second, "MovingWindowRateLimiter-b") for _ in range(5)]
check("window slid", all(outcome["slid"]))
check("storage check", storage.check())

print(json.dumps(outcome))
for failure in failures:
    print(f"FAIL limits {failure}", file=sys.stderr)
sys.exit(1 if failures else 0)
