"""A buddyship's trial and its check-ins: each buddy says privately how it goes (keep going,
change our mode, end kindly); against the in-memory unit of work, on a clock the test moves."""


import pytest

from workbuddy_contracts.errors import Conflict, Invalid, NotFound
from workbuddy_matching.domain import check_ins as rules
from workbuddy_matching.use_cases import check_ins, checkups, members, proposals

TRIAL = proposals.TRIAL
EVERY = check_ins.EVERY
WEEKLY_PROJECTS = {"commitment": "projects", "rhythm": "weekly"}


def trial_over(uow, member, active, **answers) -> tuple[str, str, str, dict]:
    """Ana and Bob, buddies since the trial began; the trial is over and its check-in open."""
    ana, bob = member("Ana", **answers), member("Bob", **answers)
    buddyship_id = active(ana, bob)
    uow.clock.advance(days=21)
    uow.outbox.events.clear()
    assert check_ins.open_due(uow) == {"opened": 1, "lapsed": 0}
    [opened] = uow.outbox.of_type("check_in.opened")
    return ana, bob, buddyship_id, opened


def say(uow, check_in_id, member_id, answer, mode=None):
    request = {"answer": answer} | ({"mode": mode} if mode else {})
    return check_ins.answer(uow, check_in_id=check_in_id, member_id=member_id, request=request)


def test_a_buddyship_starts_with_a_trial_whose_end_is_its_first_check_in(uow, member, active):
    ana, bob = member("Ana", commitment="regular"), member("Bob", commitment="regular")
    started_at = uow.now()
    buddyship_id = active(ana, bob)
    kept = uow.buddyships.get(buddyship_id)
    assert kept["trial_ends_at"] == kept["next_check_in_at"] == started_at + TRIAL
    assert kept["mode"] == {"commitment": "regular", "rhythm": None}  # both asked for it
    uow.clock.advance(days=20)
    assert check_ins.open_due(uow)["opened"] == 0  # not before the trial ends
    uow.clock.advance(days=1)
    assert check_ins.open_due(uow)["opened"] == 1
    assert check_ins.open_due(uow)["opened"] == 0  # opened once, however often the timer runs
    [opened] = uow.outbox.of_type("check_in.opened")
    assert opened["kind"] == "trial" and set(opened["member_ids"]) == {ana, bob}
    assert opened["closes_at"] == uow.now() + rules.OPEN_FOR
    shown = proposals.buddyships_of(uow, member_id=ana)["items"][0]
    assert shown["check_in_id"] == opened["check_in_id"] and shown["next_check_in_at"] is None


def test_different_commitments_start_without_a_mode(uow, member, active):
    buddyship_id = active(member("Ana", commitment="regular"), member("Bob", commitment="momentary"))
    assert uow.buddyships.get(buddyship_id)["mode"] is None


