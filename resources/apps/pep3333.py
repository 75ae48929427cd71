"""A WSGI application that exercises PEP 3333, for integration tests of a server.

`application` is wrapped in wsgiref.validate.validator, so any server-side violation of the spec
(environ types, input stream API, start_response / write / iterable protocol, close() not called)
raises an AssertionError inside the request: the server answers 500 and logs the validator's
message. `raw_application` is the same application without the validator, for the things the
validator hides (it wraps the returned iterable, so a server cannot recognise wsgi.file_wrapper
objects and their sendfile() path is only reachable through raw_application).

Routes (GET unless stated; every body has a Content-Length unless noted):

  /                       plain-text list of these routes.
  /environ                JSON: {"environ": {...}, "pid", "python"}. CGI keys as the strings the
                          server passed; wsgi.* keys as JSON-able values (wsgi.input/errors as
                          their type name). Use it to check SCRIPT_NAME/PATH_INFO splitting,
                          wsgi.multithread/multiprocess, headers -> HTTP_* mapping.
  /input/read?n=K         (POST) reads wsgi.input with read(K) (default 8192) until CONTENT_LENGTH
                          bytes or EOF. Echoes the body as application/octet-stream; headers
                          X-Input-Length (bytes read) and X-Input-Calls (read() calls that
                          returned data).
  /input/readline[?size=K]  (POST) same, with readline() (or readline(min(K, bytes left))).
                          Plain readline() on a body whose last line has no newline blocks on
                          servers that do not simulate EOF at CONTENT_LENGTH (wsgiref's does).
  /input/iter             (POST) same, iterating over wsgi.input (for line in input).
                          The three input routes never ask for more than CONTENT_LENGTH when it is
                          given; without it (chunked request) they read until EOF.
  /write?parts=N          sends N parts (default 3) through the write() callable returned by
                          start_response, then returns one last part from the iterable:
                          body "part 0\\n" .. "part N\\n". No Content-Length.
  /file?block=K           this module's own source through environ['wsgi.file_wrapper'] (block
                          size K, default 8192), falling back to plain iteration when the server
                          has none. X-File-Size gives the expected length.
  /exc-info               start_response("200 OK") then an error before any body: the app calls
                          start_response("500 ...", exc_info=sys.exc_info()) to replace the
                          headers, which PEP 3333 allows while nothing was sent. Expect 500 and
                          the body "replaced after error\\n".
  /exc-info/late          sends a body part with write(), then calls start_response with
                          exc_info: the server must re-raise, so the response is cut short (the
                          client sees a truncated or aborted response, never a second status).
  /close?token=T&parts=N&delay_ms=D
                          a generator of N parts (default 3), D ms apart (default 0), whose close()
                          records T (1-64 of [A-Za-z0-9_-]) with the number of parts consumed.
                          Disconnect early to test that the server still calls close().
  /closed?token=T         JSON {"token", "closed": bool, "parts_sent": n|null}. Records are files
                          in $PEP3333_RECORD_DIR (default <tmp>/pep3333-records), so they are seen
                          by every process of a multi-process server.
  /raise-before-start     raises RuntimeError before calling start_response: expect 500.
  /raise-after-start      a generator that yields one part, then raises: expect a truncated
                          response (headers already sent) and close() still called.
  /head                   a fixed 14-byte body "head check\\r\\n\\r\\n" with its Content-Length;
                          a HEAD request must get the same headers and no body.
  /status?code=NNN        an empty response with that status (200..599); for 204
                          and 304 without Content-Type, as the spec requires.

Stdlib only; Python 3.11+ and free-threaded builds.
"""

import json
import os
import re
import sys
import tempfile
import time
from http import HTTPStatus
from urllib.parse import parse_qs
from wsgiref.validate import validator

RECORD_DIR = os.environ.get("PEP3333_RECORD_DIR") or os.path.join(tempfile.gettempdir(),
                                                                  "pep3333-records")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SOURCE = os.path.abspath(__file__)


