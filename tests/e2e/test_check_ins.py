"""A buddyship's trial and its check-ins over real processes, on a stack whose trial lasts
seconds: each buddy is asked privately, by mail and in the app; both keep going and it is
confirmed; one ends it kindly and both are proposed someone new at once; one proposes another
mode and the other accepts it.

Every test speaks a language of its own, so that matching (proposing on its own here) never pairs
one test's members with another's.
"""

import itertools
import string

import pytest

from ..support.waiting import eventually
from .conftest import own_stack
from .test_bad_input import assert_problem

TRIAL_SECONDS = 6
_codes = (a + b for a, b in itertools.product("jw", string.ascii_lowercase))


@pytest.fixture(scope="module")
def system(mongo_uri, db_prefix, smtp, artifacts, redis_url, run_id):
    with own_stack("ci", {"MATCHING_AUTOMATIC": "on", "MATCHING_ROUND_EVERY_HOURS": "0",
                          "BUDDYSHIP_TRIAL_DAYS": str(TRIAL_SECONDS / 86400),
                          "CHECK_IN_EVERY_DAYS": "1"},
                   mongo_uri=mongo_uri, db_prefix=db_prefix, smtp=smtp, artifacts=artifacts,
                   redis_url=redis_url, run_id=run_id) as started:
        yield started


@pytest.fixture
def api(system):
    return system["gateway"]


@pytest.fixture
def buddies(api):
    """Two members who answered alike (capacity 1), were proposed to each other and accepted;
    returns (first, second, their buddyship as the first sees it)."""
    language = next(_codes)

    def make(first_name: str, second_name: str, **profile):
        first, second = api.sign_up(first_name, "en"), api.sign_up(second_name, "fr")
        for member in (first, second):
            answer(api, member, language, **profile)
        proposal = eventually(lambda: next(iter(buddyships(api, first, state="proposed")), None))
        for member in (first, second):
            accepted = api.request("POST", f"/v1/me/buddyships/{proposal['id']}/accept", member)
            assert accepted.status_code == 200, accepted.text
        [started] = buddyships(api, first, state="active")
        return first, second, started

    make.language = lambda: language
    return make


def answer(api, member, language, **profile):
    body = {"languages": [language], "time_zone": "Europe/Paris", "buddy_capacity": 1} | profile
    response = api.request("PATCH", "/v1/me", member, json=body)
    assert response.status_code == 200, response.text


def buddyships(api, member, **where) -> list[dict]:
    items = api.request("GET", "/v1/me/buddyships", member, params={"limit": 100}).json()["items"]
    return [b for b in items if all(b[k] == v for k, v in where.items())]


def open_check_in(api, member) -> dict:
    """The member's open check-in, once the trial is over (it lasts seconds here)."""
    def found():
        items = api.request("GET", "/v1/me/check-ins", member).json()["items"]
        return next((c for c in items if c["state"] == "open"), None)
    return eventually(found, timeout=TRIAL_SECONDS + 20)


def say(api, member, check_in, answer_, mode=None):
    body = {"answer": answer_} | ({"mode": mode} if mode else {})
    return api.request("POST", f"/v1/me/check-ins/{check_in['id']}", member, json=body)


