#!/usr/bin/env bash
# Prints the port a qkv-server started with --port 0 reports in its output file, waiting up to
# 10 s for the "listening on ADDR:PORT" line; exits 1 if it never comes.
#   scripts/listen-port.sh FILE
file=${1:?usage: listen-port.sh FILE}
for _ in $(seq 100); do
    port=$(grep -oE 'listening on .*:([0-9]+)' "$file" 2>/dev/null | grep -oE '[0-9]+$')
    [ -n "$port" ] && { echo "$port"; exit 0; }
    sleep 0.1
done
exit 1