class BadRequest(Exception):
    pass


def _query(environ):
    return {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", ""),
                                          keep_blank_values=True).items()}


def _int_param(query, name, default, minimum, maximum):
    text = query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise BadRequest(f"{name}: expected an integer between {minimum} and {maximum}, "
                         f"got {text!r}")
    return value


def _respond(start_response, status, body, content_type="text/plain; charset=utf-8",
             extra=()):
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    start_response(status, headers + list(extra))
    return [body]


def _json(start_response, data, status="200 OK"):
    body = (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")
    return _respond(start_response, status, body, "application/json")


def _content_length(environ):
    text = environ.get("CONTENT_LENGTH", "")
    return int(text) if text.strip() else None


# --- routes ----------------------------------------------------------------------------------


def index(environ, start_response):
    lines = [line.strip() for line in __doc__.splitlines() if line.startswith("  /")]
    return _respond(start_response, "200 OK", ("\n".join(lines) + "\n").encode())


def echo_environ(environ, start_response):
    def jsonable(value):
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        if isinstance(value, tuple):
            return list(value)
        return type(value).__name__

    return _json(start_response, {
        "environ": {key: jsonable(value) for key, value in environ.items()},
        "pid": os.getpid(),
        "python": sys.version.split()[0],
    })


def _read_input(environ, mode, query):
    stream = environ["wsgi.input"]
    remaining = _content_length(environ)
    chunks, calls = [], 0
    if mode == "read":
        size = _int_param(query, "n", 8192, 1, 1 << 24)
        while remaining is None or remaining > 0:
            data = stream.read(size if remaining is None else min(size, remaining))
            if not data:
                break
            chunks.append(data)
            calls += 1
            if remaining is not None:
                remaining -= len(data)
    elif mode == "readline":
        size = _int_param(query, "size", None, 1, 1 << 24)
        while remaining is None or remaining > 0:
            # Plain readline() relies on the server simulating EOF at CONTENT_LENGTH (PEP 3333
            # "should"); checking that is the point of this route. With ?size= it stays in bounds.
            if size is None:
                data = stream.readline()
            else:
                data = stream.readline(size if remaining is None else min(size, remaining))
            if not data:
                break
            chunks.append(data)
            calls += 1
            if remaining is not None:
                remaining -= len(data)
    else:
        for data in stream:
            chunks.append(data)
            calls += 1
            if remaining is not None:
                remaining -= len(data)
                if remaining <= 0:
                    break
    return b"".join(chunks), calls


def echo_input(mode):
    def route(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST":
            return _respond(start_response, "405 Method Not Allowed", b"POST a body\n",
                            extra=[("Allow", "POST")])
        body, calls = _read_input(environ, mode, _query(environ))
        return _respond(start_response, "200 OK", body, "application/octet-stream",
                        [("X-Input-Length", str(len(body))), ("X-Input-Calls", str(calls))])
    return route


def write_callable(environ, start_response):
    parts = _int_param(_query(environ), "parts", 3, 0, 10000)
    write = start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    for i in range(parts):
        write(f"part {i}\n".encode())
    return [f"part {parts}\n".encode()]


def file_wrapper(environ, start_response):
    block = _int_param(_query(environ), "block", 8192, 1, 1 << 24)
    size = os.path.getsize(_SOURCE)
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                              ("Content-Length", str(size)), ("X-File-Size", str(size))])
    handle = open(_SOURCE, "rb")
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is not None:
        return wrapper(handle, block)
    return _FileIterable(handle, block)


class _FileIterable:
    """What wsgi.file_wrapper must behave like, for servers without one (PEP 3333)."""

    def __init__(self, handle, block):
        self.handle, self.block = handle, block

    def __iter__(self):
        while True:
            data = self.handle.read(self.block)
            if not data:
                return
            yield data

    def close(self):
        self.handle.close()


