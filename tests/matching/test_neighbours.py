"""Meeting in person: the distance rule, closeness in the score, and the reason told."""

import dataclasses

import pytest

from workbuddy_contracts.profile import default_profile
from workbuddy_matching.domain.compatibility import (
    Candidate,
    distance_km,
    from_pool,
    may_meet,
    refusal,
    score,
    too_far,
)
from workbuddy_matching.domain.pair_scores import Scorer
from workbuddy_matching.domain.ranking import suggest
from workbuddy_matching.domain.reasons import explain
from workbuddy_matching.domain.round_plan import NO_COMPATIBLE_MEMBER, plan_round


def member(member_id: str, city: str | None = "Lyon", *, meet: bool = False, within: int = 30,
           **profile) -> Candidate:
    return from_pool({"_id": member_id, "language": "fr", "display_name": member_id.capitalize(),
                      "profile": default_profile("fr") | {"city": city, "meet_in_person": meet,
                                                          "meet_within_km": within} | profile})


def test_the_meeting_answers_come_from_the_pool_with_their_defaults():
    plain = from_pool({"_id": "m", "language": "fr", "profile": {"city": "Lyon"}})
    assert (plain.meet_in_person, plain.meet_within_km) == (False, 30)
    asked = member("ana", meet=True, within=12)
    assert (asked.meet_in_person, asked.meet_within_km, asked.place.name) == (True, 12, "Lyon")


def test_a_member_who_asks_is_proposed_only_members_within_their_distance():
    ana = member("ana", "Lyon", meet=True, within=30)
    near, far = member("near", "Villeurbanne"), member("far", "Grenoble")  # 3 km, 95 km
    assert 2 < distance_km(ana, near) < 5 and 90 < distance_km(ana, far) < 100
    assert refusal(ana, near, open_slots_a=1, open_slots_b=1) is None
    assert refusal(ana, far, open_slots_a=1, open_slots_b=1) == "too_far"
    assert refusal(far, ana, open_slots_a=1, open_slots_b=1) == "too_far"  # either way round


def test_each_side_distance_binds_that_side_alone():
    ana = member("ana", "Lyon", meet=True, within=100)
    bob = member("bob", "Grenoble", meet=True, within=50)  # 95 km: within Ana's, not Bob's
    assert too_far(ana, bob) and too_far(bob, ana)
    assert not too_far(ana, dataclasses.replace(bob, meet_in_person=False))
    # Neither asked: distance does not matter, nor does an unknown city.
    assert not too_far(member("c", "Lyon"), member("d", "Montréal"))
    assert not too_far(member("c", "Lyon"), member("d", None))


def test_an_unknown_city_is_too_far_for_whoever_asked():
    ana = member("ana", "Lyon", meet=True)
    assert too_far(ana, member("bob", None)) and too_far(ana, member("bob", "Nowhere-sur-Rien"))
    assert too_far(member("ana", "Nowhere-sur-Rien", meet=True), member("bob", "Lyon"))


def test_remote_help_ignores_the_distance():
    """Support buddies, helpers for an ask and project partners help from afar."""
    ana, far = member("ana", "Lyon", meet=True), member("far", "Brest")
    assert may_meet(ana, far, set()) and may_meet(far, ana, set())
    assert not may_meet(ana, far, {"far"})
    assert not may_meet(ana, member("en", "Brest", languages=["en"]), set())  # other rules hold


def test_nearer_scores_higher_for_those_who_asked_and_only_for_them():
    ana = member("ana", "Lyon", meet=True, within=100)
    near, farther = member("near", "Villeurbanne"), member("farther", "Saint-Étienne")  # 3, 50 km
    assert score(ana, near).score > score(ana, farther).score
    # For members who did not ask, the distance between two cities changes nothing.
    bob = dataclasses.replace(ana, meet_in_person=False)
    assert score(bob, near).score == score(bob, farther).score


