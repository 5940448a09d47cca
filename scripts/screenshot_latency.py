"""Latency spikes for scripts/screenshot.sh --latency: with latency-monitor-threshold at 1 ms,
scripts that keep the server busy ("command"), GETs of a big string ("fast-command") and keys
expiring in bulk ("expire-cycle"), spread over about 25 seconds, beside ordinary traffic."""
import random
import sys
import time

import redis

port = int(sys.argv[1])
r = redis.Redis(port=port, client_name="latency-demo")
r.config_set("latency-monitor-threshold", 1)
random.seed(5)
busy = "local i = 0 while i < tonumber(ARGV[1]) do i = i + 1 end return i"
r.set("blob", "x" * (64 * 1024 * 1024))
deadline = time.time() + 25
step = 0
try:
    while time.time() < deadline:
        step += 1
        r.eval(busy, 0, random.randint(100000, 1200000))
        if step % 3 == 0:
            r.get("blob")
        if step % 4 == 0:
            with r.pipeline(transaction=False) as pipe:
                for i in range(50000):
                    pipe.set("temp:%d:%d" % (step, i), i, px=random.randint(200, 400))
                pipe.execute()
        for _ in range(20):
            r.incr("counter")
            r.get("counter")
        time.sleep(random.uniform(0.6, 1.4))
except redis.exceptions.ConnectionError:
    pass  # the server quit once the picture was taken
