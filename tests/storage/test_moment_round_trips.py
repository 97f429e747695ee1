"""What one moment costs notifications in store commands: each is a round trip that takes the
database's turn on the embedded store, so their number bounds how many moments a second it can
tell. The bound below is what the moment path needs today; a change that adds round trips to
it fails here (and should say why in docs/performance.md before raising it)."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient, monitoring

from workbuddy_notifications.adapters.links import LinkSettings, MailLinks
from workbuddy_notifications.adapters.repository import create_indexes
from workbuddy_notifications.adapters.senders import Senders
from workbuddy_notifications.domain import deliveries
from workbuddy_notifications.unit_of_work import NotificationsUnitOfWork
from workbuddy_notifications.use_cases import telling

from ..notifications.doubles import Doorbell, KeptMails, KeptPushes

BUDDIES = 3
# At most this many commands for a moment told to BUDDIES buddies by mail, and by mail and push
# to a browser each (the consumer's own processed-event record comes on top: one more, as
# moment.logged's handler is keyed). Its deliveries are opened already claimed: no claim command.
BOUND = {0: 10, 1: 13}


class Commands(monitoring.CommandListener):
    def __init__(self):
        self.sent: list[tuple[str, str]] = []
        self.counting = False

    def started(self, event):
        if self.counting:
            self.sent.append((event.command_name, str(event.command.get(event.command_name))))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@pytest.fixture
def commands():
    return Commands()


@pytest.fixture
def counted_db(mongo_uri, db, commands):
    client = MongoClient(mongo_uri, tz_aware=True, event_listeners=[commands])
    yield client[db.name]
    client.close()


def recipient(db, member_id: str) -> None:
    db.recipients.insert_one({
        "_id": member_id, "email": f"{member_id}@example.org", "display_name": member_id.title(),
        "language": "en", "time_zone": "UTC", "email_verified": True,
        "availability": {"focus_until": None, "quiet_hours": None, "delivery": "instant"}})


def log_moment(uow, senders, n: int) -> None:
    telling.moment_logged(uow, senders, event_id=f"ev-{n}", payload={
        "moment_id": f"mo-{n}", "member_id": "ana", "kind": "client_won", "note": None,
        "logged_at": datetime.now(UTC)})


@pytest.mark.parametrize("browsers", [0, 1])
def test_a_moment_to_three_buddies_costs_a_bounded_number_of_round_trips(counted_db, commands,
                                                                         browsers):
    create_indexes(counted_db)
    uow = NotificationsUnitOfWork(counted_db)
    senders = Senders(mail=KeptMails(), push=KeptPushes(),
                      links=MailLinks(LinkSettings(secret="n" * 40)), announcer=Doorbell())
    recipient(counted_db, "ana")
    for n in range(BUDDIES):
        recipient(counted_db, f"buddy-{n}")
        for b in range(browsers):
            uow.push_subscriptions.save(f"buddy-{n}", {
                "endpoint": f"https://push.example.org/{n}/{b}",
                "keys": {"p256dh": "key", "auth": "auth"}}, datetime.now(UTC))
        uow.buddy_links.record({"buddyship_id": f"b-{n}", "member_ids": ["ana", f"buddy-{n}"],
                                "started_at": datetime.now(UTC) - timedelta(days=1)})

    commands.counting = True
    log_moment(uow, senders, 1)
    commands.counting = False

    assert len(senders.mail.sent) == BUDDIES
    assert len(senders.push.sent) == BUDDIES * browsers
    told = list(counted_db.deliveries.find())
    assert {d["state"] for d in told} == {deliveries.SENT}
    assert all(isinstance(d[at], datetime) for d in told for at in ("updated_at", "sent_at"))
    assert len(senders.announcer.rung) == BUDDIES
    assert len(commands.sent) <= BOUND[browsers], Counter(commands.sent)

    # Told again (a redelivered event), nothing is kept or sent twice.
    log_moment(uow, senders, 1)
    assert len(senders.mail.sent) == BUDDIES
    assert len(senders.push.sent) == BUDDIES * browsers
    assert len(senders.announcer.rung) == BUDDIES
    assert counted_db.inbox.count_documents({}) == BUDDIES
