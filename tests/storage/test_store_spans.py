"""With traces on, each MongoDB command run inside a span is a child span of it, named after
the command and its collection, in error when the server refuses it; outside any span (a timer,
a probe) a command starts nothing. tests/e2e/test_traces.py sees them in whole traces."""

import uuid

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from workbuddy_platform import tracing


@pytest.fixture
def traced(mongo_uri, db_prefix):
    """(database, tracer, exporter): a client that reports its commands to the tracer."""
    exporter, provider = InMemorySpanExporter(), TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    client = MongoClient(mongo_uri, event_listeners=[tracing.StoreCommands(tracer)],
                         serverSelectionTimeoutMS=5000)
    database = client[f"{db_prefix}spans_{uuid.uuid4().hex[:12]}"]
    yield database, tracer, exporter
    client.drop_database(database.name)
    client.close()


def test_commands_in_a_span_are_its_children_and_a_refused_one_is_an_error(traced):
    db, tracer, exporter = traced
    with tracer.start_as_current_span("profiles/log_moment") as parent:
        db.moments.insert_one({"_id": "m-1", "note": "a private note"})
        assert db.moments.find_one({"_id": "m-1"})["note"] == "a private note"
        with pytest.raises(OperationFailure):
            next(db.moments.aggregate([{"$noSuchStage": {}}]))
    db.moments.find_one({"_id": "m-1"})  # outside any span

    spans = [s for s in exporter.get_finished_spans() if s.name != "profiles/log_moment"]
    assert [s.name for s in spans] == ["insert moments", "find moments", "aggregate moments"]
    assert {s.parent.span_id for s in spans} == {parent.get_span_context().span_id}
    assert {s.kind for s in spans} == {SpanKind.CLIENT}
    inserted, found, refused = spans
    assert dict(inserted.attributes) == {
        "db.system.name": "mongodb", "db.namespace": db.name, "db.operation.name": "insert",
        "db.collection.name": "moments"}
    assert "a private note" not in str([dict(s.attributes) for s in spans])
    assert found.status.status_code is StatusCode.UNSET
    assert refused.status.status_code is StatusCode.ERROR
    assert "$noSuchStage" in refused.status.description
