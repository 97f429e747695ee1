"""Faults injected into a running system while members log moments: whatever breaks, every
accepted moment reaches every buddy of its author exactly once (lost = 0, double-sent = 0)
and nothing is left parked."""

import time
from datetime import timedelta

import pytest
import requests

from workbuddy_contracts.events import make_event
from workbuddy_platform import clock, outbox
from workbuddy_platform.store import in_transaction
from workbuddy_profiles.domain import moments

from ..support.logs import wait_for_record
from ..support.push import Answer
from .harness import Journey, Moment
from .harness import assert_told_once as assert_all_told_once


@pytest.mark.parametrize("replicas", [1, 2])
def test_rabbitmq_restarted_while_moments_stream_in(make_system, replicas):
    """With two processes of everything, too: twenty connections drop at once, and both
    gateways refuse until their services are back."""
    system = make_system(own_broker=True, push=True, replicas=replicas)
    journey = Journey(system.gateways, push=system.push)
    stream = journey.stream(seconds=12, per_second=3)
    time.sleep(4)
    system.broker.restart()  # every connection of every service drops; queues stay on disk
    stream.join()
    assert_all_told_once(system, journey)


def test_notifications_killed_while_moments_stream_in(make_system):
    system = make_system(push=True)
    journey = Journey(system.gateway, push=system.push)
    stream = journey.stream(seconds=10, per_second=4)
    time.sleep(3)
    system.supervisor.kill("notifications")  # SIGKILL, mid-handler or mid-send
    time.sleep(2)
    system.stack.start("notifications")
    stream.join()
    account = journey.account(system.mailbox, 120)
    print(account)
    assert account.lost == [], account
    # A kill between the mail server's "250 OK" and the ledger's "sent" cannot be told from a
    # kill before the send: such a delivery is sent again rather than lost, and the ledger
    # names it. Any other double is a defect.
    interrupted = {(d["notification_id"].split(":")[0], d["recipient_id"])
                   for d in system.db("notifications").deliveries.find(
                       {"last_error": "interrupted while sending"})}
    assert len(account.double_sent) <= len(interrupted), (account, interrupted)


@pytest.mark.parametrize("service", ["profiles"])
def test_a_producer_killed_while_moments_stream_in(make_system, service):
    """profiles commits a moment and its event together; killed after the commit and before
    its relay published, or after publishing and before marking, it publishes on restart (a
    duplicate at worst, absorbed by the consumers' ledger)."""
    system = make_system()
    journey = Journey(system.gateway)
    stream = journey.stream(seconds=10, per_second=4)
    time.sleep(3)
    system.supervisor.kill(service)
    time.sleep(2)
    system.stack.start(service)
    stream.join()
    assert_all_told_once(system, journey)


def test_a_producer_killed_after_its_commit_and_before_its_publish_publishes_on_restart(make_system):
    """The moment and its event were committed together; the process died before its relay
    published. Nothing is lost: the relay publishes what is pending when it comes back."""
    system = make_system()
    journey = Journey(system.gateway)
    system.supervisor.kill("profiles")
    author, buddies = journey.circles[0]
    moment = Moment(tag=f"fault-{journey.run}-100000", author=author, buddies=buddies)
    logged = moments.new_moment({"_id": author["id"]}, {"kind": "client_won", "note": moment.tag},
                               clock.now())
    event = make_event("moment.logged", {k: logged[k] for k in ("kind", "note", "logged_at")}
                       | {"moment_id": logged["_id"], "member_id": author["id"]},
                       producer="profiles", correlation_id="c-committed")
    db = system.db("profiles")
    in_transaction(db, lambda session: (db.moments.insert_one(logged, session=session),
                                        outbox.stage(db, event, session)))
    journey.moments.append(moment)
    time.sleep(2)
    assert system.mailbox.all() == [] or all(moment.tag not in m.body for m in system.mailbox.all())

    system.stack.start("profiles")
    assert_all_told_once(system, journey, within=60)
    assert db.outbox.find_one({"_id": event.event_id})["state"] == outbox.PUBLISHED


