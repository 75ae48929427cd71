"""Test application for the lifecycle tests and the soak benchmark: routes that fail in the ways
the engine must survive and account for.

  /            "ok PID"
  /pid         the process id
  /raise       raises (the engine answers 500, the process stays)
  /exit        the process exits at once, mid-request (a crash: its requests are lost)
  /leak?kb=N   keeps N KiB more in this process (default 1024), answers "leaked TOTAL_KB"
  /spin?s=N    burns CPU for N seconds (default 1), answers "spun"
  /sleep?s=N   sleeps N seconds (default 1), answers "slept"
  /vm          "VMDATA VMSIZE": this process's VmData and VmSize in bytes (what memory-limit's
               RLIMIT_DATA and virtual-memory-limit's RLIMIT_AS count)
"""

import os
import time
import urllib.parse

_leaked = []


def _query(environ):
    return dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))


def _text(start_response, body, status="200 OK"):
    data = body.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(data)))])
    return [data]


def _vm():
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmData:", "VmSize:")):
                values[line.split(":")[0]] = int(line.split()[1]) * 1024
    return "%d %d" % (values.get("VmData", 0), values.get("VmSize", 0))


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    query = _query(environ)
    if path == "/pid":
        return _text(start_response, str(os.getpid()))
    if path == "/raise":
        raise RuntimeError("faults.py: /raise was asked for")
    if path == "/exit":
        os._exit(3)
    if path == "/leak":
        kb = int(query.get("kb", "1024"))
        _leaked.append(bytearray(kb * 1024))
        return _text(start_response, "leaked %d" % (sum(len(b) for b in _leaked) // 1024))
    if path == "/spin":
        end = time.process_time() + float(query.get("s", "1"))
        while time.process_time() < end:
            pass
        return _text(start_response, "spun")
    if path == "/sleep":
        time.sleep(float(query.get("s", "1")))
        return _text(start_response, "slept")
    if path == "/vm":
        return _text(start_response, _vm())
    return _text(start_response, "ok %d" % os.getpid())
