"""The unit of work: nothing is written before commit; a commit writes everything asked and
stages every event recorded, in one transaction; a failing write undoes the others."""

import mongomock
import pytest

from workbuddy_contracts.errors import Conflict
from workbuddy_platform.unit_of_work import Repository, UnitOfWork, write

from ..support.fakes import Clock, KeptOutbox


class Notes(Repository):
    def all(self) -> list[str]:
        return sorted(n["_id"] for n in self.db.notes.find())

    @write
    def add(self, note: str, session=None) -> str:
        if self.db.notes.find_one({"_id": note}) is not None:
            raise Conflict("this note exists already", "note")
        self.db.notes.insert_one({"_id": note}, session=session)
        return note


class Notebook(UnitOfWork):
    def attach(self):
        self.notes = Notes(self)


def all_or_nothing(db, work):
    """A transaction as the store gives it: on failure, the writes are undone."""
    before = list(db.notes.find())
    try:
        return work(None)
    except Exception:
        db.notes.delete_many({})
        if before:
            db.notes.insert_many(before)
        raise


@pytest.fixture
def uow():
    db = mongomock.MongoClient(tz_aware=True)["test"]
    return Notebook(db, outbox=KeptOutbox("profiles"), clock=Clock(), transaction=all_or_nothing)


def test_nothing_is_written_before_commit_and_everything_after(uow):
    uow.notes.add("a")
    uow.record(("member.left", {"member_id": "m-1", "left_at": uow.now()}))
    assert uow.notes.all() == [] and uow.pending
    assert uow.commit() == ["a"]
    assert uow.notes.all() == ["a"] and not uow.pending
    assert [e.type for e in uow._outbox.events] == ["member.left"]
    assert uow.commit() == []  # nothing asked since: nothing to do


def test_a_failing_write_undoes_the_others_and_stages_no_event(uow):
    uow.notes.add("a")
    uow.commit()
    uow.notes.add("b")
    uow.notes.add("a")  # exists: refused inside the transaction
    uow.record(("member.left", {"member_id": "m-1", "left_at": uow.now()}))
    with pytest.raises(Conflict):
        uow.commit()
    assert uow.notes.all() == ["a"] and uow._outbox.events == []
    assert not uow.pending  # what failed is not tried again by the next commit


def test_rollback_forgets_what_was_asked(uow):
    uow.notes.add("a")
    uow.rollback()
    uow.commit()
    assert uow.notes.all() == []


def test_an_event_outside_the_catalogue_fails_at_commit_not_on_the_wire(uow):
    uow.record(("member.vanished", {}))
    with pytest.raises(KeyError):
        uow.commit()


def test_a_service_without_an_outbox_cannot_record_events():
    plain = Notebook(mongomock.MongoClient()["test"])
    with pytest.raises(RuntimeError, match="emits no events"):
        plain.record(("member.left", {}))
