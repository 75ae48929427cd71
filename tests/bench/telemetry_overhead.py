#!/usr/bin/env python3
"""Throughput of our engine with telemetry subscribed (every 250 ms) against telemetry off.

The same engine process serves both variants, alternating OFF ON OFF ON ... so machine noise hits
both alike; each round is a fixed-length wrk run at concurrency 10. Printed: requests per second
per variant (median of the rounds) and the ratio ON / OFF, for the seeds' workload and for a
trivial app. A benchmark, not a test: it prints numbers and exits 0 unless it could not run.

    /usr/bin/python3 tests/bench/telemetry_overhead.py [--engine build/bin/wsgi-engine]
        [--rounds 5] [--duration 5] [--dispatch auto]
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APPS = REPO / "resources" / "apps"


def start_engine(engine, app, shape, dispatch, workdir):
    processes, threads = shape
    conf = workdir / "engine.conf"
    conf.write_text(f"WSGIDaemonProcess bench processes={processes} threads={threads}\n"
                    f"WSGIScriptAlias / {APPS / app} process-group=bench application-group=%{{GLOBAL}}\n")
    token = workdir / "token"
    proc = subprocess.Popen([str(engine), "--config", str(conf), "--listen", "127.0.0.1:0", "--control",
                             "127.0.0.1:0", "--control-token-file", str(token), "--dispatch", dispatch,
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    port = control = None
    deadline = time.time() + 30
    while (port is None or control is None) and time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if m := re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line):
            port = int(m.group(1))
        if m := re.search(r"control endpoint on 127\.0\.0\.1:(\d+)", line):
            control = int(m.group(1))
    if port is None or control is None:
        proc.kill()
        raise SystemExit("the engine did not start (is it built? run with --engine PATH)")
    return proc, port, control, token.read_text().strip()


class Subscriber:
    """Holds a subscription at 250 ms open and reads every sample, as the studio would."""

    def __init__(self, port, token):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rw")
        self.file.readline()
        self.file.write(json.dumps({"id": 1, "token": token, "op": "subscribe", "interval_ms": 250}) + "\n")
        self.file.flush()
        self.samples = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.file:
            if '"telemetry"' in line:
                self.samples += 1

    def close(self):
        self.sock.close()


def wrk(port, seconds, path):
    out = subprocess.run(["wrk", "-t2", "-c10", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(m.group(1)) if m else 0.0


def measure(engine, app, shape, path, args):
    with tempfile.TemporaryDirectory(prefix="wsgi-telemetry-bench-") as tmp:
        proc, port, control, token = start_engine(engine, app, shape, args.dispatch, Path(tmp))
        try:
            wrk(port, 2, path)  # warm-up
            off, on, samples = [], [], 0
            for _ in range(args.rounds):
                off.append(wrk(port, args.duration, path))
                sub = Subscriber(control, token)
                time.sleep(0.3)
                on.append(wrk(port, args.duration, path))
                samples += sub.samples
                sub.close()
            return off, on, samples
        finally:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", type=Path, default=REPO / "build" / "bin" / "wsgi-engine")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--dispatch", choices=["auto", "proxy", "direct"], default="auto")
    args = parser.parse_args()
    cases = [("seeds' workload, 2 x 5", "workload.py", (2, 5), "/"),
             ("trivial app, 2 x 1", "trivial.py", (2, 1), "/")]
    print(f"Telemetry overhead: engine {args.engine}, dispatch {args.dispatch}, {args.rounds} rounds "
          f"of {args.duration} s each variant, alternating, concurrency 10")
    print("| Case | rps, telemetry off | rps, subscribed at 250 ms | on / off | samples read |")
    print("|---|---|---|---|---|")
    for title, app, shape, path in cases:
        off, on, samples = measure(args.engine, app, shape, path, args)
        ratio = statistics.median(on) / statistics.median(off) if statistics.median(off) else float("nan")
        print(f"| {title} | {statistics.median(off):.0f} ({min(off):.0f}-{max(off):.0f}) | "
              f"{statistics.median(on):.0f} ({min(on):.0f}-{max(on):.0f}) | {ratio:.3f} | {samples} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
