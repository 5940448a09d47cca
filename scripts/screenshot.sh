#!/usr/bin/env bash
# Saves a picture of the dashboard under Xvfb while real clients put traffic on it:
#   scripts/screenshot.sh [OUT]           the overview (docs/dashboard.png)
#   scripts/screenshot.sh --values [OUT]  the Keys tab with a sorted set in the value viewer
#                                         (docs/dashboard-values.png; QKV_SCREENSHOT_KEY=
#                                         profile:1001, queue:emails... shows another key)
#   scripts/screenshot.sh --remote [OUT]  qkv-dashboard attached to a redis-server (or the
#                                         server in $REMOTE_SERVER) started headless
#                                         (docs/dashboard-remote.png; QKV_SCREENSHOT_TAB=Server,
#                                         Latency, Memory... shows that tab)
#   scripts/screenshot.sh --channels [OUT] the Channels tab with subscribers and publishers on
#                                         channels, a pattern and a shard channel, one channel
#                                         selected (docs/dashboard-channels.png)
#   scripts/screenshot.sh --latency [OUT] the Latency tab with the latency monitor's events
#                                         charted (docs/dashboard-latency.png)
#   scripts/screenshot.sh --limits [OUT]  the overview with maxmemory set and keys evicted, and
#                                         a client closed over client-query-buffer-limit
#                                         (docs/dashboard-limits.png)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
server=${QKV_SERVER:-$root/build/server/qkv-server}
dashboard=${QKV_DASHBOARD:-$root/build/gui/qkv-dashboard}
mode=overview
if [[ "${1:-}" =~ ^--(values|remote|channels|latency|limits)$ ]]; then
    mode=${1#--}
    shift
fi
if [[ $mode == values ]]; then
    out=${1:-$root/docs/dashboard-values.png}
    export QKV_SCREENSHOT_KEY=${QKV_SCREENSHOT_KEY:-leaderboard}
elif [[ $mode == remote ]]; then
    out=${1:-$root/docs/dashboard-remote.png}
elif [[ $mode == channels || $mode == latency || $mode == limits ]]; then
    out=${1:-$root/docs/dashboard-$mode.png}
else
    out=${1:-$root/docs/dashboard.png}
fi
port=${QKV_PORT:-6399}
mkdir -p "$(dirname "$out")"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

if [[ $mode == remote ]]; then
    # The server headless, the dashboard a separate process watching it over the network.
    "${REMOTE_SERVER:-redis-server}" --port "$port" --save "" --appendonly no \
        --dir "$(mktemp -d)" >/dev/null &
    server_pid=$!
    for _ in $(seq 50); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.1; done
    QKV_SCREENSHOT="$out" QKV_SCREENSHOT_DELAY_MS=10000 \
        xvfb-run -a -s "-screen 0 1440x900x24" "$dashboard" "127.0.0.1:$port" &
    pids+=($!)
    pids+=($server_pid)
else
    delay=10000
    limits=()
    if [[ $mode == limits ]]; then
        limits=(--maxmemory 64mb --maxmemory-policy allkeys-lru)
    elif [[ $mode == channels ]]; then
        delay=40000
        export QKV_SCREENSHOT_CHANNEL=chat:lobby
    elif [[ $mode == latency ]]; then
        delay=24000
        export QKV_SCREENSHOT_TAB=Latency
    fi
    QKV_SCREENSHOT="$out" QKV_SCREENSHOT_DELAY_MS=$delay \
        xvfb-run -a -s "-screen 0 1440x900x24" "$server" --port "$port" --log-file "" --save "" \
            --dir "$(mktemp -d)" "${limits[@]}" &
    pids+=($!)
    for _ in $(seq 50); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.1; done
fi

if [[ $mode == channels || $mode == latency ]]; then
    /usr/bin/python3 "$root/scripts/screenshot_$mode.py" "$port" &
    pids+=($!)
    wait "${pids[0]}"
    echo "saved $out"
    exit 0
fi

cli() { redis-cli -p "$port" "$@" >/dev/null; }
# A few named clients with keys of several kinds, and some that stay connected.
for i in $(seq 1 40); do cli SET "user:$i" "{\"name\":\"user $i\",\"plan\":\"pro\"}"; done
for i in $(seq 1 15); do cli SET "session:$i" "token-$RANDOM$RANDOM" EX $((60 * i)); done
cli SET counter:visits 1042
cli SET "config:feature-flags" "search=on;beta=off"
# Every aggregate type, one of them big enough to page.
cli HSET profile:1001 name "Ada Lovelace" email ada@example.com plan enterprise country UK \
    signup 2023-04-12 last_login 2024-05-30T09:14:02Z logins 1287 theme dark
cli RPUSH queue:emails welcome:1001 receipt:98231 reset:552 digest:weekly welcome:1002
cli SADD tags:popular redis cache queue pubsub streams search
cli EXPIRE queue:emails 3600
/usr/bin/python3 - "$port" <<'PY'
import random, sys
import redis
r = redis.Redis(port=int(sys.argv[1]))
random.seed(7)
names = ["ada", "alan", "grace", "linus", "ken", "dennis", "barbara", "edsger", "donald", "margaret",
         "john", "guido", "bjarne", "james", "anders", "yukihiro", "rob", "brian", "niklaus", "frances"]
r.zadd("leaderboard", {"%s_%d" % (random.choice(names), i): round(random.gauss(5000, 1500), 1)
                       for i in range(1, 1251)})
PY
/usr/bin/python3 - "$port" <<'PY' &
import random, sys, time
import redis
port = int(sys.argv[1])
clients = [redis.Redis(port=port, client_name=name) for name in ("web-frontend", "checkout-api", "worker-1", "metrics")]
deadline = time.time() + 12
try:
    while time.time() < deadline:
        for c in clients:
            c.incr("counter:visits")
            c.get("user:%d" % random.randint(1, 50))
            c.set("cart:%d" % random.randint(1, 20), "items=%d" % random.randint(1, 9), ex=300)
            c.zincrby("leaderboard", random.randint(1, 50), "ada_%d" % random.randint(1, 5))
        time.sleep(0.05)
except redis.exceptions.ConnectionError:
    pass  # the server quit once the picture was taken
PY
pids+=($!)
sleep 2
if [[ $mode == limits ]]; then
    # More 4 KB values than maxmemory holds: the oldest are evicted all along. And one client
    # sending a 2 MB argument over a 1 MB query buffer limit, closed for it.
    redis-benchmark -p "$port" --dbnum 1 -t set -n 5000000 -r 1000000 -d 4096 -c 8 -q \
        >/dev/null 2>&1 &
    pids+=($!)
    cli CONFIG SET client-query-buffer-limit 1mb
    /usr/bin/python3 - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
try:
    s.sendall(b"*2\r\n$4\r\nECHO\r\n$2000000\r\n" + b"x" * 1500000)
except OSError:
    pass  # closed by the server, as it should be
PY
else
    # The benchmark's thousand keys go to db1, so db0's keys list shows the ones above.
    redis-benchmark -p "$port" --dbnum 1 -t set,get -n 5000000 -r 1000 -c 8 -q >/dev/null 2>&1 &
    pids+=($!)
fi
wait "${pids[0]}"
echo "saved $out"
