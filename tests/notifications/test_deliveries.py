"""Deliveries on the member's own rules and the senders' answers: quiet hours hold (and a setback
breaks them only if allowed), focus gathers into one digest, a channel turned off cancels, a
refusal for a while is retried with back-off and one for good recorded, a dead worker's send is
taken back; push goes to each browser and a browser gone is forgotten."""

from datetime import timedelta

import pytest
from pymongo.errors import AutoReconnect

from workbuddy_contracts.profile import default_profile
from workbuddy_notifications.adapters.push import PushDisabled, SubscriptionGone, TransientPushError
from workbuddy_notifications.adapters.repository import Deliveries
from workbuddy_notifications.adapters.smtp import PermanentMailError, TransientMailError
from workbuddy_notifications.domain import deliveries as ledger
from workbuddy_notifications.metrics import DELIVERIES
from workbuddy_notifications.use_cases import deliveries, members, preferences

from .doubles import browser, states

KEY = "logged-mo-ana-1:bob:email"


def moments_to(senders, member_id: str) -> list:
    return [s for s in senders.mail.to(member_id) if s.headers["X-WorkBuddy-Kind"] == "moment"]


def retried_after(uow, senders, **delta) -> int:
    """How many moments reached Bob once the retry timer ran ``delta`` later."""
    uow.clock.advance(**delta)
    deliveries.retry_due(uow, senders)
    return len(moments_to(senders, "bob"))


def preferences_changed(uow, member_id: str, **availability) -> None:
    """Profiles told us the member's new availability (a later revision)."""
    profile = default_profile("en") | {"time_zone": "UTC"}
    profile["availability"] = profile["availability"] | availability
    members.member_updated(uow, payload={
        "member_id": member_id, "revision": 2, "display_name": member_id.title(),
        "language": "en", "profile": profile, "updated_at": uow.now()})


@pytest.fixture
def buddies(register, become_buddies):
    """buddies(**availability): Ana, and Bob with ``availability``, are buddies from now on."""

    def make(**availability) -> None:
        register("ana"), register("bob", **availability)
        become_buddies("ana", "bob")

    return make


def test_quiet_hours_hold_a_mail_until_they_end_then_it_goes(
        uow, senders, buddies, log_moment):
    buddies(quiet_hours={"start": "08:00", "end": "10:00"})  # it is 09:00
    uow.clock.advance(minutes=1)
    log_moment("ana")
    held = uow.db.deliveries.find_one({"_id": KEY})
    assert held["state"] == ledger.PENDING and held["held_because"] == "quiet hours"
    assert held["not_before"] == uow.now().replace(hour=10, minute=0) and held["attempts"] == 0

    assert retried_after(uow, senders, minutes=58) == 0  # 09:59
    assert retried_after(uow, senders, minutes=2) == 1
    assert states(uow, _id=KEY) == {KEY: ledger.SENT}


def test_a_setback_breaks_quiet_hours_only_for_a_member_who_allowed_it(
        uow, senders, buddies, log_moment):
    buddies(quiet_hours={"start": "08:00", "end": "10:00"})
    preferences.change_notification_settings(uow, member_id="bob",
                                             settings={"setbacks_break_quiet_hours": True})
    log_moment("ana", kind="client_lost", n=1)
    log_moment("ana", kind="client_won", n=2)
    assert [s.headers["X-WorkBuddy-Delivery"] for s in moments_to(senders, "bob")] == [KEY]
    [told] = moments_to(senders, "bob")
    assert told.mail.headers["Importance"] == "high"
    assert states(uow, recipient_id="bob", kind="moment")["logged-mo-ana-2:bob:email"] == ledger.PENDING


def test_focus_gathers_what_comes_into_one_digest_when_it_ends_and_only_once(
        uow, senders, buddies, log_moment):
    focus_ends = uow.now() + timedelta(hours=2)
    buddies(focus_until=focus_ends.isoformat())
    for n in (1, 2):
        uow.clock.advance(minutes=1)
        log_moment("ana", n=n)
    assert senders.mail.to("bob") == []
    assert set(states(uow, recipient_id="bob").values()) == {ledger.FOR_DIGEST}

    assert deliveries.send_digests(uow, senders) == 0  # focus goes on
    uow.clock.at = focus_ends + timedelta(seconds=5)
    assert deliveries.send_digests(uow, senders) == 1
    [digest] = senders.mail.to("bob")
    assert digest.headers["X-WorkBuddy-Kind"] == ledger.DIGEST
    assert digest.mail.subject == "Work Buddy: 3 notifications while you were busy"
    uow.clock.advance(minutes=1)
    assert deliveries.send_digests(uow, senders) == 0
    assert len(senders.mail.to("bob")) == 1
    assert set(states(uow, recipient_id="bob", kind="moment").values()) == {ledger.GATHERED}
    assert set(states(uow, recipient_id="bob", kind=ledger.DIGEST).values()) == {ledger.SENT}


