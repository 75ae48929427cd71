"""The seeds' benchmark workload as a WSGI application.

Each request spends about 3 ms of pure-Python CPU, about 1 ms waiting (time.sleep, standing in for
a little I/O) and returns a 1 KB body (seeds/switch-interval-benchmark.txt, "A benchmark to make the
case"). The three amounts are set by environment and can be overridden per request:

    environment            query string   default   allowed
    WORKLOAD_CPU_MS        cpu_ms         3         0 .. 10000   (milliseconds of thread CPU time)
    WORKLOAD_WAIT_MS       wait_ms        1         0 .. 10000   (milliseconds of time.sleep)
    WORKLOAD_BODY_BYTES    body           1024      0 .. 10485760 (bytes, integer)

A bad query value answers 400 with a plain-text message naming the parameter and the allowed range;
a bad environment value fails at import, so a misconfigured server never starts serving.

The CPU part burns a fixed amount of *thread* CPU time (time.thread_time), not wall time: a thread
that is waiting for the GIL (or descheduled) consumes no CPU, so 3 ms is 3 ms of CPU on every
runtime, under any GIL contention and on free-threaded builds alike. That is what makes
`cores / cpu_seconds_per_request` a physical limit every configuration can be compared with.

Benchmark helpers (all optional, all read once at import):

    WORKLOAD_SWITCH_INTERVAL  seconds; calls sys.setswitchinterval() at import. For servers that have
                              no switch-interval option (gunicorn, uWSGI, mod_wsgi 4.9).
    WORKLOAD_MARK_DIR         directory; the first request served by each process creates an empty
                              file named after its pid there, so a benchmark can tell which processes
                              of a server's tree run the application.
    ?info=1                   answers JSON describing the runtime that serves the request (Python
                              version, GIL state, switch interval, pid) instead of running the
                              workload, so a benchmark can verify what it measured.

Command line (stdlib only, any Python 3.11+ including free-threaded builds):

    python3 workload.py --measure-cpu N   calls the application in-process N times and prints JSON
                                          with cpu_seconds_per_request (process CPU / N).

Thread safety: no mutable state is shared between requests except the per-process pid mark, whose
races are benign (creating the same empty file twice is harmless).
"""

import json
import os
import sys
import time
from urllib.parse import parse_qs

# (name, env var, default, minimum, maximum, integer?)
_PARAMETERS = (
    ("cpu_ms", "WORKLOAD_CPU_MS", 3.0, 0.0, 10000.0, False),
    ("wait_ms", "WORKLOAD_WAIT_MS", 1.0, 0.0, 10000.0, False),
    ("body", "WORKLOAD_BODY_BYTES", 1024, 0, 10 * 1024 * 1024, True),
)

# Iterations of the arithmetic loop between two clock reads. time.thread_time() is a real syscall
# (CLOCK_THREAD_CPUTIME_ID is not in the vDSO), so reading it every iteration would make the
# syscall, not Python, the work. A chunk is ~10-30 us of bytecode: fine resolution for 3 ms, and
# small enough that the GIL is asked for at the switch interval like any Python code.
_CHUNK = 256


class ParameterError(ValueError):
    pass


def _parse(name, text, minimum, maximum, integer):
    """One workload parameter from text, or ParameterError saying what is allowed."""
    kind = "an integer number of bytes" if integer else "a number of milliseconds"
    try:
        value = int(text) if integer else float(text)
    except (TypeError, ValueError):
        value = None
    # float() accepts "nan" and "inf"; neither is a duration.
    if value is None or value != value or not (minimum <= value <= maximum):
        raise ParameterError(
            f"{name}: expected {kind} between {minimum:g} and {maximum:.0f}, got {text!r}"
        )
    return value


def _defaults_from_environment():
    defaults = {}
    for name, env, default, minimum, maximum, integer in _PARAMETERS:
        text = os.environ.get(env)
        if text is None or text == "":
            defaults[name] = default
        else:
            try:
                defaults[name] = _parse(env, text, minimum, maximum, integer)
            except ParameterError as error:
                raise RuntimeError(f"workload.py: bad environment: {error}") from None
    return defaults


DEFAULTS = _defaults_from_environment()

