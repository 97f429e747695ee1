"""Who hears first: a call for urgent advice goes to the buddies free to hear it now before
those it reaches through their quiet hours (they allowed it), and not at all, for now, to a
buddy in focus (it waits for their digest). Real store, real SMTP server, real broker."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_notifications.adapters.links import LinkSettings, MailLinks
from workbuddy_notifications.adapters.push import VapidSettings, WebPush
from workbuddy_notifications.adapters.senders import LiveAnnouncer, Senders
from workbuddy_notifications.adapters.smtp import MailServer, SmtpSettings
from workbuddy_notifications.domain import deliveries
from workbuddy_notifications.unit_of_work import NotificationsUnitOfWork
from workbuddy_notifications.use_cases import telling

from ..support.mailbox import SmtpServer
from ..support.net import free_port


@pytest.fixture
def smtp():
    with SmtpServer(free_port()) as server:
        yield server


@pytest.fixture
def senders(smtp, amqp_uri):
    return Senders(mail=MailServer(SmtpSettings(host="127.0.0.1", port=smtp.port, timeout=5)),
                   push=WebPush(VapidSettings(private_key=None)),
                   links=MailLinks(LinkSettings(secret="f" * 40)),
                   announcer=LiveAnnouncer(amqp_uri))  # the live ring goes to this run's vhost


@pytest.fixture
def uow(db):
    return NotificationsUnitOfWork(db)


def recipient(db, member_id: str, **availability) -> None:
    db.recipients.insert_one({
        "_id": member_id, "email": f"{member_id}@example.org", "display_name": member_id.title(),
        "language": "en", "time_zone": "UTC",
        "availability": {"focus_until": None, "quiet_hours": None, "delivery": "instant"} | availability})


def test_an_urgent_call_reaches_the_buddies_free_now_first(db, uow, senders, smtp):
    now = datetime.now(UTC)
    quiet = {"start": (now - timedelta(hours=1)).strftime("%H:%M"),
             "end": (now + timedelta(hours=1)).strftime("%H:%M")}
    recipient(db, "ana")
    # Sorted by id, the buddy in quiet hours would come first: being free now comes first.
    recipient(db, "aaron", quiet_hours=quiet)
    uow.recipients.save_settings("aaron", {"kinds": {}, "setbacks_break_quiet_hours": True})
    recipient(db, "zoe")
    recipient(db, "abel", focus_until=(now + timedelta(hours=2)).isoformat())
    for n, buddy in enumerate(("aaron", "zoe", "abel")):
        uow.buddy_links.record({"buddyship_id": f"b-{n}", "member_ids": ["ana", buddy],
                                "started_at": now - timedelta(days=1)})

    telling.moment_logged(uow, senders, event_id="ev-1", payload={
        "moment_id": "mo-1", "member_id": "ana", "kind": "urgent_advice",
        "note": "Client wants an answer by noon", "logged_at": now})

    smtp.mailbox.wait_for("aaron@example.org")
    assert [m.rcpt_tos for m in smtp.mailbox.all()] == [("zoe@example.org",), ("aaron@example.org",)]
    assert smtp.mailbox.to("abel@example.org") == []
    assert db.deliveries.find_one({"recipient_id": "abel"})["state"] == deliveries.FOR_DIGEST
