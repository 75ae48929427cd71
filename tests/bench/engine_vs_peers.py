#!/usr/bin/python3
"""Our engine against Debian's gunicorn, uWSGI and Apache + mod_wsgi, on the seeds' workload.

Reproduces the tables of seeds/switch-interval-benchmark.txt and seeds/free-threading-benchmark.txt
on this machine, side by side in one run: the same WSGI application (resources/apps/workload.py,
~3 ms CPU + ~1 ms wait + 1 KB body) at concurrency 10, in the seeds' shapes, under every server,
and a trivial application for each server's own per-request cost. Numbers are printed with the
physical limit of the machine (cores / CPU seconds per request, measured in this run on the same
Python), and a few ratios. It is a benchmark, not a test: it never fails on a number.

    /usr/bin/python3 tests/bench/engine_vs_peers.py [--quick] [--only gunicorn,uwsgi] [--json out.json]

See tests/bench/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchkit  # noqa: E402  (sibling module; this script is run by path, not installed)

REPO = Path(__file__).resolve().parents[2]
APPS = REPO / "resources" / "apps"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's peers are built for it; never the pyenv on PATH
RUNTIME_PYTHONS = {
    "system": SYSTEM_PYTHON,
    "3.13": "/opt/wsgi-studio/python/3.13/bin/python3",
    "3.13t": "/opt/wsgi-studio/python/3.13t/bin/python3",
}
APACHE = "/usr/sbin/apache2"
APACHE_MODULES = benchkit.APACHE_MODULES


# --------------------------------------------------------------------------------------------
# Shapes: the seeds' configurations


@dataclass(frozen=True)
class Shape:
    key: str
    processes: int
    threads: int
    switch_interval: float | None = None  # None: leave Python's default (5 ms)
    runtime: str = "system"               # key of RUNTIME_PYTHONS
    free_threading: bool = False
    app: str = "workload"                 # module in resources/apps
    engine_only: bool = False             # peers cannot run other runtimes than Debian's

    def label(self) -> str:
        text = f"{self.processes} × {self.threads}"
        if self.switch_interval is not None:
            text += f", {self.switch_interval * 1000:g} ms"
        if self.runtime != "system":
            text += f", {self.runtime}"
            text += " free-threaded" if self.free_threading else " GIL"
        if self.app != "workload":
            text += f", {self.app} app"
        return text


SHAPES = {s.key: s for s in (
    Shape("10x1", 10, 1),
    Shape("2x5", 2, 5),
    Shape("1x10", 1, 10),
    Shape("2x5-si", 2, 5, switch_interval=0.0001),
    # The free-threading seed's headline: one process, ten threads, no GIL ...
    Shape("1x10-ft", 1, 10, runtime="3.13t", free_threading=True, engine_only=True),
    # ... against ten single-thread processes on the same build. Without WSGIFreeThreading the GIL
    # stays on, as mod_wsgi 6 does on a free-threaded build unless told otherwise.
    Shape("10x1-t", 10, 1, runtime="3.13t", engine_only=True),
    # Server overhead: a couple of single-thread processes, tuned for throughput on 2 cores.
    Shape("trivial", 2, 1, app="trivial"),
)}


# --------------------------------------------------------------------------------------------
# Servers


class Server:
    name = ""
    title = ""
    stop_signal = signal.SIGTERM

    def unavailable(self, shape: Shape) -> str | None:
        return None

    def version(self) -> str:
        return ""

    def launch(self, shape: Shape, port: int, workdir: Path, env: dict[str, str],
               groups: benchkit.ProcessGroups) -> "subprocess.Popen":
        raise NotImplementedError

    # Peers have no switch-interval option; workload.py applies it from the environment.
    applies_switch_interval_itself = False


def _first_line(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    text = (out.stdout + out.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


class Engine(Server):
    name, title = "engine", "ours"
    applies_switch_interval_itself = True

    def __init__(self, binary: Path, dispatch: str):
        self.binary = binary
        self.dispatch = dispatch

    def unavailable(self, shape):
        if not (self.binary.is_file() and os.access(self.binary, os.X_OK)):
            return f"no engine binary at {self.binary} (not built yet?)"
        python = RUNTIME_PYTHONS[shape.runtime]
        if shape.runtime != "system" and not os.access(python, os.X_OK):
            return f"runtime {shape.runtime} not installed ({python} missing)"
        return None

    def version(self):
        if not self.binary.is_file():
            return "not built"
        return _first_line([str(self.binary), "--version"])

    def config(self, shape: Shape) -> str:
        options = f"processes={shape.processes} threads={shape.threads}"
        if shape.switch_interval is not None:
            options += f" switch-interval={shape.switch_interval:g}"
        if shape.runtime != "system":
            options += f" python={shape.runtime}"
        lines = [
            "# Generated by tests/bench/engine_vs_peers.py",
            f"WSGIDaemonProcess bench {options}",
            f"WSGIScriptAlias / {APPS / (shape.app + '.py')} process-group=bench "
            "application-group=%{GLOBAL}",
        ]
        if shape.free_threading:
            lines.append("WSGIFreeThreading On")
        return "\n".join(lines) + "\n"

    def launch(self, shape, port, workdir, env, groups):
        conf = workdir / "engine.conf"
        conf.write_text(self.config(shape))
        return groups.spawn([str(self.binary), "--config", str(conf), "--listen",
                             f"127.0.0.1:{port}", "--dispatch", self.dispatch], env=env, cwd=str(workdir),
                            log=workdir / "server.log")


class Gunicorn(Server):
    name, title = "gunicorn", "gunicorn"

    def version(self):
        return "gunicorn " + _first_line(
            [SYSTEM_PYTHON, "-c", "import gunicorn; print(gunicorn.__version__)"])

    def launch(self, shape, port, workdir, env, groups):
        # sync workers serve one request at a time (no keep-alive); gthread is gunicorn's threaded
        # worker. This is how gunicorn's docs pair them with --threads.
        worker = "gthread" if shape.threads > 1 else "sync"
        argv = [SYSTEM_PYTHON, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                "--workers", str(shape.processes), "--threads", str(shape.threads),
                "--worker-class", worker, "--chdir", str(APPS), "--log-level", "warning",
                "--worker-tmp-dir", "/dev/shm", f"{shape.app}:application"]
        return groups.spawn(argv, env=env, cwd=str(workdir), log=workdir / "server.log")


class Uwsgi(Server):
    name, title = "uwsgi", "uWSGI"

    def version(self):
        return "uWSGI " + _first_line(["uwsgi", "--version"])

    def launch(self, shape, port, workdir, env, groups):
        # --http11-socket: keep-alive like the other servers (plain --http-socket closes every
        # connection, which would measure connection setup instead of the application).
        argv = ["uwsgi", "--http11-socket", f"127.0.0.1:{port}", "--plugin", "python3",
                "--master", "--processes", str(shape.processes),
                "--wsgi-file", str(APPS / f"{shape.app}.py"),
                "--single-interpreter",  # the main interpreter, as application-group=%{GLOBAL}
                "--need-app", "--disable-logging",
                "--die-on-term"]  # uWSGI 2.0 otherwise treats SIGTERM as "reload"
        if shape.threads > 1:
            argv += ["--threads", str(shape.threads)]
        return groups.spawn(argv, env=env, cwd=str(workdir), log=workdir / "server.log")


class Apache(Server):
    name, title = "apache", "Apache mod_wsgi"

    def unavailable(self, shape):
        if not os.access(APACHE, os.X_OK):
            return f"{APACHE} not installed"
        if not (APACHE_MODULES / "mod_wsgi.so").exists():
            return "mod_wsgi.so not installed (libapache2-mod-wsgi-py3)"
        return None

    def version(self):
        server = _first_line([APACHE, "-v"]).replace("Server version: ", "")
        wsgi = _first_line(["dpkg-query", "-W", "-f", "${Version}", "libapache2-mod-wsgi-py3"])
        return f"{server}, mod_wsgi {wsgi}"

    def config(self, shape: Shape, port: int, workdir: Path) -> str:
        # As root, Apache's children and mod_wsgi's daemon processes switch to www-data; the
        # workload's files and our temp dirs are world-readable for that reason.
        app = APPS / f"{shape.app}.py"
        return benchkit.private_apache_preamble("tests/bench/engine_vs_peers.py", workdir, port) + f"""
