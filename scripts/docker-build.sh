#!/usr/bin/env bash
# The build the Dockerfile runs: qkv headless (no Widgets), installed into a prefix.
#   scripts/docker-build.sh [--prefix DIR]   build and install (default /opt/qkv)
#   scripts/docker-build.sh --check          same into a temporary prefix, then smoke-test the
#                                            installed binaries here, without a container
# CI builds and runs the image itself: scripts/docker-check.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=${QKV_PREFIX:-/opt/qkv}
check=0
while [ $# -gt 0 ]; do
    case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --check) check=1; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done

work=""
server_pid=""
# `if`, not `[ ... ] && ...`: under set -e a false test as the trap's last command made the
# whole script exit 1 after a good build (the Dockerfile's RUN, which has no --check, failed).
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    if [ -n "$work" ]; then rm -rf "$work"; fi
    return 0
}
trap cleanup EXIT

build_dir=${QKV_DOCKER_BUILD_DIR:-$root/build-docker}
if [ "$check" -eq 1 ]; then
    work=$(mktemp -d)
    prefix="$work/prefix"
fi

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DQKV_GUI=OFF \
    -DQKV_TESTS=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
cmake --install "$build_dir" >/dev/null
echo "installed into $prefix"
[ "$check" -eq 1 ] || exit 0

fail() { echo "docker-build check FAILED: $*" >&2; exit 1; }
server="$prefix/bin/qkv-server"
cli="$prefix/bin/qkv-cli"
[ -x "$server" ] || fail "no $server"
[ -x "$cli" ] || fail "no $cli"
if ldd "$server" | grep -qE 'Qt6(Widgets|Gui)'; then
    fail "the headless server links Qt Widgets/Gui"
fi

"$server" --headless --port 0 --log-file "$work/server.log" --dir "$work" >"$work/out" 2>&1 &
server_pid=$!
port=$("$root/scripts/listen-port.sh" "$work/out") || fail "server did not print its port: $(cat "$work/out")"

[ "$(timeout 5 "$cli" -p "$port" PING)" = "PONG" ] || fail "PING"
[ "$(timeout 5 "$cli" -p "$port" SET k v)" = "OK" ] || fail "SET"
[ "$(timeout 5 "$cli" -p "$port" GET k)" = "v" ] || fail "GET"

kill -TERM "$server_pid"
for _ in $(seq 50); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$server_pid" 2>/dev/null && fail "server still running 5 s after SIGTERM"
wait "$server_pid" || fail "server exited with status $?"
server_pid=""
grep -q "shutdown complete" "$work/server.log" || fail "no shutdown line in the log"
echo "docker-build check passed: installed server and client work, no Widgets linked"
