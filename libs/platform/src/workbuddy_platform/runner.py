"""Starts one nameko service as its own process. eventlet must be monkey-patched before this
module is imported: each service's ``__main__`` does that on its first line, then hands its
service class and the function that reads its settings to ``run_service``."""

import sys
from collections.abc import Callable

import nameko.messaging
from nameko.cli.run import run

from . import broker, ops, startup, tracing
from .logs import configure_logging, get_logger
from .settings import PlatformSettings, SettingsError, redact
from .topology import declare_topology

# nameko's warning on a broker it cannot reach masks the password of the first node only of a
# list of them (AMQP_URI): every node's is masked instead.
nameko.messaging.sanitize_url = redact


def run_service(service_cls, read_settings: Callable[[], object]) -> None:
    """``read_settings()`` returns the service's settings (PlatformSettings, or an object with a
    ``platform`` part); a variable set wrong stops the process here, before it connects to
    anything."""
    try:
        settings = read_settings()
    except SettingsError as exc:
        print(f"{service_cls.name} cannot start: {exc}", file=sys.stderr)
        sys.exit(2)
    platform = settings if isinstance(settings, PlatformSettings) else settings.platform
    configure_logging(service_cls.name, platform.log_level)
    broker.bound_silences(platform.amqp_heartbeat)
    tracing.configure(service_cls.name, platform)  # after monkey-patching: its thread is green
    config = platform.nameko_config(settings)
    # First, so that probes hear from it while it waits: alive, and not ready yet (why).
    ops.serve(service_cls.name, platform)
    try:
        startup.wait_for_broker(platform)
        startup.wait_for_store(platform)
    except startup.NeverReached as exc:
        print(f"{service_cls.name} cannot start: {exc}", file=sys.stderr)
        sys.exit(1)
    declare_topology(platform)
    startup.settle_memory()
    get_logger(__name__).info("service.starting", amqp=redact(platform.amqp_uri),
                              database=platform.database_name(service_cls.name))
    try:
        run([service_cls], config)  # SIGTERM stops gracefully: in-flight workers finish and ack
    finally:
        tracing.shutdown()