def test_the_vectorised_score_and_rules_are_the_exact_ones():
    members = [member("ana", "Lyon", meet=True, within=60), member("bob", "Villeurbanne"),
               member("cat", "Saint-Étienne", meet=True, within=10), member("dan", "Grenoble"),
               member("eve", None, meet=False), member("fay", "Paris", meet=True, within=500)]
    table = Scorer(members)
    for i, a in enumerate(members):
        for j, b in enumerate(members):
            allowed = refusal(a, b, open_slots_a=1, open_slots_b=1) is None
            assert bool(table.allowed([i], [j])[0]) == allowed, (a.member_id, b.member_id)
            assert table.score([i], [j])[0] == score(a, b).score


@pytest.mark.parametrize(("theirs", "fr", "en"), [
    ("Villeurbanne", "3 km entre vous, tous les deux dans le coin de Lyon",
     "3 km apart, both in the Lyon area"),
    ("Lyon", "tous les deux à Lyon, assez près pour vous voir", "both in Lyon, near enough to meet"),
    ("Saint-Étienne", "Saint-Étienne, à 50 km", "Saint-Étienne, 50 km away"),
])
def test_the_reason_says_how_far_and_where(theirs, fr, en):
    ana, other = member("ana", "Lyon", meet=True, within=100), member("bob", theirs)
    reasons = score(ana, other).reasons
    assert reasons[0].code == "nearby"  # what the member asked for above all
    assert explain(reasons[0], "fr", other=other) == fr
    assert explain(reasons[0], "en", other=other) == en
    assert "same_city" not in {r.code for r in reasons}  # said once


def test_french_names_are_told_in_french():
    ana, bob = member("ana", "Londres", meet=True), member("bob", "London")
    reason = score(ana, bob).reasons[0]
    assert explain(reason, "fr", other=bob) == "tous les deux à Londres, assez près pour vous voir"
    assert explain(reason, "en", other=bob) == "both in London, near enough to meet"


def test_no_distance_reason_when_nobody_asked():
    reasons = score(member("ana", "Lyon"), member("bob", "Villeurbanne")).reasons
    assert "nearby" not in {r.code for r in reasons}


def test_suggestions_and_rounds_keep_the_rule():
    ana = member("ana", "Lyon", meet=True, within=30)
    others = [member("far", "Grenoble"), member("near", "Villeurbanne")]
    slots = {"ana": 2, "far": 2, "near": 2}
    found = suggest(ana, others, open_slots=slots, blocked=set(), cooling_off=set(),
                    already=set(), limit=10)
    assert [c.member_id for c, _ in found] == ["near"]
    plan = plan_round([ana, *others], open_slots=slots)
    assert {(p.a, p.b) for p in plan.pairings} == {("ana", "near"), ("far", "near")}
    alone = plan_round([ana, others[0]], open_slots=slots)
    assert [(o.member_id, o.reason, o.compatible) for o in alone.left_out] == [
        ("ana", NO_COMPATIBLE_MEMBER, 0), ("far", NO_COMPATIBLE_MEMBER, 0)]


def test_a_large_round_keeps_the_rule_on_its_shortlist():
    towns = ["Lyon", "Villeurbanne", "Grenoble", "Annecy", "Paris", "Marseille", "Lille", "Nantes"]
    members = [member(f"m{i:03d}", towns[i % len(towns)], meet=i % 3 == 0, within=20)
               for i in range(60)]
    plan = plan_round(members, open_slots={m.member_id: 1 for m in members}, exact_up_to=10, k=4)
    by_id = {m.member_id: m for m in members}
    for pairing in plan.pairings:
        assert not too_far(by_id[pairing.a], by_id[pairing.b])


def test_a_large_round_shortlists_neighbours_for_those_who_want_to_meet():
    """The embedding knows nothing of distances: whatever the shortlist names (here nobody), the
    few members near enough are found for those who asked to meet."""
    far = [member(f"far{i:03d}", "Paris", sector="seo", sector_preference="same") for i in range(80)]
    near = [member("near1", "Villeurbanne"), member("near2", "Lyon")]
    ana = member("ana", "Lyon", meet=True, within=20, sector="seo", sector_preference="same")
    everyone = far + near + [ana]
    plan = plan_round(everyone, open_slots={m.member_id: 1 for m in everyone}, exact_up_to=10, k=3,
                      shortlist=lambda members, k: [])
    assert [(p.a, p.b) for p in plan.pairings] == [("ana", "near2")]  # Lyon itself, the nearest
