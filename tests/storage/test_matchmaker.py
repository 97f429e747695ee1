"""Matching's own proposals through the real store: a round, a support buddy, filling slots and
the buddyships' check-up, each writing its proposals with their events in the outbox."""

from datetime import UTC, datetime, timedelta

from workbuddy_contracts.events import read_event
from workbuddy_matching import buddyships, checkups, matchmaker
from workbuddy_matching import repository as matching
from workbuddy_platform.dependencies import OutboxWriter
from workbuddy_platform.store import in_transaction

NOW = datetime.now(UTC).replace(microsecond=0)


def pool_member(db, member_id: str, language: str = "fr", **profile) -> None:
    base = {"languages": ["qq"], "time_zone": "Europe/Paris", "buddy_capacity": 1}
    db.pool.insert_one({"_id": member_id, "display_name": member_id.title(), "language": language,
                        "registered_at": NOW - timedelta(days=3), "revision": 1,
                        "profile": base | profile})


def staged(db, event_type: str) -> list[dict]:
    return [read_event(entry["message"]).payload
            for entry in db.outbox.find({"type": event_type})]


def outbox_of(db) -> OutboxWriter:
    return OutboxWriter(db, "matching", None)


def test_a_round_proposes_pairs_with_reasons_and_tells_the_left_out(db):
    matching.create_indexes(db)
    for member_id in ("ana", "bob", "cy"):
        pool_member(db, member_id, city="Lyon")
    pool_member(db, "dev", languages=["zz"])  # shares no language with anyone
    next_round = NOW + timedelta(days=1)

    summary = matchmaker.run_round(db, outbox_of(db), NOW, next_round)

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
    assert matching.pool_member(db, "dev")["left_out"]["next_round_at"] == next_round

    # The next round serves first whoever the last one left out: the pair is taken already,
    # so nobody new is proposed, and the member left out twice is counted.
    again = matchmaker.run_round(db, outbox_of(db), NOW + timedelta(minutes=1), next_round)
    assert again["proposed"] == 0 and again["left_out_twice"] == 2


def test_filling_slots_proposes_the_best_member_with_room_and_respects_capacity(db):
    matching.create_indexes(db)
    pool_member(db, "ana", city="Nantes", sector="ux_design", sector_preference="adjacent")
    pool_member(db, "bob", city="Nantes", sector="frontend_development", sector_preference="adjacent")
    pool_member(db, "cy", sector="accounting")
    made = matchmaker.fill_slots(db, outbox_of(db), "ana", NOW)
    assert [(p["proposer_id"], p["invitee_id"]) for p in made] == [("ana", "bob")]
    assert matchmaker.fill_slots(db, outbox_of(db), "ana", NOW) == []  # her one slot is taken
    assert matchmaker.fill_slots(db, outbox_of(db), "cy", NOW) == []  # nobody has room for cy


def test_a_setback_with_every_buddy_away_proposes_who_lived_it(db):
    matching.create_indexes(db)
    pool_member(db, "mia")
    pool_member(db, "xav", availability={"focus_until": NOW + timedelta(hours=3),
                                         "quiet_hours": None, "delivery": "instant"})
    pool_member(db, "sam", offers_support=True)
    pool_member(db, "tess", offers_support=True)
    pool_member(db, "ugo", offers_support=True,
                availability={"focus_until": NOW + timedelta(hours=1), "quiet_hours": None,
                              "delivery": "instant"})  # would fit, but is in focus too
    db.pool.update_one({"_id": "sam"}, {"$set": {"setbacks": ["client_lost"]}})
    buddyship = buddyships.propose("mia", "xav", NOW - timedelta(days=2))
    in_transaction(db, lambda s: matching.add_proposal(db, buddyship, s))
    in_transaction(db, lambda s: matching.accept(db, buddyship, "xav", NOW, s))

    moment = {"moment_id": "m1", "member_id": "mia", "kind": "client_lost", "logged_at": NOW}
    support = matchmaker.offer_support(db, outbox_of(db), moment, NOW)
    assert support["origin"] == "support" and support["invitee_id"] == "sam"
    assert support["reasons"]["mia"]["en"][0] == "Sam has been through it too: a lost client"
    # One support buddy at a time: a second setback proposes nobody new.
    assert matchmaker.offer_support(db, outbox_of(db), moment | {"moment_id": "m2"}, NOW) is None
    # A support buddy takes nobody's slot.
    assert matching.open_slots(db, list(db.pool.find()))["sam"] == 1


