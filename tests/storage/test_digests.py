"""Digests against the real store and a real SMTP server, on an injected clock: what focus or
digest delivery set aside leaves as one mail when it is due (focus ends in Montreal, 18:00 in
Tokyo), in the reader's zone and language, once, without what a block has since barred."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_notifications.adapters.links import LinkSettings, MailLinks
from workbuddy_notifications.adapters.push import VapidSettings, WebPush
from workbuddy_notifications.adapters.senders import Senders
from workbuddy_notifications.adapters.smtp import MailServer, SmtpSettings
from workbuddy_notifications.domain import deliveries as delivery
from workbuddy_notifications.unit_of_work import NotificationsUnitOfWork
from workbuddy_notifications.use_cases import deliveries

from ..support.mailbox import SmtpServer
from ..support.net import free_port

T0 = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo, midnight in Montreal
FOCUS_ENDS = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # 02:30 in Montreal
TOKYO_SIX_PM = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock_at():
    """The service's clock, set by the test."""
    return Clock(T0)


@pytest.fixture
def uow(db, clock_at):
    return NotificationsUnitOfWork(db, clock=clock_at)


class Doorbell:
    """No open app in these tests: the live ring goes nowhere."""

    def announce(self, member_id: str, item: dict) -> None:
        pass


@pytest.fixture
def smtp():
    with SmtpServer(free_port()) as server:
        yield server


@pytest.fixture
def senders(smtp):
    return Senders(mail=MailServer(SmtpSettings(host="127.0.0.1", port=smtp.port, timeout=5)),
                   push=WebPush(VapidSettings(private_key=None)),
                   links=MailLinks(LinkSettings(secret="d" * 40, public_url="https://app.example.org")),
                   announcer=Doorbell())


def member(db, member_id: str, name: str, language: str, zone: str, **availability) -> dict:
    doc = {"_id": member_id, "email": f"{member_id}@example.org", "display_name": name,
           "language": language, "time_zone": zone,
           "availability": {"focus_until": None, "quiet_hours": None, "delivery": "instant"}
           | availability}
    db.recipients.insert_one(doc)
    return doc


def moment_for(db, uow, senders, recipient_id: str, author_id: str, n: int, at: datetime) -> dict:
    """A buddy's win, kept in the app and told by mail as the service tells it."""
    item = {"_id": f"ev-{author_id}-{n}:{recipient_id}", "event_id": f"ev-{author_id}-{n}",
            "recipient_id": recipient_id, "kind": "moment", "subject_id": author_id,
            "data": {"moment_id": f"mo-{author_id}-{n}", "kind": "client_won"}, "at": at,
            "read_at": None}
    db.moments.insert_one({"_id": item["data"]["moment_id"], "author_id": author_id,
                           "kind": "client_won", "note": None, "logged_at": at})
    db.inbox.insert_one(item)
    deliveries.tell(uow, senders, item=item)
    return item


@pytest.fixture
def people(db):
    member(db, "ana", "Ana", "fr", "Europe/Paris")
    member(db, "ben", "Ben", "en", "Europe/London")
    return {
        "tokyo": member(db, "yuki", "Yuki", "en", "Asia/Tokyo", delivery="digest"),
        "montreal": member(db, "luc", "Luc", "fr", "America/Montreal",
                           focus_until=FOCUS_ENDS.isoformat()),
    }


def test_focus_ending_in_montreal_sends_one_digest_and_tokyo_waits_for_six_pm(
        db, uow, senders, smtp, clock_at, people):
    for n in range(3):
        moment_for(db, uow, senders, "yuki", "ana", n, T0 + timedelta(minutes=n))
    for n in range(2):
        moment_for(db, uow, senders, "luc", "ben", n, T0 + timedelta(minutes=10 + n))
    assert smtp.mailbox.to("yuki@example.org") == smtp.mailbox.to("luc@example.org") == []
    held = {d["recipient_id"]: d["not_before"] for d in db.deliveries.find({"state": delivery.FOR_DIGEST})}
    assert held == {"yuki": TOKYO_SIX_PM, "luc": FOCUS_ENDS}

    clock_at.now = FOCUS_ENDS - timedelta(seconds=1)
    assert deliveries.send_digests(uow, senders) == 0

    clock_at.now = FOCUS_ENDS + timedelta(seconds=5)
    assert deliveries.send_digests(uow, senders) == 1
    [to_luc] = smtp.mailbox.wait_for("luc@example.org", kind="digest")
    assert to_luc.subject == "Work Buddy : 2 notifications pendant que tu étais occupé·e"
    assert [line for line in to_luc.body.splitlines() if line.startswith("- ")] == [
        "- jeudi 26 novembre 2026, 00:10 · Ben : un client gagné",
        "- jeudi 26 novembre 2026, 00:11 · Ben : un client gagné"]
    assert smtp.mailbox.to("yuki@example.org") == []

    clock_at.now = TOKYO_SIX_PM + timedelta(seconds=5)
    assert deliveries.send_digests(uow, senders) == 1
    [to_yuki] = smtp.mailbox.wait_for("yuki@example.org", kind="digest")
    assert to_yuki.subject == "Work Buddy: 3 notifications while you were busy"
    assert "Thursday, November 26, 2026, 2:00\u202fPM · Ana: a client won" in to_yuki.body
    assert to_yuki.html.count("<li>") == 3
    assert to_yuki.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Never twice: the timer comes back, the same events are told again.
    clock_at.now += timedelta(minutes=1)
    assert deliveries.send_digests(uow, senders) == 0
    deliveries.tell(uow, senders, item=db.inbox.find_one({"_id": "ev-ana-0:yuki"}))
    assert len(smtp.mailbox.to("yuki@example.org")) == 1 and len(smtp.mailbox.to("luc@example.org")) == 1
    states = {d["state"] for d in db.deliveries.find({"kind": "moment"})}
    assert states == {delivery.GATHERED}
    assert {d["state"] for d in db.deliveries.find({"kind": delivery.DIGEST})} == {delivery.SENT}