# Keep-alive like the other servers; one event-MPM child with 32 threads is far more than 10
# connections need, so the front end is never what limits the daemon processes.
KeepAlive On
MaxKeepAliveRequests 0
StartServers 1
ServerLimit 1
ThreadLimit 32
ThreadsPerChild 32
MaxRequestWorkers 32
MinSpareThreads 1
MaxSpareThreads 32

# Python only in the daemon processes (as in our engine and the seeds).
WSGIRestrictEmbedded On
WSGISocketPrefix "{workdir}/wsgi"
WSGIDaemonProcess bench processes={shape.processes} threads={shape.threads} display-name=%{{GROUP}}
WSGIScriptAlias / "{app}" process-group=bench application-group=%{{GLOBAL}}
<Directory "{app.parent}">
    Require all granted
</Directory>
"""

    def launch(self, shape, port, workdir, env, groups):
        conf = workdir / "httpd.conf"
        conf.write_text(self.config(shape, port, workdir))
        return groups.spawn([APACHE, "-d", str(workdir), "-f", str(conf), "-DFOREGROUND"],
                            env=env, cwd=str(workdir), log=workdir / "server.log")


# --------------------------------------------------------------------------------------------
# Physical limit


def measure_cpu_per_request(python: str, requests: int, env: dict[str, str]) -> dict:
    """workload.py --measure-cpu on `python`: CPU seconds per request with no server at all."""
    out = subprocess.run([python, str(APPS / "workload.py"), "--measure-cpu", str(requests)],
                         capture_output=True, text=True, env=env, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"{python} workload.py --measure-cpu failed: {out.stderr.strip()[-300:]}")
    return json.loads(out.stdout)


@dataclass
class Limit:
    runtime: str
    python: str
    version: str
    samples: list[float]  # CPU seconds per request, measured at the start and at the end
    cores: int

    @property
    def cpu_per_request(self) -> float:
        return statistics.fmean(self.samples)

    @property
    def rps(self) -> float:
        return self.cores / self.cpu_per_request


# --------------------------------------------------------------------------------------------
# One cell: one server in one shape


def clean_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WORKLOAD_", "TRIVIAL_", "PYTHON"))}
    # PYTHONHOME/PYTHONPATH from a pyenv shell would point embedded interpreters elsewhere.
    return env


def run_cell(server: Server, shape: Shape, args, load: benchkit.LoadGenerator,
             groups: benchkit.ProcessGroups, rundir: Path) -> dict:
    cell = {"server": server.name, "shape": shape.key, "config": shape.label(),
            "runtime": shape.runtime, "status": "ok", "warnings": []}
    reason = server.unavailable(shape)
    if reason:
        cell.update(status="not available", reason=reason)
        return cell

    workdir = Path(tempfile.mkdtemp(prefix=f"{server.name}-{shape.key}-", dir=rundir))
    workdir.chmod(0o755)  # mod_wsgi daemons run as www-data and need to reach their socket
    marks = workdir / "marks"
    marks.mkdir()
    marks.chmod(0o1777)
    env = clean_environment()
    env["WORKLOAD_MARK_DIR"] = str(marks)
    if shape.switch_interval is not None and not server.applies_switch_interval_itself:
        env["WORKLOAD_SWITCH_INTERVAL"] = repr(shape.switch_interval)

    port = benchkit.free_port()
    cell["port"] = port
    ready_path = "/?cpu_ms=0&wait_ms=0" if shape.app == "workload" else "/"
    proc = None
    try:
        proc = server.launch(shape, port, workdir, env, groups)
        why = benchkit.wait_until_ready(proc, port, ready_path, timeout=args.start_timeout)
        if why:
            log = benchkit.tail(workdir / "server.log") or benchkit.tail(workdir / "error.log")
            cell.update(status="not available" if server.name == "engine" else "failed",
                        reason=f"server {why}" + (f": {log}" if log else ""))
            return cell
        if shape.app == "workload":
            cell["served_by"] = served_by = fetch_info(port)
            cell["warnings"] += verify_runtime(shape, served_by)

        if args.warmup > 0:  # excluded: first imports, lazy daemon start, caches
            load.run(f"http://127.0.0.1:{port}/", args.connections, args.warmup)

        sampler = benchkit.TreeSampler(proc.pid)
        result = load.run(f"http://127.0.0.1:{port}/", args.connections, args.duration,
                          on_tick=sampler.tick)
        window = sampler.finish()
    except Exception as error:  # one broken cell must not stop the peers from being measured
        cell.update(status="failed", reason=f"{type(error).__name__}: {error}")
        return cell
    finally:
        if proc is not None:
            survivors = groups.stop(proc, server.stop_signal)
            if survivors:
                cell["warnings"].append(f"processes survived the stop: {survivors}")

    app_pids = [int(p.name) for p in marks.iterdir() if p.name.isdigit()]
    app_pids = [pid for pid in app_pids if pid in window.per_process_cores]
    source = "marks"
    if not app_pids:
        # The server did not pass our environment to its workers: take the busiest processes.
        ranked = sorted(window.per_process_cores, key=window.per_process_cores.get, reverse=True)
        app_pids, source = ranked[:shape.processes], "busiest processes (estimate)"
    if len(app_pids) != shape.processes:
        cell["warnings"].append(f"{len(app_pids)} processes served the app, "
                                f"{shape.processes} configured")
    per_app = [window.per_process_cores[pid] for pid in app_pids]

    cell.update(
        requests=result.requests, seconds=result.seconds, rps=result.rps, rpm=result.rps * 60,
        mean_ms=result.mean_ms, p50_ms=result.p50_ms, p90_ms=result.p90_ms,
        p99_ms=result.p99_ms, max_ms=result.max_ms, errors=result.errors,
        cpu_total=window.cpu_cores, cpu_per_proc=statistics.fmean(per_app) if per_app else None,
        app_processes=len(app_pids), app_processes_source=source, processes=window.processes,
        rss_mb=window.rss_bytes_max / 2**20,
        pss_mb=None if window.pss_bytes_end is None else window.pss_bytes_end / 2**20,
        client_cpu=result.client_cpu_cores, machine_cpu=window.machine_cores,
        background_cpu=max(0.0, window.machine_cores - window.cpu_cores - result.client_cpu_cores),
        rps_per_core=result.rps / window.cpu_cores if window.cpu_cores > 0 else None,
        # Server CPU per request: efficiency, much less sensitive to a noisy host than rps.
        server_cpu_ms_per_request=(window.cpu_cores / result.rps * 1000) if result.rps else None,
        per_process={f"{pid} {window.comm.get(pid, '')}": cores
                     for pid, cores in sorted(window.per_process_cores.items())},
    )
    if result.errors:
        cell["warnings"].append("load errors: " + ", ".join(f"{k} {v}" for k, v in
                                                            result.errors.items()))
    if window.lost_processes:
        cell["warnings"].append(f"processes exited during the window: {window.lost_processes}")
    return cell


def fetch_info(port: int) -> dict:
    try:
        status, body = benchkit.http_get(port, "/?info=1")
        return json.loads(body) if status == 200 else {"error": f"HTTP {status}"}
    except (OSError, ValueError) as error:
        return {"error": str(error)}


def verify_runtime(shape: Shape, info: dict) -> list[str]:
    """Warnings when what serves the requests is not what the shape asked for."""
    if "error" in info:
        return [f"could not ask the app what runs it: {info['error']}"]
    warnings = []
    wanted = shape.switch_interval if shape.switch_interval is not None else 0.005
    if not shape.free_threading and abs(info.get("switch_interval", 0) - wanted) > 1e-9:
        warnings.append(f"switch interval is {info.get('switch_interval')}, wanted {wanted}")
    if shape.free_threading and info.get("gil_enabled", True):
        warnings.append("the GIL is enabled: this is not a free-threaded run")
    if shape.runtime == "3.13t" and not info.get("free_threaded_build"):
        warnings.append(f"served by Python {info.get('python')}, not a free-threaded build")
    if shape.runtime == "system" and info.get("free_threaded_build"):
        warnings.append("served by a free-threaded build, not the system Python")
    return warnings


# --------------------------------------------------------------------------------------------
# Report


def fmt(value, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Markdown-style table. A row of 3 cells is a "not available" row: its third cell is written
    across the numeric columns instead of widening the first of them."""
    full = [r for r in rows if len(r) == len(headers)]
    widths = [max([len(h)] + [len(r[i]) for r in full]) for i, h in enumerate(headers)]
    for r in rows:
        if len(r) != len(headers):
            widths[0], widths[1] = max(widths[0], len(r[0])), max(widths[1], len(r[1]))

    def line(cells):
        if len(cells) != len(headers):
            return f"| {cells[0].ljust(widths[0])} | {cells[1].ljust(widths[1])} | {cells[2]}"
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def _unavailable_row(cell: dict, columns: int) -> list[str]:
    return [cell["title"], cell["config"], f"{cell['status']}: {cell.get('reason', '')}"]


