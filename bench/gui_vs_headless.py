#!/usr/bin/env python3
"""Throughput of qkv-server with the dashboard open vs headless, measured in one run.

Starts Xvfb, a qkv-server with its window on it, and a headless qkv-server (both pinned to
CPU 0, redis-benchmark on CPU 1), runs `-t set,get -c 50 -n 200000` and the same with `-P 16`
alternately for --rounds rounds, prints the medians and the ratio GUI/headless, and checks
from the GUI server's log that the window kept receiving snapshots under the load.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import Server, free_port, pin, run_benchmark  # noqa: E402

WORKLOADS = [
    ("set c50", ["-t", "set", "-c", "50", "-n", "200000", "-r", "100000"]),
    ("get c50", ["-t", "get", "-c", "50", "-n", "200000", "-r", "100000"]),
    ("set c50 P16", ["-t", "set", "-c", "50", "-P", "16", "-n", "1000000", "-r", "100000"]),
    ("get c50 P16", ["-t", "get", "-c", "50", "-P", "16", "-n", "1000000", "-r", "100000"]),
]


def start_xvfb():
    # The X server is part of the GUI's cost: it shares the servers' CPU, not the client's.
    proc = subprocess.Popen(pin(0) + ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    display = proc.stdout.readline().decode().strip()
    return proc, ":" + display


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--qkv", default=os.path.join(here, "..", "build", "server", "qkv-server"))
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()

    xvfb, display = start_xvfb()
    log = tempfile.NamedTemporaryFile(suffix=".log", delete=False).name
    os.environ["DISPLAY"] = display
    gport, hport = free_port(), free_port()
    # Same logging as the headless one (no command lines); the file only records the snapshot count.
    gui = Server("gui", [opts.qkv, "--port", str(gport), "--log-file", log, "--log-commands", "0", "--save", ""], gport)
    headless = Server("headless", [opts.qkv, "--headless", "--port", str(hport), "--log-file", "", "--save", ""], hport)
    ratios = []
    try:
        print(f"# {time.strftime('%Y-%m-%d %H:%M')}  cores={os.cpu_count()}  rounds={opts.rounds}")
        print(f"{'workload':<14}{'headless rps':>14}{'gui rps':>10}{'ratio':>8}")
        for name, args in WORKLOADS:
            runs = {"gui": [], "headless": []}
            for _ in range(opts.rounds):
                for server in (headless, gui):
                    runs[server.name].append(run_benchmark(server, args)[0])
            h, g = statistics.median(runs["headless"]), statistics.median(runs["gui"])
            ratios.append(g / h)
            print(f"{name:<14}{h:>14.0f}{g:>10.0f}{g / h:>8.2f}", flush=True)
    finally:
        gui.stop()
        headless.stop()
        xvfb.terminate()
    time.sleep(0.5)
    with open(log) as f:
        snapshots = re.findall(r"dashboard closed after (\d+) snapshots", f.read())
    os.unlink(log)
    print(f"summary: GUI/headless median {statistics.median(ratios):.2f}, worst {min(ratios):.2f}; "
          f"window received {snapshots[-1] if snapshots else '?'} snapshots during the run")


if __name__ == "__main__":
    sys.exit(main())
