"""An urgent ask answered by a human: kept when the member lets it go wider, answered by a
buddy, widened to members who offered help, taken by the first yes, closed when nobody can;
against the in-memory unit of work."""

from datetime import timedelta

import pytest

from workbuddy_contracts.errors import Conflict, Invalid, NotFound
from workbuddy_contracts.vocabulary import FORMER_MEMBER
from workbuddy_matching.domain import asks as rules
from workbuddy_matching.domain import buddyship
from workbuddy_matching.use_cases import asks, members, proposals, safety

WIDEN_AFTER = timedelta(minutes=15)
OPEN_FOR = timedelta(hours=24)


def ask(uow, author: str, moment_id: str = "ask-1", *, widen: bool = True,
        kind: str = "urgent_advice", note: str | None = "A client wants a discount on SEO work"):
    members.moment_logged(uow, automatic=True, widen_after=WIDEN_AFTER, moment={
        "moment_id": moment_id, "member_id": author, "kind": kind, "note": note,
        "widen": widen, "logged_at": uow.now()})
    return moment_id


def widen(uow, helpers: int = 3) -> int:
    return asks.widen_due(uow, helpers=helpers, open_for=OPEN_FOR)


def later(uow, minutes: float = 16) -> None:
    uow.clock.advance(minutes=minutes)


@pytest.fixture
def helpers(member):
    """Three members who offered help, one of them skilled in SEO."""
    return [member("Hana", offers_support=True, skills=["seo", "copywriting"]),
            member("Ivo", offers_support=True),
            member("Jo", offers_support=True)]


def test_an_ask_nobody_answered_goes_to_the_helpers_once_the_delay_is_over(uow, member, helpers):
    mia = member("Mia")
    ask(uow, mia)
    assert widen(uow) == 0  # too early: the buddies come first
    later(uow)
    assert widen(uow) == 1
    [told] = uow.outbox.of_type("ask.widened")
    assert told["asker_id"] == mia and told["helper_ids"][0] == "hana"  # her skills named first
    assert sorted(told["helper_ids"]) == sorted(helpers)
    assert told["skills"] == {"hana": ["seo"]} and told["note"].startswith("A client")
    later(uow)
    assert widen(uow) == 0 and len(uow.outbox.of_type("ask.widened")) == 1  # nobody asked twice


def test_only_as_many_helpers_as_set_and_never_a_buddy_one_in_focus_or_a_blocked_one(
        uow, member, helpers, active):
    mia = member("Mia")
    active(mia, "ivo")  # a buddy hears of the ask anyway
    safety.block(uow, blocker_id="jo", blocked_id=mia)
    member("Kai", offers_support=True,
           availability={"focus_until": (uow.now() + timedelta(days=1)).isoformat()})
    member("Lou", offers_support=True)
    member("Max")  # did not offer help
    ask(uow, mia)
    later(uow)
    widen(uow, helpers=2)
    [told] = uow.outbox.of_type("ask.widened")
    assert told["helper_ids"] == ["hana", "lou"]


def test_a_buddy_s_reaction_or_message_answers_it_and_nothing_goes_wider(uow, member, helpers,
                                                                        active):
    mia, bob = member("Mia"), member("Bob")
    active(mia, bob)
    ask(uow, mia, "ask-1")
    members.reacted(uow, reaction={"reaction_id": "r-1", "moment_id": "ask-1", "author_id": mia,
                                   "reactor_id": bob, "kind": "support", "message": None,
                                   "reacted_at": uow.now()})
    assert uow.asks.get("ask-1")["state"] == rules.ANSWERED
    later(uow, 60 * 24 * 2)  # a later ask, answered by a message
    ask(uow, mia, "ask-2")
    asks.answer_seen(uow, asker_id=mia, by=bob, at=uow.now() + timedelta(minutes=1))
    later(uow)
    assert widen(uow) == 0 and uow.outbox.of_type("ask.widened") == []
    assert uow.asks.get("ask-2")["answered_by"] == bob


def test_an_ask_not_let_go_wider_or_not_urgent_is_not_kept(uow, member, helpers):
    mia = member("Mia")
    ask(uow, mia, "ask-1", widen=False)
    ask(uow, mia, "ask-2", kind="client_question")
    later(uow)
    assert widen(uow) == 0 and uow.asks.get("ask-1") is None and uow.asks.get("ask-2") is None


