#!/usr/bin/python3
"""Soak: steady load with random application faults, every lost request accounted for.

Two daemon groups in one engine (so the supervisor relays every request and knows which ones a
process took down when it went away):

  work    resources/apps/workload.py at /          the seeds' workload, never faulted
  faults  tests/integration/apps/faults.py at /f   maximum-requests and request-timeout set

Closed-loop clients load both for --duration seconds. The fault clients pick, per request: 1 in 1000
/f/exit (the process exits mid-request), 5% /f/raise (the application raises: a 500 that is an
answer, not a loss), 10% /f/leak (256 KiB kept per request, recycled by maximum-requests), 1 in 2000
/f/sleep?s=30 (hangs past request-timeout, so the process is restarted with its stacks logged), the
rest /f/ ("ok"). A subscriber on the control endpoint collects every lifecycle event.

Printed: requests by outcome, the lost ones (no answer, or a 5xx that is not /f/raise's) against the
engine's events (the sum of requests_lost of crash and timeout restarts must equal them; planned
recycles must have lost none; the work group must have lost nothing), restarts by reason, and the
supervisor's RSS after warm-up and at the end. Exit status 0 when every loss is accounted for.

    /usr/bin/python3 tests/bench/soak.py [--duration 120] [--engine build/bin/wsgi-engine]

Bounded: 127.0.0.1 only, --work-clients + --fault-clients connections, --duration seconds plus a
few seconds to start and drain. See tests/bench/README.md ("soak.py").
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchkit  # noqa: E402  (sibling module; this script is run by path, not installed)

REPO = Path(__file__).resolve().parents[2]
WORKLOAD = REPO / "resources" / "apps" / "workload.py"
FAULTS = REPO / "tests" / "integration" / "apps" / "faults.py"
CRASH_REASONS = {"crash-exit", "crash-signal", "request-timeout", "deadlock"}


def vm_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def pick_fault(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.001:
        return "/f/exit"
    if roll < 0.0015:
        return "/f/sleep?s=30"
    if roll < 0.0515:
        return "/f/raise"
    if roll < 0.1515:
        return "/f/leak?kb=256"
    return "/f/"


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.outcomes: collections.Counter[str] = collections.Counter()
        self.lost: collections.Counter[str] = collections.Counter()  # by group
        self.lost_routes: collections.Counter[str] = collections.Counter()

    def add(self, group: str, path: str, status: int | None, error: str = "", body: bytes = b"") -> None:
        route = path.split("?")[0]
        # The engine's own 500 for a request whose process went away is a loss even on /f/raise.
        engine_500 = b"stopped before it responded" in body
        with self.lock:
            if status == 200:
                self.outcomes[f"{group} 200"] += 1
            elif status == 500 and route == "/f/raise" and not engine_500:
                self.outcomes["faults 500 from /f/raise (an answer)"] += 1
            else:
                what = f"HTTP {status}" if status is not None else f"no answer ({error})"
                self.outcomes[f"{group} lost: {what}"] += 1
                self.lost[group] += 1
                self.lost_routes[route] += 1


def client(port: int, group: str, stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        path = "/" if group == "work" else pick_fault(rng)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            tally.add(group, path, response.status, body=body)
        except (OSError, http.client.HTTPException) as error:
            tally.add(group, path, None, type(error).__name__)
        finally:
            conn.close()


class EventCollector(threading.Thread):
    """Subscribes to telemetry and keeps every lifecycle event it carries (each comes once)."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.file = self.sock.makefile("rwb")
        self.file.readline()  # hello
        request = {"id": 1, "token": token, "op": "subscribe", "interval_ms": 500}
        self.file.write((json.dumps(request) + "\n").encode())
        self.file.flush()
        self.events: list[dict] = []
        self.stopped = False

    def run(self) -> None:
        self.sock.settimeout(None)
        for line in self.file:
            message = json.loads(line)
            if message.get("event") == "telemetry":
                self.events.extend(message.get("events", []))
            if self.stopped:
                break


