"""Who can be reached now, who shows up for their buddies, and who supports a member after a
setback: the pure rules behind matching's support buddies and check-ups."""

from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_contracts.errors import Conflict, Forbidden
from workbuddy_matching.domain import buddyship as buddyships
from workbuddy_matching.domain import health, reachability
from workbuddy_matching.domain import supporters as support
from workbuddy_matching.domain.compatibility import from_pool

# A Wednesday in winter: 14:00 in Paris, 22:00 in Tokyo, 08:00 in Montreal.
NOW = datetime(2026, 1, 14, 13, 0, tzinfo=UTC)


def doc(member_id="m", zone="Europe/Paris", quiet=None, focus=None, seen=NOW, **profile):
    return {"_id": member_id, "language": "fr", "display_name": member_id.title(),
            "last_active_at": seen,
            "profile": {"time_zone": zone, "languages": ["fr"],
                        "availability": {"focus_until": focus, "quiet_hours": quiet,
                                         "delivery": "instant"}, **profile}}


@pytest.mark.parametrize(("zone", "quiet", "expected"), [
    ("Europe/Paris", {"start": "21:00", "end": "08:00"}, None),  # 14:00: awake
    ("Asia/Tokyo", {"start": "21:00", "end": "08:00"}, "quiet_hours"),  # 22:00, wraps midnight
    ("America/Montreal", {"start": "21:00", "end": "08:30"}, "quiet_hours"),  # 08:00
    ("America/Montreal", {"start": "21:00", "end": "08:00"}, None),  # 08:00 sharp: over
    ("Asia/Tokyo", {"start": "13:00", "end": "15:00"}, None),  # a siesta, not now in Tokyo
    ("Europe/Paris", {"start": "13:00", "end": "15:00"}, "quiet_hours"),
    ("Europe/Paris", {"start": "10:00", "end": "10:00"}, None),  # an empty window
])
def test_quiet_hours_are_read_in_the_members_own_time_zone(zone, quiet, expected):
    assert reachability.unreachable_because(doc(zone=zone, quiet=quiet), NOW) == expected


def test_focus_until_a_time_and_long_silence_make_a_member_unreachable():
    assert reachability.unreachable_because(doc(focus=NOW + timedelta(minutes=1)), NOW) == "focus"
    assert reachability.unreachable_because(doc(focus=(NOW - timedelta(minutes=1)).isoformat()),
                                            NOW) is None  # as it arrives inside an event
    assert reachability.unreachable_because(doc(seen=NOW - timedelta(days=31)), NOW) == "inactive"


def on_digest(member: dict) -> dict:
    member["profile"]["availability"]["delivery"] = "digest"
    return member


def test_a_member_on_a_daily_digest_is_away_until_their_digest_leaves():
    # 14:00 in Paris: the digest leaves at 18:00 there (17:00 UTC).
    paris = on_digest(doc())
    assert reachability.unreachable_because(paris, NOW) == reachability.DIGEST
    assert reachability.reachable_from(paris, NOW) == datetime(2026, 1, 14, 17, 0, tzinfo=UTC)
    # 18:00 falls in Paris quiet hours from 17:30: the digest waits for 08:00 (07:00 UTC).
    sleepy = on_digest(doc(quiet={"start": "17:30", "end": "08:00"}))
    assert reachability.unreachable_because(sleepy, NOW) == reachability.DIGEST
    assert reachability.reachable_from(sleepy, NOW) == datetime(2026, 1, 15, 7, 0, tzinfo=UTC)


def test_a_digest_member_in_focus_reads_it_when_focus_ends_and_one_long_gone_is_inactive():
    focused = on_digest(doc(focus=NOW + timedelta(hours=1)))
    assert reachability.unreachable_because(focused, NOW) == reachability.FOCUS
    assert reachability.reachable_from(focused, NOW) == NOW + timedelta(hours=1)
    gone = on_digest(doc(seen=NOW - timedelta(days=31)))
    assert reachability.unreachable_because(gone, NOW) == reachability.INACTIVE
    assert reachability.reachable_from(gone, NOW) is None


def test_support_is_needed_only_when_no_buddy_can_be_reached():
    assert support.needs_support([])  # no buddy yet
    assert support.needs_support(["focus", "quiet_hours"])
    assert not support.needs_support(["focus", None])
    assert support.needs_support(["digest"])  # they would read it hours later


def candidate(member_id, **profile):
    return from_pool(doc(member_id, **profile))


def test_the_support_buddy_is_who_lived_the_same_setback_and_never_an_excluded_one():
    mia = candidate("mia")
    sam, tess, una = candidate("sam"), candidate("tess"), candidate("una")
    offered = [support.Supporter(tess, frozenset()), support.Supporter(sam, frozenset({"client_lost"})),
               support.Supporter(una, frozenset({"payment_late"}))]
    choice = support.choose(mia, "client_lost", offered, excluded=set())
    assert choice.supporter.member_id == "sam"
    assert choice.reasons_for_member[0].code == "lived_same_setback"
    # Sam blocked (or cooling off): another setback lived beats none at all.
    assert support.choose(mia, "client_lost", offered, excluded={"sam"}).supporter.member_id == "una"
    # Nobody shares a language: nobody.
    english = [support.Supporter(candidate("eve", languages=["en"]), frozenset({"client_lost"}))]
    assert support.choose(mia, "client_lost", english, excluded=set()) is None