def test_both_keep_going_confirms_the_buddyship_and_the_next_check_in_is_set(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    first = say(uow, opened["check_in_id"], ana, "keep_going")
    assert first["check_in"]["state"] == "open" and first["check_in"]["my_answer"] == "keep_going"
    # Bob does not see Ana's answer.
    [seen] = check_ins.check_ins_of(uow, member_id=bob)["items"]
    assert seen["my_answer"] is None and seen["buddy_id"] == ana
    assert seen["answers_allowed"] == ["keep_going", "change_mode", "end_kindly"]
    uow.clock.advance(hours=2)
    done = say(uow, opened["check_in_id"], bob, "keep_going")
    assert done["check_in"]["outcome"] == "confirmed" and done["check_in"]["answers_allowed"] == []
    assert done["buddyship"]["confirmed_at"] == uow.now().isoformat()
    assert done["buddyship"]["next_check_in_at"] == (uow.now() + EVERY).isoformat()
    [closed] = uow.outbox.of_type("check_in.closed")
    assert closed["outcome"] == "confirmed" and closed["mode_changed"] is False
    with pytest.raises(Conflict, match="closed"):
        say(uow, opened["check_in_id"], ana, "end_kindly")
    # The next one, a regular check-in, opens when its time comes.
    uow.clock.advance(days=90)
    check_ins.open_due(uow)
    later = uow.outbox.of_type("check_in.opened")[-1]
    assert later["kind"] == "regular" and later["check_in_id"].endswith("-2")


def test_ending_kindly_ends_it_without_blame_and_both_are_proposed_someone_new(uow, member,
                                                                                active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active, buddy_capacity=1)
    cy = member("Cy", buddy_capacity=2)
    uow.outbox.events.clear()
    ended = say(uow, opened["check_in_id"], bob, "end_kindly")
    assert ended["buddyship"]["state"] == "ended" and ended["check_in"]["outcome"] == "ended"
    [told] = uow.outbox.of_type("buddyship.ended")
    assert told["kindly"] is True and set(told) == {"buddyship_id", "member_ids", "ended_at",
                                                    "kindly"}  # nothing says who ended it
    [new] = ended["proposed"]
    assert {new["proposer_id"], new["invitee_id"]} == {bob, cy} and new["origin"] == "rematch"
    # Ana's freed slot is filled at once too.
    pairs = {frozenset((p["proposer_id"], p["invitee_id"]))
             for p in uow.outbox.of_type("buddyship.proposed")}
    assert pairs == {frozenset((bob, cy)), frozenset((ana, cy))}


def test_a_mode_proposed_and_accepted_becomes_the_buddyships(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    say(uow, opened["check_in_id"], ana, "change_mode", WEEKLY_PROJECTS)
    [proposed] = uow.outbox.of_type("check_in.mode_proposed")
    assert proposed["proposer_id"] == ana and proposed["mode"] == WEEKLY_PROJECTS
    [seen] = check_ins.check_ins_of(uow, member_id=bob)["items"]
    assert seen["mode_proposed"] == {"by_me": False, "answer": None} | WEEKLY_PROJECTS
    assert seen["answers_allowed"][-2:] == ["accept_mode", "keep_mode"]
    with pytest.raises(Conflict, match="you proposed this mode"):
        say(uow, opened["check_in_id"], ana, "accept_mode")
    done = say(uow, opened["check_in_id"], bob, "accept_mode")
    assert done["check_in"]["outcome"] == "confirmed"
    assert done["buddyship"]["mode"] == WEEKLY_PROJECTS
    assert uow.outbox.of_type("check_in.closed")[0]["mode_changed"] is True


def test_a_mode_proposed_and_declined_keeps_the_current_one(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active, commitment="regular")
    say(uow, opened["check_in_id"], ana, "change_mode", WEEKLY_PROJECTS)
    done = say(uow, opened["check_in_id"], bob, "keep_mode")
    assert done["check_in"]["outcome"] == "confirmed"
    assert done["buddyship"]["mode"] == {"commitment": "regular", "rhythm": None}


def test_a_mode_waiting_for_an_answer_keeps_the_check_in_open(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    say(uow, opened["check_in_id"], bob, "keep_going")
    step = say(uow, opened["check_in_id"], ana, "change_mode", WEEKLY_PROJECTS)
    assert step["check_in"]["state"] == "open"  # Bob answered, but not Ana's proposal yet
    assert say(uow, opened["check_in_id"], bob, "accept_mode")["check_in"]["outcome"] == \
        "confirmed"


def test_answers_that_do_not_fit_are_refused_with_what_to_do(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active, commitment="regular")
    check_in_id = opened["check_in_id"]
    with pytest.raises(Conflict, match="has not proposed another mode"):
        say(uow, check_in_id, ana, "accept_mode")
    with pytest.raises(Invalid, match="say which mode you propose"):
        say(uow, check_in_id, ana, "change_mode")
    with pytest.raises(Invalid, match="goes only with the answer change_mode"):
        say(uow, check_in_id, ana, "keep_going", WEEKLY_PROJECTS)
    with pytest.raises(Invalid, match="answer"):
        say(uow, check_in_id, ana, "maybe")
    with pytest.raises(NotFound, match="has no check-in"):
        say(uow, check_in_id, member("Cy"), "keep_going")
    with pytest.raises(NotFound, match="has no check-in"):
        say(uow, "nope-1", ana, "keep_going")


def test_the_same_mode_again_is_refused(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    say(uow, opened["check_in_id"], ana, "change_mode", WEEKLY_PROJECTS)
    say(uow, opened["check_in_id"], bob, "accept_mode")
    uow.clock.advance(days=90)
    check_ins.open_due(uow)
    later = uow.outbox.of_type("check_in.opened")[-1]
    with pytest.raises(Conflict, match="already your mode"):
        say(uow, later["check_in_id"], bob, "change_mode", WEEKLY_PROJECTS)


def test_a_check_in_nobody_finishes_lapses_and_the_buddyship_goes_on(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    say(uow, opened["check_in_id"], ana, "keep_going")
    uow.clock.advance(days=6)
    assert check_ins.open_due(uow)["lapsed"] == 0
    uow.clock.advance(days=1)
    assert check_ins.open_due(uow) == {"opened": 0, "lapsed": 1}
    kept = uow.buddyships.get(buddyship_id)
    assert kept["state"] == "active" and kept.get("confirmed_at") is None
    assert kept["next_check_in_at"] == uow.now() + EVERY and kept["check_in_id"] is None
    assert uow.outbox.of_type("check_in.closed")[0]["outcome"] == "lapsed"


def test_a_buddyship_ended_another_way_closes_its_check_in(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    proposals.end(uow, buddyship_id=buddyship_id, member_id=ana)
    check_ins.buddyship_ended(uow, buddyship_id=buddyship_id)
    [closed] = uow.outbox.of_type("check_in.closed")
    assert closed["outcome"] == "ended"
    with pytest.raises(Conflict, match="closed|has ended"):
        say(uow, opened["check_in_id"], bob, "keep_going")


def test_an_answer_after_an_end_the_check_in_did_not_hear_of_is_refused(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    proposals.end(uow, buddyship_id=buddyship_id, member_id=ana)  # its event not handled yet
    with pytest.raises(Conflict, match="this buddyship has ended"):
        say(uow, opened["check_in_id"], bob, "keep_going")
    assert uow.check_ins.get(opened["check_in_id"])["outcome"] == "ended"


def test_answers_count_for_responsiveness(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    uow.clock.advance(minutes=30)
    say(uow, opened["check_in_id"], ana, "keep_going")
    uow.clock.advance(days=2)  # Bob never answers
    checkups.check_up(uow)
    assert uow.pool.member(ana)["responsiveness"] == 1.0
    assert uow.pool.member(ana)["reaction_minutes"] == 30
    assert uow.pool.member(bob)["responsiveness"] == 0.0


def test_leaving_erases_check_ins_and_an_export_holds_ones_own(uow, member, active):
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    say(uow, opened["check_in_id"], ana, "keep_going")
    [exported] = members.export(uow, member_id=ana)["check_ins"]
    assert exported["my_answer"] == "keep_going"
    assert members.export(uow, member_id=bob)["check_ins"][0]["my_answer"] is None
    members.left(uow, member_id=ana, automatic=False)
    assert uow.check_ins.all_of(bob) == []


def test_a_buddyship_older_than_check_ins_is_given_its_schedule(uow, member, active):
    ana, bob = member("Ana"), member("Bob")
    buddyship_id = active(ana, bob)
    kept = uow.buddyships.get(buddyship_id)
    old = {k: v for k, v in kept.items()
           if k not in ("trial_ends_at", "next_check_in_at", "mode", "check_ins")}
    uow.db.buddyships.replace_one({"_id": buddyship_id}, old)  # as stored before check-ins
    uow.clock.advance(days=60)
    assert check_ins.open_due(uow)["opened"] == 1  # its trial long over: asked at once
    assert uow.buddyships.get(buddyship_id)["trial_ends_at"] == old["started_at"] + TRIAL
    assert check_ins.open_due(uow)["opened"] == 0


def test_a_check_in_the_store_finds_due_a_moment_early_is_left_for_the_next_tick(uow, member,
                                                                                  active):
    """nx-27017 compares dates to the second: it may offer one that closes a moment later."""
    ana, bob, buddyship_id, opened = trial_over(uow, member, active)
    uow.clock.advance(days=7, milliseconds=-400)
    early = uow.check_ins.get(opened["check_in_id"])
    uow.check_ins.due_to_lapse = lambda now: [early]
    assert check_ins.open_due(uow) == {"opened": 0, "lapsed": 0}
    assert uow.check_ins.get(opened["check_in_id"])["state"] == "open"
