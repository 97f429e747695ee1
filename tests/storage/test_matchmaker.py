"""Matching's own proposals through the real store: a round, a support buddy, filling slots and
the buddyships' check-up, each writing its proposals with their events in the outbox."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_contracts.events import read_event
from workbuddy_matching.adapters.repository import create_indexes
from workbuddy_matching.domain import buddyship as buddyships
from workbuddy_matching.unit_of_work import MatchingUnitOfWork
from workbuddy_matching.use_cases import checkups, proposals, rounds, slots, support
from workbuddy_platform.unit_of_work import OutboxWriter

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def uow(db):
    """matching's own unit of work over the real store, its clock standing at NOW."""
    create_indexes(db)
    return MatchingUnitOfWork(db, outbox=OutboxWriter(db, "matching", None), clock=lambda: NOW)


def buddies(uow, a: str, b: str, since: datetime) -> dict:
    """``a`` proposed to ``b`` at ``since``, who accepted: an active buddyship."""
    proposals.save(uow, buddyships.propose(a, b, since))
    [proposal] = [p for p in uow.buddyships.open_of(a) if b in buddyships.members_of(p)]
    accepted = buddyships.accept(proposal, proposal["_id"], b, since)
    uow.buddyships.save(accepted.buddyship, was=proposal)
    uow.commit()
    return accepted.buddyship


def pool_member(db, member_id: str, language: str = "fr", **profile) -> None:
    base = {"languages": ["qq"], "time_zone": "Europe/Paris", "buddy_capacity": 1}
    db.pool.insert_one({"_id": member_id, "display_name": member_id.title(), "language": language,
                        "registered_at": NOW - timedelta(days=3), "revision": 1,
                        "profile": base | profile})


def staged(db, event_type: str) -> list[dict]:
    return [read_event(entry["message"]).payload
            for entry in db.outbox.find({"type": event_type})]


def test_a_round_proposes_pairs_with_reasons_and_tells_the_left_out(db, uow):
    for member_id in ("ana", "bob", "cy"):
        pool_member(db, member_id, city="Lyon")
    pool_member(db, "dev", languages=["zz"])  # shares no language with anyone
    next_round = NOW + timedelta(days=1)

    summary = rounds.run(uow, every=timedelta(days=1))

    assert summary["proposed"] == 1 and summary["left_out"] == 2
    [proposal] = db.buddyships.find()
    assert proposal["origin"] == "round" and proposal["accepted_by"] == []
    pair = {proposal["proposer_id"], proposal["invitee_id"]}
    [left_in_lyon] = {"ana", "bob", "cy"} - pair
    [event] = staged(db, "buddyship.proposed")
    assert event["origin"] == "round" and sorted(event["awaiting"]) == sorted(pair)
    assert all("tous les deux à Lyon" in event["reasons"][m] for m in pair)  # in French
    told = {e["member_id"]: e for e in staged(db, "member.unmatched")}
    assert told[left_in_lyon]["reason"] == "compatible_members_taken"
    assert told["dev"]["reason"] == "no_compatible_member"
    assert uow.pool.member("dev")["left_out"]["next_round_at"] == next_round

    # The next round serves first whoever the last one left out: the pair is taken already,
    # so nobody new is proposed, and the member left out twice is counted.
    uow.now = lambda: NOW + timedelta(minutes=1)
    again = rounds.run(uow, every=timedelta(days=1))
    assert again["proposed"] == 0 and again["left_out_twice"] == 2


def test_filling_slots_proposes_the_best_member_with_room_and_respects_capacity(db, uow):
    pool_member(db, "ana", city="Nantes", sector="ux_design", sector_preference="adjacent")
    pool_member(db, "bob", city="Nantes", sector="frontend_development", sector_preference="adjacent")
    pool_member(db, "cy", sector="accounting")
    made = slots.fill(uow, "ana")
    assert [(p["proposer_id"], p["invitee_id"]) for p in made] == [("ana", "bob")]
    assert slots.fill(uow, "ana") == []  # her one slot is taken
    assert slots.fill(uow, "cy") == []  # nobody has room for cy


