"""Traces are off unless an OTLP endpoint is set, and then cost next to nothing; when on, a
failure marks its span as an error and a refusal does not (tests/e2e/test_traces.py follows
whole traces across the processes)."""

import os
import subprocess
import sys

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from workbuddy_contracts.errors import NotFound
from workbuddy_platform import logs, tracing
from workbuddy_platform.settings import PlatformSettings

# Run in a process of its own: this one has loaded the SDK for the tests below.
UNTRACED = """
import sys
from opentelemetry import trace
from workbuddy_platform import logs, tracing

from workbuddy_platform.settings import PlatformSettings

assert not tracing.configure("profiles", PlatformSettings.from_env())
with tracing.calling("profiles", "log_moment", "c-1") as headers:
    assert headers == {}, headers
    assert not trace.get_current_span().is_recording()
tracing.shutdown()
assert type(trace.get_tracer_provider()).__name__ == "ProxyTracerProvider"
assert not [name for name in sys.modules if name.startswith("opentelemetry.sdk")]
print("untraced")
"""


def test_without_an_endpoint_no_sdk_is_loaded_and_spans_are_no_ops():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run([sys.executable, "-c", UNTRACED], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "untraced"


def test_an_endpoint_turns_tracing_on_unless_the_sdk_is_disabled():
    def traced(**environ) -> bool:
        return PlatformSettings.from_env(environ).tracing

    assert not traced()
    assert not traced(OTEL_EXPORTER_OTLP_ENDPOINT=" ")
    assert traced(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://collector:4318/v1/traces")
    assert traced(OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318")
    assert not traced(OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318", OTEL_SDK_DISABLED="true")


def finished(record):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    span = provider.get_tracer("test").start_span("work")
    record(span)
    span.end()
    (done,) = exporter.get_finished_spans()
    return done


def test_a_failure_is_an_error_with_its_exception():
    span = finished(lambda s: tracing.failed(s, ConnectionError("the store went away")))
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "ConnectionError: the store went away"
    assert [e.name for e in span.events] == ["exception"]
    assert span.attributes["error.type"] == "ConnectionError"


def test_a_refusal_is_an_answer_not_an_error():
    span = finished(lambda s: tracing.failed(s, NotFound("no moment {m!r}", "moment_id", m="x")))
    assert span.status.status_code is StatusCode.UNSET
    assert not span.events
    assert span.attributes["workbuddy.refusal"] == "NotFound"


def test_a_log_record_written_in_a_span_names_its_trace_and_span():
    with TracerProvider().get_tracer("test").start_as_current_span("work") as span:
        record = logs.add_trace(None, "info", {"event": "event.processed"})
    ids = span.get_span_context()
    assert record == {"event": "event.processed", "trace_id": f"{ids.trace_id:032x}",
                      "span_id": f"{ids.span_id:016x}"}
    assert len(record["trace_id"]) == 32 and len(record["span_id"]) == 16


def test_a_log_record_outside_any_span_carries_no_trace():
    assert logs.add_trace(None, "info", {"event": "started"}) == {"event": "started"}