def status(port: int, token: str) -> dict:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        f = s.makefile("rwb")
        f.readline()
        f.write((json.dumps({"id": 1, "token": token, "op": "status"}) + "\n").encode())
        f.flush()
        return json.loads(f.readline())["result"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default=str(REPO / "build" / "bin" / "wsgi-engine"))
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--work-clients", type=int, default=4)
    parser.add_argument("--fault-clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep-temp", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="wsgi-soak-"))
    port, control = benchkit.free_port(), benchkit.free_port()
    token_file = workdir / "token"
    conf = workdir / "soak.conf"
    conf.write_text(
        "# Generated by tests/bench/soak.py\n"
        "WSGIDaemonProcess work processes=2 threads=3\n"
        "WSGIDaemonProcess faults processes=2 threads=4 maximum-requests=400 request-timeout=2 "
        "graceful-timeout=5 shutdown-timeout=2\n"
        f"WSGIScriptAlias /f {FAULTS} process-group=faults application-group=%{{GLOBAL}}\n"
        f"WSGIScriptAlias / {WORKLOAD} process-group=work application-group=%{{GLOBAL}}\n")
    log = (workdir / "engine.log").open("w")
    engine = subprocess.Popen(
        [args.engine, "--config", str(conf), "--listen", f"127.0.0.1:{port}", "--control",
         f"127.0.0.1:{control}", "--control-token-file", str(token_file)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        why = benchkit.wait_until_ready(engine, port, "/f/", 30) or benchkit.wait_until_ready(engine, port, "/", 30)
        if why:
            print(f"engine not available: {why}\n{benchkit.tail(workdir / 'engine.log', 10)}")
            return 1
        token = token_file.read_text().strip()
        collector = EventCollector(control, token)
        collector.start()

        tally = Tally()
        stop = threading.Event()
        threads = [threading.Thread(target=client, args=(port, "work", stop, tally, args.seed + i))
                   for i in range(args.work_clients)]
        threads += [threading.Thread(target=client, args=(port, "faults", stop, tally, args.seed + 100 + i))
                    for i in range(args.fault_clients)]
        for t in threads:
            t.start()
        time.sleep(args.warmup)
        rss_start = vm_rss(engine.pid)
        cpu_start = benchkit.read_stat(engine.pid).cpu_ticks
        started = time.monotonic()
        next_report = started + 30
        while time.monotonic() - started < args.duration:
            time.sleep(1)
            if time.monotonic() >= next_report:
                next_report += 30
                print(f"  {time.monotonic() - started:5.0f} s: supervisor RSS {vm_rss(engine.pid) / 2**20:.1f} MiB, "
                      f"{sum(tally.outcomes.values())} requests, {sum(tally.lost.values())} lost", flush=True)
        stop.set()
        for t in threads:
            t.join()
        rss_end = vm_rss(engine.pid)
        cpu_end = benchkit.read_stat(engine.pid).cpu_ticks
        time.sleep(1.5)  # the last restarts' events reach the subscriber
        final = status(control, token)
        collector.stopped = True
        elapsed = time.monotonic() - started

        events = list(collector.events)
        restarts = [e for e in events if e.get("kind") == "restart"]
        by_reason: collections.Counter[str] = collections.Counter(e.get("reason", "") for e in restarts)
        lost_by_reason: collections.Counter[str] = collections.Counter()
        for e in restarts:
            lost_by_reason[e.get("reason", "")] += int(e.get("requests_lost", 0))
        accounted = sum(v for r, v in lost_by_reason.items() if r in CRASH_REASONS)
        # A planned recycle loses only requests still running when graceful-timeout ends its drain:
        # here the hanging ones (mod_wsgi cuts them off the same way).
        planned_lost = sum(v for r, v in lost_by_reason.items() if r not in CRASH_REASONS)
        hung_lost = tally.lost_routes["/f/sleep"]
        lost_faults, lost_work = tally.lost["faults"], tally.lost["work"]

        total = sum(tally.outcomes.values())
        print(f"soak: {elapsed:.0f} s, {total} requests ({total / elapsed:.0f}/s), "
              f"{args.work_clients} + {args.fault_clients} clients")
        for outcome, count in sorted(tally.outcomes.items()):
            print(f"  {outcome:45s} {count:8d}")
        print("restarts (events)     count  requests_lost")
        for reason, count in sorted(by_reason.items()):
            print(f"  {reason:18s} {count:7d} {lost_by_reason[reason]:10d}")
        status_counts = {g["name"]: g["restarts"] for g in final["groups"]}
        print(f"restarts (status)     {json.dumps(status_counts, sort_keys=True)}")
        throttled = {g["name"]: g["throttled"] for g in final["groups"] if g["throttled"]}
        print(f"throttled at the end  {json.dumps(throttled) if throttled else 'none'}")
        if tally.lost_routes:
            print("lost, by route:       " + ", ".join(f"{r} {n}" for r, n in sorted(tally.lost_routes.items())))
        print(f"lost by the clients:  faults {lost_faults}, work {lost_work}")
        print(f"accounted by events:  {accounted} on crashed or timed-out processes, "
              f"{planned_lost} on planned recycles past graceful-timeout (hanging requests lost: {hung_lost})")
        ratio = rss_end / rss_start if rss_start else float("nan")
        print(f"supervisor RSS:       {rss_start / 2**20:.1f} MiB after warm-up, {rss_end / 2**20:.1f} MiB at the end "
              f"(x{ratio:.3f})")
        print(f"supervisor CPU:       {(cpu_end - cpu_start) / benchkit.CLOCK_TICKS / elapsed * 100:.1f}% of a core")
        ok = lost_work == 0 and planned_lost <= hung_lost and lost_faults == accounted + planned_lost
        print("result:               " + ("every lost request is accounted for" if ok else "UNACCOUNTED LOSSES"))
        return 0 if ok else 1
    finally:
        os.killpg(engine.pid, signal.SIGTERM)
        try:
            engine.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(engine.pid, signal.SIGKILL)
        log.close()
        if args.keep_temp:
            print(f"kept {workdir}")
        else:
            for p in sorted(workdir.rglob("*"), reverse=True):
                p.unlink() if p.is_file() else p.rmdir()
            workdir.rmdir()


if __name__ == "__main__":
    sys.exit(main())
