"""A member who leaves leaves nothing behind, not even where nobody looks: no event about them
waits in a parking lot or a retry queue, no rate-limit key names their email or id, and no
session is left to them. On a system of its own (its own vhost, store and Redis prefix): the
parked events here are made on purpose, and must not meet other tests'."""

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from kombu import Connection, Exchange
from pymongo import MongoClient

from workbuddy_gateway.limits import hashed
from workbuddy_platform import parked, retries

from ..support.api import PASSWORD
from ..support.logs import wait_for_record
from ..support.waiting import eventually
from .conftest import own_stack

LONGEST_DELAY = 600  # seconds: what is in that retry queue is still there when the test looks
SERVICES = ("profiles", "matching", "notifications")


@pytest.fixture(scope="module")
def system(mongo_uri, db_prefix, smtp, artifacts, redis_url, run_id):
    with own_stack("leaving", {"EVENT_RETRY_DELAYS": f"1,{LONGEST_DELAY}",
                               "STREAM_KEEP_ALIVE": "1"}, mongo_uri=mongo_uri,
                   db_prefix=db_prefix, smtp=smtp, artifacts=artifacts, redis_url=redis_url,
                   run_id=run_id) as system:
        yield system


def unreadable(producer: str, event_type: str, payload: dict) -> tuple[str, str, dict]:
    """An event its consumers cannot read (a version none of them knows): each parks it at once,
    as it would an event from a newer producer."""
    return producer, event_type, {
        "event_id": uuid.uuid4().hex, "type": event_type, "version": 99,
        "occurred_at": datetime.now(UTC).isoformat(), "producer": producer,
        "correlation_id": uuid.uuid4().hex, "payload": payload}


def park_events_about(amqp_uri: str, member: dict) -> None:
    """Real parked events naming the member, in every service's parking lot: member.updated
    (matching and notifications park it) and member.blocked (profiles and notifications),
    with the member's email and name."""
    with Connection(amqp_uri, connect_timeout=5) as connection:
        producer = connection.Producer()
        for producer_name, event_type, body in (
                unreadable("profiles", "member.updated", {
                    "member_id": member["id"], "email": member["email"],
                    "display_name": member["display_name"]}),
                unreadable("matching", "member.blocked", {"blocker_id": member["id"],
                                                          "blocked_id": "someone"})):
            producer.publish(body, exchange=Exchange(f"{producer_name}.events", type="topic",
                                                     durable=True),
                             routing_key=event_type, serializer="json", delivery_mode=2)


def retry_about(amqp_uri: str, member: dict) -> str:
    """An event naming the member waiting in a retry queue, as a failed handler leaves it (a
    handler failing for real on demand is tests/integration/test_retries.py's business)."""
    queue = retries.retry_queue(LONGEST_DELAY)
    event_id = uuid.uuid4().hex
    with Connection(amqp_uri, connect_timeout=5) as connection:
        connection.Producer().publish(
            {"event_id": event_id, "type": "moment.logged", "version": 1, "payload": {
                "member_id": member["id"], "note": "a note"}},
            exchange=queue.exchange, routing_key="evt-profiles-moment.logged--notifications."
                                                 "on_moment_logged",
            headers={retries.HANDLER: "notifications.on_moment_logged", retries.ATTEMPTS: 4},
            serializer="json", delivery_mode=2, declare=[queue])
    return event_id


def queued(amqp_uri: str) -> list[parked.Parked]:
    """Every event the broker holds in parking lots and the longest retry queue."""
    found = parked.list_parked(amqp_uri, SERVICES)
    with Connection(amqp_uri, connect_timeout=5) as connection, \
            parked._held(connection, retries.retry_queue(LONGEST_DELAY), None) as taken:
        return found + [view for view, _ in taken]


def naming(events: list[parked.Parked], member: dict) -> list[tuple[str, str | None]]:
    return sorted((e.service, e.type) for e in events
                  if member["id"] in json.dumps(e.body) or member["email"] in json.dumps(e.body))


def limit_keys(stack, redis_url: str) -> list[str]:
    store = redis.Redis.from_url(redis_url)
    return [key.decode() for key in store.scan_iter(match=f"*/{stack.rate_limit_prefix}/*")]


