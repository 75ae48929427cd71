"""Test application for tests/integration/ab: answers like a trivial app, then kills its engine.

One second after the first request it serves, a worker sends SIGKILL to its parent, the wsgi-engine
supervisor (started by the test's own `wsgi-studio-cli ab`), so the engine dies in the middle of a
measured window. The A/B run must report that variant as failed with the reason and keep the others.
"""

import os
import signal
import time

KILL_AFTER_S = 1.0
_first = None


def application(environ, start_response):
    global _first
    now = time.monotonic()
    if _first is None:
        _first = now
    elif now - _first > KILL_AFTER_S:
        os.kill(os.getppid(), signal.SIGKILL)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
