"""Starts one nameko service as its own process. eventlet must be monkey-patched before this
module is imported: each service's ``__main__`` does that on its first line."""

from nameko.cli.run import run

from . import ops, tracing
from .logs import configure_logging, get_logger
from .settings import Settings
from .topology import declare_topology


def run_service(service_cls) -> None:
    settings = Settings()
    configure_logging(service_cls.name, settings.log_level)
    tracing.configure(service_cls.name)  # after monkey-patching: its export thread is green
    config = settings.nameko_config()
    declare_topology(config)
    ops.serve(service_cls.name, settings.amqp_uri, settings.mongo_uri)  # probes and /metrics
    get_logger(__name__).info("service.starting", amqp=_redact(settings.amqp_uri),
                              database=settings.database_name(service_cls.name))
    try:
        run([service_cls], config)  # SIGTERM stops gracefully: in-flight workers finish and ack
    finally:
        tracing.shutdown()


def _redact(uri: str) -> str:
    if "@" not in uri:
        return uri
    scheme, rest = uri.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"
