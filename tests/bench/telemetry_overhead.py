#!/usr/bin/env python3
"""Throughput of our engine with telemetry subscribed (every 250 ms) against telemetry off.

The same engine process serves both variants. Each round runs the pair back to back, OFF then ON
in odd rounds and ON then OFF in even ones, so drift on a shared machine (a build starting, a
neighbour's burst) falls on both variants alike; each run is a fixed-length wrk run at concurrency
10. Printed, for the seeds' workload and for a trivial app: requests per second per variant (median
and range of the rounds), the median of the rounds' paired ON / OFF ratios (the number to judge;
within 2% is the target), and the engine's CPU per request ON / OFF (its whole process tree, from
/proc: what telemetry costs, much less sensitive to noise than throughput). A benchmark, not a
test: it prints numbers and exits 0 unless it could not run.

    /usr/bin/python3 tests/bench/telemetry_overhead.py [--engine build/bin/wsgi-engine]
        [--rounds 8] [--duration 4] [--dispatch auto]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APPS = REPO / "resources" / "apps"
sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchkit  # noqa: E402  (beside this script)


READY_PREFIX = "wsgi-engine-ready "


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
        # The engine's machine-readable ready line (core/readyline.h), not its log prose.
        if line.startswith(READY_PREFIX):
            ready = json.loads(line[len(READY_PREFIX):])
            port = int(ready["listen"][0].rsplit(":", 1)[1])
            control = int(ready["control"].rsplit(":", 1)[1])
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


def main_thread_ticks(pid):
    try:
        text = Path(f"/proc/{pid}/task/{pid}/stat").read_text()
    except OSError:
        return 0
    rest = text[text.rindex(")") + 2:].split()
    return int(rest[11]) + int(rest[12])


def engine_cpu(root):
    """(all CPU seconds of the engine's tree, the part spent where telemetry works: the supervisor
    and the workers' main threads). Request threads run the same code whether or not anyone
    subscribes: each request's measurements are recorded either way."""
    tree = benchkit.process_tree(root)
    total = sum(s.cpu_ticks for s in tree.values())
    telemetry = tree[root].cpu_ticks + sum(main_thread_ticks(pid) for pid in tree if pid != root)
    return total / benchkit.CLOCK_TICKS, telemetry / benchkit.CLOCK_TICKS


@dataclass
class Run:
    rps: float
    cpu_per_request: float            # engine CPU seconds per request
    telemetry_cpu_per_request: float  # of which supervisor and worker main threads


def run_variant(proc, port, path, seconds):
    total0, telemetry0 = engine_cpu(proc.pid)
    rps = wrk(port, seconds, path)
    total1, telemetry1 = engine_cpu(proc.pid)
    requests = rps * seconds
    if not requests:
        return Run(0.0, float("nan"), float("nan"))
    return Run(rps, (total1 - total0) / requests, (telemetry1 - telemetry0) / requests)


def measure(engine, app, shape, path, args):
    with tempfile.TemporaryDirectory(prefix="wsgi-telemetry-bench-") as tmp:
        proc, port, control, token = start_engine(engine, app, shape, args.dispatch, Path(tmp))
        try:
            wrk(port, 2, path)  # warm-up
            off, on, samples = [], [], 0
            for round_no in range(args.rounds):
                for subscribed in ((False, True) if round_no % 2 == 0 else (True, False)):
                    if not subscribed:
                        off.append(run_variant(proc, port, path, args.duration))
                        continue
                    sub = Subscriber(control, token)
                    time.sleep(0.3)
                    on.append(run_variant(proc, port, path, args.duration))
                    samples += sub.samples
                    sub.close()
            return off, on, samples
        finally:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", type=Path, default=REPO / "build" / "bin" / "wsgi-engine")
    parser.add_argument("--rounds", type=int, default=8, help="pairs of runs (default 8)")
    parser.add_argument("--duration", type=int, default=4, help="seconds per run (default 4)")
    parser.add_argument("--dispatch", choices=["auto", "proxy", "direct"], default="auto")
    args = parser.parse_args()
    cases = [("seeds' workload, 2 x 5", "workload.py", (2, 5), "/"),
             ("trivial app, 2 x 1", "trivial.py", (2, 1), "/")]
    print(f"Telemetry overhead: engine {args.engine}, dispatch {args.dispatch}, {args.rounds} rounds "
          f"of {args.duration} s each variant, paired and alternating, concurrency 10")
    print("| Case | rps, telemetry off | rps, subscribed at 250 ms | paired on / off (range) "
          "| engine CPU per request, off | telemetry's added CPU per request | samples read |")
    print("|---|---|---|---|---|---|---|")
    for title, app, shape, path in cases:
        off, on, samples = measure(args.engine, app, shape, path, args)
        off_rps, on_rps = [r.rps for r in off], [r.rps for r in on]
        pairs = [b.rps / a.rps for a, b in zip(off, on) if a.rps]
        cpu_off = statistics.median(r.cpu_per_request for r in off)
        added = (statistics.median(r.telemetry_cpu_per_request for r in on) -
                 statistics.median(r.telemetry_cpu_per_request for r in off))
        print(f"| {title} | {statistics.median(off_rps):.0f} ({min(off_rps):.0f}-{max(off_rps):.0f}) | "
              f"{statistics.median(on_rps):.0f} ({min(on_rps):.0f}-{max(on_rps):.0f}) | "
              f"{statistics.median(pairs):.3f} ({min(pairs):.3f}-{max(pairs):.3f}) | "
              f"{cpu_off * 1e6:.1f} us | {added * 1e6:+.2f} us = {added / cpu_off:+.1%} | {samples} |")
        sys.stdout.flush()
    print("\nA CPU-bound server's throughput falls by the share of CPU that telemetry adds; on a shared "
          "machine the paired throughput ratio also carries the host's noise (see its range).")


if __name__ == "__main__":
    main()
