"""A WSGI application that does no work: a fixed 1 KB body.

Used to measure a server's own per-request cost (parsing, dispatch, proxying, writing), reported as
requests per second per core of server CPU. The body size can be changed with
TRIVIAL_BODY_BYTES (0 .. 10485760) at import time.
"""

import os

_size = int(os.environ.get("TRIVIAL_BODY_BYTES", "1024") or 1024)
if not 0 <= _size <= 10 * 1024 * 1024:
    raise RuntimeError(f"trivial.py: TRIVIAL_BODY_BYTES must be 0..10485760, got {_size}")

# Built once: immutable, so sharing it between threads and requests is safe.
_BODY = b"x" * _size
_HEADERS = [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(_BODY)))]


def application(environ, start_response):
    start_response("200 OK", list(_HEADERS))
    return [_BODY]
