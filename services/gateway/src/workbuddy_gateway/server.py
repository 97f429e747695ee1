"""Runs the gateway under gunicorn's threaded workers (nameko's standalone RPC needs no
eventlet, and gunicorn has no eventlet worker any more). Imported by ``__main__`` once the
settings are read and PROMETHEUS_MULTIPROC_DIR is set."""

import logging
import threading

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from prometheus_client import CollectorRegistry, multiprocess, start_http_server

from workbuddy_contracts import places
from workbuddy_platform import broker, tracing
from workbuddy_platform.logs import configure_logging
from workbuddy_platform.startup import settle_memory

from .app import create_app
from .auth import CACHE
from .keeper import CacheKeeper
from .settings import GatewaySettings


class JsonLogs(Logger):
    """gunicorn's own messages go through the root logger, as JSON like every other line."""

    def setup(self, cfg):
        for log in (self.error_log, self.access_log):
            log.handlers = []
            log.propagate = True
        self.error_log.setLevel(logging.INFO)


class Gateway(BaseApplication):
    def __init__(self, settings: GatewaySettings):
        self.settings = settings  # before BaseApplication's __init__, which loads the config
        super().__init__()

    def load_config(self):
        settings = self.settings
        self.cfg.set("bind", f"{settings.host}:{settings.port}")
        # gunicorn's gthread worker, answering its own refusals as problem documents.
        self.cfg.set("worker_class", "workbuddy_gateway.worker.ProblemThreadWorker")
        self.cfg.set("workers", settings.workers)
        self.cfg.set("threads", settings.threads)
        self.cfg.set("graceful_timeout", settings.graceful_timeout)
        self.cfg.set("keepalive", settings.keepalive)
        self.cfg.set("accesslog", None)  # the app logs each request with its correlation id
        self.cfg.set("logger_class", JsonLogs)
        self.cfg.set("control_socket_disable", True)
        self.cfg.set("when_ready", lambda server: _serve_metrics(settings))
        self.cfg.set("child_exit", lambda server, worker: multiprocess.mark_process_dead(worker.pid))
        # Traces are exported from each worker, by a thread that must start after the fork.
        self.cfg.set("post_fork", lambda server, worker: tracing.configure("gateway", settings.platform))
        self.cfg.set("worker_exit", lambda server, worker: tracing.shutdown())

    def load(self):
        # The gazetteer's indexes take a second or more to build: each worker builds them now,
        # beside its first requests, so that no member typing a city waits for them.
        threading.Thread(target=places.warm_up, name="gazetteer", daemon=True).start()
        # In each worker, from the settings the master read: every worker runs the same.
        app = create_app(self.settings)
        cache = app.extensions[CACHE]
        if cache.on:  # profiles' changes reach the shared cache through any worker's keeper
            platform = self.settings.platform
            CacheKeeper(platform.amqp_uri, platform.nameko_config(), cache,
                        platform.event_queue_type).start()
        settle_memory()  # each worker, once its app is built (startup.settle_memory)
        return app


def _serve_metrics(settings: GatewaySettings) -> None:
    """The master serves every worker's counts, added up, on GATEWAY_OPS_PORT (off if 0)."""
    if settings.ops_port:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        start_http_server(settings.ops_port, addr=settings.ops_host, registry=registry)


def serve(settings: GatewaySettings) -> None:
    configure_logging("gateway", settings.platform.log_level)
    broker.bound_silences(settings.platform.amqp_heartbeat)  # before the workers are forked
    Gateway(settings).run()
