"""The members' web app, served at /app/: static files (HTML, CSS, JavaScript modules, a
service worker), no build step. The app is a client of the public JSON API like any other —
it holds its own tokens and calls /v1/... — so what it can do, every client app can.

Why static modules rather than server-rendered pages: the app then proves the API serves a
real client, needs no second rendering path in the gateway, and a maintainer reads plain
JavaScript without a toolchain. docs/web-app.md says more.
"""

from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, redirect, request, send_from_directory

FILES = Path(__file__).parent / "web"

blp = Blueprint("webapp", __name__)

# Scripts and styles from this origin only, nothing inline; the API is on the same origin.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
          "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@blp.route("/")
def home():
    return redirect("/app/", code=302)


@blp.route("/join")
def join():
    """Invitation links (PUBLIC_URL/join?invitation=CODE) open sign-up with the code filled."""
    code = request.args.get("invitation", "")
    return redirect(f"/app/#/signup?{urlencode({'invitation': code})}" if code else "/app/", code=302)


@blp.route("/app/")
def shell():
    return _file("index.html", cache=False)


@blp.route("/app/<path:name>")
def asset(name: str):
    # The service worker is checked for updates at each visit; modules change with releases.
    return _file(name, cache=name != "sw.js")


def _file(name: str, cache: bool):
    response = send_from_directory(FILES, name, max_age=300 if cache else 0)
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/app/"
    return response