def test_a_block_after_the_items_were_set_aside_keeps_them_out(db, uow, senders, smtp, clock_at, people):
    moment_for(db, uow, senders, "yuki", "ana", 0, T0)
    moment_for(db, uow, senders, "yuki", "ben", 0, T0 + timedelta(minutes=1))
    uow.blocks.remember("yuki", "ana", T0 + timedelta(minutes=2))

    clock_at.now = TOKYO_SIX_PM
    assert deliveries.send_digests(uow, senders) == 1
    [digest] = smtp.mailbox.wait_for("yuki@example.org", kind="digest")
    assert digest.subject == "Work Buddy: 1 notification while you were busy"
    assert "Ana" not in digest.body and "Ben: a client won" in digest.body


def test_a_digest_with_nothing_left_to_tell_is_not_sent(db, uow, senders, smtp, clock_at, people):
    moment_for(db, uow, senders, "yuki", "ana", 0, T0)
    uow.blocks.remember("ana", "yuki", T0 + timedelta(minutes=2))

    clock_at.now = TOKYO_SIX_PM
    deliveries.send_digests(uow, senders)
    [digest] = db.deliveries.find({"kind": delivery.DIGEST})
    assert digest["state"] == delivery.CANCELLED and "nothing left" in digest["reason"]
    assert smtp.mailbox.to("yuki@example.org") == []


def test_a_kind_unsubscribed_from_by_mail_stays_out_of_the_digest(db, uow, senders, smtp, clock_at, people):
    moment_for(db, uow, senders, "luc", "ben", 0, T0)  # set aside while Luc focuses
    uow.recipients.save_settings("luc", {"kinds": {"win": {"email": False, "push": True}}})

    clock_at.now = FOCUS_ENDS
    deliveries.send_digests(uow, senders)
    assert smtp.mailbox.to("luc@example.org") == []


def test_a_digest_whose_mail_server_is_away_is_retried_not_lost(db, uow, senders, smtp, clock_at, people):
    moment_for(db, uow, senders, "luc", "ben", 0, T0)
    smtp.mailbox.refusal = "451 4.3.0 try again later"
    clock_at.now = FOCUS_ENDS
    deliveries.send_digests(uow, senders)
    [digest] = db.deliveries.find({"kind": delivery.DIGEST})
    assert digest["state"] == delivery.PENDING and digest["attempts"] == 1 and "451" in digest["last_error"]

    smtp.mailbox.refusal = None
    deliveries.attempt(uow, senders, key=digest["_id"])
    [mail_to_luc] = smtp.mailbox.wait_for("luc@example.org", kind="digest")
    assert "Ben : un client gagné" in mail_to_luc.body


def test_two_replicas_running_the_digest_job_at_once_tell_each_item_once(
        db, uow, senders, smtp, clock_at, people):
    """The lease keeps the job to one replica; if two ever ran it together (a lease taken over
    while the first holder still worked), each item still goes into one digest only."""
    import threading

    for n in range(4):
        moment_for(db, uow, senders, "luc", "ben", n, T0 + timedelta(minutes=n))
    clock_at.now = FOCUS_ENDS + timedelta(seconds=1)
    start = threading.Barrier(2)

    def replica():
        start.wait()
        deliveries.send_digests(NotificationsUnitOfWork(db, clock=clock_at), senders)

    replicas = [threading.Thread(target=replica) for _ in range(2)]
    for thread in replicas:
        thread.start()
    for thread in replicas:
        thread.join(30)

    mails = smtp.mailbox.wait_for("luc@example.org", kind="digest")
    told = sum(line.startswith("- ") for received in mails for line in received.body.splitlines())
    assert told == 4  # every item once, whether in one digest or split over two
    assert {d["state"] for d in db.deliveries.find({"kind": "moment"})} == {delivery.GATHERED}
    assert len({d["digest_id"] for d in db.deliveries.find({"kind": "moment"})}) == len(mails)
