#!/usr/bin/env python3
"""Tail latency side by side: redis-server vs qkv-server while the server does big work.

A probe process sends PING at a fixed rate (1 per ms) on its own connection and records every
round trip in an HDR-style histogram (log-linear buckets, <1% error), corrected for
coordinated omission as HdrHistogram's recordValueWithExpectedInterval does: a reply that
takes 40 ms also accounts for the 39 probes that could not be sent meanwhile. Scenarios, each
on both servers in the same run (fresh processes; servers on CPU 0, clients on CPU 1; the
probe runs SCHED_FIFO where allowed, so that it measures the server and not its own wait for
the core it shares with the load generator):

  idle          the probe alone on the fresh server for as long as the settle time: the noise
                floor of the machine, against which the other rows are read
  growth        0 -> N keys: redis-benchmark -t set -r 1e9 -n N -P 32 -c 4 -d 8
  dashboard     the same growth, qkv with its dashboard open (offscreen), vs redis's growth;
                the whole process on CPU 0 as every server here, the window's thread beside
                the serving thread at its background priority; its CPU time per second is
                printed with the figures. --window-anywhere lets the window's thread run on
                either core instead: on this VM any thread of the server's process that runs
                on the other core, even one that only wakes and sleeps, stalls the serving
                thread for milliseconds (bench/RESULTS.md), which that row then measures
  bgsave        3 BGSAVEs of those N keys in a row (a forked child writes dump.rdb) while one
                client writes pipelines of 100 SETs: the seconds each took, the write rate
                meanwhile and the forks' own stalls
  flushall      FLUSHALL ASYNC of those N keys
  expiry        M keys expiring in the same second (active expiry reclaims them)
  del-<type>    DEL of a hash, list, set and sorted set of E elements, lazyfree-lazy-user-del yes,
                3 times each (load, DEL under the probe, load again...), the three probes' round
                trips pooled: one 10 s window's p99.9 is its 10th-worst probe, which this VM's
                own hiccups decide as often as the DEL does

It prints p50, p99, p99.9 and max of the probe for each, medians over --runs runs, plus the
throughput and memory per key at N keys, the seconds active expiry took to reclaim the M keys,
and how long O(n)-suspect commands take at N keys (INFO, DBSIZE, KEYS, CLIENT LIST with
10,000 clients, INFO after every other one of a million keys was deleted). --quick shrinks
everything to check that the script works (CI). --control runs a second redis-server in qkv's
column (an A/A run): the ratios two identical servers get here, against which qkv's are read.
Standard library only; loopback only.
"""
import argparse
import multiprocessing
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import (Server, cpu_seconds, encode, free_port, pin, raise_nofile, rss_bytes,  # noqa: E402
                     run_benchmark, send_batch)

PROBE_INTERVAL_US = 1000


class Histogram:
    """Log-linear buckets: exact below 128 us, then 128 sub-buckets per power of two."""

    SUB_BITS = 7

    def __init__(self):
        self.counts = {}
        self.total = 0
        self.max = 0

    def record(self, us):
        us = max(1, int(us))
        shift = max(0, us.bit_length() - self.SUB_BITS)
        key = (shift, us >> shift)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.total += 1
        self.max = max(self.max, us)

    def merge(self, other):
        for key, count in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + count
        self.total += other.total
        self.max = max(self.max, other.max)

    def record_corrected(self, us, interval_us):
        self.record(us)
        missed = us - interval_us
        while missed >= interval_us:
            self.record(missed)
            missed -= interval_us

    def percentile(self, p):
        """The bucket's upper bound holding the p-th percentile (ms)."""
        if not self.total:
            return float("nan")
        rank = p / 100.0 * self.total
        seen = 0
        for shift, mantissa in sorted(self.counts):
            seen += self.counts[(shift, mantissa)]
            if seen >= rank:
                return min(((mantissa + 1) << shift) - 1, self.max) / 1000.0
        return self.max / 1000.0

    def summary(self):
        return {"p50": self.percentile(50), "p99": self.percentile(99),
                "p99.9": self.percentile(99.9), "max": self.max / 1000.0, "n": self.total}


