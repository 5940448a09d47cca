#!/usr/bin/env bash
# Builds the request parser's libFuzzer target with clang (in build-fuzz/) and runs it for the
# given number of seconds (default 60) on a seed corpus made from the raw protocol cases of
# tests/compat and tests/tst_respparser.cpp's inputs. A crash leaves its input in
# build-fuzz/crashes/ and makes this script fail.
#   fuzz/run.sh [seconds] [extra libFuzzer options...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
build="$root/build-fuzz"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DQKV_FUZZ=ON -DQKV_GUI=OFF -DQKV_TESTS=OFF >/dev/null
cmake --build "$build" --target fuzz_respparser

corpus="$build/corpus"
mkdir -p "$corpus" "$build/crashes"
python3 - "$root" "$corpus" <<'PY'
import glob, hashlib, os, re, sys
root, corpus = sys.argv[1], sys.argv[2]
def unescape(text):
    return re.sub(rb'\\(x[0-9a-fA-F]{2}|[rnt\\])', lambda m: {b'r': b'\r', b'n': b'\n', b't': b'\t',
                  b'\\': b'\\'}.get(m.group(1)) or bytes([int(m.group(1)[1:], 16)]), text)
seeds = []
for path in glob.glob(os.path.join(root, 'tests/compat/*.txt')):
    for line in open(path, 'rb'):
        line = line.rstrip(b'\n')
        m = re.match(rb'(?:@\w+ )?raw: (.*)', line)
        if m:
            seeds.append(unescape(m.group(1)))
for m in re.finditer(rb'QByteArray\("((?:[^"\\]|\\.)*)"', open(os.path.join(root, 'tests/tst_respparser.cpp'), 'rb').read()):
    seeds.append(unescape(m.group(1)))
for seed in seeds:
    for prefix in (b'\xff\x00', b'\x00\x00', b'\x07\x03'):  # read size, limits
        data = prefix + seed
        with open(os.path.join(corpus, hashlib.sha1(data).hexdigest()), 'wb') as f:
            f.write(data)
PY
cd "$build/crashes"
"$build/fuzz/fuzz_respparser" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 "$@" "$corpus"
