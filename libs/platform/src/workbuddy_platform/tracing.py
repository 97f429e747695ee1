"""OpenTelemetry traces: one trace from an HTTP request through the RPC calls it makes and the
events they cause, exported over OTLP/HTTP.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` is set:
then no SDK is loaded, the API's tracer does nothing and no trace context travels. The other
standard variables (``OTEL_SERVICE_NAME``, ``OTEL_TRACES_SAMPLER``, ``OTEL_BSP_*``,
``OTEL_EXPORTER_OTLP_HEADERS``, ``OTEL_SDK_DISABLED``…) are read by the SDK itself.

The W3C trace context (``traceparent``, ``tracestate``) travels as nameko context data, like
the correlation id: AMQP headers ``nameko.traceparent`` and ``nameko.tracestate`` on RPC
requests and on events. An event's context is taken when it is written to the outbox and kept
with it, because the relay publishes it later from another green thread.

MongoDB commands run inside a traced span get a CLIENT span each (``StoreCommands``): where a
call spends its time shows without reading logs. Commands outside any trace (timers, probes)
start none.
"""

import weakref
from contextlib import contextmanager

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from opentelemetry import context, propagate, trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from pymongo import monitoring

from workbuddy_contracts.errors import Refusal

from .settings import PlatformSettings

CORRELATION = "workbuddy.correlation_id"

# A proxy: it starts real spans once configure() has installed the SDK, no-op ones until then.
tracer = trace.get_tracer("workbuddy")


def configure(service: str, settings: PlatformSettings) -> bool:
    """Install the SDK, exporting in batches, when an endpoint is set (``settings.tracing``);
    True if it did. Call it once per process, after any fork (the batch processor's thread
    does not survive one). The exporter reads its own OTEL_* variables."""
    if not settings.tracing:
        return False
    # Imported here: a process that exports nothing never loads the SDK.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = settings.trace_service_name or service
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    # Under eventlet the processor's thread is a green thread: it exports between workers.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return True


def shutdown() -> None:
    """Export the spans still queued; the batch processor otherwise sends every few seconds."""
    provider = trace.get_tracer_provider()
    if hasattr(provider, "shutdown"):  # the API's proxy provider has nothing to send
        provider.shutdown()


def carried() -> dict[str, str]:
    """The current span's context as message headers (without prefix); empty when untraced."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def failed(span: Span, exc: BaseException) -> None:
    """Record an exception on a span. A refusal is an answer (the gateway's 4xx), not a
    failure: it is named on the span, which keeps its status."""
    if isinstance(exc, Refusal):
        span.set_attribute("workbuddy.refusal", type(exc).__name__)
        return
    span.record_exception(exc)
    span.set_attribute("error.type", type(exc).__name__)
    span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))


def _rpc_attributes(service: str, method: str) -> dict:
    return {"rpc.system": "nameko", "rpc.service": service, "rpc.method": method}


def _event_attributes(producer: str, event_type: str, operation: str, event_id) -> dict:
    attributes = {"messaging.system": "rabbitmq", "messaging.operation.type": operation,
                  "messaging.destination.name": f"{producer}.events",  # nameko's event exchange
                  "messaging.rabbitmq.destination.routing_key": event_type}
    if event_id:
        attributes["messaging.message.id"] = event_id
    return attributes


@contextmanager
def calling(service: str, method: str, correlation_id: str | None):
    """A CLIENT span around one RPC call; yields the context data that carries it."""
    attributes = _rpc_attributes(service, method) | {CORRELATION: correlation_id or ""}
    with tracer.start_as_current_span(f"{service}/{method}", kind=SpanKind.CLIENT,
                                      attributes=attributes, record_exception=False,
                                      set_status_on_exception=False) as span:
        try:
            yield carried()
        except Exception as exc:
            failed(span, exc)
            raise


@contextmanager
def producing(event):
    """A PRODUCER span around writing an event to the outbox; yields its context, to keep
    with the event until the relay publishes it."""
    attributes = _event_attributes(event.producer, event.type, "create", event.event_id) | {
        CORRELATION: event.correlation_id or ""}
    with tracer.start_as_current_span(f"create {event.type}", kind=SpanKind.PRODUCER,
                                      attributes=attributes):
        yield carried()


class Traced(DependencyProvider):
    """A SERVER span per RPC call and a CONSUMER span per event a service handles, each a
    child of the span whose context came in the message's headers.

    Timers start no trace: they fire every few seconds on every replica and would bury the
    traces that matter; the events they write still start traces of their own.
    """

    def setup(self):
        # Kept here, not in the worker's context data: that travels on with its calls and events.
        self.active = weakref.WeakKeyDictionary()

    def worker_setup(self, worker_ctx):
        entrypoint = worker_ctx.entrypoint
        if isinstance(entrypoint, Rpc):
            service = self.container.service_name
            name, kind = f"{service}/{entrypoint.method_name}", SpanKind.SERVER
            attributes = _rpc_attributes(service, entrypoint.method_name)
        elif isinstance(entrypoint, EventHandler):
            body = worker_ctx.args[0] if worker_ctx.args else None
            event_id = body.get("event_id") if isinstance(body, dict) else None
            name, kind = f"process {entrypoint.event_type}", SpanKind.CONSUMER
            attributes = _event_attributes(entrypoint.source_service, entrypoint.event_type,
                                           "process", event_id)
        else:
            return
        attributes[CORRELATION] = worker_ctx.data.get("correlation_id") or ""
        span = tracer.start_span(name, context=propagate.extract(worker_ctx.data), kind=kind,
                                 attributes=attributes)
        self.active[worker_ctx] = (span, context.attach(trace.set_span_in_context(span)))

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        if exc_info is not None and worker_ctx in self.active:
            failed(self.active[worker_ctx][0], exc_info[1])

    def worker_teardown(self, worker_ctx):
        # The same green thread as worker_setup: nameko runs a worker's whole life in one.
        span, token = self.active.pop(worker_ctx, (None, None))
        if span is not None:
            span.end()
            context.detach(token)


class StoreCommands(monitoring.CommandListener):
    """A child span per MongoDB command, for the client created with it (store.client_for).

    pymongo calls these in the thread (or green thread) that runs the command, where the
    caller's span is current. The command's documents and filters are never recorded.
    """

    def __init__(self, commands_tracer: trace.Tracer | None = None):
        self.tracer = commands_tracer or tracer
        self.open: dict[tuple, Span] = {}

    def started(self, event):
        if not trace.get_current_span().is_recording():
            return  # not part of a kept trace: a timer's or a probe's command
        target = event.command.get(event.command_name)
        attributes = {"db.system.name": "mongodb", "db.namespace": event.database_name,
                      "db.operation.name": event.command_name}
        if isinstance(target, str):  # find, insert, update, delete, aggregate…: the collection
            attributes["db.collection.name"] = target
        name = f"{event.command_name} {target}" if isinstance(target, str) else event.command_name
        self.open[(event.connection_id, event.request_id)] = self.tracer.start_span(
            name, kind=SpanKind.CLIENT, attributes=attributes)

    def succeeded(self, event):
        span = self.open.pop((event.connection_id, event.request_id), None)
        if span is not None:
            span.end()

    def failed(self, event):
        span = self.open.pop((event.connection_id, event.request_id), None)
        if span is not None:
            code = event.failure.get("codeName") or event.failure.get("code")
            if code is not None:
                span.set_attribute("db.response.status_code", str(code))
            span.set_status(Status(StatusCode.ERROR, str(event.failure.get("errmsg", code))[:200]))
            span.end()