NOISY_CORES = 0.25  # other processes' CPU during a window above which a row is marked "~"


def _flags(cell: dict) -> str:
    return ((" !" if cell["warnings"] else "")
            + (" ~" if cell.get("background_cpu", 0) > NOISY_CORES else ""))


def workload_table(cells: list[dict]) -> str:
    headers = ["Server", "Config", "rpm", "rps", "response ms", "p99 ms", "CPU/proc",
               "CPU total", "RSS MB", "of limit"]
    rows = []
    for c in cells:
        if c["status"] != "ok":
            rows.append(_unavailable_row(c, len(headers)))
            continue
        flag = _flags(c)
        rows.append([c["title"], c["config"] + flag, f"{c['rpm'] / 1000:.1f}k", f"{c['rps']:.0f}",
                     f"{c['mean_ms']:.2f}", f"{c['p99_ms']:.2f}",
                     fmt(c["cpu_per_proc"], ".2f"), f"{c['cpu_total']:.2f}", f"{c['rss_mb']:.0f}",
                     fmt(c.get("of_limit"), ".0%")])
    return table(headers, rows)


def trivial_table(cells: list[dict]) -> str:
    headers = ["Server", "Config", "rps", "response ms", "p99 ms", "CPU total", "rps per core",
               "RSS MB"]
    rows = []
    for c in cells:
        if c["status"] != "ok":
            rows.append(_unavailable_row(c, len(headers)))
            continue
        flag = _flags(c)
        rows.append([c["title"], c["config"] + flag, f"{c['rps']:.0f}", f"{c['mean_ms']:.2f}",
                     f"{c['p99_ms']:.2f}", f"{c['cpu_total']:.2f}",
                     fmt(c["rps_per_core"], ".0f"), f"{c['rss_mb']:.0f}"])
    return table(headers, rows)


