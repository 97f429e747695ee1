"""What each service counts for Prometheus, and the ``Observed`` dependency that times every
entrypoint. Served with /healthz and /readyz on the service's ops port (workbuddy_platform.ops).

Labels stay few and bounded (entrypoint names, event types, channels, results): never ids.
The store's commands are counted in ``store_metrics``, which the gateway imports too.
"""

import time
import weakref

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from prometheus_client import Counter, Gauge, Histogram

from workbuddy_contracts.errors import Refusal

ENTRYPOINT_SECONDS = Histogram(
    "workbuddy_entrypoint_seconds", "Time a service's entrypoint (RPC, event handler, timer) ran",
    ["service", "entrypoint", "kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
ENTRYPOINT_ERRORS = Counter(
    "workbuddy_entrypoint_errors_total", "Entrypoints that failed (refusals are counted apart)",
    ["service", "entrypoint", "error"])
ENTRYPOINT_REFUSALS = Counter(
    "workbuddy_entrypoint_refusals_total",
    "Calls refused by the rules (the gateway's 4xx): answers, not failures",
    ["service", "entrypoint", "refusal"])
EVENTS_CONSUMED = Counter(
    "workbuddy_events_consumed_total", "Events a handler finished: processed, or skipped as a duplicate",
    ["consumer", "type", "outcome"])
EVENTS_PUBLISHED = Counter(
    "workbuddy_events_published_total", "Events the outbox relay published, confirmed by the broker",
    ["type"])
OUTBOX_PENDING = Gauge("workbuddy_outbox_pending", "Events written but not yet published")
OUTBOX_LAG = Gauge("workbuddy_outbox_lag_seconds", "Age of the oldest event not yet published")
EVENT_RETRIES = Counter(
    "workbuddy_event_retries_total", "Events sent back to a handler after it failed", ["handler"])
EVENTS_PARKED = Counter(
    "workbuddy_events_parked_total", "Events moved to the parking lot", ["handler"])
def declare_handler_series(service: str, entrypoints) -> None:
    """Expose every event handler's counters at zero from the start. A series that first
    appears at 1 shows no increase() in Prometheus: the first parked event would go unseen."""
    for entrypoint in entrypoints:
        if isinstance(entrypoint, EventHandler):
            handler = f"{service}.{entrypoint.method_name}"  # as retries.py and consumers.py name it
            EVENT_RETRIES.labels(handler)
            EVENTS_PARKED.labels(handler)
            for outcome in ("processed", "duplicate"):
                EVENTS_CONSUMED.labels(handler, entrypoint.event_type, outcome)


class Observed(DependencyProvider):
    """Times each worker and counts its errors; every service declares one."""

    def setup(self):
        # Kept here, not in the worker's context data: that travels on with its calls and events.
        self.started = weakref.WeakKeyDictionary()
        declare_handler_series(self.container.service_name, self.container.entrypoints)

    def worker_setup(self, worker_ctx):
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        service = self.container.service_name
        entrypoint = worker_ctx.entrypoint
        kind = type(entrypoint).__name__.replace("Reliable", "").lower()
        if started is not None:
            ENTRYPOINT_SECONDS.labels(service, entrypoint.method_name, kind).observe(
                time.perf_counter() - started)
        if exc_info is not None:
            # A refusal is the service answering as designed: counted with the errors, it would
            # hide a real failure under the steady rate of members asking for what is not allowed.
            counter = ENTRYPOINT_REFUSALS if issubclass(exc_info[0], Refusal) else ENTRYPOINT_ERRORS
            counter.labels(service, entrypoint.method_name, exc_info[0].__name__).inc()