def test_the_first_yes_opens_a_conversation_and_a_second_yes_is_told_it_is_taken(
        uow, member, helpers):
    mia = member("Mia")
    ask(uow, mia)
    later(uow)
    widen(uow)
    seen = asks.answer(uow, ask_id="ask-1", member_id="ivo", request={"answer": "yes"})
    assert seen["state"] == "taken" and seen["my_answer"] == "yes" and seen["buddyship_id"]
    pair = uow.buddyships.get(seen["buddyship_id"])
    assert (pair["state"], pair["origin"]) == (buddyship.ACTIVE, "ask")
    assert pair["ends_at"] == uow.now() + buddyship.SUPPORT_LASTS
    [started] = uow.outbox.of_type("buddyship.started")
    assert started["origin"] == "ask" and sorted(started["member_ids"]) == ["ivo", "mia"]
    [taken] = uow.outbox.of_type("ask.taken")
    assert taken["helper_id"] == "ivo" and sorted(taken["others"]) == ["hana", "jo"]
    assert uow.buddyships.slots_taken() == {}  # outside both members' capacity

    with pytest.raises(Conflict, match="another member already said yes"):
        asks.answer(uow, ask_id="ask-1", member_id="hana", request={"answer": "yes"})
    again = asks.answer(uow, ask_id="ask-1", member_id="ivo", request={"answer": "yes"})
    assert again == seen and len(uow.outbox.of_type("ask.taken")) == 1
    mine = asks.asks_of(uow, member_id=mia)["items"][0]
    assert mine["taken_by"] == {"id": "ivo", "display_name": "Ivo"}
    assert mine["buddyship_id"] == seen["buddyship_id"]
    hers = asks.asks_of(uow, member_id="hana")["items"][0]
    assert hers["taken"] is True and hers["buddyship_id"] is None and hers["skills"] == ["seo"]


def test_only_a_helper_asked_may_answer_and_only_yes_or_no(uow, member, helpers):
    mia, max_ = member("Mia"), member("Max")
    ask(uow, mia)
    later(uow)
    widen(uow)
    with pytest.raises(NotFound, match="no ask 'ask-1' was sent to you"):
        asks.answer(uow, ask_id="ask-1", member_id=max_, request={"answer": "yes"})
    with pytest.raises(NotFound):
        asks.answer(uow, ask_id="ask-1", member_id=mia, request={"answer": "yes"})
    with pytest.raises(Invalid, match="answer"):
        asks.answer(uow, ask_id="ask-1", member_id="hana", request={"answer": "maybe"})
    safety.block(uow, blocker_id=mia, blocked_id="jo")
    with pytest.raises(NotFound):
        asks.answer(uow, ask_id="ask-1", member_id="jo", request={"answer": "yes"})
    assert asks.asks_of(uow, member_id="jo")["items"] == []


def test_when_every_helper_says_no_the_member_is_told_and_a_late_yes_is_refused(
        uow, member, helpers):
    mia = member("Mia")
    ask(uow, mia)
    later(uow)
    widen(uow)
    for helper in helpers:
        asks.answer(uow, ask_id="ask-1", member_id=helper, request={"answer": "no"})
    [closed] = uow.outbox.of_type("ask.closed")
    assert (closed["reason"], closed["helper_ids"]) == ("nobody_said_yes", [])
    with pytest.raises(Conflict, match="this ask is closed"):
        asks.answer(uow, ask_id="ask-1", member_id="hana", request={"answer": "yes"})


def test_an_ask_nobody_takes_in_time_closes_and_the_helpers_still_asked_are_told(
        uow, member, helpers):
    mia = member("Mia")
    ask(uow, mia)
    later(uow)
    widen(uow)
    asks.answer(uow, ask_id="ask-1", member_id="hana", request={"answer": "no"})
    uow.clock.advance(hours=25)
    assert widen(uow) == 1
    [closed] = uow.outbox.of_type("ask.closed")
    assert closed["reason"] == "nobody_said_yes" and sorted(closed["helper_ids"]) == ["ivo", "jo"]


