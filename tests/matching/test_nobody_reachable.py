"""Nobody left without an answer: after a setback with no buddy and no supporter to reach, the
member is told once, honestly (why, when the first buddy is back, when matching looks again),
and matching proposes a support buddy as soon as one can be reached. Against the in-memory
unit of work."""

from datetime import timedelta

from workbuddy_matching.use_cases import members, support


def log(uow, author: str, kind: str, moment_id: str, **more) -> None:
    members.moment_logged(uow, automatic=True, widen_after=timedelta(minutes=15), moment={
        "moment_id": moment_id, "member_id": author, "kind": kind, "note": None,
        "logged_at": uow.now(), **more})


def focus(uow, hours: float) -> dict:
    return {"availability": {"focus_until": (uow.now() + timedelta(hours=hours)).isoformat(),
                             "quiet_hours": None, "delivery": "instant"}}


def test_a_setback_with_nobody_there_is_told_and_a_supporter_is_proposed_once_back(
        uow, member, active):
    mia = member("Mia")
    bob = member("Bob", **focus(uow, 3))
    active(mia, bob)
    member("Sam", offers_support=True, **focus(uow, 1))
    uow.outbox.events.clear()
    log(uow, mia, "client_lost", "m-1")
    assert uow.outbox.of_type("buddyship.proposed") == []
    [told] = uow.outbox.of_type("support.unavailable")
    assert (told["buddies"], told["away"]) == (1, {"focus": 1})
    assert told["reachable_at"] == uow.now() + timedelta(hours=3)  # Bob's focus ends
    assert told["retry_at"] == uow.now() + timedelta(hours=1)  # Sam's focus ends first

    assert support.retry_due(uow) == 0  # not yet
    uow.clock.advance(hours=1, seconds=1)
    assert support.retry_due(uow) == 1
    [proposed] = uow.outbox.of_type("buddyship.proposed")
    assert (proposed["origin"], proposed["invitee_id"]) == ("support", "sam")
    assert len(uow.outbox.of_type("support.unavailable")) == 1  # told once
    assert support.retry_due(uow) == 0


def test_once_a_buddy_is_back_first_nobody_is_proposed(uow, member, active):
    mia = member("Mia")
    active(mia, member("Bob", **focus(uow, 1)))
    member("Sam", offers_support=True, **focus(uow, 5))
    uow.outbox.events.clear()
    log(uow, mia, "client_lost", "m-1")
    [told] = uow.outbox.of_type("support.unavailable")
    assert told["retry_at"] == told["reachable_at"] == uow.now() + timedelta(hours=1)
    uow.clock.advance(hours=1, seconds=1)
    assert support.retry_due(uow) == 1
    assert uow.outbox.of_type("buddyship.proposed") == []  # Bob is there: he sees it now


def test_with_no_buddy_and_nobody_offering_support_the_member_still_hears_it(uow, member):
    mia = member("Mia")
    log(uow, mia, "payment_late", "m-1")
    [told] = uow.outbox.of_type("support.unavailable")
    assert (told["buddies"], told["reachable_at"], told["retry_at"]) == (0, None, None)
    assert uow.db.support_retries.count_documents({}) == 0


def test_an_urgent_ask_kept_among_the_buddies_says_when_the_first_is_back(uow, member, active):
    mia = member("Mia")
    active(mia, member("Bob", **focus(uow, 2)))
    uow.outbox.events.clear()
    log(uow, mia, "urgent_advice", "a-1", widen=False)
    [told] = uow.outbox.of_type("support.unavailable")
    assert (told["kind"], told["retry_at"]) == ("urgent_advice", None)
    assert told["reachable_at"] == uow.now() + timedelta(hours=2)
    log(uow, mia, "urgent_advice", "a-2", widen=True)  # the ask's own flow tells this one
    assert len(uow.outbox.of_type("support.unavailable")) == 1


def test_a_buddy_there_now_means_nothing_to_tell(uow, member, active):
    mia = member("Mia")
    active(mia, member("Bob"))
    uow.outbox.events.clear()
    log(uow, mia, "client_lost", "m-1")
    log(uow, mia, "urgent_advice", "a-1")
    assert uow.outbox.of_type("support.unavailable") == []


def digest(zone: str = "Europe/Paris", quiet: dict | None = None) -> dict:
    return {"time_zone": zone,
            "availability": {"focus_until": None, "quiet_hours": quiet, "delivery": "digest"}}


def test_a_buddy_on_a_daily_digest_is_away_for_a_setback_so_a_supporter_is_proposed(
        uow, member, active):
    mia = member("Mia")
    active(mia, member("Bob", **digest()))
    member("Sam", offers_support=True)
    uow.outbox.events.clear()
    log(uow, mia, "client_lost", "m-1")
    [proposed] = uow.outbox.of_type("buddyship.proposed")
    assert (proposed["origin"], proposed["invitee_id"]) == ("support", "sam")
    assert uow.outbox.of_type("support.unavailable") == []


def test_buddies_on_a_digest_and_nobody_offering_support_say_when_they_read_it(
        uow, member, active):
    mia = member("Mia")
    active(mia, member("Bob", **digest()))  # 18:00 in Paris is 17:00 UTC (winter)
    active(mia, member("Zoe", **digest("Asia/Tokyo", quiet={"start": "22:00", "end": "07:00"})))
    member("Sam", offers_support=True, **digest())  # a supporter on a digest would be late too
    uow.outbox.events.clear()
    log(uow, mia, "client_lost", "m-1")
    assert uow.outbox.of_type("buddyship.proposed") == []
    [told] = uow.outbox.of_type("support.unavailable")
    assert (told["buddies"], told["away"], told["digest_at"]) == (2, {"digest": 2}, "18:00")
    assert told["reachable_at"] == uow.now().replace(hour=17, minute=0)  # Bob; Zoe reads hers tomorrow
    assert told["retry_at"] == told["reachable_at"]  # Sam's digest leaves then too


def test_without_a_buddy_on_a_digest_the_event_names_no_digest_time(uow, member, active):
    mia = member("Mia")
    active(mia, member("Bob", **focus(uow, 2)))
    uow.outbox.events.clear()
    log(uow, mia, "client_lost", "m-1")
    [told] = uow.outbox.of_type("support.unavailable")
    assert told["digest_at"] is None