_switch_interval = os.environ.get("WORKLOAD_SWITCH_INTERVAL", "")
if _switch_interval:
    # Process-wide: applies to every thread of this interpreter, which is exactly what mod_wsgi's
    # switch-interval= does. Under free-threading it is harmless and has no effect.
    sys.setswitchinterval(float(_switch_interval))

_MARK_DIR = os.environ.get("WORKLOAD_MARK_DIR", "")
_marked_pid = None  # pid of the process that wrote its mark; compared, not locked (see docstring)

# Bodies are immutable bytes, so caching the default one is safe to share between threads.
_DEFAULT_BODY = b"x" * DEFAULTS["body"]


def burn_cpu(ms):
    """Spend `ms` milliseconds of this thread's CPU time in pure-Python arithmetic.

    Returns the number of loop iterations run. Time spent waiting for the GIL or for a core does
    not count, so the same `ms` is the same work on every runtime and under any contention.
    """
    if ms <= 0:
        return 0
    clock = time.thread_time
    deadline = clock() + ms / 1000.0
    iterations = 0
    x = 1
    while True:
        for i in range(_CHUNK):
            x = (x * 31 + i) % 1000003
        iterations += _CHUNK
        if clock() >= deadline:
            return iterations


def _mark_process():
    global _marked_pid
    pid = os.getpid()
    # After a fork (uWSGI loads the app in its master), the inherited value differs from our pid.
    if _marked_pid != pid:
        try:
            with open(os.path.join(_MARK_DIR, str(pid)), "a"):
                pass
        except OSError:
            pass  # the mark is a benchmark aid; never fail a request for it
        _marked_pid = pid


def _gil_enabled():
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def runtime_info():
    """What serves this request: enough to tell runtimes, GIL modes and switch intervals apart."""
    import sysconfig
    import threading

    return {
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "executable": sys.executable,
        "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": _gil_enabled(),
        "switch_interval": sys.getswitchinterval(),
        "pid": os.getpid(),
        "python_threads": threading.active_count(),  # threads Python knows of, not the pool
        "defaults": DEFAULTS,
    }


def _plain(start_response, status, message):
    body = (message + "\n").encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    if _MARK_DIR:
        _mark_process()

    cpu_ms, wait_ms, size = DEFAULTS["cpu_ms"], DEFAULTS["wait_ms"], DEFAULTS["body"]
    query = environ.get("QUERY_STRING", "")
    if query:
        fields = parse_qs(query, keep_blank_values=True)
        if "info" in fields:
            body = json.dumps(runtime_info(), indent=1).encode("utf-8")
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        values = {}
        try:
            for name, _env, _default, minimum, maximum, integer in _PARAMETERS:
                if name in fields:
                    values[name] = _parse(name, fields[name][-1], minimum, maximum, integer)
        except ParameterError as error:
            return _plain(start_response, "400 Bad Request", str(error))
        cpu_ms = values.get("cpu_ms", cpu_ms)
        wait_ms = values.get("wait_ms", wait_ms)
        size = values.get("body", size)

    burn_cpu(cpu_ms)
    if wait_ms > 0:
        time.sleep(wait_ms / 1000.0)

    body = _DEFAULT_BODY if size == len(_DEFAULT_BODY) else b"x" * size
    start_response("200 OK", [("Content-Type", "application/octet-stream"),
                              ("Content-Length", str(len(body)))])
    return [body]


def measure_cpu(requests):
    """Process CPU seconds per request of `application`, called in-process (no server at all)."""
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
    }

    def start_response(status, headers, exc_info=None):
        return lambda data: None

    def one():
        for chunk in application(dict(environ), start_response):
            len(chunk)

    for _ in range(min(20, requests)):  # warm caches and the adaptive interpreter first
        one()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(requests):
        one()
    cpu1, wall1 = time.process_time(), time.perf_counter()
    result = {
        "requests": requests,
        "cpu_seconds_per_request": (cpu1 - cpu0) / requests,
        "wall_seconds_per_request": (wall1 - wall0) / requests,
    }
    result.update(runtime_info())
    return result


def _main(argv):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measure-cpu", type=int, metavar="N", required=True,
                        help="call the application N times in-process and print JSON")
    args = parser.parse_args(argv)
    if args.measure_cpu <= 0:
        parser.error("--measure-cpu needs a positive number of requests")
    print(json.dumps(measure_cpu(args.measure_cpu), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
