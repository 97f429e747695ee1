"""A SERVER span per HTTP request: the root of the trace that its RPC calls, and the events
they cause, join (workbuddy_platform.tracing). gunicorn installs the SDK in each worker after
the fork (see __main__); with no OTLP endpoint set, no hook is registered at all.

Each request starts a new trace: a ``traceparent`` sent by a client is ignored, since clients
are outside the system and would otherwise choose our trace ids and sampling. The
``X-Correlation-Id`` they send is on the span, to go from a client's report to its trace.
"""

import random

from flask import Flask, g, request
from opentelemetry import context, trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, Status, StatusCode, TraceFlags

from workbuddy_platform import tracing

# Polled every few seconds by load balancers and Kubernetes: their traces would bury the rest.
PROBES = frozenset({"/healthz", "/readyz", "/health/system"})


def init(app: Flask, traced: bool) -> None:
    if not traced:
        return

    # Registered before the other hooks, so that a request they refuse (429) is traced too.
    @app.before_request
    def start_span():
        if request.path in PROBES:
            # Attached, not started: its RPC calls and the services' spans, children of an
            # unsampled parent, are dropped by the default parent-based sampler.
            g.trace = (None, context.attach(_unsampled()))
            return
        route = request.url_rule.rule if request.url_rule else None
        attributes = {"http.request.method": request.method}
        if route:
            attributes["http.route"] = route
        span = tracing.tracer.start_span(f"{request.method} {route}" if route else request.method,
                                         context=context.Context(), kind=SpanKind.SERVER,
                                         attributes=attributes)
        g.trace = (span, context.attach(trace.set_span_in_context(span)))

    @app.after_request
    def tag_span(response):
        span = g.get("trace", (None, None))[0]
        if span is not None:
            span.set_attribute("http.response.status_code", response.status_code)
            span.set_attribute(tracing.CORRELATION, g.get("correlation_id") or "")
            if response.status_code >= 500:
                span.set_status(Status(StatusCode.ERROR))
        return response

    @app.teardown_request
    def end_span(exc):
        span, token = g.pop("trace", (None, None))
        if span is not None:
            if exc is not None:
                tracing.failed(span, exc)
            span.end()
        if token is not None:
            context.detach(token)


def _unsampled() -> context.Context:
    span_context = SpanContext(trace_id=random.getrandbits(128) or 1,
                               span_id=random.getrandbits(64) or 1, is_remote=False,
                               trace_flags=TraceFlags(TraceFlags.DEFAULT))
    return trace.set_span_in_context(NonRecordingSpan(span_context))