def test_a_digest_whose_authors_were_blocked_since_is_not_sent(
        uow, senders, buddies, log_moment):
    focus_ends = uow.now() + timedelta(hours=1)
    buddies(focus_until=focus_ends.isoformat())
    uow.clock.advance(minutes=1)
    log_moment("ana")
    members.member_blocked(uow, payload={"blocker_id": "bob", "blocked_id": "ana",
                                         "blocked_at": uow.now()})
    uow.clock.at = focus_ends
    assert deliveries.send_digests(uow, senders) == 1
    [digest] = uow.db.deliveries.find({"kind": ledger.DIGEST})
    assert digest["state"] == ledger.CANCELLED and "nothing left" in digest["reason"]
    assert senders.mail.to("bob") == []


def test_a_daily_digest_due_in_quiet_hours_waits_until_they_end_then_leaves_once(
        uow, senders, buddies, log_moment):
    # Bob reads a digest at 18:00 UTC, inside his quiet hours (17:00-08:00 UTC).
    buddies(delivery="digest", quiet_hours={"start": "17:00", "end": "08:00"})
    log_moment("ana", n=1)
    uow.clock.at = uow.now().replace(hour=18, minute=0)
    assert deliveries.send_digests(uow, senders) == 0
    assert senders.mail.to("bob") == []
    tomorrow_eight = uow.now().replace(hour=8) + timedelta(days=1)
    assert {f["not_before"] for f in uow.db.deliveries.find({"recipient_id": "bob"})} == \
        {tomorrow_eight}
    uow.clock.at = uow.now().replace(hour=23)
    log_moment("ana", n=2)  # set aside for tomorrow's 18:00
    uow.clock.at = tomorrow_eight - timedelta(minutes=1)
    assert deliveries.send_digests(uow, senders) == 0

    uow.clock.at = tomorrow_eight
    assert deliveries.send_digests(uow, senders) == 1
    [digest] = senders.mail.to("bob")
    assert digest.headers["X-WorkBuddy-Kind"] == ledger.DIGEST
    assert states(uow, recipient_id="bob", kind="moment") == {
        "logged-mo-ana-1:bob:email": ledger.GATHERED, "logged-mo-ana-2:bob:email": ledger.FOR_DIGEST}


def test_a_digest_due_in_focus_waits_for_its_end(uow, senders, buddies, log_moment):
    buddies(delivery="digest")
    log_moment("ana")
    focus_ends = uow.now().replace(hour=18, minute=40)
    preferences_changed(uow, "bob", delivery="digest", focus_until=focus_ends.isoformat())
    uow.clock.at = uow.now().replace(hour=18, minute=0)
    assert deliveries.send_digests(uow, senders) == 0
    uow.clock.at = focus_ends
    assert deliveries.send_digests(uow, senders) == 1
    assert len(senders.mail.to("bob")) == 1


def test_a_focus_moved_later_holds_the_digest_until_its_new_end(uow, senders, buddies, log_moment):
    buddies(focus_until=uow.now().replace(hour=10).isoformat())
    uow.clock.at = uow.now().replace(minute=10)
    log_moment("ana")  # set aside for 10:00
    uow.clock.at = uow.now().replace(minute=50)
    preferences_changed(uow, "bob", focus_until=uow.now().replace(hour=11, minute=0).isoformat())
    uow.clock.at = uow.now().replace(hour=10, minute=0, second=10)
    assert deliveries.send_digests(uow, senders) == 0
    uow.clock.at = uow.now().replace(hour=11, minute=0, second=0)
    assert deliveries.send_digests(uow, senders) == 1
    assert len(senders.mail.to("bob")) == 1