def test_both_keep_going_and_the_buddyship_is_confirmed(api, buddies, mailbox):
    ana, bea, started = buddies("Ana", "Béa", commitment="regular")
    assert started["trial_ends_at"] is not None and started["confirmed_at"] is None
    assert started["mode"] == {"commitment": "regular", "rhythm": None}

    mine, hers = open_check_in(api, ana), open_check_in(api, bea)
    assert mine["id"] == hers["id"] and mine["kind"] == "trial"
    assert mine["answers_allowed"] == ["keep_going", "change_mode", "end_kindly"]
    # Each is asked by mail too, in their language, with a link to answer.
    [to_ana] = mailbox.wait_for(ana["email"], kind="check_in")
    assert to_ana.subject == "Your trial with Béa is ending: how is it going?"
    assert f"#/check-ins/{mine['id']}" in to_ana.body and "Béa never sees your answer" in to_ana.body
    [to_bea] = mailbox.wait_for(bea["email"], kind="check_in")
    assert to_bea.subject.startswith("Ta période d'essai avec Ana")

    first = say(api, ana, mine, "keep_going")
    assert first.status_code == 200, first.text
    assert first.json()["check_in"]["state"] == "open"
    # Béa does not see what Ana said.
    assert open_check_in(api, bea)["my_answer"] is None
    done = say(api, bea, hers, "keep_going")
    assert done.status_code == 200, done.text
    assert done.json()["check_in"]["outcome"] == "confirmed"
    [confirmed] = buddyships(api, ana, state="active")
    assert confirmed["confirmed_at"] is not None and confirmed["next_check_in_at"] is not None
    assert confirmed["check_in_id"] is None
    # Closed: nothing left to answer, and the app tells both how it closed.
    assert_problem(say(api, ana, mine, "end_kindly"), 409, "check_in_id")
    told = eventually(lambda: [n for n in api.request("GET", "/v1/me/notifications", ana).json()
                               ["items"] if n["kind"] == "check_in"
                               and n["data"]["step"] == "confirmed"])
    assert told[0]["text"] == "You and Béa are keeping going: your buddyship is confirmed"


def test_ending_kindly_tells_the_other_no_blame_and_both_get_someone_new(api, buddies, mailbox):
    cal, dot, _ = buddies("Cal", "Dot")
    eve = api.sign_up("Eve", "en")
    answer(api, eve, buddies.language(), buddy_capacity=2)  # nobody has room for Eve yet

    check_in = open_check_in(api, dot)
    ended = say(api, dot, check_in, "end_kindly")
    assert ended.status_code == 200, ended.text
    assert ended.json()["buddyship"]["state"] == "ended"
    [new] = ended.json()["proposed"]
    assert {new["proposer_id"], new["invitee_id"]} == {dot["id"], eve["id"]}
    # Cal's place is filled again at once too.
    eventually(lambda: buddyships(api, cal, state="proposed"))
    # Cal reads a warm, neutral word: not who ended it.
    mails = mailbox.wait_for(cal["email"], kind="buddyship_ended")
    assert mails[0].subject == "Your buddyship with Dot came to a gentle close"
    assert "Dot" not in mails[0].body.split("came to a gentle close")[1].split("\n")[0]
    told = eventually(lambda: [n for n in api.request("GET", "/v1/me/notifications", cal).json()
                               ["items"] if n["kind"] == "buddyship_ended"])
    assert told[0]["text"].startswith("Your buddyship with Dot came to a gentle close.")
    assert [c["outcome"] for c in api.request("GET", "/v1/me/check-ins", cal).json()["items"]] \
        == ["ended"]


def test_a_mode_proposed_and_accepted_becomes_the_buddyships(api, buddies, mailbox):
    fay, gil, _ = buddies("Fay", "Gil")
    check_in = open_check_in(api, fay)
    assert_problem(say(api, fay, check_in, "change_mode"), 422, "mode")
    assert_problem(say(api, fay, check_in, "accept_mode"), 409, "answer")
    weekly = {"commitment": "projects", "rhythm": "weekly"}
    proposed = say(api, fay, check_in, "change_mode", weekly)
    assert proposed.status_code == 200, proposed.text

    # Gil hears of it by mail, and sees it in the check-in, with the two new answers allowed.
    mails = mailbox.wait_for(gil["email"], kind="check_in", count=2)  # asked, then the proposal
    assert "Fay propose une autre façon de faire" in [m.subject for m in mails]
    seen = eventually(lambda: open_check_in(api, gil)["mode_proposed"])
    assert seen == {"by_me": False, "answer": None} | weekly
    accepted = say(api, gil, check_in, "accept_mode")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["check_in"]["outcome"] == "confirmed"
    [buddyship] = buddyships(api, fay, state="active")
    assert buddyship["mode"] == weekly and buddyship["confirmed_at"] is not None


def test_a_check_in_is_only_its_buddies(api, buddies):
    hal, ivy, _ = buddies("Hal", "Ivy")
    check_in = open_check_in(api, hal)
    stranger = api.sign_up("Jon", "en")
    assert_problem(say(api, stranger, check_in, "keep_going"), 404, "check_in_id")
    assert_problem(say(api, hal, check_in, "maybe"), 422, "answer")