def test_a_relay_killed_after_publishing_and_before_marking_sends_nothing_twice(make_system):
    """The event went out but its outbox entry still says "publishing": the claim goes stale,
    the relay publishes it again, and the consumers' ledger absorbs the duplicate."""
    system = make_system()
    journey = Journey(system.gateway)
    journey.log_one()
    assert_all_told_once(system, journey, within=60)
    db = system.db("profiles")
    [entry] = [e for e in db.outbox.find({"type": "moment.logged"})]
    db.outbox.replace_one({"_id": entry["_id"]}, entry | {
        "state": outbox.PUBLISHING, "claimed_at": clock.now() - timedelta(minutes=10)})

    # moment.logged's handler is keyed (each effect keyed by the event): it runs again and
    # changes nothing, rather than being skipped by the ledger.
    wait_for_record(system.supervisor.log_path("notifications"), timeout=60,
                    event="event.duplicate_replayed", event_id=entry["_id"])
    assert db.outbox.find_one({"_id": entry["_id"]})["state"] == outbox.PUBLISHED
    time.sleep(2)
    assert_all_told_once(system, journey, within=5)


def test_the_store_stopped_during_a_post_is_a_clear_503_and_the_same_key_succeeds_later(make_system):
    system = make_system()
    journey = Journey(system.gateway)
    author, buddies = journey.circles[0]
    moment = Moment(tag=f"fault-{journey.run}-200000", author=author, buddies=buddies)
    system.stop_store()

    def post():
        return requests.post(f"{system.gateway.base}/v1/me/moments", timeout=30,
                             json={"kind": "client_lost", "note": moment.tag},
                             headers={"Authorization": f"Bearer {author['access_token']}",
                                      "Idempotency-Key": moment.key})

    started = time.monotonic()
    refused = post()
    assert refused.status_code == 503, refused.text
    assert time.monotonic() - started < 15  # bounded: the store's timeout, not a hang
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert "same Idempotency-Key" in refused.json()["detail"]

    system.start_store()
    accepted = post()
    assert accepted.status_code == 201, accepted.text
    moment.moment_id = accepted.json()["id"]
    journey.moments.append(moment)
    again = post()  # the client did not hear the answer and sends it once more
    assert again.status_code == 201 and again.json()["id"] == moment.moment_id
    assert_all_told_once(system, journey, within=60)
    profiles = system.db("profiles")
    assert profiles.moments.count_documents({"note": moment.tag}) == 1  # nothing half-written
    assert len([e for e in profiles.outbox.find({"type": "moment.logged"})
                if e["message"]["payload"]["note"] == moment.tag]) == 1


def test_a_mail_server_refusing_for_a_while_then_accepting(make_system):
    system = make_system()
    journey = Journey(system.gateway)
    stream = journey.stream(seconds=10, per_second=3)
    time.sleep(2)
    system.mailbox.refusal = "451 4.3.0 Mailbox busy, try again later"
    time.sleep(5)
    system.mailbox.refusal = None
    stream.join()
    assert_all_told_once(system, journey, within=150)  # each retried after its back-off
    retried = system.db("notifications").deliveries.count_documents({"last_error": {"$regex": "^451"}})
    assert retried > 0  # the fault did strike


def test_a_mail_server_gone_then_back(make_system):
    system = make_system()
    journey = Journey(system.gateway)
    stream = journey.stream(seconds=10, per_second=3)
    time.sleep(2)
    system.smtp.go_away()
    time.sleep(5)
    system.smtp.come_back()
    stream.join()
    assert_all_told_once(system, journey, within=150)
    retried = system.db("notifications").deliveries.count_documents(
        {"last_error": {"$regex": "^ConnectionRefusedError"}})
    assert retried > 0


def test_a_push_service_saying_429_then_201(make_system):
    system = make_system(push=True)
    journey = Journey(system.gateway, push=system.push)
    browsers = [b["browser"] for _, buddies in journey.circles for b in buddies]
    for browser in browsers:  # too many requests: come back later (Retry-After: 1)
        system.push.script(browser, *[Answer(429, headers={"Retry-After": "1"})] * 2)
    stream = journey.stream(seconds=6, per_second=3)
    stream.join()
    assert_all_told_once(system, journey, within=150)
    assert sum(status == 429 for _, status, _ in system.push.answered) == 2 * len(browsers)