def exc_info_early(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    try:
        raise ValueError("failure after start_response, before any body")
    except ValueError:
        body = b"replaced after error\n"
        start_response("500 Internal Server Error",
                       [("Content-Type", "text/plain; charset=utf-8"),
                        ("Content-Length", str(len(body)))], sys.exc_info())
        return [body]


def exc_info_late(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    write(b"headers and this line are out\n")
    try:
        raise ValueError("failure after the body started")
    except ValueError:
        # PEP 3333: with headers sent, start_response must re-raise exc_info; we let it escape.
        start_response("500 Internal Server Error",
                       [("Content-Type", "text/plain; charset=utf-8")], sys.exc_info())
    return [b"a server that gets here did not re-raise\n"]


def _record_path(token):
    return os.path.join(RECORD_DIR, f"closed-{token}")


def _token(query):
    token = query.get("token", "")
    if not _TOKEN.fullmatch(token):
        raise BadRequest("token: expected 1-64 characters of [A-Za-z0-9_-], "
                         f"got {token!r}")
    return token


def close_recorded(environ, start_response):
    query = _query(environ)
    token = _token(query)
    parts = _int_param(query, "parts", 3, 0, 100000)
    delay = _int_param(query, "delay_ms", 0, 0, 60000) / 1000.0
    os.makedirs(RECORD_DIR, exist_ok=True)
    try:
        os.unlink(_record_path(token))  # a reused token starts over
    except FileNotFoundError:
        pass
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])

    def body():
        sent = 0
        try:
            for i in range(parts):
                yield f"part {i}\n".encode()
                sent += 1
                if delay:
                    time.sleep(delay)
        finally:
            # Runs on exhaustion and on close() (GeneratorExit) alike; a server that never
            # calls close() on an abandoned response leaves no record.
            with open(_record_path(token), "w") as record:
                record.write(str(sent))

    return body()


def closed(environ, start_response):
    token = _token(_query(environ))
    try:
        with open(_record_path(token)) as record:
            sent = int(record.read() or 0)
        return _json(start_response, {"token": token, "closed": True, "parts_sent": sent})
    except FileNotFoundError:
        return _json(start_response, {"token": token, "closed": False, "parts_sent": None})


def raise_before_start(environ, start_response):
    raise RuntimeError("pep3333.py: raised before start_response (expected by the test)")


def raise_after_start(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])

    def body():
        yield b"first part\n"
        raise RuntimeError("pep3333.py: raised after the first part (expected by the test)")

    return body()


def head(environ, start_response):
    # Same answer for GET and HEAD: dropping the body of a HEAD response is the server's job.
    return _respond(start_response, "200 OK", b"head check\r\n\r\n")


def status(environ, start_response):
    code = _int_param(_query(environ), "code", 200, 200, 599)
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Unknown"
    if code in (204, 304):
        start_response(f"{code} {phrase}", [])
    else:
        start_response(f"{code} {phrase}", [("Content-Type", "text/plain; charset=utf-8"),
                                            ("Content-Length", "0")])
    return []


ROUTES = {
    "/": index,
    "/environ": echo_environ,
    "/input/read": echo_input("read"),
    "/input/readline": echo_input("readline"),
    "/input/iter": echo_input("iter"),
    "/write": write_callable,
    "/file": file_wrapper,
    "/exc-info": exc_info_early,
    "/exc-info/late": exc_info_late,
    "/close": close_recorded,
    "/closed": closed,
    "/raise-before-start": raise_before_start,
    "/raise-after-start": raise_after_start,
    "/head": head,
    "/status": status,
}


def raw_application(environ, start_response):
    route = ROUTES.get(environ.get("PATH_INFO") or "/")
    if route is None:
        return _respond(start_response, "404 Not Found",
                        f"no route {environ.get('PATH_INFO')!r}; GET / lists them\n".encode())
    try:
        return route(environ, start_response)
    except BadRequest as error:
        return _respond(start_response, "400 Bad Request", f"{error}\n".encode())


application = validator(raw_application)