def test_a_focus_ending_inside_quiet_hours_holds_the_digest_until_morning(
        uow, senders, buddies, log_moment):
    buddies(focus_until=(uow.now().replace(hour=0) + timedelta(days=1)).isoformat(),
            quiet_hours={"start": "22:00", "end": "07:00"})
    log_moment("ana")
    uow.clock.at = uow.now().replace(hour=0) + timedelta(days=1)
    assert deliveries.send_digests(uow, senders) == 0
    uow.clock.at = uow.now().replace(hour=7)
    assert deliveries.send_digests(uow, senders) == 1


def test_a_daily_digest_due_outside_quiet_hours_and_focus_leaves_at_once(
        uow, senders, buddies, log_moment):
    buddies(delivery="digest", quiet_hours={"start": "22:00", "end": "07:00"})
    log_moment("ana")
    uow.clock.at = uow.now().replace(hour=18, minute=0)
    assert deliveries.send_digests(uow, senders) == 1
    [digest] = senders.mail.to("bob")
    assert digest.headers["X-WorkBuddy-Kind"] == ledger.DIGEST


def test_a_digest_retried_inside_quiet_hours_is_held_until_they_end(
        uow, senders, buddies, log_moment):
    buddies(delivery="digest", quiet_hours={"start": "18:30", "end": "07:00"})
    log_moment("ana")
    uow.clock.at = uow.now().replace(hour=18, minute=0)
    senders.mail.refusal = TransientMailError("451 4.3.0 try again later")
    assert deliveries.send_digests(uow, senders) == 1
    senders.mail.refusal = None
    uow.clock.at = uow.now().replace(hour=18, minute=45)  # the back-off is over, quiet hours began
    deliveries.retry_due(uow, senders)
    assert senders.mail.to("bob") == []
    [digest] = uow.db.deliveries.find({"kind": ledger.DIGEST})
    assert digest["state"] == ledger.PENDING and digest["held_because"] == "quiet hours or focus"
    assert digest["not_before"] == uow.now().replace(hour=7, minute=0) + timedelta(days=1)
    uow.clock.at = digest["not_before"]
    deliveries.retry_due(uow, senders)
    assert len(senders.mail.to("bob")) == 1


def test_a_kind_turned_off_for_mail_is_cancelled_not_held(
        uow, senders, buddies, log_moment):
    buddies()
    preferences.change_notification_settings(uow, member_id="bob", settings={
        "kinds": {"win": {"email": False, "push": True}}})
    log_moment("ana")
    delivery = uow.db.deliveries.find_one({"_id": KEY})
    assert delivery["state"] == ledger.CANCELLED
    assert delivery["reason"] == "the member turned email off for win"
    assert moments_to(senders, "bob") == []


def test_a_mail_server_away_for_a_while_is_retried_after_its_back_off(
        uow, senders, buddies, log_moment):
    buddies()
    senders.mail.refusal = TransientMailError("451 4.3.0 try again later")
    log_moment("ana")
    delivery = uow.db.deliveries.find_one({"_id": KEY})
    assert (delivery["state"], delivery["attempts"]) == (ledger.PENDING, 1)
    assert "451" in delivery["last_error"]

    senders.mail.refusal = None
    assert retried_after(uow, senders, seconds=8) == 0  # the back-off after one attempt is 10 s
    assert retried_after(uow, senders, seconds=3) == 1
    assert states(uow, _id=KEY) == {KEY: ledger.SENT}


def test_a_refusal_for_good_is_recorded_with_the_servers_answer(
        uow, senders, buddies, log_moment):
    buddies()
    failed_before = DELIVERIES.labels("email", "failed")._value.get()
    senders.mail.refusal = PermanentMailError("550 5.1.1 no such user")
    log_moment("ana")
    delivery = uow.db.deliveries.find_one({"_id": KEY})
    assert (delivery["state"], delivery["reason"]) == (ledger.FAILED, "550 5.1.1 no such user")
    assert DELIVERIES.labels("email", "failed")._value.get() == failed_before + 1
    deliveries.attempt(uow, senders, key=KEY)  # settled: a second try sends nothing
    assert uow.db.deliveries.find_one({"_id": KEY})["attempts"] == 0


