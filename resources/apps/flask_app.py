"""A minimal real Flask application (Debian's python3-flask 2.2) for hosting tests.

Routes:
  GET  /            plain text greeting
  GET  /api/items   JSON list of items (?limit=N, 0..100, default 3)
  GET  /form        an HTML form posting to /form
  POST /form        form fields name (1-100 chars) and quantity (integer 1..1000); answers the
                    parsed values as JSON, or 400 with a plain-text message naming the field
  GET  /info        JSON: Python version, pid, wsgi.multithread / wsgi.multiprocess

`application` is the WSGI callable (mod_wsgi's default name); `app` is the Flask object.
"""

import os
import sys

from flask import Flask, Response, jsonify, request

app = Flask(__name__)

# A tuple built once: requests only read it, so threads (and free-threaded builds) can share it.
ITEMS = tuple({"id": i, "name": f"item {i}"} for i in range(100))

FORM = """<!doctype html>
<title>order</title>
<form method="post" action="{action}">
  <label>name <input name="name"></label>
  <label>quantity <input name="quantity" type="number" min="1" max="1000"></label>
  <button>order</button>
</form>
"""


def _plain(message, status):
    return Response(message + "\n", status=status, mimetype="text/plain")


@app.get("/")
def index():
    return _plain("hello from flask", 200)


@app.get("/api/items")
def items():
    text = request.args.get("limit", "3")
    if not text.isdigit() or not 0 <= int(text) <= 100:
        return _plain(f"limit: expected an integer between 0 and 100, got {text!r}", 400)
    return jsonify(items=list(ITEMS[: int(text)]))


@app.route("/form", methods=["GET", "POST"])
def form():
    if request.method == "GET":
        return Response(FORM.format(action=request.script_root + "/form"), mimetype="text/html")
    name = request.form.get("name", "").strip()
    quantity = request.form.get("quantity", "")
    if not 1 <= len(name) <= 100:
        return _plain("name: expected 1 to 100 characters", 400)
    if not quantity.isdigit() or not 1 <= int(quantity) <= 1000:
        return _plain(f"quantity: expected an integer between 1 and 1000, got {quantity!r}", 400)
    return jsonify(name=name, quantity=int(quantity))


@app.get("/info")
def info():
    return jsonify(python=sys.version.split()[0], pid=os.getpid(),
                   multithread=request.environ.get("wsgi.multithread"),
                   multiprocess=request.environ.get("wsgi.multiprocess"))


application = app  # the Flask object is the WSGI callable; mod_wsgi looks for "application"