def test_the_choice_does_not_depend_on_the_order_supporters_come_in():
    mia = candidate("mia")
    offered = [support.Supporter(candidate(name), frozenset()) for name in ("zoe", "ana", "kim")]
    chosen = {support.choose(mia, "rough_day", order, excluded=set()).supporter.member_id
              for order in (offered, offered[::-1], offered[1:] + offered[:1])}
    assert len(chosen) == 1


def moment(moment_id, author, days_ago):
    return health.Moment(moment_id, author, NOW - timedelta(days=days_ago))


def reaction(moment_id, reactor, days_ago, minutes_after=0):
    at = NOW - timedelta(days=days_ago) + timedelta(minutes=minutes_after)
    return health.Reaction(moment_id, reactor, at)


def test_a_buddy_who_answers_none_of_several_moments_has_gone_quiet():
    moments = [moment("a1", "ana", 10), moment("a2", "ana", 6), moment("a3", "ana", 3),
               moment("a4", "ana", 1),  # within the grace period: not counted yet
               moment("b1", "bob", 5)]
    reactions = [reaction("b1", "ana", 5, minutes_after=30), reaction("b1", "ana", 5, minutes_after=90)]
    found = health.health("ana", "bob", moments, reactions, [4], NOW)
    ana, bob = found.sides
    assert (ana.moments_seen, ana.reacted, ana.median_minutes) == (1, 1, 30)  # first reaction counts
    assert (bob.moments_seen, bob.reacted, bob.share) == (3, 0, 0.0)
    assert found.quiet_member == "bob" and found.reciprocity == 0.0
    assert health.view(found)["ratings"] == [4]


def test_a_shorter_grace_counts_recent_moments_unanswered_sooner():
    """BUDDY_QUIET_GRACE_HOURS: a demo counts moments minutes old, not two days old."""
    recent = [health.Moment(f"a{i}", "ana", NOW - timedelta(minutes=minutes))
              for i, minutes in enumerate((9, 6, 3))]
    assert health.health("ana", "bob", recent, [], [], NOW).quiet_member is None
    found = health.health("ana", "bob", recent, [], [], NOW, grace=timedelta(minutes=2))
    assert found.quiet_member == "bob" and found.sides[1].moments_seen == 3
    assert health.health("ana", "bob", recent, [], [], NOW,
                         grace=timedelta(minutes=4)).quiet_member is None  # two counted only


def test_two_moments_unanswered_or_one_reaction_is_not_yet_quiet():
    two = [moment("a1", "ana", 10), moment("a2", "ana", 6)]
    assert health.health("ana", "bob", two, [], [], NOW).quiet_member is None
    three = [*two, moment("a3", "ana", 3)]
    answered = [reaction("a2", "bob", 6, minutes_after=600)]
    found = health.health("ana", "bob", three, answered, [], NOW)
    assert found.quiet_member is None and found.sides[1].share == pytest.approx(1 / 3)
    assert found.reciprocity is None  # Ana had nothing of Bob's to answer


def test_a_matching_proposal_needs_both_members_and_refuses_a_second_yes():
    proposal = buddyships.propose("ana", "bob", NOW, origin="round").buddyship
    assert buddyships.awaiting(proposal) == ["ana", "bob"]
    halfway = buddyships.accept(proposal, proposal["_id"], "ana", NOW).buddyship
    assert halfway["accepted_by"] == ["ana"] and halfway["answers"] == 1
    assert buddyships.awaiting(halfway) == ["bob"]
    with pytest.raises(Forbidden, match="already accepted"):
        buddyships.accept(halfway, proposal["_id"], "ana", NOW)
    buddyships.accept(halfway, proposal["_id"], "bob", NOW)
    with pytest.raises(Conflict):
        buddyships.accept(halfway | {"state": "active"}, proposal["_id"], "bob", NOW)


def test_a_members_own_proposal_counts_as_their_yes():
    proposal = buddyships.propose("ana", "bob", NOW).buddyship
    assert proposal["origin"] == "member" and buddyships.awaiting(proposal) == ["bob"]
    with pytest.raises(Forbidden, match="only the invited member"):
        buddyships.accept(proposal, proposal["_id"], "ana", NOW)


def test_each_member_reads_the_reasons_told_to_them_in_their_language():
    proposal = buddyships.propose("ana", "bob", NOW, origin="round", reasons={
        "ana": {"fr": ["tous les deux à Lyon"], "en": ["both in Lyon"]},
        "bob": {"fr": ["Ana répond vite"], "en": ["Ana answers fast"]}}).buddyship
    assert buddyships.view_for(proposal, "ana", "fr")["reasons"] == ["tous les deux à Lyon"]
    assert buddyships.view_for(proposal, "bob", "en")["reasons"] == ["Ana answers fast"]
    assert buddyships.view(proposal)["reasons"] == []
