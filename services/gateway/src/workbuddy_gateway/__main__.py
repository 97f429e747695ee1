"""Runs the gateway under gunicorn's threaded workers (nameko's standalone RPC needs no
eventlet, and gunicorn has no eventlet worker any more)."""

import atexit
import os
import shutil
import tempfile
import warnings

# gunicorn's workers count requests in files that the master adds up (prometheus_client's
# multiprocess mode): the folder must be known before prometheus_client is first imported.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _folder, _master = tempfile.mkdtemp(prefix="wb-gateway-metrics-"), os.getpid()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _folder
    # Workers are forked from this process and inherit this hook: only the master cleans up.
    atexit.register(lambda: os.getpid() == _master and shutil.rmtree(_folder, ignore_errors=True))

# nameko imports eventlet, which warns on import; the gateway never runs eventlet.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import logging

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from prometheus_client import CollectorRegistry, multiprocess, start_http_server

from workbuddy_platform import tracing
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
        # gunicorn's gthread worker, answering its own refusals as problem documents.
        self.cfg.set("worker_class", "workbuddy_gateway.worker.ProblemThreadWorker")
        self.cfg.set("workers", int(os.environ.get("GATEWAY_WORKERS", "2")))
        self.cfg.set("threads", int(os.environ.get("GATEWAY_THREADS", "8")))
        self.cfg.set("graceful_timeout", 10)
        # Longer than the idle time of client pools and load balancers, so that a client never
        # sends a request on a connection we are closing at that very moment.
        self.cfg.set("keepalive", int(os.environ.get("GATEWAY_KEEPALIVE", "75")))
        self.cfg.set("accesslog", None)  # the app logs each request with its correlation id
        self.cfg.set("logger_class", JsonLogs)
        self.cfg.set("control_socket_disable", True)
        self.cfg.set("when_ready", _serve_metrics)
        self.cfg.set("child_exit", lambda server, worker: multiprocess.mark_process_dead(worker.pid))
        # Traces are exported from each worker, by a thread that must start after the fork.
        self.cfg.set("post_fork", lambda server, worker: tracing.configure("gateway"))
        self.cfg.set("worker_exit", lambda server, worker: tracing.shutdown())

    def load(self):
        return create_app()


def _serve_metrics(server) -> None:
    """The master serves every worker's counts, added up, on GATEWAY_OPS_PORT (off if unset)."""
    port = int(os.environ.get("GATEWAY_OPS_PORT") or 0)
    if port:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        start_http_server(port, addr=os.environ.get("OPS_HOST", "127.0.0.1"), registry=registry)


def main() -> None:
    configure_logging("gateway", Settings().log_level)
    Gateway().run()


if __name__ == "__main__":
    main()
