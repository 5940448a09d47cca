#!/usr/bin/env bash
# Application libraries built on Lua scripts, streams and blocking commands run against
# qkv-server and against redis-server: BullMQ, rate-limiter-flexible and redlock from npm; RQ,
# Celery and limits from Debian's python3-* packages (PyPI being out of reach). Each must pass
# its own checks on both servers, and its outcome (JSON on stdout) must be the same on both.
# Bounded in time.
#   run.sh path/to/qkv-server CACHE_DIR
# The npm packages, pinned by node/package-lock.json, are installed once into CACHE_DIR (again
# only when the lock file changes). A library that is not installed, or an npm registry out of
# reach, is not qkv's failure: it is skipped, loudly; with nothing left to run the exit code
# is 77, which CTest reports as skipped.
set -uo pipefail
server=${1:?usage: run.sh path/to/qkv-server CACHE_DIR}
cache=${2:?usage: run.sh path/to/qkv-server CACHE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
tests=()
skipped=0
skip() {
    echo "SKIP $1: $2"
    skipped=$((skipped + 1))
}

node_modules() { # installs the pinned npm packages into $cache unless they are there already
    command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm not installed"; return 1; }
    mkdir -p "$cache"
    local stamp
    stamp=$(sha256sum "$here/node/package-lock.json" | cut -d' ' -f1)
    [ "$(cat "$cache/stamp" 2>/dev/null)" = "$stamp" ] && [ -d "$cache/node_modules" ] && return 0
    rm -rf "$cache/node_modules" "$cache/stamp"
    cp "$here/node/package.json" "$here/node/package-lock.json" "$cache/"
    timeout 300 npm ci --prefix "$cache" --no-audit --no-fund --loglevel=error >"$cache/npm.log" 2>&1 ||
        { echo "npm ci failed (registry unreachable?): $(tail -c 300 "$cache/npm.log")"; return 1; }
    echo "$stamp" >"$cache/stamp"
}
if why=$(node_modules); then
    export NODE_PATH=$cache/node_modules
    tests+=("bullmq node $here/node/bullmq_test.js" "locks node $here/node/locks_test.js")
else
    skip "bullmq, rate-limiter-flexible, redlock" "$why"
fi
for lib in rq celery limits; do
    if $python -c "import $lib, redis" 2>/dev/null; then
        tests+=("$lib $python $here/python/${lib}_test.py")
    else
        skip "$lib" "$python cannot import $lib (Debian: apt-get install python3-$lib)"
    fi
done
[ ${#tests[@]} -eq 0 ] && { echo "nothing to run"; exit 77; }

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
"$server" --headless --port 0 --log-file "" --save "" --dir "$work" >"$work/qkv.out" 2>&1 &
pids+=($!)
qport=$("$here/../../scripts/listen-port.sh" "$work/qkv.out") ||
    { echo "qkv-server did not start"; exit 1; }
rport=
if command -v redis-server >/dev/null; then
    rport=$($python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
        >"$work/redis.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do
        timeout 1 redis-cli -p "$rport" PING 2>/dev/null | grep -q PONG && break
        sleep 0.1
    done
else
    echo "redis-server not installed: outcomes are checked on qkv only, not compared"
fi

passed=0
failed=0
for entry in "${tests[@]}"; do
    read -r test command <<<"$entry"
    if timeout 120 $command "$qport" >"$work/$test.qkv" 2>"$work/$test.qkv.err"; then
        ok=1
    else
        ok=0
        echo "FAIL $test on qkv: $(tail -c 1500 "$work/$test.qkv.err")"
    fi
    if [ -n "$rport" ]; then
        if ! timeout 120 $command "$rport" >"$work/$test.redis" 2>"$work/$test.redis.err"; then
            ok=0
            echo "FAIL $test on redis-server: $(tail -c 1500 "$work/$test.redis.err")"
        elif ! cmp -s "$work/$test.qkv" "$work/$test.redis"; then
            ok=0
            echo "FAIL $test: outcomes differ"
            echo "  qkv:          $(cat "$work/$test.qkv")"
            echo "  redis-server: $(cat "$work/$test.redis")"
        fi
    fi
    if [ "$ok" -eq 1 ]; then
        passed=$((passed + 1))
        echo "ok   $test: $(cat "$work/$test.qkv")"
    else
        failed=$((failed + 1))
    fi
done
# Errors the libraries swallow show only in the statistics, printed for a reader to compare
# (redis-server 7.0 counts an ERR for each CLIENT SETINFO that ioredis sends, which qkv takes).
for side in "qkv $qport" ${rport:+"redis-server $rport"}; do
    read -r name port <<<"$side"
    stats=$(timeout 5 redis-cli -p "$port" INFO errorstats | tr -d '\r' | grep '^errorstat')
    echo "$name errors: $(echo "$stats" | tr '\n' ' ')"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
