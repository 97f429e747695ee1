"""The ceiling of bench/gateway_cost.py: a bare Flask endpoint served by gunicorn exactly as the
gateway is served (its worker class, workers, threads, keep-alive; no access log), answering a
small JSON document with no authentication, store or broker behind it.

    python bench/bare_endpoint.py PORT WORKERS THREADS KEEPALIVE SIZE

SIZE: about how many bytes the answer's body has (the gateway's answer's size).
"""

import sys

from flask import Flask
from gunicorn.app.base import BaseApplication


def create_app(size: int) -> Flask:
    app = Flask("bare")
    document = {"id": "m-0000", "display_name": "Bare", "language": "fr"}
    document["bio"] = "x" * max(0, size - len(app.json.dumps(document)) - 10)

    @app.get("/bare")
    def bare():
        return document

    return app


class Bare(BaseApplication):
    def __init__(self, port: int, workers: int, threads: int, keepalive: int, size: int):
        self.size = size
        self.options = {"bind": f"127.0.0.1:{port}", "workers": workers, "threads": threads,
                        "keepalive": keepalive, "accesslog": None,
                        "worker_class": "workbuddy_gateway.worker.ProblemThreadWorker",
                        "control_socket_disable": True}
        super().__init__()

    def load_config(self):
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        return create_app(self.size)


if __name__ == "__main__":
    port, workers, threads, keepalive, size = (int(a) for a in sys.argv[1:6])
    Bare(port, workers, threads, keepalive, size).run()
