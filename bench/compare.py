#!/usr/bin/env python3
"""Side-by-side benchmark: redis-server vs qkv-server, same machine, same client, one run.

Starts both servers on free loopback ports (servers pinned to CPU 0, redis-benchmark to
CPU 1 when there are two or more cores), runs every workload against both alternating
A B A B for --rounds rounds, and prints the median requests/sec, the ratio qkv/redis,
server CPU microseconds per request, p99 latency, then memory per key, per aggregate
element and per stream entry, and the cost of 10,000 idle connections. Standard library only.
"""
import argparse
import csv
import hashlib
import os
import re
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time

SET_SCRIPT = "return redis.call('set',KEYS[1],ARGV[1])"
SET_SHA = hashlib.sha1(SET_SCRIPT.encode()).hexdigest()

WORKLOADS = [
    # name, redis-benchmark arguments[, a command each server runs first]
    ("ping_mbulk c50", ["-t", "ping_mbulk", "-c", "50", "-n", "200000", "-r", "100000"]),
    ("set c50", ["-t", "set", "-c", "50", "-n", "200000", "-r", "100000"]),
    ("get c50", ["-t", "get", "-c", "50", "-n", "200000", "-r", "100000"]),
    ("set c50 P16", ["-t", "set", "-c", "50", "-P", "16", "-n", "1000000", "-r", "100000"]),
    ("get c50 P16", ["-t", "get", "-c", "50", "-P", "16", "-n", "1000000", "-r", "100000"]),
    ("mset c50", ["-t", "mset", "-c", "50", "-n", "100000", "-r", "100000"]),
    ("get c1000", ["-t", "get", "-c", "1000", "-n", "200000", "-r", "100000"]),
    ("set 4KB c1", ["-t", "set", "-c", "1", "-d", "4096", "-n", "50000", "-r", "100000"]),
    # The rest of redis-benchmark's default list, in its order: the pops find what the pushes
    # and adds before them left (on both servers alike).
    ("incr c50", ["-t", "incr", "-c", "50", "-n", "200000"]),
    ("lpush c50", ["-t", "lpush", "-c", "50", "-n", "200000"]),
    ("rpush c50", ["-t", "rpush", "-c", "50", "-n", "200000"]),
    ("lpop c50", ["-t", "lpop", "-c", "50", "-n", "200000"]),
    ("rpop c50", ["-t", "rpop", "-c", "50", "-n", "200000"]),
    ("sadd c50", ["-t", "sadd", "-c", "50", "-n", "200000", "-r", "100000"]),
    ("hset c50", ["-t", "hset", "-c", "50", "-n", "200000", "-r", "100000"]),
    ("spop c50", ["-t", "spop", "-c", "50", "-n", "200000"]),
    ("zadd c50", ["-t", "zadd", "-c", "50", "-n", "200000", "-r", "100000"]),
    ("zpopmin c50", ["-t", "zpopmin", "-c", "50", "-n", "200000"]),
    ("lrange_100 c50", ["-t", "lrange_100", "-c", "50", "-n", "100000"]),
    ("lrange_300 c50", ["-t", "lrange_300", "-c", "50", "-n", "40000"]),
    ("lrange_500 c50", ["-t", "lrange_500", "-c", "50", "-n", "30000"]),
    ("lrange_600 c50", ["-t", "lrange_600", "-c", "50", "-n", "20000"]),
    # Streams: appends with generated ids, to one stream and to one kept near 10,000 entries.
    ("xadd c50", ["-c", "50", "-n", "200000", "XADD", "bench:stream", "*", "field", "value"]),
    ("xadd maxlen c50", ["-c", "50", "-n", "200000", "XADD", "bench:capped", "MAXLEN", "~",
                         "10000", "*", "field", "value"]),
    # Lua scripts (EVALSHA's script is loaded first, by the setup command).
    ("eval set c50", ["-c", "50", "-n", "100000", "-r", "100000", "eval", SET_SCRIPT, "1",
                      "key:__rand_int__", "val"]),
    ("evalsha set c50", ["-c", "50", "-n", "100000", "-r", "100000", "evalsha", SET_SHA, "1",
                         "key:__rand_int__", "val"], ["SCRIPT", "LOAD", SET_SCRIPT]),
]

