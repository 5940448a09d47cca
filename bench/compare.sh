#!/usr/bin/env bash
# Runs bench/compare.py against the Release build from the README's setup.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/compare.py" --qkv "${QKV_SERVER:-$here/../build/server/qkv-server}" "$@"
