# Endpoints that get stuck in the ways the worker's fail-safes are for (request-timeout,
# interrupt-timeout, deadlock-timeout), each in a Python function with a name the logged stacks must
# show:
#   /pid                       this process's pid
#   /hang?s=N                  sleeps N s in stuck_in_here() (time.sleep: RequestTimeout cannot
#                              interrupt it until it returns)
#   /spin?s=N                  a pure-Python loop in spinning_here() for N s (RequestTimeout interrupts it)
#   /sleep?s=N                 a plain request that takes N s
#   /hold-gil?s=N              holds the GIL in C for N s in holding_the_gil() (a ctypes.PyDLL call,
#                              which keeps the GIL, to libc's sleep)
#   /closed                    how many responses had close() called after RequestTimeout
import ctypes
import os
import time
from urllib.parse import parse_qs

closed_after_timeout = 0


def stuck_in_here(seconds):
    time.sleep(seconds)


def spinning_here(seconds):
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
    return n


def holding_the_gil(seconds):
    # PyDLL calls keep the GIL for the whole call, unlike CDLL's.
    ctypes.PyDLL(None).sleep(int(seconds))


class Body:
    def __init__(self, run):
        self.run = run
        self.timed_out = False

    def __iter__(self):
        try:
            self.run()
        except BaseException as e:
            self.timed_out = type(e).__name__ == 'RequestTimeout'
            raise
        yield b'done\n'

    def close(self):
        global closed_after_timeout
        if self.timed_out:
            closed_after_timeout += 1


def application(environ, start_response):
    path = environ.get('PATH_INFO', '')
    query = parse_qs(environ.get('QUERY_STRING', ''))
    seconds = float(query.get('s', ['1'])[0])
    start_response('200 OK', [('Content-Type', 'text/plain')])
    if path == '/pid':
        return [str(os.getpid()).encode()]
    if path == '/closed':
        return [str(closed_after_timeout).encode()]
    if path == '/hang':
        return Body(lambda: stuck_in_here(seconds))
    if path == '/spin':
        return Body(lambda: spinning_here(seconds))
    if path == '/hold-gil':
        return Body(lambda: holding_the_gil(seconds))
    if path == '/sleep':
        return Body(lambda: time.sleep(seconds))
    return [b'ok\n']