def ratio(a, b):
    return None if a is None or not b else a / b


def compute_ratios(cells: dict[tuple[str, str], dict], limits: dict[str, Limit]) -> dict:
    def ok(server, shape):
        cell = cells.get((server, shape))
        return cell if cell and cell["status"] == "ok" else None

    def get(server, shape, key):
        cell = ok(server, shape)
        return cell.get(key) if cell else None

    peers = ("gunicorn", "uwsgi", "apache")
    best_peer = max((p for p in peers if ok(p, "10x1")), key=lambda p: get(p, "10x1", "rps"),
                    default=None)
    ratios = {
        "ours_10x1_vs_limit": get("engine", "10x1", "of_limit"),
        "best_peer_10x1": best_peer,
        "ours_10x1_vs_best_peer_10x1": ratio(get("engine", "10x1", "rps"),
                                              get(best_peer, "10x1", "rps") if best_peer else None),
        "ours_ft_1x10_vs_ours_10x1_313t_throughput": ratio(get("engine", "1x10-ft", "rps"),
                                                           get("engine", "10x1-t", "rps")),
        "ours_ft_1x10_vs_ours_10x1_313t_rss": ratio(get("engine", "1x10-ft", "rss_mb"),
                                                    get("engine", "10x1-t", "rss_mb")),
        "trivial_rps_per_core_ours_vs_gunicorn": ratio(get("engine", "trivial", "rps_per_core"),
                                                       get("gunicorn", "trivial", "rps_per_core")),
        "trivial_rps_per_core_ours_vs_uwsgi": ratio(get("engine", "trivial", "rps_per_core"),
                                                    get("uwsgi", "trivial", "rps_per_core")),
        "per_server": {},
    }
    for server in ("engine",) + peers:
        base = get(server, "10x1", "rps")
        ratios["per_server"][server] = {
            "10x1_vs_limit": get(server, "10x1", "of_limit"),
            "2x5_vs_10x1": ratio(get(server, "2x5", "rps"), base),
            "2x5-si_vs_10x1": ratio(get(server, "2x5-si", "rps"), base),
            "1x10_vs_10x1": ratio(get(server, "1x10", "rps"), base),
        }
    return ratios