# Memory per element of the aggregate types in their compact encodings (Redis's defaults):
# name, keys, elements per key, the request that adds element i to key k. Two million elements
# each: with fewer, the allocators' first pages make a 1% difference either way.
AGGREGATES = [
    ("hash, 100 fields", 20000, 100,
     lambda k, i: [b"HSET", b"h:%06d" % k, b"field:%03d" % i, b"value:%05d" % i]),
    ("set of ints, 100", 20000, 100, lambda k, i: [b"SADD", b"s:%06d" % k, b"%d" % (i * 7919)]),
    ("zset, 100 members", 20000, 100,
     lambda k, i: [b"ZADD", b"z:%06d" % k, b"%d" % i, b"member:%03d" % i]),
    ("list, 10000 elements", 200, 10000,
     lambda k, i: [b"RPUSH", b"l:%06d" % k, b"element:%05d" % i]),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile(limit):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(limit, hard) if hard != resource.RLIM_INFINITY else limit
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def pin(cpu):
    if shutil.which("taskset") and os.cpu_count() and os.cpu_count() >= 2:
        return ["taskset", "-c", str(cpu)]
    return []


def wait_ready(port, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not become ready")


def cpu_seconds(pid, thread=None):
    """CPU time of a process, or of one of its threads (by thread id)."""
    path = f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat"
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Server:
    def __init__(self, name, argv, port, env=None):
        self.name, self.port = name, port
        self.proc = subprocess.Popen(pin(0) + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=env, preexec_fn=lambda: raise_nofile(65536))
        wait_ready(port)

    def command(self, *args):
        payload = b"*%d\r\n" % len(args) + b"".join(
            b"$%d\r\n%s\r\n" % (len(a), a) for a in (x if isinstance(x, bytes) else str(x).encode() for x in args))
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            s.sendall(payload)
            return s.recv(65536)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_benchmark(server, args):
    cmd = pin(1) + ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "--csv"] + args
    cpu0 = cpu_seconds(server.proc.pid)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, preexec_fn=lambda: raise_nofile(65536))
    cpu1 = cpu_seconds(server.proc.pid)
    rows = [line for line in out.stdout.splitlines() if line.startswith('"') and not line.startswith('"test"')]
    if out.returncode != 0 or not rows:
        raise RuntimeError(f"redis-benchmark failed against {server.name}: {out.stderr.strip()[-400:]}")
    # The last row: LRANGE_* runs an "LPUSH (needed to benchmark LRANGE)" row first.
    # Parsed as CSV: a script's text in the test name has commas of its own.
    fields = next(csv.reader([rows[-1]]))
    rps = float(fields[1])
    p99 = float(fields[6]) if len(fields) > 6 else float("nan")
    n = int(args[args.index("-n") + 1])
    return rps, p99, (cpu1 - cpu0) * 1e6 / n


def memory_per_key(server, keys=500_000):
    server.command("FLUSHALL")
    time.sleep(0.2)
    before = rss_bytes(server.proc.pid)
    value = b"v" * 16
    batch = 10_000
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        for start in range(0, keys, batch):
            buf = bytearray()
            for i in range(start, start + batch):
                key = b"key:%012d" % i  # 16 bytes
                buf += b"*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$16\r\n%s\r\n" % (key, value)
            s.sendall(buf)
            expected = 5 * batch
            got = 0
            while got < expected:
                got += len(s.recv(1 << 20))
    time.sleep(0.2)
    after = rss_bytes(server.proc.pid)
    dbsize = server.command("DBSIZE")
    server.command("FLUSHALL")
    return (after - before) / keys, dbsize.strip().decode()


