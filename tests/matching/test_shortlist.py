"""Past a small pool, suggestions, filling slots and the support buddy draw their candidates
from the embedding's shortlist (adapters/shortlist.py), then apply the hard rules and the exact
score to those: the same answers while the shortlist holds everyone, the member registered
last found as readily as the first, and what another replica learnt found too. Against the
in-memory unit of work."""

import threading
from datetime import timedelta

import mongomock
import pytest

from workbuddy_matching.adapters import shortlist
from workbuddy_matching.unit_of_work import MatchingUnitOfWork
from workbuddy_matching.use_cases import members, slots

from ..support.fakes import KeptOutbox

# Far from each other on every question the score asks (and from the pairs the tests look for).
FAR = {"city": "Brest", "sector": "accounting", "time_zone": "Asia/Tokyo", "commitment": "momentary",
       "support": ["joint_projects"], "bond": "admiration"}
NEAR = {"city": "Lyon", "sector": "ux_design", "time_zone": "Europe/Paris", "commitment": "regular",
        "support": ["celebrate_and_comfort", "client_talk"], "bond": "conviviality"}


@pytest.fixture
def shortlisted(monkeypatch):
    """Every pool counts as large: candidates come from the shortlist."""
    monkeypatch.setattr(slots, "SCORE_WHOLE_POOL_UP_TO", 0)


def names(found: dict) -> list[str]:
    return [s["member_id"] for s in found["items"]]


def log(uow, author: str, kind: str, moment_id: str, automatic: bool = True) -> None:
    members.moment_logged(uow, automatic=automatic, widen_after=timedelta(minutes=15), moment={
        "moment_id": moment_id, "member_id": author, "kind": kind, "note": None,
        "logged_at": uow.now()})


def test_while_the_shortlist_holds_everyone_suggestions_are_those_of_the_whole_pool(
        uow, member, monkeypatch):
    ana = member("Ana", **NEAR)
    member("Bob", **NEAR | {"city": "Paris"})
    member("Cy", **FAR)
    member("Dee", **NEAR | {"sector": "legal"})
    member("Eve", **FAR | {"time_zone": "Europe/Paris"})
    member("Fay", languages=["de"])  # shares no language with Ana
    whole = slots.suggestions_for(uow, member_id=ana, limit=10)
    monkeypatch.setattr(slots, "SCORE_WHOLE_POOL_UP_TO", 0)
    assert slots.suggestions_for(uow, member_id=ana, limit=10) == whole
    assert sorted(names(whole)) == ["bob", "cy", "dee", "eve"]


def test_the_best_partner_registered_last_is_suggested_first(uow, member, shortlisted,
                                                            monkeypatch):
    monkeypatch.setattr(slots, "SHORTLIST_FIRST", 2)  # a shortlist far smaller than the pool
    ana = member("Ana", **NEAR)
    for n in range(12):
        member(f"Early{n}", **FAR | {"city": f"City{n}"})
    member("Zoe", **NEAR)
    assert names(slots.suggestions_for(uow, member_id=ana, limit=1)) == ["zoe"]


def test_a_member_another_replica_learnt_of_is_found_here(uow, member, shortlisted):
    ana = member("Ana", **NEAR)
    member("Cy", **FAR)
    assert names(slots.suggestions_for(uow, member_id=ana, limit=5)) == ["cy"]
    # The other replica: its own process, the same store (its events never reach this one).
    db = mongomock.MongoClient(tz_aware=True, _store=uow.db.client._store)[uow.db.name]
    other = MatchingUnitOfWork(db, outbox=KeptOutbox("matching"), clock=uow.clock,
                               transaction=lambda _db, work: work(None))
    assert other.db is not uow.db
    members.registered(other, event_id="registered-zoe", payload={
        "member_id": "zoe", "email": "zoe@x.org", "email_verified": True, "display_name": "Zoe",
        "language": "en", "registered_at": uow.now(), "invited_by": None})
    members.updated(other, automatic=False, payload={
        "member_id": "zoe", "revision": 1, "display_name": "Zoe", "language": "en",
        "profile": uow.pool.member(ana)["profile"], "updated_at": uow.now()})
    assert names(slots.suggestions_for(uow, member_id=ana, limit=5)) == ["zoe", "cy"]


