#!/usr/bin/python3
"""The studio's own cost while it monitors, and its start-up, both as ratios measured in this run.

A real engine of 16 processes x 1 thread on the seeds' workload streams telemetry every 250 ms; a
light load (a few requests per second per process, so every chart and histogram has data) runs
against it; wsgi-studio attaches to it with the Monitor page shown and the history set to
--history-intervals (default 120 = 30 s at 4 Hz, so the history is full after 30 s and memory can be
seen staying flat; the default 2400 would need a 10-minute run). Printed:

  studio CPU seconds / wall seconds over the measured minute (target <= 0.10)
  studio RSS at 30 s, 60 s and at the end of the measured stretch (flat once the history is full)
  start-up: exec -> the Monitor page showing the engine's processes (its status) and exec -> its
  first telemetry point, vs exec -> a minimal Qt Widgets window shown (tests/bench/minimalwindow),
  alternated --startup-runs times each, medians and the ratios (target <= 2x)

Run under a display (Xvfb :77 ...; DISPLAY=:77) or without one (QT_QPA_PLATFORM=offscreen is used
when DISPLAY is unset):

  /usr/bin/python3 tests/bench/studio_monitor.py               # ~2.5 min
  /usr/bin/python3 tests/bench/studio_monitor.py --quick       # ~40 s: 15 s measured, 2 start-ups each
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APPS = REPO / "resources" / "apps"
sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchkit  # noqa: E402  (beside this script)

READY_PREFIX = "wsgi-engine-ready "
TICK = os.sysconf("SC_CLK_TCK")


def start_engine(engine, workdir, processes):
    conf = workdir / "engine.conf"
    conf.write_text(f"WSGIDaemonProcess bench processes={processes} threads=1\n"
                    f"WSGIScriptAlias / {APPS / 'workload.py'} process-group=bench application-group=%{{GLOBAL}}\n")
    token = workdir / "token"
    proc = subprocess.Popen([str(engine), "--config", str(conf), "--listen", "127.0.0.1:0", "--control",
                             "127.0.0.1:0", "--control-token-file", str(token), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(READY_PREFIX):
            ready = json.loads(line[len(READY_PREFIX):])
            return proc, int(ready["listen"][0].rsplit(":", 1)[1]), ready["control"], token
    proc.kill()
    raise SystemExit("the engine did not start (is it built? run with --engine PATH)")


class LightLoad:
    """`rate` requests per second from one thread: enough for data, not enough to starve the studio."""

    def __init__(self, port, rate):
        self.url = f"http://127.0.0.1:{port}/"
        self.period = 1.0 / rate
        self.stop = threading.Event()
        self.count = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        next_at = time.monotonic()
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.url, timeout=5) as r:
                    r.read()
                self.count += 1
            except OSError:
                pass
            next_at += self.period
            self.stop.wait(max(0.0, next_at - time.monotonic()))

    def close(self):
        self.stop.set()
        self.thread.join(5)


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def gui_env(workdir):
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    # The studio's settings and data go to a scratch place, not the user's.
    env["XDG_CONFIG_HOME"] = str(workdir / "config")
    env["XDG_DATA_HOME"] = str(workdir / "data")
    return env


def wait_lines(proc, prefixes, timeout, start=None):
    """Seconds from `start` (default now) until `proc` printed a line starting with each prefix, in
    order (None for those that never came before the timeout or the exit)."""
    start = time.monotonic() if start is None else start
    result = {}

    def read():
        for line in proc.stdout:
            for prefix in prefixes:
                if prefix not in result and line.startswith(prefix):
                    result[prefix] = time.monotonic() - start
                    LAST_LINES[prefix] = line.strip()
            if len(result) == len(prefixes):
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    return [result.get(prefix) for prefix in prefixes]


LAST_LINES = {}  # prefix -> the last line read that started with it


def wait_line(proc, prefix, timeout, start=None):
    return wait_lines(proc, [prefix], timeout, start)[0]


def studio_argv(args, control, token):
    return [str(args.studio), "--attach", control, "--token-file", str(token), "--page", "monitor",
            "--telemetry-interval", "250", "--history-intervals", str(args.history_intervals), "--report-live"]


def startup(args, control, token, workdir):
    """Exec -> shown, alternated: the minimal window, the studio's engine status (its processes in the
    table) and the studio's first telemetry point (after the first, shorter interval)."""
    env = gui_env(workdir)
    status, live, minimal = [], [], []
    for _ in range(args.startup_runs):
        t0 = time.monotonic()
        p = subprocess.Popen([str(args.minimal)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env=env)
        shown = wait_line(p, "minimal window shown", 30, t0)
        p.wait(10)
        if shown is not None:
            minimal.append(shown)
        t0 = time.monotonic()
        p = subprocess.Popen(studio_argv(args, control, token), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, env=env)
        shown_status, shown_live = wait_lines(
            p, ["wsgi-studio: engine status shown", "wsgi-studio: live data shown"], 60, t0)
        p.terminate()
        p.wait(15)
        if shown_status is not None and shown_live is not None:
            status.append(shown_status)
            live.append(shown_live)
    return status, live, minimal


def report_startup(args, control, token, workdir):
    status_times, live_times, minimal_times = startup(args, control, token, workdir)
    if live_times and minimal_times:
        m = statistics.median(minimal_times)
        st, lv = statistics.median(status_times), statistics.median(live_times)
        print(f"start-up (medians of {len(live_times)}): minimal Qt window {m * 1000:.0f} ms; studio showing "
              f"the engine's processes {st * 1000:.0f} ms = {st / m:.2f}x, its first telemetry point "
              f"{lv * 1000:.0f} ms = {lv / m:.2f}x (target <= 2x)")
        print("  the studio says: " + LAST_LINES.get("wsgi-studio: live data shown", ""))
    else:
        print("start-up: not measured (a program never reported being shown)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", type=Path, default=REPO / "build" / "bin" / "wsgi-engine")
    parser.add_argument("--studio", type=Path, default=REPO / "build" / "bin" / "wsgi-studio")
    parser.add_argument("--minimal", type=Path, default=REPO / "build" / "bin" / "bench-minimal-window")
    parser.add_argument("--processes", type=int, default=16)
    parser.add_argument("--rate", type=float, default=40, help="requests/s of the light load (default 40)")
    parser.add_argument("--history-intervals", type=int, default=120)
    parser.add_argument("--measure", type=float, default=60, help="seconds of studio CPU measured (default 60)")
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--startup-only", action="store_true", help="only the start-up alternation")
    args = parser.parse_args()
    if args.quick:
        args.measure, args.startup_runs = 15, 2
    for what in (args.engine, args.studio, args.minimal):
        if not what.exists():
            raise SystemExit(f"{what} is not built (ninja -C build wsgi-engine wsgi-studio bench-minimal-window)")

    with tempfile.TemporaryDirectory(prefix="studio-monitor-bench-") as tmp:
        workdir = Path(tmp)
        engine, port, control, token = start_engine(args.engine, workdir, args.processes)
        load = LightLoad(port, args.rate)
        try:
            print(f"engine: {args.processes} processes x 1 thread, telemetry every 250 ms, light load "
                  f"{args.rate:.0f} requests/s; studio history {args.history_intervals} intervals "
                  f"({args.history_intervals / 4:.0f} s at 4 Hz)")
            if args.startup_only:
                report_startup(args, control, token, workdir)
                return
            studio = subprocess.Popen(studio_argv(args, control, token), stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True, env=gui_env(workdir))
            if wait_line(studio, "wsgi-studio: live data shown", 60) is None:
                studio.kill()
                raise SystemExit("the studio never showed live data")
            fill = args.history_intervals / 4.0
            print(f"waiting {fill:.0f} s for the studio's history to fill ...", flush=True)
            time.sleep(fill)
            rss = [(0.0, rss_mib(studio.pid))]
            c0, w0 = cpu_seconds(studio.pid), time.monotonic()
            marks = sorted({m for m in (30.0, 60.0, args.measure) if m <= args.measure})
            for mark in marks:
                time.sleep(max(0.0, w0 + mark - time.monotonic()))
                rss.append((mark, rss_mib(studio.pid)))
            c1, w1 = cpu_seconds(studio.pid), time.monotonic()
            studio.terminate()
            studio.wait(15)
            ratio = (c1 - c0) / (w1 - w0)
            print(f"studio CPU: {c1 - c0:.2f} s over {w1 - w0:.1f} s wall = {ratio:.3f} of one core "
                  f"(target <= 0.10){'' if ratio <= 0.10 else '  ABOVE TARGET'}")
            print("studio RSS once the history is full: " +
                  ", ".join(f"{m:.0f} s {r:.1f} MiB" for m, r in rss) +
                  f"  (change {rss[-1][1] - rss[0][1]:+.1f} MiB)")
            report_startup(args, control, token, workdir)
            print(f"(light load served {load.count} requests)")
        finally:
            load.close()
            engine.terminate()
            try:
                engine.wait(20)
            except subprocess.TimeoutExpired:
                engine.kill()


if __name__ == "__main__":
    main()
