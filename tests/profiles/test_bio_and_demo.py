"""A member's bio (their own words, kept by profiles alone) and the demo community (members
at a reserved domain, marked so that nobody is misled), against the in-memory unit of work."""

import pytest

from workbuddy_contracts.errors import Invalid
from workbuddy_contracts.i18n import use_language
from workbuddy_profiles.settings import AddressPolicy, ProfilesSettings
from workbuddy_profiles.use_cases import accounts, profiles

from .conftest import PASSWORD, TRUSTED

DEMO = AddressPolicy(verification="trusted", demo_community=True)


def test_a_bio_is_set_shown_to_others_and_cleared(uow, sign_up):
    alice, bob = sign_up("Alice"), sign_up("Bob")
    assert alice["profile"]["bio"] is None
    words = "  UX designer in Lyon.\nI love\tclimbing.  "
    changed = profiles.update_profile(uow, member_id=alice["id"], request={"bio": words})
    assert changed["profile"]["bio"] == words.strip()
    assert profiles.public_profile(uow, viewer_id=bob["id"], member_id=alice["id"]) == {
        "id": alice["id"], "display_name": "Alice", "bio": words.strip(), "languages": ["en"],
        "demo": False}
    for nothing in ("", "   ", None):
        cleared = profiles.update_profile(uow, member_id=alice["id"], request={"bio": nothing})
        assert cleared["profile"]["bio"] is None


def test_the_public_profile_never_holds_the_email(uow, sign_up):
    alice, bob = sign_up("Alice"), sign_up("Bob")
    seen = profiles.public_profile(uow, viewer_id=bob["id"], member_id=alice["id"])
    assert set(seen) == {"id", "display_name", "bio", "languages", "demo"}
    assert alice["email"] not in repr(seen)


@pytest.mark.parametrize("bad", ["a bell \x07", "an escape \x1b[31m", "a NUL \x00", "\r alone",
                                 "x" * 281])
def test_a_bio_with_control_characters_or_too_long_is_refused_naming_it(uow, sign_up, bad):
    alice = sign_up("Alice")
    with pytest.raises(Invalid) as refused:
        profiles.update_profile(uow, member_id=alice["id"], request={"bio": bad})
    assert refused.value.field == "bio"
    assert uow.members.find(alice["id"])["profile"]["bio"] is None


def test_the_bio_never_travels_in_events(uow, sign_up):
    alice = sign_up("Alice")
    profiles.update_profile(uow, member_id=alice["id"], request={"bio": "Private words",
                                                                   "city": "Lyon"})
    [told] = uow.outbox.of_type("member.updated")
    assert told["profile"]["city"] == "Lyon"
    assert "bio" not in told["profile"] and "Private words" not in repr(told)


def test_a_bio_is_exported_and_erased_on_leave(uow, passwords, sign_up):
    alice = sign_up("Alice")
    profiles.update_profile(uow, member_id=alice["id"], request={"bio": "Freelance writer"})
    assert accounts.export(uow, member_id=alice["id"])["member"]["profile"]["bio"] == \
        "Freelance writer"
    accounts.leave(uow, passwords, member_id=alice["id"], request={"password": PASSWORD})
    assert uow.members.find(alice["id"]) is None


def test_without_the_demo_community_its_addresses_are_refused_naming_the_email(uow, sign_up):
    for address in ("sam@demo.workbuddy.test", "Sam@DEMO.WorkBuddy.Test"):
        with pytest.raises(Invalid) as refused:
            sign_up("Sam", email=address)
        assert refused.value.field == "email"
        assert "demo.workbuddy.test" in str(refused.value) and "your own address" in str(
            refused.value)
    assert uow.outbox.of_type("member.registered") == []


def test_the_refusal_is_said_in_french_too(uow, sign_up):
    use_language("fr")
    try:
        with pytest.raises(Invalid) as refused:
            sign_up("Sam", email="sam@demo.workbuddy.test")
    finally:
        use_language("en")
    assert str(refused.value) == (
        "les adresses en demo.workbuddy.test appartiennent à la communauté de démonstration, "
        "que ce système n'accueille pas : inscrivez-vous avec votre propre adresse")


def test_with_the_demo_community_its_members_are_marked_and_others_are_not(uow, sign_up):
    sam = sign_up("Sam", policy=DEMO, email="sam@demo.workbuddy.test")
    alice = sign_up("Alice", policy=DEMO)
    assert uow.members.find(sam["id"])["demo"] is True
    assert uow.members.find(alice["id"])["demo"] is False
    assert profiles.public_profile(uow, viewer_id=alice["id"], member_id=sam["id"])["demo"] is True
    assert profiles.public_profile(uow, viewer_id=sam["id"], member_id=alice["id"])["demo"] is False
    # An address near the domain is nobody's demo member.
    near = sign_up("Near", policy=TRUSTED, email="near@notdemo.workbuddy.test")
    assert uow.members.find(near["id"])["demo"] is False


def test_a_taken_demo_address_is_answered_as_any_taken_address(uow, sign_up):
    first = sign_up("Sam", policy=DEMO, email="sam@demo.workbuddy.test")
    again = sign_up("Sam", policy=DEMO, email="sam@demo.workbuddy.test")
    assert again["id"] != first["id"] and again["email"] == first["email"]
    assert uow.members.find(again["id"]).get("decoy") is True


def test_members_stored_before_bio_and_demo_existed_read_as_without(uow, sign_up):
    alice, bob = sign_up("Alice"), sign_up("Bob")
    stored = uow.members.find(alice["id"])
    older = {k: v for k, v in stored.items() if k != "demo"}
    older["profile"] = {k: v for k, v in stored["profile"].items() if k != "bio"}
    uow.members.replace(older, stored)
    uow.commit()
    assert profiles.public_profile(uow, viewer_id=bob["id"], member_id=alice["id"]) == {
        "id": alice["id"], "display_name": "Alice", "bio": None, "languages": ["en"], "demo": False}
    assert profiles.get_member(uow, member_id=alice["id"])["profile"]["bio"] is None


def test_the_demo_community_setting_is_read_from_the_environment():
    assert ProfilesSettings.from_env({}).addresses.demo_community is False
    assert ProfilesSettings.from_env({"DEMO_COMMUNITY": "on"}).addresses.demo_community is True
    assert ProfilesSettings.from_env({"DEMO_COMMUNITY": "off"}).addresses.demo_community is False