def test_shortlisted_members_still_meet_every_hard_rule(uow, member, active, shortlisted):
    ana = member("Ana", **NEAR)
    bob, cy = member("Bob", buddy_capacity=1, **NEAR), member("Cy", buddy_capacity=1, **NEAR)
    active(bob, cy)  # both full
    member("Dee", matching_paused_until=(uow.now() + timedelta(days=3)).isoformat(), **NEAR)
    gone = member("Gus", **NEAR)
    members.left(uow, member_id=gone, automatic=False)  # still in this process's vectors
    member("Eve", **FAR)
    assert names(slots.suggestions_for(uow, member_id=ana, limit=5)) == ["eve"]


def test_slots_are_filled_from_the_shortlist_widened_past_full_members(
        uow, member, active, shortlisted, monkeypatch):
    monkeypatch.setattr(slots, "SHORTLIST_FIRST", 1)
    near = [member(f"Near{n}", buddy_capacity=1, **NEAR) for n in range(6)]
    for a, b in zip(near[::2], near[1::2], strict=True):
        active(a, b)  # the best partners are all full
    uow.db.slot_requests.delete_many({})
    ana = member("Ana", buddy_capacity=1, **NEAR)
    zoe = member("Zoe", buddy_capacity=1, **FAR | {"time_zone": "Europe/Paris"})
    slots.fill_wanted(uow)
    [proposed] = [p for p in uow.outbox.of_type("buddyship.proposed") if p["origin"] == "rematch"]
    assert sorted(proposed["awaiting"]) == [ana, zoe]


def test_the_support_buddy_from_the_shortlist_lived_the_same_setback(uow, member, shortlisted,
                                                                     monkeypatch):
    monkeypatch.setattr(slots, "SHORTLIST_FIRST", 1)
    mia = member("Mia", **NEAR)
    for n in range(4):
        member(f"Kind{n}", offers_support=True, **NEAR)  # nearer Mia, but lived no setback
    sam = member("Sam", offers_support=True, **NEAR | {"city": "Marseille", "sector": "legal"})
    log(uow, sam, "client_lost", "s-1", automatic=False)
    uow.outbox.events.clear()
    log(uow, mia, "client_lost", "m-1")
    [proposed] = uow.outbox.of_type("buddyship.proposed")
    assert (proposed["origin"], proposed["invitee_id"]) == ("support", sam)


def test_the_vectors_are_fitted_ahead_only_for_a_pool_too_large_to_score_whole(
        uow, member, monkeypatch):
    member("Ana")
    member("Bob")
    slots.keep_shortlist(uow)
    assert shortlist._index_of(uow.db).population is None  # two members: scored whole
    monkeypatch.setattr(slots, "SCORE_WHOLE_POOL_UP_TO", 1)
    slots.keep_shortlist(uow)
    assert sorted(shortlist._index_of(uow.db).population.ids) == ["ana", "bob"]


def test_the_daily_refit_is_built_aside_while_events_search_the_vectors_in_place(
        uow, member, shortlisted, monkeypatch):
    ana = member("Ana", **NEAR)
    member("Cy", **FAR)
    assert shortlist.size(uow) == 2
    index = shortlist._index_of(uow.db)
    index.fitted_at -= shortlist.REFIT_AFTER + 1  # a day old: the timer's next call refits
    fit, searched = shortlist._fitted, []

    def slow_fit(uow_):
        # An event while the new vectors are built: served at once, by the ones in place.
        search = threading.Thread(target=lambda: searched.append(
            shortlist.nearest(uow, uow.pool.member(ana), 5)))
        search.start()
        search.join(timeout=5)
        return fit(uow_)

    monkeypatch.setattr(shortlist, "_fitted", slow_fit)
    member("Zoe", **NEAR)
    assert shortlist.size(uow) == 3
    assert searched and "cy" in searched[0]
    assert index.fitted_at > 0 and sorted(index.population.ids) == ["ana", "cy", "zoe"]
