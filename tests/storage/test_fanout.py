"""Who hears first: a call for urgent advice goes to the buddies free to hear it now before
those it reaches through their quiet hours (they allowed it), and not at all, for now, to a
buddy in focus (it waits for their digest). Real store, real SMTP server, real broker."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_notifications import fanout, inbox, links, mail, push
from workbuddy_notifications import repository as repo
from workbuddy_notifications.channels import Senders
from workbuddy_platform import buddy_links

from ..support.mailbox import SmtpServer
from ..support.net import free_port


@pytest.fixture
def smtp():
    with SmtpServer(free_port()) as server:
        yield server


@pytest.fixture
def senders(smtp, monkeypatch, amqp_uri):
    monkeypatch.setattr(inbox, "_AMQP_URI", amqp_uri)  # the live ring goes to this run's vhost
    return Senders(smtp=mail.SmtpSettings(host="127.0.0.1", port=smtp.port, timeout=5),
                   vapid=push.VapidSettings(private_key=None),
                   links=links.LinkSettings(secret="f" * 40))


def recipient(db, member_id: str, **availability) -> None:
    db.recipients.insert_one({
        "_id": member_id, "email": f"{member_id}@example.org", "display_name": member_id.title(),
        "language": "en", "time_zone": "UTC",
        "availability": {"focus_until": None, "quiet_hours": None, "delivery": "instant"} | availability})


def test_an_urgent_call_reaches_the_buddies_free_now_first(db, senders, smtp):
    now = datetime.now(UTC)
    quiet = {"start": (now - timedelta(hours=1)).strftime("%H:%M"),
             "end": (now + timedelta(hours=1)).strftime("%H:%M")}
    recipient(db, "ana")
    # Sorted by id, the buddy in quiet hours would come first: being free now comes first.
    recipient(db, "aaron", quiet_hours=quiet)
    repo.save_settings(db, "aaron", {"kinds": {}, "setbacks_break_quiet_hours": True})
    recipient(db, "zoe")
    recipient(db, "abel", focus_until=(now + timedelta(hours=2)).isoformat())
    for n, buddy in enumerate(("aaron", "zoe", "abel")):
        buddy_links.record(db, {"buddyship_id": f"b-{n}", "member_ids": ["ana", buddy],
                                "started_at": now - timedelta(days=1)})

    moment = {"_id": "mo-1", "event_id": "ev-1", "author_id": "ana", "kind": "urgent_advice",
              "note": "Client wants an answer by noon", "logged_at": now}
    repo.save_moment(db, moment)
    fanout.tell_buddies(db, senders, moment)

    smtp.mailbox.wait_for("aaron@example.org")
    assert [m.rcpt_tos for m in smtp.mailbox.all()] == [("zoe@example.org",), ("aaron@example.org",)]
    assert smtp.mailbox.to("abel@example.org") == []
    assert db.deliveries.find_one({"recipient_id": "abel"})["state"] == repo.FOR_DIGEST
