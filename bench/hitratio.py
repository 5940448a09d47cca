#!/usr/bin/env python3
"""Eviction side by side: redis-server vs qkv-server under one seeded cache workload.

Each row starts both servers fresh with `maxmemory` and a policy (allkeys-lru, then
allkeys-lfu), and replays the same zipf-distributed sequence of keys against each: GET the key,
and on a miss SET it (a value of 100..1000 bytes fixed by the key), as a cache in front of a
database would, pipelined in batches. It prints the hit ratio (whole run and second half),
evicted_keys, the highest used_memory seen (INFO, polled between batches) against maxmemory,
and operations per second. Loopback only; standard library only.
"""
import argparse
import bisect
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Connection:
    """A minimal pipelining RESP client: enough for GET, SET and INFO."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.pos = 0

    @staticmethod
    def encode(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0

    def _line(self):
        while True:
            end = self.buf.find(b"\r\n", self.pos)
            if end >= 0:
                line = self.buf[self.pos:end]
                self.pos = end + 2
                return line
            self._fill()

    def reply(self):
        """One reply: bytes for bulk/simple, None for nil, an Exception for errors."""
        line = self._line()
        kind = line[:1]
        if kind == b"$":
            n = int(line[1:])
            if n < 0:
                return None
            while len(self.buf) - self.pos < n + 2:
                self._fill()
            data = self.buf[self.pos:self.pos + n]
            self.pos += n + 2
            return data
        if kind == b"-":
            return Exception(line[1:].decode())
        return line[1:]

    def call(self, *args):
        self.sock.sendall(self.encode(*args))
        return self.reply()

    def info(self):
        text = self.call(b"INFO", b"everything").decode()
        return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)


def zipf_sequence(keys, ops, skew, seed):
    """ops key indexes drawn from a zipf(skew) distribution over `keys` ranks, shuffled so that
    the popular keys are not the low numbers."""
    rng = random.Random(seed)
    cumulative = []
    total = 0.0
    for rank in range(1, keys + 1):
        total += 1.0 / rank ** skew
        cumulative.append(total)
    permutation = list(range(keys))
    rng.shuffle(permutation)
    return [permutation[bisect.bisect_left(cumulative, rng.random() * total)] for _ in range(ops)]


def value_for(index):
    # 100..1000 bytes, fixed per key, the same on both servers.
    return b"v" * (100 + (index * 2654435761) % 901)


def start(kind, path, port, maxmemory, policy, workdir):
    args = [path, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--maxmemory", maxmemory, "--maxmemory-policy", policy,
            "--dir", workdir]
    if kind == "qkv":
        args.insert(1, "--headless")
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            conn = Connection(port)
            if conn.call(b"PING") == b"PONG":
                return process, conn
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{kind} did not start")


def run(conn, monitor, sequence, batch, poll_every):
    hits = 0
    hits_second_half = 0
    half = len(sequence) // 2
    refused = 0
    max_used = 0
    commands = 0
    keys = [b"key:%d" % i for i in range(max(sequence) + 1)] if sequence else []
    started = time.perf_counter()
    for batch_number, start in enumerate(range(0, len(sequence), batch)):
        chunk = sequence[start:start + batch]
        conn.sock.sendall(b"".join(Connection.encode(b"GET", keys[i]) for i in chunk))
        misses = []
        for offset, i in enumerate(chunk):
            if conn.reply() is None:
                misses.append(i)
            else:
                hits += 1
                if start + offset >= half:
                    hits_second_half += 1
        commands += len(chunk)
        if misses:
            conn.sock.sendall(b"".join(Connection.encode(b"SET", keys[i], value_for(i)) for i in misses))
            for _ in misses:
                if isinstance(conn.reply(), Exception):
                    refused += 1
            commands += len(misses)
        if batch_number % poll_every == 0:
            max_used = max(max_used, int(monitor.info()["used_memory"]))
    elapsed = time.perf_counter() - started
    info = monitor.info()
    max_used = max(max_used, int(info["used_memory"]))
    return {
        "hit": hits / len(sequence),
        "hit2": hits_second_half / (len(sequence) - half),
        "evicted": int(info["evicted_keys"]),
        "max_used": max_used,
        "maxmemory": int(info["maxmemory"]),
        "ops": commands / elapsed,
        "refused": refused,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qkv", default=os.path.join(here, "..", "build", "server", "qkv-server"))
    parser.add_argument("--redis", default=shutil.which("redis-server") or "redis-server")
    parser.add_argument("--ops", type=int, default=2_000_000)
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--maxmemory", default="100mb")
    parser.add_argument("--skew", type=float, default=0.99)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--policies", default="allkeys-lru,allkeys-lfu")
    parser.add_argument("--quick", action="store_true",
                        help="300,000 operations over 200,000 keys with maxmemory 20mb (< 60 s)")
    opts = parser.parse_args()
    if opts.quick:
        opts.ops, opts.keys, opts.maxmemory = 300_000, 200_000, "20mb"

    print(f"zipf {opts.skew} over {opts.keys} keys, {opts.ops} GETs (SET on miss), "
          f"values 100..1000 B, pipeline {opts.batch}, maxmemory {opts.maxmemory}, seed {opts.seed}")
    sequence = zipf_sequence(opts.keys, opts.ops, opts.skew, opts.seed)
    poll_every = max(1, len(sequence) // opts.batch // 200)
    rows = []
    for policy in opts.policies.split(","):
        for kind, path in (("redis", opts.redis), ("qkv", opts.qkv)):
            with tempfile.TemporaryDirectory() as workdir:
                process, conn = start(kind, path, free_port(), opts.maxmemory, policy, workdir)
                try:
                    monitor = Connection(conn.sock.getpeername()[1])
                    result = run(conn, monitor, sequence, opts.batch, poll_every)
                finally:
                    process.terminate()
                    process.wait(10)
            result.update(policy=policy, server=kind)
            rows.append(result)
            print(f"  {policy:12} {kind:5} done", file=sys.stderr)

    header = (f"{'policy':12} {'server':6} {'hit %':>7} {'2nd half %':>10} {'evicted':>9} "
              f"{'max used MB':>11} {'over max %':>10} {'ops/s':>9}")
    print(header)
    print("-" * len(header))
    for r in rows:
        over = 100.0 * (r["max_used"] - r["maxmemory"]) / r["maxmemory"]
        print(f"{r['policy']:12} {r['server']:6} {100 * r['hit']:7.2f} {100 * r['hit2']:10.2f} "
              f"{r['evicted']:9d} {r['max_used'] / 1048576:11.1f} {over:10.2f} {r['ops']:9.0f}"
              + (f"  ({r['refused']} refused)" if r["refused"] else ""))
    for policy in opts.policies.split(","):
        pair = {r["server"]: r for r in rows if r["policy"] == policy}
        delta = 100 * (pair["qkv"]["hit"] - pair["redis"]["hit"])
        print(f"{policy}: qkv hit ratio {delta:+.2f} points vs redis-server")


if __name__ == "__main__":
    main()