def ratios_text(r: dict, titles: dict[str, str]) -> str:
    def show(value, spec=".2f"):
        return "n/a" if value is None else format(value, spec)

    best = titles.get(r["best_peer_10x1"], "none measured")
    pairs = [
        ("ours 10x1 / physical limit", show(r["ours_10x1_vs_limit"], ".0%")),
        (f"ours 10x1 / best peer 10x1 ({best})", show(r["ours_10x1_vs_best_peer_10x1"])),
        ("ours 1x10 3.13t free-threaded / ours 10x1 3.13t",
         f"throughput {show(r['ours_ft_1x10_vs_ours_10x1_313t_throughput'])}, "
         f"RSS {show(r['ours_ft_1x10_vs_ours_10x1_313t_rss'])}"),
        ("trivial rps per core, ours / gunicorn",
         show(r["trivial_rps_per_core_ours_vs_gunicorn"])),
        ("trivial rps per core, ours / uWSGI", show(r["trivial_rps_per_core_ours_vs_uwsgi"])),
    ]
    width = max(len(label) for label, _ in pairs) + 2
    lines = ["Ratios (same run, same machine):"]
    lines += [f"  {(label + ':').ljust(width)}{value}" for label, value in pairs]
    lines += [
        "",
        "Shape ratios, each server against its own 10x1 (seed articles, on a larger machine: "
        "2x5 0.28, 2x5 0.1 ms 0.90):",
    ]
    rows = []
    for server, values in r["per_server"].items():
        if all(v is None for v in values.values()):
            continue
        rows.append([titles[server], show(values["10x1_vs_limit"], ".0%"),
                     show(values["2x5_vs_10x1"]), show(values["2x5-si_vs_10x1"]),
                     show(values["1x10_vs_10x1"])])
    if not rows:
        lines.append("  n/a (no server has its 10x1 cell in this run)")
    else:
        lines.append(table(["Server", "10x1 of limit", "2x5 / 10x1", "2x5 0.1 ms / 10x1",
                            "1x10 / 10x1"], rows))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark our engine against gunicorn, uWSGI and Apache mod_wsgi "
                    "(the seeds' workload, concurrency 10).")
    parser.add_argument("--duration", type=int, default=10, help="measured seconds per cell")
    parser.add_argument("--warmup", type=int, default=3, help="excluded warm-up seconds per cell")
    parser.add_argument("--quick", action="store_true", help="3 s measure, 2 s warm-up")
    parser.add_argument("--only", help="servers: " + ",".join(s for s in SERVER_NAMES))
    parser.add_argument("--shapes", help="shapes: " + ",".join(SHAPES))
    parser.add_argument("--engine", type=Path, default=REPO / "build" / "bin" / "wsgi-engine",
                        help="path of wsgi-engine (default: build/bin/wsgi-engine)")
    parser.add_argument("--engine-dispatch", choices=["auto", "proxy", "direct"], default="auto",
                        help="how our engine hands requests to its workers (default auto: direct "
                             "when one daemon group serves everything, as in every cell here)")
    parser.add_argument("--json", type=Path, help="save every number to this file")
    parser.add_argument("--load", choices=sorted(benchkit.LOAD_GENERATORS), default="wrk",
                        help="load generator")
    parser.add_argument("--wrk", default="wrk", help="wrk binary")
    parser.add_argument("--loadgen", type=Path, default=REPO / "build" / "bin" / "wsgi-loadgen",
                        help="our load generator, for --load ours")
    parser.add_argument("--connections", type=int, default=10, help="concurrency (seeds: 10)")
    parser.add_argument("--load-threads", type=int, default=2, help="load generator threads")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds over all cells; each cell reports its median-rps round")
    parser.add_argument("--measure-requests", type=int, default=300,
                        help="in-process requests for the CPU-per-request measurement")
    parser.add_argument("--start-timeout", type=float, default=30.0,
                        help="seconds a server may take to answer its first request")
    parser.add_argument("--settle", type=float, default=0.0,
                        help="before each cell, wait up to this many seconds for the rest of the "
                             "machine to go (nearly) idle; 0 = do not wait")
    parser.add_argument("--keep-temp", action="store_true", help="keep configs and logs")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3, 2
    if args.duration < 1 or args.warmup < 0 or args.repeat < 1 or args.connections < 1:
        parser.error("--duration, --repeat and --connections must be >= 1, --warmup >= 0")
    args.servers = _pick(parser, args.only, SERVER_NAMES, "--only")
    args.shape_keys = _pick(parser, args.shapes, list(SHAPES), "--shapes")
    return args


