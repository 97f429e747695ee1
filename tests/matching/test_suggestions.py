"""Suggestions: hard rules first, then the best mutual score."""

from workbuddy_contracts.profile import default_profile
from workbuddy_matching.domain.compatibility import from_pool
from workbuddy_matching.domain.ranking import suggest


def member(member_id: str, **profile) -> object:
    return from_pool({"_id": member_id, "language": "fr", "display_name": member_id,
                      "profile": default_profile("fr") | profile})


def test_the_allowed_members_come_best_first():
    me = member("me", city="Lyon", sector="ux_design", sector_preference="adjacent")
    near = member("near", city="Lyon", sector="frontend_development", sector_preference="adjacent")
    far = member("far", city="Brest", sector="legal", sector_preference="same")
    found = suggest(me, [far, me, near], open_slots={"me": 2, "near": 2, "far": 2},
                    blocked=set(), cooling_off=set(), already=set(), limit=10)
    assert [c.member_id for c, _ in found] == ["near", "far"]
    assert found[0][1].score > found[1][1].score


def test_barred_members_are_never_suggested():
    me = member("me")
    others = [member(name) for name in ("blocked", "cooling", "paired", "full", "english", "ok")]
    others[4] = member("english", languages=["en"])
    found = suggest(me, others, open_slots={"me": 1, "full": 0} | {
        o.member_id: 1 for o in others if o.member_id != "full"},
        blocked={"blocked"}, cooling_off={"cooling"}, already={"paired"}, limit=10)
    assert [c.member_id for c, _ in found] == ["ok"]
    assert suggest(me, others, open_slots={"me": 0}, blocked=set(), cooling_off=set(),
                   already=set(), limit=10) == []  # no slot left: nobody
