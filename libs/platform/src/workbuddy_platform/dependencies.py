"""nameko dependency providers: the request context and the outbox with its relay."""

import os
from datetime import timedelta

import eventlet
from eventlet.event import Event as Signal
from nameko.extensions import DependencyProvider
from pymongo.client_session import ClientSession

from workbuddy_contracts.events import make_event
from workbuddy_contracts.i18n import use_language

from . import outbox, tracing
from .logs import bind_correlation, get_logger
from .settings import Settings
from .store import client_for

log = get_logger(__name__)


def correlation_of(worker_ctx) -> str | None:
    # The gateway's RPC context and the relay's event headers both arrive as nameko context data.
    return worker_ctx.data.get("correlation_id")


class RequestContext(DependencyProvider):
    """Binds the correlation id and the entrypoint to every log line a worker writes, and the
    caller's language to every refusal it raises."""

    def worker_setup(self, worker_ctx):
        bind_correlation(correlation_of(worker_ctx),
                         entrypoint=worker_ctx.entrypoint.method_name)
        use_language(worker_ctx.data.get("language"))

    def get_dependency(self, worker_ctx):
        return correlation_of(worker_ctx)


class OutboxWriter:
    def __init__(self, db, producer: str, correlation_id: str | None):
        self.db = db
        self.producer = producer
        self.correlation_id = correlation_id

    def stage(self, event_type: str, payload: dict, session: ClientSession) -> None:
        """Record an event to publish once the surrounding transaction commits."""
        event = make_event(event_type, payload, producer=self.producer,
                           correlation_id=self.correlation_id)
        with tracing.producing(event) as trace_context:
            outbox.stage(self.db, event, session, trace_context)


class Outbox(DependencyProvider):
    """Gives workers an OutboxWriter and runs the relay in a green thread of this process.

    The relay wakes as soon as a worker finishes (so events leave within milliseconds) and on a
    short timer (so nothing waits on a wake-up that was missed, e.g. after a restart).
    """

    def __init__(self, interval: float = 1.0, claim_lease: timedelta = timedelta(seconds=30)):
        self.interval = interval
        self.claim_lease = claim_lease
        self.kept_for = timedelta(days=float(os.environ.get("OUTBOX_RETENTION_DAYS", "7")))

    def setup(self):
        settings = Settings()
        self.db = client_for(settings.mongo_uri)[settings.database_name(self.container.service_name)]
        outbox.create_outbox_indexes(self.db)
        self.relay = outbox.Relay(self.db, outbox.EventPublisher(self.container.config),
                                  self.claim_lease)
        self._wake = Signal()
        self._running = False

    def start(self):
        self._running = True
        self._thread = self.container.spawn_managed_thread(self._run, identifier="outbox-relay")

    def stop(self):
        # Workers have finished by now (the container stops entrypoints first): one last drain.
        self._running = False
        self.kick()
        self._thread.wait()

    def kill(self):
        self._running = False

    def get_dependency(self, worker_ctx):
        return OutboxWriter(self.db, self.container.service_name, correlation_of(worker_ctx))

    def worker_teardown(self, worker_ctx):
        self.kick()

    def kick(self):
        if not self._wake.ready():
            self._wake.send(True)

    def _run(self):
        ticks = 0
        while True:
            try:
                if ticks % 10 == 0:
                    self.relay.reclaim_stale()
                    self.relay.measure_lag()
                if ticks % 600 == 0:
                    self.relay.purge_published(self.kept_for)
                self.relay.drain()
            except Exception:  # the store may be briefly away: keep relaying once it is back
                log.exception("outbox.relay_failed")
            if not self._running:
                return
            ticks += 1
            with eventlet.Timeout(self.interval, False):
                self._wake.wait()
            self._wake = Signal()