def _pick(parser, text, known, option):
    if not text:
        return list(known)
    chosen = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [c for c in chosen if c not in known]
    if unknown:
        parser.error(f"{option}: unknown {', '.join(unknown)}; choose from {', '.join(known)}")
    return [k for k in known if k in chosen]  # keep the canonical order


SERVER_NAMES = ["engine", "gunicorn", "uwsgi", "apache"]


def make_load_generator(args, workdir: Path, groups) -> benchkit.LoadGenerator:
    # wrk is the reference; "ours" is core/loadgen's wsgi-loadgen, the same closed loop.
    if args.load == "wrk":
        return benchkit.WrkLoad(args.wrk, args.load_threads, workdir, groups)
    if args.load == "ours":
        return benchkit.WsgiLoadgen(str(args.loadgen), args.load_threads, workdir, groups)
    raise SystemExit(f"unknown load generator {args.load!r}")


def make_servers(args) -> dict[str, Server]:
    all_servers = {"engine": Engine(args.engine, args.engine_dispatch), "gunicorn": Gunicorn(), "uwsgi": Uwsgi(),
                   "apache": Apache()}
    return {name: all_servers[name] for name in args.servers}


def plan(servers: dict[str, Server], shape_keys: list[str]) -> list[tuple[Server, Shape]]:
    # Shape-major order: every server meets the machine's noise of the same minutes.
    cells = []
    for key in shape_keys:
        shape = SHAPES[key]
        for server in servers.values():
            if shape.engine_only and server.name != "engine":
                continue
            cells.append((server, shape))
    return cells


def machine_description() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)),
            "kernel": platform.release(), "loadavg_start": os.getloadavg()}


QUIET_CORES = 0.2


