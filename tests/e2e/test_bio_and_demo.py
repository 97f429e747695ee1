"""A member's few words about themselves, shown to other members with their name, and the demo
community: addresses at demo.workbuddy.test are refused unless the system runs it, and its
members are marked wherever others see them."""

import time
import uuid

import pytest
from pymongo import MongoClient

from ..support.api import PASSWORD, Gateway
from .conftest import own_stack
from .test_bad_input import assert_problem

REFUSED = {
    "en": "addresses at demo.workbuddy.test belong to the demo community, which this system does "
          "not run: sign up with your own address",
    "fr": "les adresses en demo.workbuddy.test appartiennent à la communauté de démonstration, "
          "que ce système n'accueille pas : inscrivez-vous avec votre propre adresse"}


def demo_sign_up(api: Gateway, name: str, **headers):
    return api.request("POST", "/v1/auth/signup", headers=headers, json={
        "email": f"{name.lower()}-{uuid.uuid4().hex[:6]}@Demo.WorkBuddy.test",
        "display_name": name, "language": "en", "password": PASSWORD})


def test_a_member_writes_a_bio_reads_it_back_and_others_see_it(gateway):
    ines, omar = gateway.sign_up("Inès", "fr"), gateway.sign_up("Omar", "en")
    assert gateway.request("GET", "/v1/me", ines).json()["profile"]["bio"] is None
    words = "Graphiste à Nantes.\nJ'aime le vélo\tet les cafés."
    changed = gateway.request("PATCH", "/v1/me", ines, json={"bio": f"  {words} "})
    assert changed.status_code == 200, changed.text
    assert changed.json()["profile"]["bio"] == words
    assert gateway.request("GET", "/v1/me", ines).json()["profile"]["bio"] == words
    seen = gateway.request("GET", f"/v1/members/{ines['id']}", omar)
    assert seen.status_code == 200
    assert seen.json() == {"id": ines["id"], "display_name": "Inès", "bio": words,
                           "languages": ["fr"], "demo": False}
    assert gateway.request("GET", "/v1/me/export", ines).json()["profiles"]["member"]["profile"][
        "bio"] == words

    assert gateway.request("PATCH", "/v1/me", ines, json={"bio": None}).status_code == 200
    assert gateway.request("GET", f"/v1/members/{ines['id']}", omar).json()["bio"] is None


@pytest.mark.parametrize("bad", ["an escape \x1b[31m red", "a bell \x07", "x" * 281])
def test_a_bio_with_control_characters_or_too_long_is_refused_naming_it(gateway, bad):
    pia = gateway.sign_up("Pia", "en")
    body = assert_problem(gateway.request("PATCH", "/v1/me", pia, json={"bio": bad}), 422, "bio")
    assert "bio" in body["detail"]
    assert gateway.request("GET", "/v1/me", pia).json()["profile"]["bio"] is None


def test_the_bio_stays_with_profiles(gateway, stack, mongo_uri, db_prefix):
    rui = gateway.sign_up("Rui", "en")
    gateway.request("PATCH", "/v1/me", rui, json={"bio": "Words for members only",
                                                  "city": "Porto"})
    store = MongoClient(mongo_uri, tz_aware=True)
    deadline = time.monotonic() + 15
    while (store[f"{db_prefix}matching"].pool.find_one({"_id": rui["id"]}) or {}).get(
            "profile", {}).get("city") != "Porto":
        assert time.monotonic() < deadline, "matching never learnt the change"
        time.sleep(0.1)
    for service in ("matching", "notifications"):
        for name in store[f"{db_prefix}{service}"].list_collection_names():
            assert "Words for members only" not in str(
                list(store[f"{db_prefix}{service}"][name].find({}))), (service, name)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_without_the_demo_community_its_addresses_are_refused(gateway, language):
    body = assert_problem(demo_sign_up(gateway, "Dora", **{"Accept-Language": language}),
                          422, "email")
    assert REFUSED[language] in body["detail"]


@pytest.fixture(scope="module")
def demo_system(mongo_uri, db_prefix, smtp, artifacts, redis_url, run_id):
    with own_stack("demo", {"DEMO_COMMUNITY": "on", "MATCHING_AUTOMATIC": "off",
                            "MATCHING_ROUND_EVERY_HOURS": "0"},
                   mongo_uri=mongo_uri, db_prefix=db_prefix, smtp=smtp, artifacts=artifacts,
                   redis_url=redis_url, run_id=run_id) as system:
        yield system


def test_with_the_demo_community_its_members_are_marked(demo_system, mongo_uri, db_prefix):
    api = demo_system["gateway"]
    signed = demo_sign_up(api, "Dora")
    assert signed.status_code == 201, signed.text
    dora = signed.json()["member"]
    ana = api.sign_up("Ana", "en")
    assert api.request("GET", f"/v1/members/{dora['id']}", ana).json() == {
        "id": dora["id"], "display_name": "Dora", "bio": None, "languages": ["en"], "demo": True}
    assert api.request("GET", f"/v1/members/{ana['id']}", ana).json()["demo"] is False
    stored = MongoClient(mongo_uri, tz_aware=True)[f"{db_prefix}demo_profiles"].members
    assert stored.find_one({"_id": dora["id"]})["demo"] is True
    assert stored.find_one({"_id": ana["id"]})["demo"] is False
