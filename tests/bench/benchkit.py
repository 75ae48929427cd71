"""Generic pieces of the server benchmarks: process groups, /proc accounting, load generators.

Nothing here knows about a particular server; engine_vs_peers.py composes these. Linux only
(/proc), Python 3.11 stdlib only.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --------------------------------------------------------------------------------------------
# /proc accounting


@dataclass(frozen=True)
class ProcStat:
    pid: int
    state: str        # "Z" = zombie: dead, only waiting to be reaped
    ppid: int
    pgrp: int
    start_ticks: int  # since boot; tells a reused pid from the process we saw before
    cpu_ticks: int    # utime + stime, summed over all threads of the process
    rss_bytes: int
    threads: int
    comm: str


def read_stat(pid: int) -> ProcStat | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm is in parentheses and may itself contain spaces or parentheses: split after the last ')'.
    close = text.rindex(")")
    comm = text[text.index("(") + 1:close]
    rest = text[close + 2:].split()
    # rest[0] is field 3 (state) of proc(5); field k is rest[k - 3].
    return ProcStat(
        pid=pid, state=rest[0], ppid=int(rest[1]), pgrp=int(rest[2]), start_ticks=int(rest[19]),
        cpu_ticks=int(rest[11]) + int(rest[12]), rss_bytes=int(rest[21]) * PAGE_SIZE,
        threads=int(rest[17]), comm=comm,
    )


def all_stats() -> dict[int, ProcStat]:
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = read_stat(int(entry.name))
            if stat is not None:
                stats[stat.pid] = stat
    return stats


def process_tree(root: int) -> dict[int, ProcStat]:
    """The root, its descendants, and anything still in its process group (servers that
    double-fork or get re-parented to init stay in the group we created for them)."""
    stats = all_stats()
    children: dict[int, list[int]] = {}
    for stat in stats.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    tree: dict[int, ProcStat] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in stats and pid not in tree:
            tree[pid] = stats[pid]
            todo.extend(children.get(pid, ()))
    for stat in stats.values():
        if stat.pgrp == root and stat.pid not in tree:
            tree[stat.pid] = stat
    return tree


def pss_bytes(pid: int) -> int | None:
    """Proportional set size: shared pages divided among their sharers (pre-fork servers share a
    lot, so summed RSS overstates their footprint; PSS sums honestly)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def machine_busy_ticks() -> int:
    """All CPU time spent by anything on the machine (first line of /proc/stat), in ticks."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return user + nice + system + irq + softirq + steal


@dataclass
class TreeWindow:
    """CPU and memory of a process tree over a measured window."""
    seconds: float
    cpu_cores: float                       # (ticks spent in the window) / window, all processes
    per_process_cores: dict[int, float]
    rss_bytes_max: int                     # max over samples of the summed RSS of the tree
    pss_bytes_end: int | None
    processes: int
    lost_processes: list[int]              # pids that vanished during the window (CPU lost)
    machine_cores: float                   # whole machine busy over the window
    comm: dict[int, str]


class TreeSampler:
    """Snapshot a tree's CPU at start and end of a window, and its RSS in between (tick())."""

    def __init__(self, root: int):
        self.root = root
        self.start = process_tree(root)
        self.t0 = time.monotonic()
        self.machine0 = machine_busy_ticks()
        self.rss_max = sum(s.rss_bytes for s in self.start.values())

    def tick(self) -> None:
        tree = process_tree(self.root)
        self.rss_max = max(self.rss_max, sum(s.rss_bytes for s in tree.values()))

    def finish(self) -> TreeWindow:
        end = process_tree(self.root)
        t1 = time.monotonic()
        machine1 = machine_busy_ticks()
        seconds = t1 - self.t0
        per_process: dict[int, float] = {}
        for pid, stat in end.items():
            before = self.start.get(pid)
            if before is not None and before.start_ticks == stat.start_ticks:
                ticks = stat.cpu_ticks - before.cpu_ticks
            else:
                ticks = stat.cpu_ticks  # born inside the window: all of its CPU is in it
            per_process[pid] = ticks / CLOCK_TICKS / seconds
        lost = [pid for pid in self.start if pid not in end]
        self.rss_max = max(self.rss_max, sum(s.rss_bytes for s in end.values()))
        pss = [pss_bytes(pid) for pid in end]
        return TreeWindow(
            seconds=seconds,
            cpu_cores=sum(per_process.values()),
            per_process_cores=per_process,
            rss_bytes_max=self.rss_max,
            pss_bytes_end=None if any(p is None for p in pss) else sum(pss),
            processes=len(end),
            lost_processes=lost,
            machine_cores=(machine1 - self.machine0) / CLOCK_TICKS / seconds,
            comm={pid: stat.comm for pid, stat in end.items()},
        )


