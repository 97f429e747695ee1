"""A conversation through the real store (nx-27017, or MONGO_URI): the shapes profiles uses
for messages and read marks, including a list of datetimes inside a message."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_contracts.errors import Conflict
from workbuddy_platform.unit_of_work import OutboxWriter
from workbuddy_profiles.adapters.repository import create_indexes
from workbuddy_profiles.domain import conversations
from workbuddy_profiles.unit_of_work import ProfilesUnitOfWork

NOW = datetime(2026, 3, 2, 9, 0, 0, 123000, tzinfo=UTC)
LINK = {"buddyship_id": "b-1", "member_id": "ana", "buddy_id": "ben", "started_at": NOW}
BACK = LINK | {"member_id": "ben", "buddy_id": "ana"}


@pytest.fixture
def uow(db):
    create_indexes(db)
    return ProfilesUnitOfWork(db, outbox=OutboxWriter(db, "profiles", None), clock=lambda: NOW)


def write(uow, link, text, at, **more) -> dict:
    message = conversations.new_message(link, {"text": text} | more, at)
    uow.conversations.add(message)
    uow.record(conversations.sent(message))
    uow.commit()
    return message


def test_messages_with_times_to_call_read_back_whole_newest_first(uow, db):
    times = [(NOW + timedelta(days=1, hours=h)).isoformat() for h in (2, 1)]
    first = write(uow, LINK, "Appelle-moi ?", NOW, call_me={"times": times})
    second = write(uow, BACK, "Oui !", NOW + timedelta(milliseconds=5))
    page = uow.conversations.page("b-1", 1, None)
    assert [m["_id"] for m in page["items"]] == [second["_id"]]
    [older] = uow.conversations.page("b-1", 1, page["next"])["items"]
    assert older["call_me_times"] == sorted(datetime.fromisoformat(t) for t in times)
    assert all(t.tzinfo is not None for t in older["call_me_times"])
    assert uow.conversations.last("b-1")["_id"] == second["_id"]
    assert [e["type"] for e in db.outbox.find().sort("created_at", 1)] == ["message.sent"] * 2
    assert first["_id"] != second["_id"]


def test_unread_counts_the_buddy_s_messages_after_the_read_mark_which_only_moves_forward(uow):
    sent = [write(uow, LINK, f"n{n}", NOW + timedelta(milliseconds=n)) for n in range(3)]
    write(uow, BACK, "mine", NOW + timedelta(milliseconds=9))
    assert uow.conversations.unread("b-1", "ben", "") == 3
    mark = conversations.read_mark(BACK, sent[1], NOW)
    uow.conversations.mark_read(mark, None)
    uow.commit()
    assert uow.conversations.unread("b-1", "ben", mark["up_to_order"]) == 1
    uow.conversations.mark_read(conversations.read_mark(BACK, sent[0], NOW), None)
    with pytest.raises(Conflict):  # read meanwhile: a second first mark is refused
        uow.commit()
    later = conversations.read_mark(BACK, sent[2], NOW)
    uow.conversations.mark_read(later, uow.conversations.read_mark("b-1", "ben"))
    uow.commit()
    assert uow.conversations.read_mark("b-1", "ben")["up_to"] == sent[2]["_id"]
