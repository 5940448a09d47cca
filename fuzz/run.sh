#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (in build-fuzz/) and runs them one after the other,
# splitting the given number of seconds (default 60): a third for the request parser
# (fuzz_respparser), the rest for command dispatch (fuzz_dispatch). QKV_FUZZ_TARGETS picks
# the targets ("respparser", "dispatch" or both, the default); a single one gets all the time.
#   fuzz/run.sh [seconds] [extra libFuzzer options...]
# Seed corpora are generated from tests/compat (raw protocol cases and tst_respparser.cpp's
# inputs for the parser; every compat sequence, as the RESP requests of its connections, for
# dispatch), as is fuzz_dispatch's dictionary (command and parameter names from the command
# and configuration tables, argument tokens from the COMMAND DOCS data). A crash, leak or hang
# leaves its input in build-fuzz/crashes/ and makes this script fail, after both targets ran.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
build="$root/build-fuzz"
read -r -a targets <<<"${QKV_FUZZ_TARGETS:-respparser dispatch}"

launcher=()
if command -v ccache >/dev/null; then
    export CCACHE_BASEDIR="$root" # another clone of the same commit hits the cache
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
    -DCMAKE_CXX_COMPILER=clang++ -DQKV_FUZZ=ON -DQKV_GUI=OFF -DQKV_TESTS=OFF >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}"
mkdir -p "$build/crashes"

seed_respparser() {
    python3 - "$root" "$1" <<'PY'
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
}

# One seed per compat sequence, in fuzz_dispatch's input format (see fuzz_dispatch.cpp): read
# size byte 0xff, then each request as a RESP array, "\0@" and a client byte where the
# sequence switches connection; {id:name} becomes the id that connection gets in the fuzzer.
seed_dispatch() {
    python3 - "$root" "$1" <<'PY'
import glob, hashlib, os, re, sys
root, corpus = sys.argv[1], sys.argv[2]
ESC = {'n': b'\n', 'r': b'\r', 't': b'\t', 'b': b'\b', 'a': b'\a'}
def unescape(text):
    return re.sub(rb'\\(x[0-9a-fA-F]{2}|[rnt\\])', lambda m: {b'r': b'\r', b'n': b'\n', b't': b'\t',
                  b'\\': b'\\'}.get(m.group(1)) or bytes([int(m.group(1)[1:], 16)]), text)
def split_args(line):  # redis-cli's quoting, as tests/compat sends lines
    args, i, n = [], 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return args
        cur, quote = b'', None
        while i < n:
            c = line[i]
            if quote == '"':
                if c == '\\' and i + 3 < n and line[i + 1] == 'x' and re.match(r'[0-9a-fA-F]{2}', line[i + 2:i + 4]):
                    cur += bytes([int(line[i + 2:i + 4], 16)]); i += 3
                elif c == '\\' and i + 1 < n:
                    i += 1; cur += ESC.get(line[i], line[i].encode('latin-1'))
                elif c == '"':
                    quote = None
                else:
                    cur += c.encode('latin-1')
            elif quote == "'":
                if c == '\\' and i + 1 < n and line[i + 1] == "'":
                    i += 1; cur += b"'"
                elif c == "'":
                    quote = None
                else:
                    cur += c.encode('latin-1')
            elif c.isspace():
                break
            elif c in '"\'' and cur == b'':
                quote = c
            else:
                cur += c.encode('latin-1')
            i += 1
        args.append(cur)
def resp(args):
    return b'*%d\r\n' % len(args) + b''.join(b'$%d\r\n%s\r\n' % (len(a), a) for a in args)
def write(data):
    with open(os.path.join(corpus, hashlib.sha1(data).hexdigest()), 'wb') as f:
        f.write(data)
for path in sorted(glob.glob(os.path.join(root, 'tests/compat/*.txt'))):
    steps = None
    for line in open(path, encoding='latin-1').read().split('\n') + ['=== end']:
        if line.startswith('==='):
            if steps:
                write(b'\xff' + b''.join(steps))
            steps, clients, current, ids = [], {'': 0}, 0, {}
            continue
        if steps is None or not line.strip() or line.startswith('#'):
            continue
        m = re.match(r'(?:@(\w+) )?(?:& )?(?:(?:\*|~|\^2?) )?(.*)', line)
        name, request = m.group(1) or '', m.group(2)
        index = clients.setdefault(name, len(clients) % 4)
        ids.setdefault(name, len(ids) + 1)  # ids are given in order of first use
        if index != current:
            steps.append(b'\0@' + bytes([index]))
            current = index
        request = re.sub(r'\{id:(\w+)\}', lambda m: str(ids.get(m.group(1), 0)), request)
        if request.startswith('raw: '):
            steps.append(unescape(request[5:].encode('latin-1')))
        else:
            steps.append(resp(split_args(request)))
PY
}

# Command and parameter names (the binary writes them from its tables), COMMAND DOCS tokens and
# a few Lua fragments for EVAL and FUNCTION LOAD.
dict_dispatch() {
    QKV_FUZZ_DICT="$1" "$build/fuzz/fuzz_dispatch" >/dev/null 2>&1
    python3 - "$root" "$1" <<'PY'
import json, sys
root, path = sys.argv[1], sys.argv[2]
tokens = set()
def walk(node):
    if isinstance(node, dict):
        if isinstance(node.get('token'), str):
            tokens.add(node['token'])
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
walk(json.load(open(root + '/resources/commanddocs.json')))
tokens |= {'redis.call(', 'redis.pcall(', 'KEYS[1]', 'ARGV[1]', 'return ', 'while true do end',
           '#!lua flags=no-writes\n', '#!lua name=lib\n', 'redis.register_function(',
           'redis.error_reply(', 'redis.status_reply(', 'redis.setresp(3)', 'cjson.encode(',
           'cmsgpack.pack(', 'struct.pack(', 'bit.band(', 'redis.sha1hex(', 'tonumber(', 'pcall('}
with open(path, 'a') as f:
    for token in sorted(t for t in tokens if t):
        f.write('"' + ''.join('\\x%02x' % ord(c) if c in '"\\' or not c.isprintable() else c
                              for c in token) + '"\n')
PY
}

status=0
share=$((seconds / 3))
for target in "${targets[@]}"; do
    time=$seconds
    if [ "${#targets[@]}" -gt 1 ]; then
        if [ "$target" = respparser ]; then time=$share; else time=$((seconds - share)); fi
    fi
    corpus="$build/corpus/$target"
    mkdir -p "$corpus"
    "seed_$target" "$corpus"
    options=(-max_len=4096)
    if [ "$target" = dispatch ]; then
        dict_dispatch "$build/dispatch.dict"
        options=(-max_len=8192 -dict="$build/dispatch.dict")
    fi
    echo "== fuzz_$target for ${time} s"
    (cd "$build/crashes" && "$build/fuzz/fuzz_$target" -max_total_time="$time" "${options[@]}" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@" "$corpus") || status=1
done
exit $status