def realtime_probe():
    """Makes this process SCHED_FIFO where allowed (root or CAP_SYS_NICE): on two cores the
    probe shares its core with the load generator, and at normal priority each probe waited
    about 35 us on average for that core (0.7 s per growth run), which the probe then counted
    as the server's latency. Returns whether it worked."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
        return True
    except (AttributeError, OSError):
        return False


def probe_main(port, stop, results):
    if pin(1):
        os.sched_setaffinity(0, {1})
    realtime_probe()
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    hist = Histogram()
    interval_ns = PROBE_INTERVAL_US * 1000
    next_send = time.perf_counter_ns()
    while not stop.is_set():
        start = time.perf_counter_ns()
        s.sendall(b"PING\r\n")
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = s.recv(64)
            if not chunk:
                raise RuntimeError("probe connection closed")
            reply += chunk
        hist.record_corrected((time.perf_counter_ns() - start) / 1000, PROBE_INTERVAL_US)
        next_send += interval_ns
        now = time.perf_counter_ns()
        if next_send > now:
            time.sleep((next_send - now) / 1e9)
        else:
            next_send = now  # behind (a slow reply): the correction above accounts for it
    results.put(hist)


class Probe:
    """Runs the PING probe in its own process between start() and stop()."""

    def __init__(self, port):
        ctx = multiprocessing.get_context("fork")
        self.stop_event, self.results = ctx.Event(), ctx.Queue()
        self.proc = ctx.Process(target=probe_main, args=(port, self.stop_event, self.results))

    def __enter__(self):
        self.proc.start()
        time.sleep(0.2)  # connected and probing before the work starts
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.histogram = self.results.get(timeout=30)
        self.summary = self.histogram.summary()
        self.proc.join(10)


def command(server, *args, timeout=600):
    """One request on a fresh connection; returns (reply bytes, seconds)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        start = time.perf_counter()
        s.sendall(encode([a if isinstance(a, bytes) else str(a).encode() for a in args]))
        reply = read_reply(s)
        return reply, time.perf_counter() - start


def read_reply(s):
    """Reads one whole RESP2 reply (enough framing for the replies used here)."""
    buf = b""

    def need(n):
        nonlocal buf
        while len(buf) < n:
            chunk = s.recv(1 << 20)
            if not chunk:
                raise RuntimeError("connection closed")
            buf += chunk

    def line(pos):
        while buf.find(b"\r\n", pos) < 0:
            need(len(buf) + 1)
        end = buf.find(b"\r\n", pos)
        return buf[pos:end], end + 2

    def parse(pos):
        need(pos + 1)
        kind = buf[pos:pos + 1]
        text, pos = line(pos + 1)
        if kind == b"$":
            n = int(text)
            if n >= 0:
                need(pos + n + 2)
                pos += n + 2
        elif kind == b"*":
            for _ in range(max(0, int(text))):
                pos = parse(pos)
        return pos

    end = parse(0)  # before reading buf: parse() rebinds it
    return buf[:end]


def integer(reply):
    return int(reply[1:].split(b"\r\n")[0])


def benchmark(server, args):
    return run_benchmark(server, args)[0]


