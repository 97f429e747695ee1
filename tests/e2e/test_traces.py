"""One trace follows a request through the system: the gateway's HTTP span, its RPC call, the
service's handling of it, the event it writes and every consumer of that event, across four
processes, exported over OTLP/HTTP to a receiver in this test.

Tracing is configured when a process starts, so this test runs a system of its own (its own
vhost and databases), with tracing on; the shared end-to-end system runs with it off.
"""

import sys
import uuid

import pytest
from kombu import Connection, Queue

from workbuddy_devstack.processes import Supervisor
from workbuddy_devstack.stack import Stack

from ..support.api import Gateway
from ..support.logs import records
from ..support.net import free_port
from ..support.otlp import OtlpReceiver, ReceivedSpan
from ..support.waiting import eventually

CORRELATION = "workbuddy.correlation_id"
POISON_QUEUE = "evt-profiles-moment.logged--poisontest.on_moment_logged"


@pytest.fixture
def traced(fresh_vhost, mongo_uri, db_prefix, smtp, artifacts):
    """(gateway, receiver, supervisor): the four services and a consumer that fails on demand
    (tests/support/poison_service.py), all exporting their spans to the receiver."""
    with OtlpReceiver() as receiver:
        supervisor = Supervisor(artifacts / f"traces-{uuid.uuid4().hex[:6]}")
        amqp = fresh_vhost()[1]
        stack = Stack(supervisor, amqp_uri=amqp, mongo_uri=mongo_uri, smtp_port=smtp.port,
                      gateway_port=free_port(), db_prefix=f"{db_prefix}traces_", extra_env={
                          "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
                          "OTEL_BSP_SCHEDULE_DELAY": "100",  # milliseconds: spans come soon
                          "EVENT_RETRY_DELAYS": "0.3,0.6",
                          "GATEWAY_WORKERS": "1",
                          "MATCHING_AUTOMATIC": "off", "MATCHING_ROUND_EVERY_HOURS": "0",
                          # Addresses count as proven at sign-up, as on the shared stacks: the
                          # members propose to each other at once.
                          "ADDRESS_VERIFICATION": "trusted"})
        try:
            stack.start_all()
            stack.wait_ready()
            supervisor.start("poisontest", [sys.executable, "-m", "tests.support.poison_service"],
                             stack.env())
            eventually(lambda: consumers_of(amqp, POISON_QUEUE) > 0, 30)
            yield Gateway(stack.gateway_url), receiver, supervisor
        finally:
            supervisor.stop_all()


def consumers_of(amqp: str, queue: str) -> int:
    with Connection(amqp, connect_timeout=5) as connection:
        try:
            return Queue(queue, channel=connection.default_channel).queue_declare(
                passive=True).consumer_count
        except Exception:  # noqa: BLE001 - not declared yet
            return 0


def trace_of(receiver: OtlpReceiver, correlation_id: str, consumers: int) -> dict[str, ReceivedSpan]:
    """The spans of the trace whose request carried ``correlation_id``, once its HTTP span
    and ``consumers`` spans handling its event have arrived; {} until then."""
    spans = receiver.spans()
    http = [s for s in spans if s.service == "gateway" and s.kind == "server"
            and s.attributes.get(CORRELATION) == correlation_id]
    if not http:
        return {}
    joined = {s.span_id: s for s in spans if s.trace_id == http[0].trace_id}
    return joined if sum(s.kind == "consumer" for s in joined.values()) >= consumers else {}


def path_to_root(spans: dict[str, ReceivedSpan], span: ReceivedSpan) -> list[tuple[str, str, str]]:
    path = [span]
    while path[-1].parent_id:
        path.append(spans[path[-1].parent_id])  # a parent that never arrived fails here
    return [(s.service, s.kind, s.name) for s in reversed(path)]


