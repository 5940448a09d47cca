#!/usr/bin/env bash
# Real clients against qkv-server: redis-cli (one-shot, piped, --scan, --latency),
# redis-benchmark, redis-py and ioredis. Bounded in time; prints "N passed, M failed".
set -uo pipefail
server=${1:?usage: run.sh path/to/qkv-server}
here=$(cd "$(dirname "$0")" && pwd)
for tool in redis-cli redis-benchmark; do
    command -v "$tool" >/dev/null || { echo "$tool not installed: skipped"; echo "0 passed, 0 failed"; exit 0; }
done

work=$(mktemp -d)
"$server" --headless --port 0 --log-file "" --save "" --dir "$work" >"$work/out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
port=$("$here/../../scripts/listen-port.sh" "$work/out") || { echo "server did not start"; exit 1; }

passed=0
failed=0
check() { # name, then a command that must succeed
    local name=$1
    shift
    if "$@" >"$work/last" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name: $(head -c 400 "$work/last")"
    fi
}
cli() { timeout 10 redis-cli -p "$port" "$@"; }

check "redis-cli one-shot" test "$(cli SET greeting hello)" = "OK"
check "redis-cli get" test "$(cli GET greeting)" = "hello"
check "redis-cli piped" test "$(printf 'SET a 1\nINCR a\nINCRBY a 10\nGET a\n' | cli)" = "$(printf 'OK\n2\n12\n12')"
check "redis-cli error" bash -c "redis-cli -p $port NOSUCH | grep -q 'ERR unknown command'"
cli FLUSHALL >/dev/null
for i in $(seq 1 300); do echo "SET scan:$i $i"; done | cli >/dev/null
check "redis-cli --scan" test "$(cli --scan --pattern 'scan:*' | sort -u | wc -l)" -eq 300
check "redis-cli --latency" bash -c "timeout 5 redis-cli -p $port --latency --raw -i 1 2>/dev/null | head -1 | grep -qE '^[0-9]'"
monitor_seen() { # redis-cli monitor sees a command run by another client
    (timeout 3 redis-cli -p "$port" monitor >"$work/monitor" 2>&1 &)
    sleep 1
    cli SET monitored 1 >/dev/null
    sleep 2.5
    grep -q '"SET" "monitored" "1"' "$work/monitor"
}
check "redis-cli monitor" monitor_seen
check "redis-benchmark" bash -c "timeout 120 redis-benchmark -p $port -t set,get,incr,ping,mset -n 20000 -q 2>&1 | tr '\r' '\n' | grep -c 'requests per second' | grep -qx 6"
# Its default test list (every data type), run to completion: 20 results.
check "redis-benchmark default" bash -c "timeout 120 redis-benchmark -p $port -n 2000 -q 2>&1 | tr '\r' '\n' | grep -c 'requests per second' | grep -qx 20"
if /usr/bin/python3 -c 'import redis' 2>/dev/null; then
    check "redis-py" timeout 60 /usr/bin/python3 "$here/redis_py_test.py" "$port"
    check "redis-py scripts" timeout 60 /usr/bin/python3 "$here/redis_py_scripts.py" "$port"
    # The same scripting assertions hold against redis-server, the reference.
    if command -v redis-server >/dev/null; then
        rport=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        redis-server --port "$rport" --bind 127.0.0.1 --save "" --dir "$work" >"$work/redis" 2>&1 &
        rpid=$!
        for _ in $(seq 50); do
            timeout 1 redis-cli -p "$rport" PING 2>/dev/null | grep -q PONG && break
            sleep 0.1
        done
        check "redis-py scripts (redis-server)" timeout 60 /usr/bin/python3 "$here/redis_py_scripts.py" "$rport"
        kill "$rpid" 2>/dev/null
        wait "$rpid" 2>/dev/null
    fi
else
    echo "python3-redis not installed: redis-py skipped"
fi
# ioredis comes from the npm registry, pinned by package-lock.json, installed outside the tree.
if command -v node >/dev/null && command -v npm >/dev/null; then
    cp "$here/ioredis/package.json" "$here/ioredis/package-lock.json" "$here/ioredis/ioredis_test.js" "$work/"
    # The registry being out of reach is not qkv's failure: say so and go on.
    if timeout 180 npm ci --prefix "$work" --no-audit --no-fund --loglevel=error >"$work/npm" 2>&1; then
        check "ioredis" timeout 60 node "$work/ioredis_test.js" "$port"
    else
        echo "SKIP ioredis: npm ci failed: $(tail -c 300 "$work/npm")"
    fi
else
    echo "node/npm not installed: ioredis skipped"
fi
# Last: SHUTDOWN stops the server cleanly (exit status 0).
shutdown_exits() {
    cli SHUTDOWN NOSAVE >/dev/null 2>&1
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    ! kill -0 "$pid" 2>/dev/null && wait "$pid"
}
check "redis-cli shutdown" shutdown_exits
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
