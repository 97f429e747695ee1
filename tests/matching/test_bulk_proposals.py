"""Matching's own proposals for one member (a slot fill) are written together, in one
transaction, against the real store: the rules drop the ones they refuse, capacity holds, and a
proposal that lost a race undoes the transaction, after which each is tried alone."""

import uuid

import pytest

from workbuddy_matching.adapters.repository import create_indexes
from workbuddy_matching.domain import buddyship
from workbuddy_matching.unit_of_work import MatchingUnitOfWork
from workbuddy_matching.use_cases import members, proposals
from workbuddy_platform.store import client_for, in_transaction
from workbuddy_platform.unit_of_work import OutboxWriter


@pytest.fixture
def db(mongo_uri, db_prefix):
    client = client_for(mongo_uri)
    database = client[f"{db_prefix}bulk_{uuid.uuid4().hex[:12]}"]
    create_indexes(database)
    yield database
    client.drop_database(database.name)


@pytest.fixture
def commits():
    return []


@pytest.fixture
def uow(db, commits):
    def counted(database, work):
        commits.append(1)
        return in_transaction(database, work)

    return MatchingUnitOfWork(db, outbox=OutboxWriter(db, "matching", None), transaction=counted)


def docs(db, **capacities: int) -> dict[str, dict]:
    """The members' pool documents (their capacities), in the store and by id."""
    made = {m: {"_id": m, "language": "en", "profile": {"buddy_capacity": c}}
            for m, c in capacities.items()}
    db.pool.insert_many(list(made.values()))
    return made


def rematch(a: str, b: str, uow) -> buddyship.Change:
    return buddyship.propose(a, b, uow.now(), origin="rematch")


def test_a_member_s_proposals_go_in_one_transaction_and_the_refused_ones_are_left_out(db, uow, commits):
    known = docs(db, ana=3, bob=2, cy=1, dee=2, eve=2, gus=2)
    uow.blocks.add("dee", "ana", uow.now())  # blocked
    uow.commit()
    proposals.save(uow, rematch("gus", "cy", uow))  # Cy's only place is taken
    commits.clear()
    made = proposals.save_all_if_allowed(
        uow, [rematch("ana", m, uow) for m in ("bob", "cy", "dee", "eve")], known)
    assert sorted(p["invitee_id"] for p in made) == ["bob", "eve"]
    assert commits == [1]  # one transaction for both
    assert {s["_id"] for s in db.slots.find({"member_id": "ana"})} == {"ana:0", "ana:1"}
    assert db.open_pairs.count_documents({}) == 3  # gus:cy, and Ana's two
    assert db.outbox.count_documents({"type": "buddyship.proposed"}) == 3


def test_the_member_s_own_capacity_holds_across_the_proposals_written_together(db, uow):
    made = proposals.save_all_if_allowed(
        uow, [rematch("ana", m, uow) for m in ("bob", "cy", "dee")], docs(db, ana=2, bob=1, cy=1, dee=1))
    assert [p["invitee_id"] for p in made] == ["bob", "cy"]
    assert db.buddyships.count_documents({"proposer_id": "ana"}) == 2


def test_a_race_lost_undoes_the_transaction_and_each_proposal_is_tried_alone(db, uow, commits,
                                                                             monkeypatch):
    # Between the read of the slots and the write, another proposal took Cy's only place.
    known = docs(db, ana=2, bob=1, cy=1, gus=1)
    proposals.save(uow, rematch("gus", "cy", uow))
    monkeypatch.setattr(type(uow.buddyships), "slot_numbers", lambda self, ids: {})
    commits.clear()
    made = proposals.save_all_if_allowed(uow, [rematch("ana", m, uow) for m in ("bob", "cy")], known)
    assert [p["invitee_id"] for p in made] == ["bob"]
    assert len(commits) == 2  # together (undone), then Bob's alone (Cy's refused before)
    assert db.open_pairs.find_one({"_id": "ana:cy"}) is None
    assert db.buddyships.count_documents({"proposer_id": "ana"}) == 1
    assert db.outbox.count_documents({"type": "buddyship.proposed"}) == 2  # Gus's and Bob's


def test_a_proposal_read_before_a_member_left_and_written_after_undoes_itself(db, uow):
    """A slot fill read Bob's pool document, then Bob left (member.left handled), then the
    fill wrote its proposals: the one naming Bob goes with him, news and places included."""
    known = docs(db, ana=3, bob=2, cy=2)
    members.left(uow, member_id="bob", automatic=True)
    made = proposals.save_all_if_allowed(uow, [rematch("ana", m, uow) for m in ("bob", "cy")],
                                         known)
    assert [p["invitee_id"] for p in made] == ["cy"]
    held = [doc for name in ("buddyships", "slots", "open_pairs", "outbox")
            for doc in db[name].find() if "bob" in str(doc)]
    assert held == []
    assert db.slots.count_documents({"member_id": "ana"}) == 1  # Cy's proposal only
    assert db.departed.count_documents({}) == 1 and "bob" not in str(list(db.departed.find()))
