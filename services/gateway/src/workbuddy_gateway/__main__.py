"""Runs the gateway under gunicorn's threaded workers (nameko's standalone RPC needs no
eventlet, and gunicorn has no eventlet worker any more)."""

import os
import warnings

# nameko imports eventlet, which warns on import; the gateway never runs eventlet.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import logging

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from workbuddy_platform.logs import configure_logging
from workbuddy_platform.settings import Settings

from .app import create_app


class JsonLogs(Logger):
    """gunicorn's own messages go through the root logger, as JSON like every other line."""

    def setup(self, cfg):
        for log in (self.error_log, self.access_log):
            log.handlers = []
            log.propagate = True
        self.error_log.setLevel(logging.INFO)


class Gateway(BaseApplication):
    def load_config(self):
        host = os.environ.get("GATEWAY_HOST", "127.0.0.1")
        port = os.environ.get("GATEWAY_PORT", "8080")
        self.cfg.set("bind", f"{host}:{port}")
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("workers", int(os.environ.get("GATEWAY_WORKERS", "2")))
        self.cfg.set("threads", int(os.environ.get("GATEWAY_THREADS", "8")))
        self.cfg.set("graceful_timeout", 10)
        # Longer than the idle time of client pools and load balancers, so that a client never
        # sends a request on a connection we are closing at that very moment.
        self.cfg.set("keepalive", int(os.environ.get("GATEWAY_KEEPALIVE", "75")))
        self.cfg.set("accesslog", None)  # the app logs each request with its correlation id
        self.cfg.set("logger_class", JsonLogs)
        self.cfg.set("control_socket_disable", True)

    def load(self):
        return create_app()


def main() -> None:
    configure_logging("gateway", Settings().log_level)
    Gateway().run()


if __name__ == "__main__":
    main()