def test_with_no_helper_to_reach_the_ask_closes_and_the_member_is_told(uow, member):
    mia = member("Mia")
    ask(uow, mia)
    later(uow)
    widen(uow)
    assert uow.outbox.of_type("ask.widened") == []
    [closed] = uow.outbox.of_type("ask.closed")
    assert closed["reason"] == "nobody_reachable"
    assert asks.asks_of(uow, member_id=mia)["items"][0]["closed_reason"] == "nobody_reachable"


def test_one_ask_out_with_helpers_at_a_time_per_member_and_per_helper(uow, member):
    mia, noa = member("Mia"), member("Noa")
    member("Hana", offers_support=True)
    ask(uow, mia, "ask-1")
    ask(uow, mia, "ask-2")  # while the first is open: it stays with the buddies
    [closed] = uow.outbox.of_type("ask.closed")
    assert (closed["ask_id"], closed["reason"]) == ("ask-2", "another_ask_open")
    ask(uow, noa, "ask-3")
    later(uow)
    widen(uow)
    # Hana is asked about the first ask only: she answers one thing at a time.
    assert [w["ask_id"] for w in uow.outbox.of_type("ask.widened")] == ["ask-1"]
    assert uow.asks.get("ask-3")["closed_reason"] == "nobody_reachable"


def test_a_helper_s_buddyship_ends_by_itself_like_a_support_buddy_s(uow, member, helpers):
    mia = member("Mia")
    ask(uow, mia)
    later(uow)
    widen(uow)
    seen = asks.answer(uow, ask_id="ask-1", member_id="hana", request={"answer": "yes"})
    uow.clock.advance(days=8)
    proposals.close_due(uow)
    assert uow.buddyships.get(seen["buddyship_id"])["state"] == buddyship.ENDED


def test_leaving_erases_the_member_s_asks_and_a_helper_keeps_a_nameless_place(
        uow, member, helpers):
    mia = member("Mia")
    ask(uow, mia)
    later(uow)
    widen(uow, helpers=1)
    assert uow.asks.get("ask-1")["helper_ids"] == ["hana"]
    assert [a["id"] for a in members.export(uow, member_id="hana")["asks"]] == ["ask-1"]
    members.left(uow, member_id="hana", automatic=True)
    assert uow.asks.get("ask-1")["helper_ids"] == [FORMER_MEMBER]
    assert uow.asks.get("ask-1")["skills"] == {}
    assert [a["id"] for a in members.export(uow, member_id=mia)["asks"]] == ["ask-1"]
    members.left(uow, member_id=mia, automatic=True)
    assert uow.asks.get("ask-1") is None


def test_skills_are_found_in_a_note_whatever_the_case_and_accents():
    assert rules.skills_named("Besoin d'aide en RÉFÉRENCEMENT et c++", ("référencement", "C++",
                                                                        "design")) == \
        ["référencement", "C++"]
    assert rules.skills_named(None, ("seo",)) == []
    assert rules.skills_named("seoul trip", ("seo",)) == []


def test_past_a_small_pool_helpers_come_from_the_shortlist_and_the_skills_the_note_names(
        uow, member, helpers, monkeypatch):
    from workbuddy_matching.adapters import shortlist
    from workbuddy_matching.use_cases import slots

    ana = member("Ana")
    for name in ("Kim", "Lou"):
        member(name)  # offer nothing: never asked
    the_ask = {"asker_id": ana, "note": "A client wants a discount on SEO work"}
    whole = [c.member_id for c, _ in asks._helpers_for(uow, the_ask, 3)]
    monkeypatch.setattr(slots, "SCORE_WHOLE_POOL_UP_TO", 0)
    monkeypatch.setattr(asks, "HELPERS_FIRST", 1)  # as few shortlisted as three helpers allow
    assert shortlist.skills_named(uow, the_ask["note"]) == ["seo"]
    assert shortlist.skills_named(uow, "Référencement? seo-copywriting!") == ["copywriting", "seo"]
    assert shortlist.nearest(uow, uow.pool.member(ana), 5, supporting=True,
                             skilled=["seo"]) == ["hana"]
    found = asks._helpers_for(uow, the_ask, 3)
    assert [c.member_id for c, _ in found] == whole and whole[0] == "hana"
    assert dict((c.member_id, named) for c, named in found)["hana"] == ["seo"]