def test_after_a_member_leaves_no_parked_event_retry_limit_key_or_session_holds_them(
        system, redis_url, mongo_uri, db_prefix):
    gateway, stack, amqp_uri = system["gateway"], system["stack"], system["amqp_uri"]
    tag = uuid.uuid4().hex[:8]
    ada, bo = gateway.sign_up(f"Ada{tag}", "en"), gateway.sign_up("Bo", "en")
    note = f"my secret note {tag}"
    # Ada on a second device; both count against limits: her log-ins, her moments, Bo's too.
    again = gateway.request("POST", "/v1/auth/login", json={"email": ada["email"],
                                                            "password": PASSWORD})
    assert again.status_code == 200, again.text
    other_device = again.json()
    gateway.log_moment(ada, "client_won", note)
    gateway.log_moment(bo, "client_won", "a win")
    for member in (ada, bo):
        park_events_about(amqp_uri, member)
    retried = {member["id"]: retry_about(amqp_uri, member) for member in (ada, bo)}
    expected = [("matching", "member.updated"), ("notifications", "member.blocked"),
                ("notifications", "member.updated"), ("notifications", "moment.logged"),
                ("profiles", "member.blocked")]  # the retrying one is notifications' moment
    eventually(lambda: len(naming(queued(amqp_uri), ada)) == len(expected), timeout=20)
    assert [(e.service, e.type) for e in queued(amqp_uri) if e.event_id == retried[ada["id"]]] \
        == [("notifications", "moment.logged")]

    # Limits count under keyed hashes: Redis never holds her email or id, nor an address.
    keys = limit_keys(stack, redis_url)
    assert keys and not [k for k in keys if any(p in k for p in (ada["email"], ada["id"],
                                                                 bo["id"], "127.0.0.1"))]
    hers = {hashed(f"member:{ada['id']}", stack.jwt_secret),
            hashed(f"account:{ada['email']}", stack.jwt_secret)}
    assert {h for h in hers if any(f"/{h}/" in k for k in keys)} == hers

    # A wrong password changes nothing: her sessions carry on.
    refused = gateway.request("DELETE", "/v1/me", ada, json={"password": "not it at all"})
    assert refused.status_code == 403, refused.text
    assert gateway.request("GET", "/v1/me", ada).status_code == 200
    stream = gateway.request("GET", "/v1/me/notifications/stream", ada, stream=True)
    assert stream.status_code == 200, stream.text
    correlation_id = f"leave-{uuid.uuid4().hex[:8]}"
    left = gateway.request("DELETE", "/v1/me", ada, json={"password": PASSWORD},
                           headers={"X-Correlation-Id": correlation_id})
    assert left.status_code == 204, left.text

    # Every session is gone with the erase: this one, the other device's, and the live stream
    # the app held open (ended at its next keep-alive, a second here).
    started = time.monotonic()
    for _ in stream.iter_lines():
        assert time.monotonic() - started < 10, "the stream outlived its session"
    assert gateway.request("GET", "/v1/me", ada).status_code == 401
    assert gateway.request("POST", "/v1/auth/refresh", json={
        "refresh_token": other_device["refresh_token"]}).status_code == 401
    gateway_db = MongoClient(mongo_uri)[f"{stack.db_prefix}gateway"]
    assert [doc for name in gateway_db.list_collection_names() for doc in gateway_db[name].find()
            if ada["id"] in str(doc)] == []

    # Her limit keys are gone at once; Bo's are still counting.
    keys = limit_keys(stack, redis_url)
    assert not [k for k in keys if any(f"/{h}/" in k for h in hers)]
    assert any(f"/{hashed('member:' + bo['id'], stack.jwt_secret)}/" in k for k in keys)

    # Each service forgets the events about her that the broker held for it, and only those.
    for service in SERVICES:
        wait_for_record(stack.supervisor.log_path(service), timeout=30, event="event.processed",
                        consumer=f"{service}.on_member_left", correlation_id=correlation_id)
    remaining = queued(amqp_uri)
    assert naming(remaining, ada) == []
    assert naming(remaining, bo) == expected
    parked.forget_member(amqp_uri, bo["id"], services=list(SERVICES),
                         retry_delays=[LONGEST_DELAY])

    # Logs, kept for their retention (docs/security.md), hold nothing of hers but her opaque
    # id: not even the events the consumers could not read, which the parking lots held whole.
    for service in (*SERVICES, "gateway"):
        log = stack.supervisor.log_path(service).read_text()
        assert [p for p in (ada["email"], f"Ada{tag}", note) if p in log] == [], service


def test_a_leave_whose_answer_is_lost_never_leaves_a_session_to_the_erased_member(
        system, mongo_uri):
    """profiles is down when the member leaves: the gateway gets no answer, and cannot know
    whether the erase will happen (here it does, later: the request waits in profiles' queue).
    The sessions were closed before the request went, and the first sign-in once the leave is
    stale finishes it."""
    gateway, stack = system["gateway"], system["stack"]
    ada, bo = gateway.sign_up("Ada", "en"), gateway.sign_up("Bo", "en")
    gateway_db = MongoClient(mongo_uri, tz_aware=True)[f"{stack.db_prefix}gateway"]
    stack.supervisor.stop("profiles")
    try:
        lost = gateway.request("DELETE", "/v1/me", ada, json={"password": PASSWORD})
        assert lost.status_code in (503, 504), lost.text
        assert gateway.request("GET", "/v1/me", ada).status_code == 401  # closed at once
        assert gateway.request("POST", "/v1/auth/refresh", json={
            "refresh_token": ada["refresh_token"]}).status_code == 401
    finally:
        stack.start("profiles")
    # Back, profiles carries out the leave that waited for it; the gateway is not told.
    signing_in = {"email": ada["email"], "password": PASSWORD}
    eventually(lambda: gateway.request("POST", "/v1/auth/login", json=signing_in).status_code
               == 401, timeout=60)
    held = [doc for doc in gateway_db.sessions.find({"member_id": ada["id"]})]
    assert held and all(doc["revoked"] for doc in held)  # closed, never live again
    # Two minutes on (as if), anyone's sign-in finishes the leave.
    mark = gateway_db.leaving.find_one({"_id": ada["id"]})
    gateway_db.leaving.replace_one({"_id": ada["id"]}, mark | {
        "since": mark["since"] - timedelta(minutes=3)})
    assert gateway.request("POST", "/v1/auth/login", json={
        "email": bo["email"], "password": PASSWORD}).status_code == 200
    assert [doc for name in gateway_db.list_collection_names()
            for doc in gateway_db[name].find() if ada["id"] in str(doc)] == []