def encode(args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def memory_per_element(server, keys, per_key, request):
    """RSS growth per element for `keys` aggregates of `per_key` elements each."""
    server.command("FLUSHALL")
    time.sleep(0.2)
    before = rss_bytes(server.proc.pid)
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        batch = []
        for k in range(keys):
            for i in range(per_key):
                batch.append(encode(request(k, i)))
                if len(batch) == 10_000:
                    send_batch(s, batch)
                    batch = []
        if batch:
            send_batch(s, batch)
    time.sleep(0.2)
    after = rss_bytes(server.proc.pid)
    encoding = server.command("OBJECT", "ENCODING", request(0, 0)[1]).split(b"\r\n")[1].decode()
    server.command("FLUSHALL")
    return (after - before) / (keys * per_key), encoding


def used_memory(server):
    info = server.command("INFO", "memory").decode()
    return int(re.search(r"^used_memory:(\d+)", info, re.M).group(1))


def memory_per_stream_entry(server, entries=1_000_000):
    """INFO used_memory and RSS growth per entry of one stream of 3-field entries (XADD *)."""
    server.command("FLUSHALL")
    time.sleep(0.2)
    before, rss_before = used_memory(server), rss_bytes(server.proc.pid)
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        for start in range(0, entries, 10_000):
            batch = [encode([b"XADD", b"events", b"*", b"type", b"click", b"user",
                             b"%d" % (i % 100_000), b"page", b"/item/%d" % (i % 5000)])
                     for i in range(start, min(entries, start + 10_000))]
            send_batch(s, batch, lines_per_reply=2)  # "$15\r\n<id>\r\n"
    time.sleep(0.2)
    after, rss_after = used_memory(server), rss_bytes(server.proc.pid)
    length = server.command("XLEN", b"events").strip().decode()
    server.command("FLUSHALL")
    return (after - before) / entries, (rss_after - rss_before) / entries, length


def send_batch(s, batch, lines_per_reply=1):
    """Sends pipelined requests and reads lines_per_reply lines per request (integer replies:
    one; short bulk strings: two)."""
    s.sendall(b"".join(batch))
    lines = 0
    pending = b""
    while lines < len(batch) * lines_per_reply:
        pending += s.recv(1 << 20)
        lines += pending.count(b"\r\n")
        pending = pending[pending.rfind(b"\r\n") + 2:]


def idle_connections(server, idle=10_000, args=None):
    raise_nofile(idle + 1024)
    socks = []
    try:
        for _ in range(idle):
            socks.append(socket.create_connection(("127.0.0.1", server.port)))
        time.sleep(0.5)
        return run_benchmark(server, args)
    finally:
        for s in socks:
            s.close()


def fanout(server, subscribers=50, messages=20_000, size=1024, stalled=False):
    """Pub/Sub fan-out: `subscribers` connections SUBSCRIBEd to one channel (read by one thread),
    one publisher (redis-benchmark, one connection) sending `messages` PUBLISHes of `size` bytes.
    With stalled, one more subscriber never reads. Returns run_benchmark's figures and how many
    reading subscribers received every message."""
    socks = []
    for _ in range(subscribers + (1 if stalled else 0)):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$6\r\nfanout\r\n")
        confirmation = b""
        while not confirmation.endswith(b":1\r\n"):
            confirmation += s.recv(64)
        socks.append(s)
    readers = socks[:subscribers]
    frame = len(b"*3\r\n$7\r\nmessage\r\n$6\r\nfanout\r\n$%d\r\n\r\n" % size) + size
    complete = []

    def read():
        selector = selectors.DefaultSelector()
        left = {}
        for s in readers:
            s.setblocking(False)
            selector.register(s, selectors.EVENT_READ)
            left[s] = frame * messages
        deadline = time.time() + 300
        while left and time.time() < deadline:
            for key, _ in selector.select(timeout=1):
                left[key.fileobj] -= len(key.fileobj.recv(1 << 20))
                if left[key.fileobj] <= 0:
                    selector.unregister(key.fileobj)
                    del left[key.fileobj]
        complete.append(subscribers - len(left))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        figures = run_benchmark(server, ["-c", "1", "-n", str(messages), "PUBLISH", "fanout", "x" * size])
    finally:
        reader.join()
        for s in socks:
            s.close()
    return figures, complete[0]


def start_servers(opts):
    rport, qport = free_port(), free_port()
    redis = Server("redis", [opts.redis, "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--maxclients", "20000", "--protected-mode", "no"], rport)
    qkv = Server("qkv", [opts.qkv, "--headless", "--port", str(qport), "--log-file", "", "--save", "",
                         "--maxclients", "20000"], qport)
    return redis, qkv


def median_runs(results):
    return tuple(statistics.median(r[i] for r in results) for i in range(3))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qkv", default=os.path.join(here, "..", "build", "server", "qkv-server"))
    parser.add_argument("--redis", default=shutil.which("redis-server") or "redis-server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="comma-separated workload names to run (default all)")
    parser.add_argument("--quick", action="store_true", help="1 round, 1/4 of the requests (smoke test)")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-idle", action="store_true")
    parser.add_argument("--skip-fanout", action="store_true")
    opts = parser.parse_args()
    if opts.quick:
        opts.rounds = 1

    redis, qkv = start_servers(opts)
    pinning = "servers on CPU 0, redis-benchmark on CPU 1" if pin(0) else "no CPU pinning"
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  cores={os.cpu_count()}  rounds={opts.rounds}  {pinning}",
          flush=True)
    print(f"{'workload':<16}{'redis rps':>12}{'qkv rps':>12}{'ratio':>8}{'redis us/req':>14}"
          f"{'qkv us/req':>12}{'redis p99':>11}{'qkv p99':>9}", flush=True)
    ratios = {}
    try:
        selected = [w for w in WORKLOADS if not opts.only or w[0] in opts.only.split(",")]
        for name, args, *setup in selected:
            for server in (redis, qkv):
                for command in setup:
                    server.command(*command)
            if opts.quick:
                args = list(args)
                i = args.index("-n")
                args[i + 1] = str(max(1000, int(args[i + 1]) // 4))
            runs = {"redis": [], "qkv": []}
            for _ in range(opts.rounds):
                for server in (redis, qkv):
                    runs[server.name].append(run_benchmark(server, args))
            r, q = median_runs(runs["redis"]), median_runs(runs["qkv"])
            ratios[name] = q[0] / r[0]
            print(f"{name:<16}{r[0]:>12.0f}{q[0]:>12.0f}{ratios[name]:>8.2f}{r[2]:>14.2f}{q[2]:>12.2f}"
                  f"{r[1]:>11.3f}{q[1]:>9.3f}", flush=True)
        if not opts.skip_idle:
            args = ["-t", "get", "-c", "50", "-n", "100000" if not opts.quick else "20000", "-r", "100000"]
            r = idle_connections(redis, args=args)
            q = idle_connections(qkv, args=args)
            ratios["get c50 + 10k idle"] = q[0] / r[0]
            print(f"{'get +10k idle':<16}{r[0]:>12.0f}{q[0]:>12.0f}{q[0] / r[0]:>8.2f}{r[2]:>14.2f}"
                  f"{q[2]:>12.2f}{r[1]:>11.3f}{q[1]:>9.3f}", flush=True)
        if not opts.skip_fanout:
            messages = 5_000 if opts.quick else 20_000
            for stalled in (False, True):
                runs = {"redis": [], "qkv": []}
                delivered = {}
                for _ in range(opts.rounds):
                    for server in (redis, qkv):
                        figures, delivered[server.name] = fanout(server, messages=messages,
                                                                 stalled=stalled)
                        runs[server.name].append(figures)
                r, q = median_runs(runs["redis"]), median_runs(runs["qkv"])
                name = "fanout 50x1KB" + (" +stalled" if stalled else "")
                ratios[name] = q[0] / r[0]
                print(f"{name:<16}{r[0]:>12.0f}{q[0]:>12.0f}{ratios[name]:>8.2f}{r[2]:>14.2f}"
                      f"{q[2]:>12.2f}{r[1]:>11.3f}{q[1]:>9.3f}  (publishes; every message reached "
                      f"{delivered['redis']}/50 and {delivered['qkv']}/50 readers)", flush=True)
        if not opts.skip_memory:
            # Fresh processes: memory freed by earlier workloads would hide the growth.
            redis.stop()
            qkv.stop()
            redis, qkv = start_servers(opts)
            rm, rsize = memory_per_key(redis)
            qm, qsize = memory_per_key(qkv)
            print(f"memory per key (500k keys, 16 B values): redis {rm:.0f} B ({rsize}), "
                  f"qkv {qm:.0f} B ({qsize}), ratio {qm / rm:.2f}", flush=True)
            for name, keys, per_key, request in AGGREGATES:
                if opts.quick:
                    keys = max(1, keys // 10)
                # Fresh processes again: glibc keeps freed memory for reuse, so RSS would not grow.
                redis.stop()
                qkv.stop()
                redis, qkv = start_servers(opts)
                (rm, renc), (qm, qenc) = (memory_per_element(srv, keys, per_key, request)
                                          for srv in (redis, qkv))
                print(f"memory per element, {name}: redis {rm:.2f} B ({renc}), "
                      f"qkv {qm:.2f} B ({qenc}), ratio {qm / rm:.2f}", flush=True)
            redis.stop()
            qkv.stop()
            redis, qkv = start_servers(opts)
            entries = 100_000 if opts.quick else 1_000_000
            (ru, rr, rlen), (qu, qr, qlen) = (memory_per_stream_entry(srv, entries)
                                              for srv in (redis, qkv))
            print(f"memory per stream entry ({rlen}/{qlen} entries of 3 fields): used_memory "
                  f"redis {ru:.1f} B, qkv {qu:.1f} B, ratio {qu / ru:.2f}; RSS redis {rr:.1f} B, "
                  f"qkv {qr:.1f} B, ratio {qr / rr:.2f}", flush=True)
    finally:
        redis.stop()
        qkv.stop()
    if ratios:
        worst = min(ratios, key=ratios.get)
        print(f"summary: {len(ratios)} workloads, median ratio qkv/redis "
              f"{statistics.median(ratios.values()):.2f}, worst {ratios[worst]:.2f} ({worst})")


if __name__ == "__main__":
    sys.exit(main())
