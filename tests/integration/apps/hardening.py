"""Test application for the slow- and vanished-client tests: routes whose timing and clean-up a test
can observe from outside.

  /                     "ok", the body left unread
  /read                 reads wsgi.input to its end; "read N" or "failed: ERROR"
  /stream?chunks=N&size=S&delay=MS
                        a generator of N chunks of S bytes, MS milliseconds apart; its close() is counted
  /closed               how many streamed responses of this process have been closed, and how many
                        chunks they produced in all: "closed C chunks K"
  /hang?seconds=N       sleeps N seconds before answering
"""

import threading
import time
import urllib.parse

_lock = threading.Lock()
_closed = 0
_chunks = 0


def _query(environ):
    return dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))


def _text(start_response, body, status="200 OK"):
    data = body.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(data)))])
    return [data]


class _Stream:
    def __init__(self, chunks, size, delay):
        self._chunks = chunks
        self._block = b"x" * size
        self._delay = delay

    def __iter__(self):
        global _chunks
        for _ in range(self._chunks):
            with _lock:
                _chunks += 1
            yield self._block
            if self._delay:
                time.sleep(self._delay)

    def close(self):
        global _closed
        with _lock:
            _closed += 1


def application(environ, start_response):
    path = environ.get("PATH_INFO") or "/"
    query = _query(environ)
    if path == "/read":
        try:
            data = environ["wsgi.input"].read()
        except OSError as e:
            return _text(start_response, f"failed: {e}")
        return _text(start_response, f"read {len(data)}")
    if path == "/stream":
        chunks = int(query.get("chunks", "1000"))
        size = int(query.get("size", "65536"))
        delay = int(query.get("delay", "0")) / 1000.0
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return _Stream(chunks, size, delay)
    if path == "/closed":
        with _lock:
            return _text(start_response, f"closed {_closed} chunks {_chunks}")
    if path == "/hang":
        time.sleep(float(query.get("seconds", "5")))
        return _text(start_response, "late")
    return _text(start_response, "ok")
