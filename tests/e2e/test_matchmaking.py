"""Matching proposing on its own, on a stack of its own where it does so (the shared stack lets
members choose): slots filled as soon as a member has answered, double opt-in, a support buddy
within seconds of a setback when no buddy can be reached, a slot freed and filled again, and a
round that tells a left-out member why and when the next one is.

Every test speaks a language of its own (two letters nobody else uses), so that matching, which
only pairs members sharing a language, never pairs one test's members with another's.
"""

import itertools
import string
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from workbuddy_matching import operator

from ..support.api import Gateway
from ..support.logs import wait_for_record
from ..support.scrape import samples, value
from ..support.waiting import eventually
from .conftest import own_stack

_codes = (a + b for a, b in itertools.product("qxz", string.ascii_lowercase))


@pytest.fixture(scope="module")
def matchmaking(mongo_uri, db_prefix, smtp, artifacts, redis_url, run_id):
    with own_stack("mm", {"MATCHING_AUTOMATIC": "on", "MATCHING_ROUND_EVERY_HOURS": "24"},
                   mongo_uri=mongo_uri, db_prefix=db_prefix, smtp=smtp, artifacts=artifacts,
                   redis_url=redis_url, run_id=run_id) as system:
        yield system


@pytest.fixture
def api(matchmaking) -> Gateway:
    return matchmaking["gateway"]


@pytest.fixture
def language() -> str:
    return next(_codes)


def answer(api, member, language, **profile):
    body = {"languages": [language], "time_zone": "Europe/Paris", "buddy_capacity": 1} | profile
    response = api.request("PATCH", "/v1/me", member, json=body)
    assert response.status_code == 200, response.text


def buddyships(api, member, **where) -> list[dict]:
    response = api.request("GET", "/v1/me/buddyships", member, params={"limit": 100})
    assert response.status_code == 200, response.text
    return [b for b in response.json()["items"] if all(b[k] == v for k, v in where.items())]


def one_proposal(api, member, **where) -> dict:
    return eventually(lambda: next(iter(buddyships(api, member, state="proposed", **where)), None))


def answer_proposal(api, member, buddyship, verb="accept"):
    return api.request("POST", f"/v1/me/buddyships/{buddyship['id']}/{verb}", member)


def matched_buddies(api, first, second, language) -> dict:
    """The two answer, matching proposes them to each other, and both accept."""
    answer(api, first, language)
    answer(api, second, language)
    pair = one_proposal(api, first)
    for member in (first, second):
        assert answer_proposal(api, member, pair).status_code == 200
    return pair


def test_a_member_who_answers_is_proposed_a_buddy_and_both_must_accept(api, language):
    city = f"Lyon {uuid.uuid4().hex[:4]}"
    alice, bob = api.sign_up("Alice", "fr"), api.sign_up("Bob", "en")
    answer(api, alice, language, city=city, sector="ux_design", sector_preference="adjacent")
    answer(api, bob, language, city=city, sector="frontend_development", sector_preference="adjacent")

    proposal = one_proposal(api, alice)
    assert proposal["origin"] == "rematch"
    assert sorted(proposal["awaiting"]) == sorted([alice["id"], bob["id"]])
    # Each reads why, in their own language, about the other.
    assert f"tous les deux à {city}" in proposal["reasons"]
    assert any(city in r and r.startswith("both in") for r in one_proposal(api, bob)["reasons"])

    accepted = answer_proposal(api, alice, proposal)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "proposed" and accepted.json()["awaiting"] == [bob["id"]]
    again = answer_proposal(api, alice, proposal)
    assert again.status_code == 403 and "already accepted" in again.json()["detail"]

    started = answer_proposal(api, bob, proposal)
    assert started.status_code == 200 and started.json()["state"] == "active"
    status = api.request("GET", "/v1/me/matching", alice).json()
    assert status["answered"] and status["open_slots"] == 0


def test_a_member_who_wants_to_meet_in_person_is_proposed_only_members_near_enough(
        api, language, matchmaking):
    log = matchmaking["stack"].supervisor.log_path("matching")
    # Far, in Grenoble (95 km from Lyon), answers first and waits for a buddy.
    far = api.sign_up("Farah", "fr")
    answer(api, far, language, city="Grenoble", buddy_capacity=2)
    wait_for_record(log, event="matching.slots_filled", member_id=far["id"])
    # Ana, in Lyon, wants to meet within 30 km: Farah has room, yet is not proposed, either way.
    ana = api.sign_up("Ana", "fr")
    answer(api, ana, language, city="Lyon", meet_in_person=True, meet_within_km=30)
    assert wait_for_record(log, event="matching.slots_filled", member_id=ana["id"])[0]["proposed"] == 0
    assert buddyships(api, ana) == [] and buddyships(api, far) == []
    for member in (ana, far):
        suggested = api.request("GET", "/v1/me/suggestions", member).json()["items"]
        assert suggested == [], suggested

    # Nico, in Villeurbanne (3 km), comes: proposed to Ana, told how near; and to Farah, who
    # did not ask to meet (nothing binds her).
    nico = api.sign_up("Nico", "en")
    answer(api, nico, language, city="Villeurbanne", buddy_capacity=2)
    proposal = one_proposal(api, ana)
    assert {proposal["proposer_id"], proposal["invitee_id"]} == {ana["id"], nico["id"]}
    assert proposal["reasons"][0] == "3 km entre vous, tous les deux dans le coin de Lyon"
    told_nico = one_proposal(api, nico, id=proposal["id"])
    assert told_nico["reasons"][0] == "3 km apart, both in the Lyon area"
    with_far = one_proposal(api, far)
    assert {with_far["proposer_id"], with_far["invitee_id"]} == {far["id"], nico["id"]}
    assert all(ana["id"] not in (b["proposer_id"], b["invitee_id"]) for b in buddyships(api, far))