def start(kind, opts, dashboard=False):
    """A fresh server with no save rules, writing its dump.rdb (BGSAVE) in a temporary --dir."""
    port = free_port()
    directory = tempfile.mkdtemp(prefix=f"latency-{kind}-")
    if kind == "redis" or opts.control:
        name = "redis" if kind == "redis" else "redis#2"  # the A/A run's second copy, in messages
        server = Server(name, [opts.redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--maxclients", "20000", "--dir", directory], port)
    else:
        argv = [opts.qkv, "--port", str(port), "--log-file", "", "--save", "", "--maxclients", "20000",
                "--dir", directory]
        env = None
        if dashboard:
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        else:
            argv.append("--headless")
        server = Server("qkv", argv, port, env=env)
        if dashboard and opts.window_anywhere and len(pin(0)) > 0:
            # The window's thread (the main thread, whose id is the pid) may run on any core;
            # only the serving thread stays pinned where redis-server's is.
            os.sched_setaffinity(server.proc.pid, range(os.cpu_count()))
    server.dir = directory
    return server


def stop(server):
    """Stops the server, removes its files and lets the machine settle: the kernel frees a
    10M-key process's memory and drops the dump's dirty pages after it exits, and the next
    server's idle and growth rows would measure that."""
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)
    os.sync()
    time.sleep(2)


def idle(server, seconds):
    """The probe alone on the fresh, empty server: this machine's noise floor, against which
    the rows below are read (a VM's own hiccups reach a few ms)."""
    with Probe(server.port) as probe:
        time.sleep(seconds)
    return probe.summary


def growth(server, keys):
    """Grows the keyspace from empty to about `keys` keys under the probe; returns the probe,
    the rate and the resident memory added per key."""
    before = rss_bytes(server.proc.pid)
    with Probe(server.port) as probe:
        rps = benchmark(server, ["-t", "set", "-r", "1000000000", "-n", str(keys), "-P", "32", "-c", "4",
                                 "-d", "8"])
    dbsize = integer(command(server, "DBSIZE")[0])
    return probe.summary, rps, (rss_bytes(server.proc.pid) - before) / dbsize


def bgsave(server, count):
    """`count` BGSAVEs of the keyspace, one after the other under one probe, while one client
    writes pipelines of 100 SETs; returns the probe, the seconds until a child was reaped (the
    mean), the writes/s meanwhile, the file's size in MB and each fork's own stall in ms (INFO
    latest_fork_usec). One fork per run would make the probe's p99.9 that fork's length, which
    varies by half from one fork to the next on a VM."""
    batch = [encode([b"SET", b"during:%d" % i, b"v"]) for i in range(100)]
    forks = []
    writes, seconds = 0, 0.0
    with Probe(server.port) as probe:
        time.sleep(0.3)
        with socket.create_connection(("127.0.0.1", server.port)) as writer:
            for _ in range(count):
                reply, _ = command(server, "BGSAVE")
                assert reply.startswith(b"+Background saving started"), reply
                start_time = time.perf_counter()
                while True:
                    send_batch(writer, batch)
                    writes += len(batch)
                    if writes % 2000 == 0 and b"rdb_bgsave_in_progress:0" in command(server, "INFO", "persistence")[0]:
                        break
                seconds += time.perf_counter() - start_time
                status = command(server, "INFO", "persistence")[0]
                assert b"rdb_last_bgsave_status:ok" in status, status
                stats = command(server, "INFO", "stats")[0]
                forks.append(int(re.search(rb"latest_fork_usec:(\d+)", stats).group(1)) / 1000)
        time.sleep(0.3)
    size = os.path.getsize(os.path.join(server.dir, "dump.rdb")) / 2**20
    return probe.summary, seconds / count, writes / seconds, size, forks


def wait_info(server, section, needle, what, limit=120):
    """Polls INFO `section` until it contains `needle`; raises, naming `what`, after `limit` s."""
    deadline = time.time() + limit
    while time.time() < deadline:
        if needle in command(server, "INFO", section)[0]:
            return
        time.sleep(0.05)
    raise RuntimeError(f"{server.name} still {what} after {limit} s")


def wait_lazyfree(server):
    """Waits until the server's background thread has freed everything (INFO memory's
    lazyfree_pending_objects), so that one scenario's freeing does not run into the next."""
    wait_info(server, "memory", b"lazyfree_pending_objects:0\r\n", "freeing")


def probed_command(server, args, expected, settle):
    """One command under the probe, which keeps going for `settle` seconds after the reply
    (the background work it started); returns the Probe and the command's own seconds."""
    with Probe(server.port) as probe:
        time.sleep(0.3)
        reply, seconds = command(server, *args)
        assert reply == expected, reply
        time.sleep(settle)
    wait_lazyfree(server)
    return probe, seconds


# Seconds the probe goes on after a command whose work goes on in the background: long enough
# for about 10,000 probes, so that p99.9 is a percentile and not the second-worst probe.
SETTLE_SECONDS = 10


def flushall_async(server, settle):
    return probed_command(server, ["FLUSHALL", "ASYNC"], b"+OK\r\n", settle)[0].summary


def load(server, requests, batch=2000):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        pending = []
        for request in requests:
            pending.append(encode(request))
            if len(pending) == batch:
                send_batch(s, pending)
                pending = []
        if pending:
            send_batch(s, pending)


def expiry(server, keys):
    """`keys` keys expiring at the same second; returns the probe and the seconds until gone."""
    margin = max(5, keys // 100_000 + 3)
    for _ in range(4):  # a busy machine loads slower: retry with twice the margin
        command(server, "FLUSHALL")
        at = int(time.time()) + margin
        benchmark(server, ["-n", str(keys), "-r", "1000000000", "-P", "32", "-c", "4",
                           "SET", "exp:__rand_int__", "v", "EXAT", str(at)])
        if time.time() < at - 1:
            break
        margin *= 2
    else:
        raise RuntimeError("loading the expiring keys took longer than planned")
    with Probe(server.port) as probe:
        while time.time() < at:
            time.sleep(0.05)
        gone_at = None
        while time.time() < at + 60:
            if integer(command(server, "DBSIZE")[0]) == 0:
                gone_at = time.time()
                break
            time.sleep(0.05)
        time.sleep(0.5)
    return probe.summary, (gone_at - at) if gone_at else float("nan")


AGGREGATE_LOADERS = {
    "hash": lambda i, n: [b"HSET", b"big"] + [x for j in range(i, i + n) for x in (b"f%d" % j, b"v")],
    "list": lambda i, n: [b"RPUSH", b"big"] + [b"e%d" % j for j in range(i, i + n)],
    "set": lambda i, n: [b"SADD", b"big"] + [b"m%d" % j for j in range(i, i + n)],
    "zset": lambda i, n: [b"ZADD", b"big"] + [x for j in range(i, i + n) for x in (b"%d" % j, b"m%d" % j)],
}


def delete_aggregate(server, kind, elements, settle, repeats):
    """`repeats` times: an aggregate of `elements` loaded, then DEL under the probe. Returns the
    pooled probes' summary and the median DEL's seconds."""
    command(server, "CONFIG", "SET", "lazyfree-lazy-user-del", "yes")
    pooled, seconds = Histogram(), []
    per = 1000
    for _ in range(repeats):
        command(server, "FLUSHALL")
        load(server, (AGGREGATE_LOADERS[kind](i, per) for i in range(0, elements, per)), batch=20)
        probe, took = probed_command(server, ["DEL", "big"], b":1\r\n", settle)
        pooled.merge(probe.histogram)
        seconds.append(took)
    command(server, "CONFIG", "SET", "lazyfree-lazy-user-del", "no")
    return pooled.summary(), statistics.median(seconds)


def command_costs(server, idle_clients, fragmented):
    """Milliseconds each O(n)-suspect command takes at the current size."""
    costs = {}
    for name, args in (("INFO", ["INFO"]), ("INFO keyspace", ["INFO", "keyspace"]),
                       ("DBSIZE", ["DBSIZE"]), ("KEYS nomatch*", ["KEYS", "nomatch*"])):
        costs[name] = command(server, *args)[1] * 1000
    # INFO on a fragmented heap: `fragmented` keys set, every other one deleted (free chunks
    # scattered among live ones; INFO once took 335 ms after 2 million, walking them).
    benchmark(server, ["-r", str(fragmented), "-n", str(2 * fragmented), "-P", "32", "-c", "4",
                       "SET", "frag:__rand_int__", "v"])
    load(server, ([b"DEL", b"frag:%012d" % i] for i in range(0, fragmented, 2)))
    costs["INFO, fragmented heap"] = min(command(server, "INFO")[1] for _ in range(3)) * 1000
    load(server, ([b"DEL", b"frag:%012d" % i] for i in range(1, fragmented, 2)))
    raise_nofile(idle_clients + 1024)
    socks = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(idle_clients)]
    try:
        time.sleep(0.3)
        costs[f"CLIENT LIST ({idle_clients} clients)"] = command(server, "CLIENT", "LIST")[1] * 1000
        costs[f"INFO ({idle_clients} clients)"] = command(server, "INFO")[1] * 1000
    finally:
        for s in socks:
            s.close()
    # Until the server has closed them too: the next scenario's probe measures its own work,
    # not this teardown (10,000 disconnections in a burst stall either server for tens of ms).
    wait_info(server, "clients", b"connected_clients:1\r\n", "has the idle clients", limit=60)
    time.sleep(0.5)
    return costs


SCENARIOS = ("growth", "commands", "bgsave", "flushall", "expiry", "del", "dashboard")


def one_run(opts, sizes, order):
    """Every scenario once on each server, in `order` (alternated from run to run, so that
    neither server always follows the other's teardown); returns {scenario: {server: summary}}
    and figures."""
    probes, figures = {}, {}
    wanted = set(opts.scenarios.split(","))
    for kind in order:
        server = start(kind, opts)
        try:
            probes.setdefault("idle (noise floor)", {})[kind] = idle(server, sizes["settle"])
            summary, rps, per_key = growth(server, sizes["keys"])
            probes.setdefault("growth", {})[kind] = summary
            figures.setdefault("keys", {})[kind] = integer(command(server, "DBSIZE")[0])
            figures.setdefault("bytes/key (RSS growth)", {})[kind] = per_key
            figures.setdefault("growth rps", {})[kind] = rps
            if "commands" in wanted:
                for name, test in (("set", "set"), ("get", "get")):
                    rps, _, us = run_benchmark(server, ["-t", test, "-r", "1000000000", "-n", str(sizes["at_size"]),
                                                        "-P", "16", "-c", "50"])
                    figures.setdefault(f"{name} rps at that size", {})[kind] = rps
                    figures.setdefault(f"{name} server us/req", {})[kind] = us
                for name, ms in command_costs(server, sizes["clients"], sizes["fragmented"]).items():
                    figures.setdefault(f"{name} ms", {})[kind] = ms
            if "bgsave" in wanted:
                summary, seconds, rate, megabytes, forks = bgsave(server, sizes["bgsaves"])
                probes.setdefault("bgsave", {})[kind] = summary
                figures.setdefault("BGSAVE s (until reaped)", {})[kind] = seconds
                figures.setdefault("writes/s during BGSAVE", {})[kind] = rate
                figures.setdefault("dump.rdb MB", {})[kind] = megabytes
                # The fork's own stall, apart from the copy-on-write faults that follow it.
                figures.setdefault("fork ms (median of the run's)", {})[kind] = statistics.median(forks)
                figures.setdefault("fork ms (longest of the run's)", {})[kind] = max(forks)
            if "flushall" in wanted:
                probes.setdefault("flushall async", {})[kind] = flushall_async(server, sizes["settle"])
            else:
                command(server, "FLUSHALL")
            if "expiry" in wanted:
                summary, seconds = expiry(server, sizes["expiring"])
                probes.setdefault("expiry", {})[kind] = summary
                figures.setdefault("expiry reclaim s", {})[kind] = seconds
            for aggregate in AGGREGATE_LOADERS if "del" in wanted else ():
                summary, seconds = delete_aggregate(server, aggregate, sizes["elements"], sizes["settle"],
                                                    sizes["del_repeats"])
                probes.setdefault(f"del {aggregate}", {})[kind] = summary
                figures.setdefault(f"DEL {aggregate} reply ms (median)", {})[kind] = seconds * 1000
        finally:
            stop(server)
    if "dashboard" in wanted and not opts.control:
        server = start("qkv", opts, dashboard=True)
        try:
            # The window's own CPU (its thread's id is the pid): what it takes from the cores
            # the probe and the server run on, beside what it asks of the serving thread.
            window0, wall0 = cpu_seconds(server.proc.pid, server.proc.pid), time.monotonic()
            row = "growth, dash anywhere" if opts.window_anywhere else "growth, dashboard"
            probes[row] = {"redis": probes["growth"]["redis"],
                           "qkv": growth(server, sizes["keys"])[0]}
            window_ms = (cpu_seconds(server.proc.pid, server.proc.pid) - window0) * 1000
            figures["window thread CPU ms/s"] = {"redis": float("nan"),
                                                 "qkv": window_ms / (time.monotonic() - wall0)}
        finally:
            stop(server)
    return probes, figures


def probe_priority():
    """Whether the probe will run SCHED_FIFO, tried in a child so this process stays normal."""
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    child = ctx.Process(target=lambda: results.put(realtime_probe()))
    child.start()
    realtime = results.get(timeout=10)
    child.join(10)
    return "SCHED_FIFO" if realtime else "normal priority (SCHED_FIFO not allowed)"


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    redis = subprocess.run([shutil.which("redis-server") or "redis-server", "--version"],
                           capture_output=True, text=True).stdout.split()
    version = next((w for w in redis if w.startswith("v=")), "v=?")[2:]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.node()}: {cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, "
            f"{platform.platform()}, redis-server {version}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qkv", default=os.path.join(here, "..", "build", "server", "qkv-server"))
    parser.add_argument("--redis", default=shutil.which("redis-server") or "redis-server")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keys", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="1 run, small sizes (checks the script works)")
    parser.add_argument("--control", action="store_true",
                        help="an A/A run: a second redis-server in qkv's column (no dashboard), for "
                             "the spread of ratios two identical servers get on this machine")
    parser.add_argument("--window-anywhere", action="store_true",
                        help="dashboard row: the window's thread may run on any core (the serving "
                             "thread stays on CPU 0)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help="comma-separated subset of " + ",".join(SCENARIOS) + " (growth always runs)")
    opts = parser.parse_args()
    sizes = {"keys": opts.keys, "at_size": 1_000_000, "expiring": 1_000_000, "elements": 1_000_000,
             "clients": 10_000, "settle": SETTLE_SECONDS, "bgsaves": 3, "fragmented": 1_000_000,
             "del_repeats": 3}
    if opts.quick:
        opts.runs = 1
        sizes = {"keys": 200_000, "at_size": 50_000, "expiring": 50_000, "elements": 50_000, "clients": 200,
                 "settle": 1, "bgsaves": 1, "fragmented": 20_000, "del_repeats": 2}
    second = "redis#2" if opts.control else "qkv"
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  {machine()}")
    print(f"# runs={opts.runs}  sizes={sizes}  probe: PING every {PROBE_INTERVAL_US} us, "
          f"coordinated-omission corrected, {probe_priority()}; medians over runs", flush=True)
    runs = []
    for number in range(1, opts.runs + 1):
        runs.append(one_run(opts, sizes, ("redis", "qkv") if number % 2 else ("qkv", "redis")))
        # Each run's tail as it ends: the spread behind the medians below.
        print(f"# run {number}: p99.9/max ms redis, {second}: " + "; ".join(
            f"{scenario} {summary['redis']['p99.9']:.1f}/{summary['redis']['max']:.1f}, "
            f"{summary['qkv']['p99.9']:.1f}/{summary['qkv']['max']:.1f}"
            for scenario, summary in runs[-1][0].items()), flush=True)

    print(f"\n{'scenario (probe ms)':<22}" + "".join(
        f"{s + ' ' + m:>14}" for m in ("p50", "p99", "p99.9", "max") for s in ("redis", second)) + "  p99.9 ratio")
    for scenario in runs[0][0]:
        cells = []
        for metric in ("p50", "p99", "p99.9", "max"):
            for kind in ("redis", "qkv"):
                cells.append(statistics.median(r[0][scenario][kind][metric] for r in runs))
        print(f"{scenario:<22}" + "".join(f"{c:>14.3f}" for c in cells) + f"{cells[5] / cells[4]:>13.2f}")
    print(f"\n{'figure':<36}{'redis':>14}{second:>14}{'ratio':>8}")
    for figure in runs[0][1]:
        r = statistics.median(run[1][figure]["redis"] for run in runs)
        q = statistics.median(run[1][figure]["qkv"] for run in runs)
        print(f"{figure:<36}{r:>14.2f}{q:>14.2f}{(q / r if r else float('nan')):>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