def wait_for_quiet(max_wait: float) -> float:
    """Wait (bounded) until other processes use under QUIET_CORES; returns the last reading.
    Between cells nothing of ours runs, so all busy time then is someone else's."""
    deadline = time.monotonic() + max_wait
    while True:
        before = benchkit.machine_busy_ticks()
        time.sleep(1.0)
        busy = (benchkit.machine_busy_ticks() - before) / benchkit.CLOCK_TICKS
        if busy < QUIET_CORES or time.monotonic() >= deadline:
            return busy


def measure_limits(args, runtimes: list[str], env) -> dict[str, Limit]:
    limits = {}
    for runtime in runtimes:
        python = RUNTIME_PYTHONS[runtime]
        if not os.access(python, os.X_OK):
            continue
        try:
            data = measure_cpu_per_request(python, args.measure_requests, env)
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as error:
            print(f"  limit for {runtime}: {error}", file=sys.stderr)
            continue
        limits[runtime] = Limit(runtime, python, data["python"] +
                                (" free-threaded" if data.get("free_threaded_build") else ""),
                                [data["cpu_seconds_per_request"]], os.cpu_count() or 1)
    return limits


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.load == "wrk" and shutil.which(args.wrk) is None:
        print(f"error: load generator {args.wrk!r} not found (apt-get install wrk)",
              file=sys.stderr)
        return 2
    if args.load == "ours" and not os.access(args.loadgen, os.X_OK):
        print(f"error: no wsgi-loadgen at {args.loadgen} (build it, or --loadgen PATH)",
              file=sys.stderr)
        return 2
    servers = make_servers(args)
    cells_planned = plan(servers, args.shape_keys)
    groups = benchkit.ProcessGroups()

    def terminate(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)

    rundir = Path(tempfile.mkdtemp(prefix="wsgi-bench-"))
    rundir.chmod(0o755)
    try:
        return run(args, servers, cells_planned, groups, rundir)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping every server started", file=sys.stderr)
        return 130
    finally:
        groups.stop_all()
        if args.keep_temp:
            print(f"configs and logs kept in {rundir}", file=sys.stderr)
        else:
            shutil.rmtree(rundir, ignore_errors=True)