# --------------------------------------------------------------------------------------------
# Servers as process groups


class ProcessGroups:
    """Every process group this benchmark starts, so all of them die on any exit path."""

    def __init__(self) -> None:
        self.live: dict[int, subprocess.Popen] = {}

    def spawn(self, argv: list[str], *, env: dict[str, str] | None = None, cwd: str | None = None,
              log: Path | None = None) -> subprocess.Popen:
        out = open(log, "ab") if log else subprocess.DEVNULL
        try:
            # A new session makes the child the leader of its own process group: one killpg()
            # reaches every worker, and a Ctrl-C in our terminal is ours to handle, not theirs.
            proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            if log:
                out.close()
        self.live[proc.pid] = proc
        return proc

    def stop(self, proc: subprocess.Popen, stop_signal: int = signal.SIGTERM,
             grace: float = 10.0) -> list[int]:
        """Ask the leader to stop with its own signal, then SIGKILL the group and every process
        that was in its tree. Returns pids that could not be killed (should be empty)."""
        known = process_tree(proc.pid) if proc.poll() is None else {}
        if proc.poll() is None:
            try:
                os.kill(proc.pid, stop_signal)
                proc.wait(timeout=grace)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for pid, stat in known.items():
            if _alive(pid, stat.start_ticks):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.live.pop(proc.pid, None)
        # Killed children of a killed leader are zombies until init reaps them; give it a moment.
        deadline = time.monotonic() + 2.0
        while True:
            survivors = [pid for pid, stat in known.items()
                         if pid != proc.pid and _alive(pid, stat.start_ticks)]
            if not survivors or time.monotonic() > deadline:
                return survivors
            time.sleep(0.05)

    def stop_all(self) -> None:
        # SIGTERM first even here: Apache and uWSGI release IPC objects only when asked nicely.
        for proc in list(self.live.values()):
            self.stop(proc, signal.SIGTERM, grace=3.0)


def _alive(pid: int, start_ticks: int) -> bool:
    stat = read_stat(pid)
    return stat is not None and stat.start_ticks == start_ticks and stat.state != "Z"


def free_port() -> int:
    """A port nothing listens on right now (the server binds it moments later; the race with
    other programs on this host is accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_ready(proc: subprocess.Popen, port: int, path: str, timeout: float) -> str | None:
    """None once the server answers 200 on path; otherwise why not."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"exited with status {proc.returncode} before answering"
        try:
            status, _ = http_get(port, path, timeout=2.0)
            if status == 200:
                return None
            last = f"HTTP {status}"
        except OSError as error:
            last = str(error) or type(error).__name__
        time.sleep(0.1)
    return f"no 200 within {timeout:.0f} s ({last})"


APACHE_MODULES = Path("/usr/lib/apache2/modules")


def private_apache_preamble(script: str, workdir: Path, port: int, extra_modules: tuple[str, ...] = ()) -> str:
    """The head of an httpd.conf for a private Apache (nothing read from /etc/apache2): ServerRoot,
    logs and runtime files in `workdir`, the event MPM, mod_wsgi, and `extra_modules` (names such as
    "reqtimeout"), listening on 127.0.0.1:`port`. As root, Apache's children and mod_wsgi's daemon
    processes switch to www-data."""
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    modules = "".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so\n" for m in extra_modules)
    return f"""# Generated by {script}: a private Apache, nothing from /etc/apache2.
ServerRoot "{workdir}"
ServerName 127.0.0.1
PidFile "{workdir}/httpd.pid"
DefaultRuntimeDir "{workdir}"
ErrorLog "{workdir}/error.log"
LogLevel warn
Mutex file:{workdir} default
{user}LoadModule mpm_event_module {APACHE_MODULES}/mod_mpm_event.so
LoadModule authz_core_module {APACHE_MODULES}/mod_authz_core.so
{modules}LoadModule wsgi_module {APACHE_MODULES}/mod_wsgi.so
Listen 127.0.0.1:{port}
"""


def tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text[-lines:])


# --------------------------------------------------------------------------------------------
# Load generators (pluggable: the project's own generator in core/ will be a third one)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    mean_ms: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int] = field(default_factory=dict)  # kind -> count, only non-zero kinds
    client_cpu_cores: float = 0.0  # what the load generator itself burnt (it shares our cores)


class LoadGenerator(Protocol):
    name: str

    def version(self) -> str: ...

    def run(self, url: str, connections: int, seconds: int,
            on_tick: Callable[[], None] | None = None) -> LoadResult: ...


