#!/usr/bin/env python3
"""Fidelity: does a ranking measured on the engine carry over to Apache + mod_wsgi?

Runs the seeds' shapes (10x1, 2x5, 2x5 at a 0.1 ms switch interval, 1x10) on resources/apps/workload.py
in one `wsgi-studio-cli ab --server engine,apache` run: every repeat in a fresh server, the shapes
and the two servers alternated, the same load generator for both. Apache is Debian's 2.4 + mod_wsgi
4.9 in daemon mode serving each shape's mod_wsgi 4.9 export (the switch interval through the
exporter's WSGIImportScript), in a private ServerRoot on 127.0.0.1.

The engine runs python=3.11 (Debian's python3, the runtime mod_wsgi 4.9 embeds), so both servers
run the same interpreter. Prints each shape's throughput ratio to 10x1 per server, the difference,
and whether the target holds: the same ranking and every ratio within 5% of Apache's.

    /usr/bin/python3 tests/bench/fidelity.py                 # 3 repeats of 4 s, about 4 min
    /usr/bin/python3 tests/bench/fidelity.py --duration 2    # shorter
    /usr/bin/python3 tests/bench/fidelity.py --json out.json # the whole A/B document

Stdlib only. Exit status 0 when the run measured both servers (whatever the verdict), 1 otherwise.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHAPES = [
    ("10x1", "processes=10 threads=1"),
    ("2x5", "processes=2 threads=5"),
    ("2x5 0.1ms", "processes=2 threads=5 switch-interval=0.0001"),
    ("1x10", "processes=1 threads=10"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=str(ROOT / "build"), help="build directory (bin/wsgi-studio-cli)")
    parser.add_argument("--duration", type=float, default=4, help="measured seconds per repeat")
    parser.add_argument("--warmup", type=float, default=1, help="warm-up seconds per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--runtime", default="3.11", help="engine runtime (python=); 3.11 = mod_wsgi's")
    parser.add_argument("--json", help="save the A/B result document here")
    args = parser.parse_args()

    cli = Path(args.build) / "bin" / "wsgi-studio-cli"
    if not cli.exists():
        print(f"fidelity: no {cli} (build it first)", file=sys.stderr)
        return 1
    out = Path(args.json) if args.json else Path(tempfile.mkdtemp(prefix="fidelity-")) / "ab.json"
    argv = [str(cli), "ab", "--app", str(ROOT / "resources/apps/workload.py"), "--server", "engine,apache",
            "--repeats", str(args.repeats), "--duration", str(args.duration), "--warmup", str(args.warmup),
            "-c", str(args.connections), "--cooldown", "0.5", "-o", str(out)]
    for name, options in SHAPES:
        argv += ["--variant", f"{name}=python={args.runtime} {options}"]
    print("fidelity:", " ".join(argv), file=sys.stderr)
    budget = (args.warmup + args.duration + 6) * len(SHAPES) * 2 * args.repeats + 120
    try:
        run = subprocess.run(argv, stdout=subprocess.PIPE, text=True, timeout=budget)
    except subprocess.TimeoutExpired:
        print(f"fidelity: the A/B run took longer than {budget:.0f} s", file=sys.stderr)
        return 1
    if not out.exists():
        print(run.stdout)
        print("fidelity: the A/B run saved no document", file=sys.stderr)
        return 1
    doc = json.loads(out.read_text())
    carry = doc.get("carry_over")
    rates = {}
    for v in doc["variants"]:
        rpm = (v.get("summary") or {}).get("rpm")
        rates[(v["server"], v["name"])] = rpm["median"] / 60 if rpm else None
    print("\n| shape | engine req/s | engine / 10x1 | Apache req/s | Apache / 10x1 | difference | rank engine / Apache |")
    print("|---|---|---|---|---|---|---|")
    for row in (carry or {}).get("variants", []):
        name = row["name"]
        def fmt(x, f="{:.3f}"):
            return f.format(x) if x is not None else "-"
        diff = row.get("difference")
        print(f"| {name} | {fmt(rates.get(('engine', name)), '{:.0f}')} | {fmt(row.get('engine_ratio'))} | "
              f"{fmt(rates.get(('apache', name)), '{:.0f}')} | {fmt(row.get('apache_ratio'))} | "
              f"{fmt(diff * 100 if diff is not None else None, '{:+.1f}%')} | "
              f"{row.get('engine_rank', 0)} / {row.get('apache_rank', 0)} |")
    if not carry:
        print(run.stdout)
        return 1
    print(f"\n{carry['verdict']}")
    versions = {v.get("server_version") for v in doc["variants"] if v.get("server_version")}
    engine_python = {v.get("python") for v in doc["variants"] if v["server"] == "engine" and v.get("python")}
    print(f"Apache: {', '.join(sorted(versions)) or '?'}; engine python: {', '.join(sorted(engine_python)) or '?'}; "
          f"{args.repeats} repeats of {args.warmup:g}+{args.duration:g} s, {args.connections} connections; "
          f"machine {doc['machine'].get('cores')} cores, load {doc['machine'].get('load_average_1m', 0):.2f}"
          f" -> {doc['machine'].get('load_average_1m_end', 0):.2f}")
    print(f"document: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
