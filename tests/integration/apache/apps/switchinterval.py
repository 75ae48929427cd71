"""Answers with sys.getswitchinterval(): shows that the mod_wsgi 4.9 stand-in for switch-interval=
(a WSGIImportScript into the main interpreter) really set it for the daemon process."""

import sys


def application(environ, start_response):
    body = repr(sys.getswitchinterval()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