def test_a_setback_with_every_buddy_away_proposes_who_lived_it(db, uow):
    pool_member(db, "mia")
    pool_member(db, "xav", availability={"focus_until": NOW + timedelta(hours=3),
                                         "quiet_hours": None, "delivery": "instant"})
    pool_member(db, "sam", offers_support=True)
    pool_member(db, "tess", offers_support=True)
    pool_member(db, "ugo", offers_support=True,
                availability={"focus_until": NOW + timedelta(hours=1), "quiet_hours": None,
                              "delivery": "instant"})  # would fit, but is in focus too
    db.pool.update_one({"_id": "sam"}, {"$set": {"setbacks": ["client_lost"]}})
    buddies(uow, "mia", "xav", NOW - timedelta(days=2))

    moment = {"moment_id": "m1", "member_id": "mia", "kind": "client_lost", "logged_at": NOW}
    proposal = support.offer_support(uow, moment=moment)
    assert proposal["origin"] == "support" and proposal["invitee_id"] == "sam"
    assert proposal["reasons"]["mia"]["en"][0] == "Sam has been through it too: a lost client"
    # One support buddy at a time: a second setback proposes nobody new.
    assert support.offer_support(uow, moment=moment | {"moment_id": "m2"}) is None
    # A support buddy takes nobody's slot.
    assert slots.open_slots(uow, list(db.pool.find()))["sam"] == 1


def test_a_setback_with_a_buddy_at_hand_calls_for_nobody(db, uow):
    pool_member(db, "mia")
    pool_member(db, "xav")
    pool_member(db, "sam", offers_support=True)
    buddies(uow, "mia", "xav", NOW - timedelta(days=2))
    moment = {"moment_id": "m1", "member_id": "mia", "kind": "client_lost", "logged_at": NOW}
    assert support.offer_support(uow, moment=moment) is None


def test_the_check_up_flags_a_buddy_gone_quiet_once_and_learns_responsiveness(db, uow):
    for member_id in ("ana", "bob"):
        pool_member(db, member_id)
    buddies(uow, "ana", "bob", NOW - timedelta(days=20))
    for day in (10, 8, 6, 4):  # Ana logs; Bob never reacts. Bob logs once; Ana cheers in an hour.
        uow.pool.remember_moment({"moment_id": f"a{day}", "member_id": "ana", "kind": "client_won",
                                      "logged_at": NOW - timedelta(days=day)})
    uow.pool.remember_moment({"moment_id": "b1", "member_id": "bob", "kind": "client_won",
                                  "logged_at": NOW - timedelta(days=5)})
    uow.pool.remember_reaction({"reaction_id": "r1", "moment_id": "b1", "author_id": "bob",
                                    "reactor_id": "ana", "reacted_at": NOW - timedelta(days=5, hours=-1)})

    assert checkups.check_up(uow) == {"members": 2, "flagged": 1}
    [quiet] = staged(db, "buddyship.quiet")
    assert quiet["quiet_member_id"] == "bob" and quiet["unanswered"] == 4
    assert uow.pool.member("ana")["responsiveness"] == 1.0
    assert uow.pool.member("ana")["reaction_minutes"] == 60
    assert uow.pool.member("bob")["responsiveness"] == 0.0
    assert checkups.check_up(uow)["flagged"] == 0  # told once


def test_the_quiet_flag_lifts_when_the_buddy_shows_up_again(db, uow):
    buddyship = buddies(uow, "ana", "bob", NOW - timedelta(days=20))
    for day in (10, 8, 6):
        uow.pool.remember_moment({"moment_id": f"a{day}", "member_id": "ana", "kind": "milestone",
                                      "logged_at": NOW - timedelta(days=day)})
    assert checkups.check_up(uow)["flagged"] == 1
    uow.pool.remember_reaction({"reaction_id": "r", "moment_id": "a6", "author_id": "ana",
                                    "reactor_id": "bob", "reacted_at": NOW - timedelta(days=5)})
    checkups.check_up(uow)
    assert uow.buddyships.get(buddyship["_id"])["quiet"] is None


def test_a_round_that_loses_its_lease_stops_writing_proposals(db, uow, monkeypatch):
    for member_id in ("ana", "bob", "cy", "dan"):
        pool_member(db, member_id)
    monkeypatch.setattr(rounds, "RENEW_EVERY", 1)
    asked = []

    def still_ours():  # the lease is lost after the first proposal is written
        asked.append(1)
        return len(asked) < 2

    summary = rounds.run(uow, every=timedelta(0), still_ours=still_ours)
    assert summary["proposed"] == 1 and len(list(db.buddyships.find())) == 1