def test_a_setback_with_a_buddy_at_hand_calls_for_nobody(db):
    matching.create_indexes(db)
    pool_member(db, "mia")
    pool_member(db, "xav")
    pool_member(db, "sam", offers_support=True)
    buddyship = buddyships.propose("mia", "xav", NOW - timedelta(days=2))
    in_transaction(db, lambda s: matching.add_proposal(db, buddyship, s))
    in_transaction(db, lambda s: matching.accept(db, buddyship, "xav", NOW, s))
    moment = {"moment_id": "m1", "member_id": "mia", "kind": "client_lost", "logged_at": NOW}
    assert matchmaker.offer_support(db, outbox_of(db), moment, NOW) is None


def test_the_check_up_flags_a_buddy_gone_quiet_once_and_learns_responsiveness(db):
    matching.create_indexes(db)
    for member_id in ("ana", "bob"):
        pool_member(db, member_id)
    buddyship = buddyships.propose("ana", "bob", NOW - timedelta(days=20))
    in_transaction(db, lambda s: matching.add_proposal(db, buddyship, s))
    in_transaction(db, lambda s: matching.accept(db, buddyship, "bob", NOW - timedelta(days=20), s))
    for day in (10, 8, 6, 4):  # Ana logs; Bob never reacts. Bob logs once; Ana cheers in an hour.
        matching.remember_moment(db, {"moment_id": f"a{day}", "member_id": "ana", "kind": "client_won",
                                      "logged_at": NOW - timedelta(days=day)})
    matching.remember_moment(db, {"moment_id": "b1", "member_id": "bob", "kind": "client_won",
                                  "logged_at": NOW - timedelta(days=5)})
    matching.remember_reaction(db, {"reaction_id": "r1", "moment_id": "b1", "author_id": "bob",
                                    "reactor_id": "ana", "reacted_at": NOW - timedelta(days=5, hours=-1)})

    assert checkups.check_up(db, outbox_of(db), NOW) == {"members": 2, "flagged": 1}
    [quiet] = staged(db, "buddyship.quiet")
    assert quiet["quiet_member_id"] == "bob" and quiet["unanswered"] == 4
    assert matching.pool_member(db, "ana")["responsiveness"] == 1.0
    assert matching.pool_member(db, "ana")["reaction_minutes"] == 60
    assert matching.pool_member(db, "bob")["responsiveness"] == 0.0
    assert checkups.check_up(db, outbox_of(db), NOW)["flagged"] == 0  # told once


def test_the_quiet_flag_lifts_when_the_buddy_shows_up_again(db):
    matching.create_indexes(db)
    buddyship = buddyships.propose("ana", "bob", NOW - timedelta(days=20))
    in_transaction(db, lambda s: matching.add_proposal(db, buddyship, s))
    in_transaction(db, lambda s: matching.accept(db, buddyship, "bob", NOW - timedelta(days=20), s))
    for day in (10, 8, 6):
        matching.remember_moment(db, {"moment_id": f"a{day}", "member_id": "ana", "kind": "milestone",
                                      "logged_at": NOW - timedelta(days=day)})
    assert checkups.check_up(db, outbox_of(db), NOW)["flagged"] == 1
    matching.remember_reaction(db, {"reaction_id": "r", "moment_id": "a6", "author_id": "ana",
                                    "reactor_id": "bob", "reacted_at": NOW - timedelta(days=5)})
    checkups.check_up(db, outbox_of(db), NOW)
    assert matching.get(db, buddyship["_id"])["quiet"] is None


def test_a_round_that_loses_its_lease_stops_writing_proposals(db, monkeypatch):
    matching.create_indexes(db)
    for member_id in ("ana", "bob", "cy", "dan"):
        pool_member(db, member_id)
    monkeypatch.setattr(matchmaker, "RENEW_EVERY", 1)
    asked = []

    def still_ours():  # the lease is lost after the first proposal is written
        asked.append(1)
        return len(asked) < 2

    summary = matchmaker.run_round(db, outbox_of(db), NOW, None, still_ours=still_ours)
    assert summary["proposed"] == 1 and len(list(db.buddyships.find())) == 1