def run(args, servers, cells_planned, groups, rundir) -> int:
    load = make_load_generator(args, rundir, groups)
    env = clean_environment()
    started = datetime.datetime.now().astimezone()
    meta = {"started": started.isoformat(timespec="seconds"), "machine": machine_description(),
            "load_generator": f"{load.version()}, {args.load_threads} threads, "
                              f"{args.connections} connections",
            "duration_s": args.duration, "warmup_s": args.warmup, "repeat": args.repeat,
            "servers": {name: s.version() for name, s in servers.items()}}
    per_cell = args.warmup + args.duration + 2
    estimate = len(cells_planned) * args.repeat * per_cell
    print(f"# engine_vs_peers: {len(cells_planned)} cells x {args.repeat} round(s), "
          f"~{estimate / 60:.1f} min; machine: {meta['machine']['cores']} x "
          f"{meta['machine']['cpu']}, load {meta['machine']['loadavg_start'][0]:.2f}",
          file=sys.stderr)

    runtimes = sorted({shape.runtime for _, shape in cells_planned if shape.app == "workload"})
    limits = measure_limits(args, runtimes, env)
    for limit in limits.values():
        print(f"  limit {limit.runtime}: {limit.cpu_per_request * 1000:.3f} ms CPU per request "
              f"-> {limit.rps:.0f} rps", file=sys.stderr)

    runs: dict[tuple[str, str], list[dict]] = {}
    total = len(cells_planned) * args.repeat
    done = 0
    for round_no in range(args.repeat):
        for server, shape in cells_planned:
            done += 1
            if args.settle > 0 and server.unavailable(shape) is None:
                busy = wait_for_quiet(args.settle)
                if busy >= QUIET_CORES:
                    print(f"      machine still busy ({busy:.2f} cores) after {args.settle:g} s; "
                          "measuring anyway", file=sys.stderr)
            cell = run_cell(server, shape, args, load, groups, rundir)
            cell["round"] = round_no + 1
            runs.setdefault((server.name, shape.key), []).append(cell)
            summary = (f"{cell['rps']:.0f} rps, server {cell['cpu_total']:.2f} cores, "
                       f"wrk {cell['client_cpu']:.2f}, other {cell['background_cpu']:.2f}"
                       if cell["status"] == "ok" else f"{cell['status']}: {cell.get('reason')}")
            print(f"  [{done}/{total}] {server.title} {shape.label()}: {summary}",
                  file=sys.stderr)
            for warning in cell["warnings"]:
                print(f"      warning: {warning}", file=sys.stderr)

    # The end-of-run measurement catches drift (a colleague's build starting, thermal limits).
    for runtime, again in measure_limits(args, list(limits), env).items():
        limits[runtime].samples += again.samples

    cells: dict[tuple[str, str], dict] = {}
    for key, attempts in runs.items():
        good = [c for c in attempts if c["status"] == "ok"]
        if good:
            good.sort(key=lambda c: c["rps"])
            cell = dict(good[(len(good) - 1) // 2])
            cell["rps_rounds"] = [c["rps"] for c in attempts if c["status"] == "ok"]
        else:
            cell = attempts[-1]
        cell["title"] = servers[cell["server"]].title
        limit = limits.get(SHAPES[cell["shape"]].runtime)
        if cell["status"] == "ok" and SHAPES[cell["shape"]].app == "workload" and limit:
            cell["limit_rps"] = limit.rps
            cell["of_limit"] = cell["rps"] / limit.rps
        cells[key] = cell

    ordered = [cells[(s.name, sh.key)] for s in servers.values() for sh in SHAPES.values()
               if (s.name, sh.key) in cells]
    workload_cells = [c for c in ordered if SHAPES[c["shape"]].app == "workload"]
    trivial_cells = [c for c in ordered if SHAPES[c["shape"]].app != "workload"]
    titles = {name: s.title for name, s in servers.items()} | {
        "engine": "ours", "gunicorn": "gunicorn", "uwsgi": "uWSGI", "apache": "Apache mod_wsgi"}
    ratios = compute_ratios(cells, limits)

    print_report(meta, limits, workload_cells, trivial_cells, ratios, titles, args)

    if args.json:
        document = {"meta": meta, "limits": {k: asdict(v) | {"rps": v.rps,
                                                             "cpu_per_request": v.cpu_per_request}
                                             for k, v in limits.items()},
                    "cells": ordered, "rounds": {f"{k[0]} {k[1]}": v for k, v in runs.items()},
                    "ratios": ratios}
        args.json.write_text(json.dumps(document, indent=1, default=str) + "\n")
        print(f"saved {args.json}", file=sys.stderr)

    measured = any(c["status"] == "ok" for c in ordered)
    return 0 if measured else 1


def print_report(meta, limits, workload_cells, trivial_cells, ratios, titles, args) -> None:
    machine = meta["machine"]
    print(f"# Engine vs peers, {meta['started']}")
    print(f"machine: {machine['cores']} cores ({machine['affinity']} usable), {machine['cpu']}, "
          f"Linux {machine['kernel']}; load: {meta['load_generator']}, "
          f"{args.warmup} s warm-up + {args.duration} s measured per cell, "
          f"{args.repeat} round(s)")
    for name, version in meta["servers"].items():
        print(f"  {titles[name]}: {version}")
    print()
    for limit in limits.values():
        samples = ", ".join(f"{s * 1000:.3f}" for s in limit.samples)
        print(f"Physical limit, Python {limit.version} ({limit.python}): {limit.cores} cores / "
              f"{limit.cpu_per_request * 1000:.3f} ms CPU per request (start, end: {samples}) "
              f"= {limit.rps:.0f} rps = {limit.rps * 60 / 1000:.1f}k rpm")
    if not limits:
        print("Physical limit: not measured")
    print()
    if workload_cells:
        print("Workload (~3 ms CPU + ~1 ms wait + 1 KB), concurrency "
              f"{args.connections}:")
        print(workload_table(workload_cells))
        print()
    if trivial_cells:
        print(f"Trivial app (1 KB, no work), concurrency {args.connections}:")
        print(trivial_table(trivial_cells))
        print()
    flagged = [c for c in workload_cells + trivial_cells if c["status"] == "ok" and c["warnings"]]
    for c in flagged:
        print(f"! {c['title']} {c['config']}: " + "; ".join(c["warnings"]))
    measured = [c for c in workload_cells + trivial_cells if c["status"] == "ok"]
    if measured:
        client = statistics.fmean(c["client_cpu"] for c in measured)
        other = [c["background_cpu"] for c in measured]
        noisiest = max(measured, key=lambda c: c["background_cpu"])
        print(f"Load generator CPU: mean {client:.2f} cores (it shares the machine with the "
              f"servers). Other processes on the host: mean {statistics.fmean(other):.2f} cores, "
              f"max {max(other):.2f} ({noisiest['title']} {noisiest['config']})"
              + ("\n~ marks cells measured while other processes used more than "
                 f"{NOISY_CORES} cores: rerun (--repeat, --settle) before trusting them"
                 if max(other) > NOISY_CORES else ""))
        print()
    print(ratios_text(ratios, titles))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