def test_a_moment_is_one_trace_from_the_request_to_its_consumers(traced):
    gateway, receiver, supervisor = traced
    ana, ben = gateway.sign_up("Ana", "en"), gateway.sign_up("Ben", "en")
    gateway.become_buddies(ana, ben)
    eventually(lambda: gateway.request("GET", f"/v1/members/{ana['id']}/moments", ben
                                       ).status_code == 200)
    correlation_id = f"trace-{uuid.uuid4().hex}"

    # "flaky-1": the poison consumer fails once, then handles the event on its retry.
    gateway.log_moment(ana, "client_won", "flaky-1", headers={"X-Correlation-Id": correlation_id})
    # notifications, matching, and the poison consumer twice.
    spans = eventually(lambda: trace_of(receiver, correlation_id, consumers=4), 30)

    def only(service: str, name: str) -> ReceivedSpan:
        found = [s for s in spans.values() if (s.service, s.name) == (service, name)]
        assert len(found) == 1, (service, name, sorted((s.service, s.name) for s in spans.values()))
        return found[0]

    told = only("notifications", "process moment.logged")
    assert path_to_root(spans, told) == [
        ("gateway", "server", "POST /v1/me/moments"),
        ("gateway", "client", "profiles/log_moment"),
        ("profiles", "server", "profiles/log_moment"),
        ("profiles", "producer", "create moment.logged"),
        ("notifications", "consumer", "process moment.logged"),
    ]
    http, created = only("gateway", "POST /v1/me/moments"), only("profiles", "create moment.logged")
    assert http.attributes.items() >= {"http.request.method": "POST", "http.route": "/v1/me/moments",
                                       "http.response.status_code": 201,
                                       CORRELATION: correlation_id}.items()
    assert only("gateway", "profiles/log_moment").attributes.items() >= {
        "rpc.system": "nameko", "rpc.service": "profiles", "rpc.method": "log_moment"}.items()
    assert created.attributes[CORRELATION] == told.attributes[CORRELATION] == correlation_id
    assert created.attributes["messaging.message.id"] == told.attributes["messaging.message.id"]
    assert all(s.status == "unset" for s in spans.values() if s.service != "poisontest")

    # Each MongoDB command joins the trace under the span that ran it: the event is written to
    # the outbox under its producer span, in the transaction of the RPC that logged the moment.
    commands = [s for s in spans.values() if s.attributes.get("db.system.name") == "mongodb"]
    outboxed = [s for s in commands if (s.service, s.name) == ("profiles", "insert outbox")]
    assert [s.parent_id for s in outboxed] == [created.span_id]
    assert {"profiles", "notifications"} <= {s.service for s in commands}
    for command in commands:
        assert command.kind == "client" and path_to_root(spans, command)[0][0] == "gateway"
        assert "db.query.text" not in command.attributes  # never what was written or asked

    # What a service logged while it handled the event names that trace and span.
    logged = [r for r in records(supervisor.log_path("notifications"))
              if r.get("event") == "event.processed" and r.get("span_id") == told.span_id]
    assert [(r["trace_id"], r["correlation_id"]) for r in logged] == [
        (told.trace_id, correlation_id)]

    # Every consumer of the event joins the trace under the same producer span, a retry too:
    # the retried message keeps its headers.
    assert only("matching", "process moment.logged").parent_id == created.span_id
    poisoned = sorted((s for s in spans.values() if (s.service, s.kind) == ("poisontest", "consumer")),
                      key=lambda s: s.status != "error")
    assert [(s.kind, s.parent_id, s.status) for s in poisoned] == [
        ("consumer", created.span_id, "error"), ("consumer", created.span_id, "unset")]
    assert poisoned[0].events == ("exception",)
    assert poisoned[0].attributes["error.type"] == "ConnectionError"

    # A refusal is an answer, not a failure: named on its spans, which keep their status.
    refused_id = f"refused-{uuid.uuid4().hex}"
    refused = gateway.request("POST", f"/v1/moments/{uuid.uuid4().hex}/reactions", ben,
                              json={"kind": "cheer"}, headers={"X-Correlation-Id": refused_id})
    assert refused.status_code == 404, refused.text
    def calls(found: dict[str, ReceivedSpan]) -> list[ReceivedSpan]:
        return [s for s in found.values() if "db.system.name" not in s.attributes]

    spans = eventually(lambda: (found := trace_of(receiver, refused_id, 0)) and len(calls(found)) >= 3
                       and found, 30)
    assert sorted((s.service, s.kind, s.status, s.events, s.attributes.get("workbuddy.refusal"))
                  for s in calls(spans)) == [
        ("gateway", "client", "unset", (), "NotFound"),
        ("gateway", "server", "unset", (), None),
        ("profiles", "server", "unset", (), "NotFound")]

    # The system's readiness was polled (/readyz, every service's health RPC): never traced.
    assert not [s for s in receiver.spans() if "health" in s.name or "readyz" in s.name]
    # Nor are timers (relays, retries, leases): their store commands start no trace of their own.
    assert not [s for s in receiver.spans()
                if s.attributes.get("db.system.name") == "mongodb" and not s.parent_id]
