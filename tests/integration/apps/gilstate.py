"""Reports what is in force in the interpreter serving the request, for the GIL-mode tests."""

import json
import os
import sys
import threading


def _interpreter_id():
    try:
        import _interpreters  # 3.13
        return _interpreters.get_current()[0]
    except ImportError:
        pass
    try:
        import _xxsubinterpreters  # 3.11 / 3.12
        return int(_xxsubinterpreters.get_current())
    except ImportError:
        return None


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/crash":
        os._exit(3)  # a worker process dying mid-request
    gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    body = json.dumps({
        "pid": os.getpid(),
        "version": "%d.%d" % sys.version_info[:2],
        "gil_enabled": gil,
        "switch_interval": sys.getswitchinterval(),
        "interpreter": _interpreter_id(),
        "application_group": environ.get("mod_wsgi.application_group"),
        "process_group": environ.get("mod_wsgi.process_group"),
        "thread": threading.get_ident(),
        "multithread": environ["wsgi.multithread"],
        "multiprocess": environ["wsgi.multiprocess"],
        "sys_path_head": sys.path[:3],
    }).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