def test_after_its_last_attempt_a_delivery_is_given_up_not_retried_forever(
        uow, senders, buddies, log_moment):
    buddies()
    senders.mail.refusal = TransientMailError("451 try later")
    log_moment("ana")
    for _ in range(ledger.MAX_ATTEMPTS + 2):
        uow.clock.advance(minutes=11)
        deliveries.retry_due(uow, senders)
    delivery = uow.db.deliveries.find_one({"_id": KEY})
    assert delivery["state"] == ledger.FAILED
    assert delivery["reason"] == f"gave up after {ledger.MAX_ATTEMPTS} attempts: 451 try later"


def test_a_send_whose_worker_died_is_taken_back_after_the_reclaim_time_and_goes(
        uow, senders, buddies, log_moment):
    buddies()
    senders.mail.refusal = TransientMailError("451 try later")
    log_moment("ana")
    senders.mail.refusal = None
    uow.clock.advance(minutes=1)
    assert uow.deliveries.claim(KEY) is not None  # ... and the worker died before settling
    uow.clock.advance(seconds=senders.reclaim_after.total_seconds() - 10)
    deliveries.retry_due(uow, senders)
    assert states(uow, _id=KEY) == {KEY: ledger.SENDING}  # it may still be sending
    uow.clock.advance(seconds=20)
    deliveries.retry_due(uow, senders)
    delivery = uow.db.deliveries.find_one({"_id": KEY})
    assert (delivery["state"], delivery["attempts"]) == (ledger.SENT, 2)
    assert len(moments_to(senders, "bob")) == 1


def test_a_store_blinking_as_a_sent_mail_is_recorded_does_not_send_it_twice(
        uow, senders, buddies, log_moment, monkeypatch):
    """The mail went out and the store dropped the connection as "sent" was written: written
    again after a pause, rather than left "sending" and taken back as interrupted."""
    buddies()
    record, blinks = Deliveries.settle, [AutoReconnect("connection reset by peer")] * 2

    def blinking(self, key, state, **fields):
        if blinks:
            raise blinks.pop()
        return record(self, key, state, **fields)

    monkeypatch.setattr(Deliveries, "settle", blinking)
    monkeypatch.setattr(deliveries.time, "sleep", lambda seconds: None)
    log_moment("ana")
    assert states(uow, _id=KEY) == {KEY: ledger.SENT}
    uow.clock.advance(seconds=senders.reclaim_after.total_seconds() + 60)
    deliveries.retry_due(uow, senders)
    assert len(moments_to(senders, "bob")) == 1


def test_push_goes_to_each_browser_with_no_note_and_setbacks_urgent(
        uow, senders, buddies, log_moment):
    buddies()
    first = preferences.subscribe_push(uow, senders, member_id="bob", subscription=browser())
    second = preferences.subscribe_push(uow, senders, member_id="bob", subscription=browser())
    log_moment("ana", kind="client_lost", note="a private word")
    assert sorted(d["channel"] for d in deliveries.of_event(uow, event_id="logged-mo-ana-1")) == \
        sorted(["email", f"push:{first['id']}", f"push:{second['id']}"])
    assert {sub["endpoint"] for sub, _, _ in senders.push.sent} == {first["endpoint"], second["endpoint"]}
    for _, payload, urgency in senders.push.sent:
        assert urgency == "high" and payload["url"] == "/moments/mo-ana-1"
        assert "a private word" not in str(payload)
    assert set(states(uow, event_id="logged-mo-ana-1").values()) == {ledger.SENT}


def test_a_browser_gone_is_forgotten_and_one_away_for_a_while_retried(
        uow, senders, buddies, log_moment):
    buddies()
    gone = preferences.subscribe_push(uow, senders, member_id="bob", subscription=browser())
    senders.push.refusal = SubscriptionGone("410 Gone")
    log_moment("ana", n=1)
    [delivery] = [d for d in deliveries.of_event(uow, event_id="logged-mo-ana-1")
                  if d["channel"] != "email"]
    assert delivery["state"] == ledger.FAILED and "the browser is gone" in delivery["reason"]
    assert uow.push_subscriptions.get(gone["id"]) is None

    away = preferences.subscribe_push(uow, senders, member_id="bob", subscription=browser())
    senders.push.refusal = TransientPushError("503 Service Unavailable")
    log_moment("ana", n=2)
    delivery = uow.db.deliveries.find_one({"_id": f"logged-mo-ana-2:bob:push:{away['id']}"})
    assert (delivery["state"], delivery["attempts"]) == (ledger.PENDING, 1)


