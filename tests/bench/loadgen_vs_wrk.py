#!/usr/bin/env python3
"""Our load generator (wsgi-loadgen, core/loadgen) against wrk, side by side in one run.

Both tools hit the same fast server (loadgen-test-server: fixed 1 KiB answer, keep-alive, epoll)
with the same connections and threads, in alternating order (wrk, ours, ours, wrk, ...), so slow
drifts of a shared machine hit both alike. Prints every run, the median requests per second of each
tool and the ratio ours/wrk, plus client CPU per request (from wait4 rusage), which is less
sensitive to other tenants than throughput is. Not a pass/fail test (DESIGN.md, "Measuring
performance honestly"); the goal is ours/wrk >= 0.9.

    /usr/bin/python3 tests/bench/loadgen_vs_wrk.py                     # 5 rounds, 5 s each
    /usr/bin/python3 tests/bench/loadgen_vs_wrk.py --connections 100 --threads 2 --rounds 3
    /usr/bin/python3 tests/bench/loadgen_vs_wrk.py --build-dir build-asan --json out.json

Needs `wrk` and the build's bin/wsgi-loadgen and bin/loadgen-test-server (tests/integration/loadgen).
Stdlib only.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_server(binary: Path, threads: int, body_bytes: int, max_seconds: float):
    proc = subprocess.Popen([str(binary), "--port", "0", "--threads", str(threads), "--body-bytes",
                             str(body_bytes), "--max-seconds", str(int(max_seconds))],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    line = proc.stdout.readline()  # "listening on PORT"; the server prints it once bound
    m = re.match(r"listening on (\d+)", line or "")
    if not m:
        proc.kill()
        raise RuntimeError(f"loadgen-test-server did not start: {line!r}")
    return proc, int(m.group(1))


def run_measured(argv: list[str], timeout: float) -> tuple[str, float, float]:
    """Runs argv to completion; returns (stdout, wall seconds, CPU seconds of the child)."""
    with tempfile.TemporaryFile() as out:
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                break
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                raise RuntimeError(f"{argv[0]} did not finish in {timeout:.0f} s")
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {text.strip()[-300:]}")
    return text, wall, usage.ru_utime + usage.ru_stime


_WRK_LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(wrk: str, lua: Path, url: str, connections: int, threads: int, seconds: int) -> dict:
    text, wall, cpu = run_measured([wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(lua), url],
                                   timeout=seconds + 30)
    line = next((l for l in text.splitlines() if l.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"no result from wrk: {text.strip()[-300:]}")
    d = json.loads(line[len("WRK_JSON "):])
    secs = d["duration_us"] / 1e6
    return {"rps": d["requests"] / secs, "requests": d["requests"], "errors": d["errors"],
            "p50_us": d["p50_us"], "p99_us": d["p99_us"], "cpu_s": cpu,
            "cpu_us_per_request": cpu * 1e6 / max(1, d["requests"])}


def run_ours(binary: Path, url: str, connections: int, threads: int, seconds: int) -> dict:
    text, wall, cpu = run_measured([str(binary), "--url", url, "--concurrency", str(connections), "--threads",
                                    str(threads), "--duration", str(seconds), "--warmup", "0", "--json", "--quiet"],
                                   timeout=seconds + 30)
    d = json.loads(text)
    # Requests in the window; the whole process's CPU also covers connect and the last drain, like wrk's.
    total = max(1, d["responses_total"])
    return {"rps": d["rate"], "requests": d["requests"], "errors": d["errors"]["total"],
            "p50_us": d["latency_us"]["p50"], "p99_us": d["latency_us"]["p99"], "cpu_s": cpu,
            "cpu_us_per_request": cpu * 1e6 / total}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=1, help="client threads, the same for both tools")
    ap.add_argument("--server-threads", type=int, default=1)
    ap.add_argument("--body-bytes", type=int, default=1024)
    ap.add_argument("--duration", type=int, default=5, help="seconds per run")
    ap.add_argument("--rounds", type=int, default=5, help="each round runs both tools once")
    ap.add_argument("--path", default="/")
    ap.add_argument("--json", help="write every run and the summary here")
    args = ap.parse_args()

    build = Path(args.build_dir)
    ours = build / "bin" / "wsgi-loadgen"
    server_bin = build / "bin" / "loadgen-test-server"
    wrk = shutil.which("wrk")
    missing = [str(p) for p in (ours, server_bin) if not p.exists()] + ([] if wrk else ["wrk"])
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        return 2

    budget = args.rounds * 2 * (args.duration + 5) + 60
    server, port = start_server(server_bin, args.server_threads, args.body_bytes, budget)
    url = f"http://127.0.0.1:{port}{args.path}"
    runs = {"wrk": [], "ours": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            lua = Path(tmp) / "done.lua"
            lua.write_text(_WRK_LUA)
            print(f"server: loadgen-test-server, {args.server_threads} thread(s), {args.body_bytes} B answers at {url}")
            print(f"load: {args.connections} connections, {args.threads} client thread(s), {args.duration} s per run, "
                  f"{args.rounds} rounds, alternating order")
            run_wrk(wrk, lua, url, args.connections, args.threads, 2)  # primer: sockets, caches, CPU clocks
            print(f"{'round':>5} {'tool':>5} {'req/s':>11} {'p50 us':>8} {'p99 us':>8} {'CPU us/req':>10} {'errors':>6}")
            for r in range(args.rounds):
                order = ["wrk", "ours"] if r % 2 == 0 else ["ours", "wrk"]
                for tool in order:
                    if tool == "wrk":
                        res = run_wrk(wrk, lua, url, args.connections, args.threads, args.duration)
                    else:
                        res = run_ours(ours, url, args.connections, args.threads, args.duration)
                    runs[tool].append(res)
                    print(f"{r + 1:>5} {tool:>5} {res['rps']:>11.0f} {res['p50_us']:>8.0f} {res['p99_us']:>8.0f} "
                          f"{res['cpu_us_per_request']:>10.2f} {res['errors']:>6}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    med = {t: statistics.median(x["rps"] for x in runs[t]) for t in runs}
    cpu = {t: statistics.median(x["cpu_us_per_request"] for x in runs[t]) for t in runs}
    per_round = [o["rps"] / w["rps"] for o, w in zip(runs["ours"], runs["wrk"])]
    ratio = med["ours"] / med["wrk"]
    print()
    print(f"median req/s: wrk {med['wrk']:.0f}, ours {med['ours']:.0f}")
    print(f"ratio ours/wrk (medians): {ratio:.3f}   per round: " + ", ".join(f"{x:.2f}" for x in per_round))
    print(f"client CPU per request: wrk {cpu['wrk']:.2f} us, ours {cpu['ours']:.2f} us "
          f"(ratio wrk/ours {cpu['wrk'] / cpu['ours']:.3f}: above 1 means ours is cheaper)")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "runs": runs, "median_rps": med,
                                               "ratio": ratio, "per_round": per_round,
                                               "cpu_us_per_request": cpu}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