def run_client(argv: list[str], seconds: int, out_path: Path, groups: ProcessGroups,
               on_tick: Callable[[], None] | None) -> tuple[int, str, float, float]:
    """Run a load generator to completion, calling on_tick about once a second.
    Returns (exit status, stdout, wall seconds, its CPU in cores)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    # Output to a file, not a pipe: nothing can block the client while we are busy sampling.
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    groups.live[proc.pid] = proc
    try:
        deadline = t0 + seconds + 30  # bounded even if the client hangs on a dead server
        while True:
            try:
                proc.wait(timeout=1.0)
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{Path(argv[0]).name} did not finish in time")
                if on_tick:
                    on_tick()
    finally:
        groups.stop(proc, signal.SIGKILL, grace=0)
    wall = time.monotonic() - t0
    # Only this client was reaped since `before`: servers are reaped after their cell.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return proc.returncode, out_path.read_text(errors="replace"), wall, cpu / wall if wall else 0.0


# wrk calls done() once after the run; latencies are in microseconds. Printing one JSON line beats
# parsing wrk's rounded text ("4.12ms").
_WRK_DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"mean_us":%f,"max_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99)))
end
"""


class WrkLoad:
    """Closed loop: `connections` keep-alive connections, each sending its next request as soon as
    the previous answer arrives (what the seeds' "concurrency 10" means)."""

    name = "wrk"

    def __init__(self, binary: str, threads: int, workdir: Path, groups: ProcessGroups):
        self.binary = binary
        self.threads = threads
        self.script = workdir / "wrk-done.lua"
        self.script.write_text(_WRK_DONE_LUA)
        self.groups = groups

    def version(self) -> str:
        out = subprocess.run([self.binary, "-v"], capture_output=True, text=True)
        first = (out.stdout + out.stderr).strip().splitlines()[0]
        # "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer" -> "wrk debian/4.1.0-3+b2"
        return " ".join(first.split()[:2])

    def run(self, url, connections, seconds, on_tick=None):
        argv = [self.binary, f"-t{min(self.threads, connections)}", f"-c{connections}",
                f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", str(self.script), url]
        status, output, _wall, client_cores = run_client(
            argv, seconds, self.script.with_name("wrk-output.txt"), self.groups, on_tick)
        line = next((l for l in output.splitlines() if l.startswith("WRK_JSON ")), None)
        if status != 0 or line is None:
            raise RuntimeError(f"wrk failed (status {status}): {output.strip()[-300:]}")
        data = json.loads(line[len("WRK_JSON "):])
        run_seconds = data["duration_us"] / 1e6
        errors = {k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]}
        return LoadResult(
            requests=data["requests"], seconds=run_seconds,
            rps=data["requests"] / run_seconds if run_seconds > 0 else 0.0,
            mean_ms=data["mean_us"] / 1000, p50_ms=data["p50_us"] / 1000,
            p90_ms=data["p90_us"] / 1000, p99_ms=data["p99_us"] / 1000,
            max_ms=data["max_us"] / 1000, errors=errors, client_cpu_cores=client_cores,
        )


class WsgiLoadgen:
    """The project's own generator (core/loadgen, `wsgi-loadgen`), closed loop like wrk here.
    Its JSON (schema "wsgi-loadgen-result") is read from stdout; the text summary goes to stderr."""

    name = "ours"

    def __init__(self, binary: str, threads: int, workdir: Path, groups: ProcessGroups):
        self.binary = binary
        self.threads = threads
        self.out_path = workdir / "loadgen-output.json"
        self.groups = groups

    def version(self) -> str:
        return f"wsgi-loadgen ({self.binary})"

    def run(self, url, connections, seconds, on_tick=None):
        argv = [self.binary, "--url", url, "--concurrency", str(connections),
                "--threads", str(min(self.threads, connections)), "--duration", str(seconds),
                "--warmup", "0", "--json", "--quiet"]
        status, output, _wall, client_cores = run_client(argv, seconds, self.out_path,
                                                         self.groups, on_tick)
        try:
            data = json.loads(output)
        except ValueError:
            data = None
        if status != 0 or not data or data.get("schema") != "wsgi-loadgen-result":
            raise RuntimeError(f"wsgi-loadgen failed (status {status}): {output.strip()[-300:]}")
        latency = data["latency_us"]
        errors = {k: v for k, v in data["errors"].items() if k != "total" and v}
        # Like wrk's "status" errors: answers that are not success or redirect.
        bad = sum(data["status"].get(k, 0) for k in ("1xx", "4xx", "5xx", "other"))
        if bad:
            errors["status"] = bad
        return LoadResult(
            requests=data["requests"], seconds=data["duration_s"], rps=data["rate"],
            mean_ms=latency["mean"] / 1000, p50_ms=latency["p50"] / 1000,
            p90_ms=latency["p90"] / 1000, p99_ms=latency["p99"] / 1000,
            max_ms=latency["max"] / 1000, errors=errors, client_cpu_cores=client_cores,
        )


LOAD_GENERATORS = ("wrk", "ours")  # engine_vs_peers.make_load_generator builds them