def test_a_setback_with_no_buddy_reachable_brings_a_support_buddy_who_lived_it(api, language,
                                                                              matchmaking):
    mia, xavier = api.sign_up("Mia", "fr"), api.sign_up("Xavier", "fr")
    matched_buddies(api, mia, xavier, language)
    # Xavier goes into deep focus for the day: not reachable for Mia's setback.
    until = (datetime.now(UTC) + timedelta(hours=8)).isoformat()
    answer(api, xavier, language, availability={"focus_until": until})

    # Two who offered support; Sam lost a client too not long ago, Tess never logged a setback.
    sam, tess = api.sign_up("Sam", "fr"), api.sign_up("Tess", "fr")
    answer(api, sam, language, offers_support=True, buddy_capacity=2)
    sams_setback = f"sam-{uuid.uuid4().hex}"
    api.log_moment(sam, "client_lost", headers={"X-Correlation-Id": sams_setback})
    # Matching has taken in Sam's setback before Tess offers support: otherwise Tess would be
    # Sam's support buddy (Sam has none to reach either), and neither would be free for Mia.
    wait_for_record(matchmaking["stack"].supervisor.log_path("matching"), event="event.processed",
                    consumer="matching.on_moment_logged", correlation_id=sams_setback)
    answer(api, tess, language, offers_support=True, buddy_capacity=2)

    logged = api.log_moment(mia, "client_lost", "Le client part chez un concurrent")
    assert logged["kind"] == "client_lost"  # the request is done; the support buddy comes after

    support = one_proposal(api, mia, origin="support")
    assert {support["proposer_id"], support["invitee_id"]} == {mia["id"], sam["id"]}
    assert support["reasons"][0] == "Sam a vécu la même chose : un client perdu"
    assert support["expires_at"] is not None
    for member in (mia, sam):
        assert answer_proposal(api, member, support).status_code == 200
    active = buddyships(api, mia, origin="support", state="active")
    assert len(active) == 1 and active[0]["ends_at"] is not None


def test_a_freed_slot_is_filled_again_but_never_with_the_same_member(api, language):
    ana, ben = api.sign_up("Ana", "en"), api.sign_up("Ben", "en")
    pair = matched_buddies(api, ana, ben, language)
    cleo = api.sign_up("Cleo", "en")
    answer(api, cleo, language)  # nobody has room for Cleo yet

    ended = api.request("POST", f"/v1/me/buddyships/{pair['id']}/end", ana, json={"rating": 4})
    assert ended.status_code == 200, ended.text
    # Ana's and Ben's slots are free again: Cleo is proposed to one of them, never Ana to Ben.
    fresh = one_proposal(api, cleo)
    assert fresh["origin"] == "rematch"
    assert {fresh["proposer_id"], fresh["invitee_id"]} & {ana["id"], ben["id"]}
    assert not [b for b in buddyships(api, ana, state="proposed")
                if {b["proposer_id"], b["invitee_id"]} == {ana["id"], ben["id"]}]


def test_a_member_left_out_by_a_round_is_told_why_and_when_the_next_one_is(matchmaking, api, language):
    first, second, third = (api.sign_up(name, "fr") for name in ("Une", "Deux", "Trois"))
    for member in (first, second):
        answer(api, member, language)
    pair = one_proposal(api, first)
    answer(api, third, language)  # the only members Trois could meet are taken

    summary = operator.call("round", matchmaking["amqp_uri"], timeout=60)
    assert summary["next_round_at"] is not None and summary["left_out"] >= 1
    # The replica that ran it says when, so the dashboard shows its figures, not an older round's.
    figures = samples(matchmaking["stack"], "matching")
    finished = value(figures, "workbuddy_matching_round_finished_timestamp_seconds")
    assert time.time() - 60 < finished <= time.time()
    assert value(figures, "workbuddy_matching_unmatched") == summary["left_out"]

    status = api.request("GET", "/v1/me/matching", third).json()
    assert status["left_out"]["reason"] == "compatible_members_taken"
    assert "prochain tour" in status["left_out"]["explanation"]
    assert status["next_round_at"] == summary["next_round_at"]
    # The app's notifications say it too, and the proposal Une and Deux received with its reasons.
    told = eventually(lambda: [n for n in api.request("GET", "/v1/me/notifications", third).json()["items"]
                               if n["kind"] == "unmatched"])
    assert told[0]["text"] == "Pas de nouveau buddy à ce tour-ci"
    assert told[0]["data"]["reason"] == "compatible_members_taken"
    proposed = api.request("GET", "/v1/me/notifications", first).json()["items"]
    assert [n["data"]["origin"] for n in proposed if n["kind"] == "buddyship_proposed"] == ["rematch"]
    # The pair already proposed is not proposed twice.
    assert [b["id"] for b in buddyships(api, first)] == [pair["id"]]