def test_push_turned_off_on_the_server_cancels_what_was_for_browsers(
        uow, senders, buddies, log_moment):
    buddies()
    subscribed = preferences.subscribe_push(uow, senders, member_id="bob", subscription=browser())
    senders.push.refusal = PushDisabled("push is disabled: VAPID_PRIVATE_KEY is not set")
    log_moment("ana")
    delivery = uow.db.deliveries.find_one({"_id": f"logged-mo-ana-1:bob:push:{subscribed['id']}"})
    assert delivery["state"] == ledger.CANCELLED and "VAPID_PRIVATE_KEY" in delivery["reason"]
    assert len(moments_to(senders, "bob")) == 1  # the mail still goes


def test_what_became_of_an_event_is_listed_per_recipient_and_channel(
        uow, senders, buddies):
    buddies()
    found = deliveries.of_event(uow, event_id="started-b-1")
    assert sorted((d["recipient_id"], d["channel"], d["state"]) for d in found) == [
        ("ana", "email", ledger.SENT), ("bob", "email", ledger.SENT)]
    assert deliveries.of_event(uow, event_id="no-such-event") == []


def test_a_delivery_opened_here_is_claimed_by_one_worker_only(uow):
    key = uow.deliveries.open(event_id="ev-1", recipient_id="bo", channel=ledger.EMAIL,
                              notification_id="n-1", subject_id=None)
    other_worker = Deliveries(uow)  # a second replica, handling the same event redelivered
    assert other_worker.claim(key)["state"] == ledger.SENDING
    assert uow.deliveries.claim(key) is None


def test_a_delivery_taken_back_meanwhile_is_not_settled_from_the_copy_in_hand(uow):
    key = uow.deliveries.open(event_id="ev-1", recipient_id="bo", channel=ledger.EMAIL,
                              notification_id="n-1", subject_id=None)
    assert uow.deliveries.claim(key) is not None
    # The reclaim timer took it back meanwhile (the worker seemed dead): pending again.
    uow.db.deliveries.update_one({"_id": key}, {"$set": {"state": ledger.PENDING, "attempts": 1}})
    assert uow.deliveries.settle(key, ledger.SENT) is None
    assert uow.db.deliveries.find_one({"_id": key})["state"] == ledger.PENDING


def opened_claimed(uow, claimed_for: timedelta) -> str:
    [key] = uow.deliveries.open_all([dict(event_id="ev-1", recipient_id="bo", channel=ledger.EMAIL,
                                          notification_id="n-1", subject_id=None)],
                                    claimed_for=claimed_for)
    return key


def test_a_delivery_opened_claimed_is_its_workers_alone(uow):
    key = opened_claimed(uow, timedelta(minutes=2))
    assert states(uow, _id=key) == {key: ledger.SENDING}
    other_worker = Deliveries(uow)  # a second replica, handling the same event redelivered
    assert other_worker.open_all([dict(event_id="ev-1", recipient_id="bo", channel=ledger.EMAIL,
                                       notification_id="n-1", subject_id=None)],
                                 claimed_for=timedelta(minutes=2)) == [key]
    assert other_worker.claim(key) is None
    assert uow.deliveries.claim(key)["state"] == ledger.SENDING
    assert uow.deliveries.settle(key, ledger.SENT)["state"] == ledger.SENT


def test_a_claim_from_the_opening_held_too_long_is_given_up_and_the_delivery_goes_once(
        uow, senders, buddies, log_moment, monkeypatch):
    """The worker reached the delivery later than it may trust its claim (a slow mail server
    ahead of it): it leaves it, the reclaim timer takes it back and the retry timer sends it."""
    buddies()
    claim = Deliveries.claim

    def late(self, key):
        uow.clock.advance(seconds=senders.reclaim_after.total_seconds() / 2)
        return claim(self, key)

    monkeypatch.setattr(Deliveries, "claim", late)
    log_moment("ana")
    monkeypatch.undo()
    assert states(uow, _id=KEY) == {KEY: ledger.SENDING}
    assert moments_to(senders, "bob") == []
    uow.clock.advance(seconds=senders.reclaim_after.total_seconds() + 60)
    deliveries.retry_due(uow, senders)
    assert states(uow, _id=KEY) == {KEY: ledger.SENT}
    assert len(moments_to(senders, "bob")) == 1
