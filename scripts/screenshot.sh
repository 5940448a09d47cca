#!/usr/bin/env bash
# Saves docs/dashboard.png: the dashboard under Xvfb while real clients put traffic on it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
server=${QKV_SERVER:-$root/build/server/qkv-server}
out=${1:-$root/docs/dashboard.png}
port=${QKV_PORT:-6399}
mkdir -p "$(dirname "$out")"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

QKV_SCREENSHOT="$out" QKV_SCREENSHOT_DELAY_MS=10000 \
    xvfb-run -a -s "-screen 0 1440x900x24" "$server" --port "$port" --log-file "" &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.1; done

cli() { redis-cli -p "$port" "$@" >/dev/null; }
# A few named clients with keys of several kinds, and some that stay connected.
for i in $(seq 1 40); do cli SET "user:$i" "{\"name\":\"user $i\",\"plan\":\"pro\"}"; done
for i in $(seq 1 15); do cli SET "session:$i" "token-$RANDOM$RANDOM" EX $((60 * i)); done
cli SET counter:visits 1042
cli SET "config:feature-flags" "search=on;beta=off"
/usr/bin/python3 - "$port" <<'PY' &
import random, sys, time
import redis
port = int(sys.argv[1])
clients = [redis.Redis(port=port, client_name=name) for name in ("web-frontend", "checkout-api", "worker-1", "metrics")]
deadline = time.time() + 12
while time.time() < deadline:
    for c in clients:
        c.incr("counter:visits")
        c.get("user:%d" % random.randint(1, 50))
        c.set("cart:%d" % random.randint(1, 20), "items=%d" % random.randint(1, 9), ex=300)
    time.sleep(0.05)
PY
pids+=($!)
sleep 2
redis-benchmark -p "$port" -t set,get -n 5000000 -r 1000 -c 8 -q >/dev/null 2>&1 &
pids+=($!)
wait "${pids[0]}"
echo "saved $out"
