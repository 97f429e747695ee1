"""A service's health: the answer to the gateway's ``health`` RPC, and its ops port
(OPS_PORT): /healthz (the process answers), /readyz (it reaches its
broker and its store) and /metrics (Prometheus), for probes and scrapers. Off when OPS_PORT is
unset or 0; one small WSGI server in a thread of the service's process.
"""

import json
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app
from pymongo.database import Database

from .broker import connect
from .logs import get_logger
from .settings import PlatformSettings
from .store import ping, probe_client

log = get_logger(__name__)

# What the process is waiting for at start (startup.py), said by /readyz; None once it has it.
_waiting: str | None = None


def waiting_for(what: str | None) -> None:
    global _waiting
    _waiting = what


def health_answer(service: str, db: Database) -> dict:
    """What a service answers to the gateway's ``health`` RPC: whether it reaches its store."""
    try:
        ping(db)
        store = "ok"
    except Exception as exc:  # report, don't raise: the caller wants to know what is down
        store = f"unreachable: {type(exc).__name__}"
    return {"service": service, "status": "ok" if store == "ok" else "degraded", "store": store}


def readiness(amqp_uri: str, mongo_uri: str) -> dict:
    checks = {}
    try:
        with connect(amqp_uri, connect_timeout=2):  # any node of the list will do
            pass
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        checks["broker"] = f"down: {type(exc).__name__}"
    try:
        probe_client(mongo_uri).admin.command("ping")
        checks["store"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["store"] = f"down: {type(exc).__name__}"
    return checks


def app(service: str, amqp_uri: str, mongo_uri: str):
    metrics = make_wsgi_app()

    def answer(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)
        if path == "/healthz":
            status, body = "200 OK", {"service": service, "status": "ok"}
        elif path == "/readyz" and _waiting:
            status = "503 Service Unavailable"
            body = {"service": service, "status": "starting", "waiting_for": _waiting}
        elif path == "/readyz":
            checks = readiness(amqp_uri, mongo_uri)
            ready = all(v == "ok" for v in checks.values())
            status = "200 OK" if ready else "503 Service Unavailable"
            body = {"service": service, "status": "ok" if ready else "unavailable", **checks}
        else:
            status, body = "404 Not Found", {"detail": "only /healthz, /readyz and /metrics here"}
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(data)))])
        return [data]

    return answer


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # probes every few seconds: not worth a log line each
        pass


def serve(service: str, settings: PlatformSettings) -> WSGIServer | None:
    port, host = settings.ops_port, settings.ops_host  # 0.0.0.0 in a container, for probes
    if not port:
        return None
    server = make_server(host, port, app(service, settings.amqp_uri, settings.mongo_uri),
                         handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="ops", daemon=True).start()
    log.info("ops.listening", host=host, port=port)
    return server
