"""Addresses proven by a mailed link, sign-ups with a taken address, forgotten passwords and the
decoys' end, use case by use case against the in-memory unit of work."""

import pytest

from workbuddy_contracts.errors import Gone, NotFound, Unauthorized
from workbuddy_profiles.domain import addresses as rules
from workbuddy_profiles.settings import AddressPolicy
from workbuddy_profiles.use_cases import accounts, addresses

from .conftest import PASSWORD

REQUIRED = AddressPolicy()


def register(uow, passwords, name: str, email: str | None = None, password: str = PASSWORD,
             **more) -> dict:
    return accounts.register(uow, passwords, policy=REQUIRED, request={
        "email": email or f"{name.lower()}@example.org", "display_name": name, "language": "en",
        "password": password} | more)["member"]


def log_in(uow, passwords, email: str, password: str = PASSWORD) -> dict:
    return accounts.authenticate(uow, passwords, request={"email": email, "password": password})


def mailed_token(uow, event_type: str = "address.verification_requested", index: int = -1) -> str:
    return uow.outbox.of_type(event_type)[index]["token"]


def test_a_new_address_gets_a_link_and_counts_only_once_the_link_is_opened(uow, passwords):
    ada = register(uow, passwords, "Ada")
    assert ada["email_verified"] is False
    [registered] = uow.outbox.of_type("member.registered")
    assert (registered["email"], registered["email_verified"]) == (None, False)
    [asked] = uow.outbox.of_type("address.verification_requested")
    assert (asked["email"], asked["member_id"]) == ("ada@example.org", ada["id"])
    assert asked["expires_at"] == uow.now() + REQUIRED.link_life
    # Only the token's digest is kept.
    assert uow.db.tokens.find_one({"_id": asked["token"]}) is None
    assert uow.db.tokens.find_one({"_id": rules.digest(asked["token"])})["purpose"] == "verify"

    with pytest.raises(Unauthorized) as refused:
        log_in(uow, passwords, "ada@example.org")
    assert str(refused.value) == rules.LOG_IN_REFUSED

    verified = addresses.verify(uow, request={"token": asked["token"]})
    assert (verified["id"], verified["email_verified"]) == (ada["id"], True)
    [told] = uow.outbox.of_type("member.address_verified")
    assert told == {"member_id": ada["id"], "email": "ada@example.org", "verified_at": uow.now()}
    assert log_in(uow, passwords, "ada@example.org")["id"] == ada["id"]
    with pytest.raises(Gone) as again:
        addresses.verify(uow, request={"token": asked["token"]})
    assert again.value.field == "token" and "Resend" in str(again.value)


def test_a_verification_link_works_for_a_day_only(uow, passwords):
    register(uow, passwords, "Ada")
    uow.clock.advance(hours=24)
    with pytest.raises(Gone):
        addresses.verify(uow, request={"token": mailed_token(uow)})


def test_a_link_that_is_not_ours_is_refused_saying_what_to_do(uow):
    with pytest.raises(NotFound) as refused:
        addresses.verify(uow, request={"token": "x" * 43})
    assert "ask for a new one" in str(refused.value)


def test_a_taken_address_answers_alike_but_makes_a_decoy_and_tells_the_owner(uow, passwords):
    ada = register(uow, passwords, "Ada")
    addresses.verify(uow, request={"token": mailed_token(uow)})
    other = register(uow, passwords, "Eve", email="ADA@example.org", password="eve's own passphrase")
    assert set(other) == set(ada) and other["id"] != ada["id"]
    assert (other["email"], other["email_verified"]) == ("ada@example.org", False)
    decoy = uow.members.find(other["id"])
    assert decoy["email"] == f"{other['id']}@unclaimed.invalid"
    assert uow.outbox.of_type("member.registered")[-1]["email"] is None  # the address stays home
    [warned] = uow.outbox.of_type("address.claim_attempted")
    assert (warned["member_id"], warned["email"]) == (ada["id"], "ada@example.org")
    assert len(uow.outbox.of_type("address.verification_requested")) == 1  # none for the decoy

    # The address still signs in only its owner; the decoy gets no link, even on request.
    assert log_in(uow, passwords, "ada@example.org")["id"] == ada["id"]
    with pytest.raises(Unauthorized):
        log_in(uow, passwords, "ada@example.org", "eve's own passphrase")
    addresses.resend(uow, member_id=other["id"], policy=REQUIRED)
    addresses.request_reset(uow, request={"email": decoy["email"]}, policy=REQUIRED)
    assert len(uow.outbox.of_type("address.verification_requested")) == 1
    assert uow.outbox.of_type("password.reset_requested") == []


def test_an_owner_not_verified_yet_gets_a_fresh_link_instead_of_a_warning(uow, passwords):
    ada = register(uow, passwords, "Ada")
    register(uow, passwords, "Ada again", email="ada@example.org")
    first, second = uow.outbox.of_type("address.verification_requested")
    assert first["member_id"] == second["member_id"] == ada["id"]
    assert uow.outbox.of_type("address.claim_attempted") == []
    assert addresses.verify(uow, request={"token": second["token"]})["id"] == ada["id"]


def test_log_in_says_the_same_for_an_unknown_address_a_wrong_password_and_an_unproven_one(
        uow, passwords):
    register(uow, passwords, "Ada")
    messages = set()
    for email, password in (("nobody@example.org", PASSWORD), ("ada@example.org", "not it at all"),
                            ("ada@example.org", PASSWORD)):
        with pytest.raises(Unauthorized) as refused:
            log_in(uow, passwords, email, password)
        messages.add(str(refused.value))
    assert messages == {rules.LOG_IN_REFUSED}


def test_resending_mails_a_new_link_to_an_unverified_address_only(uow, passwords):
    ada = register(uow, passwords, "Ada")
    addresses.resend(uow, member_id=ada["id"], policy=REQUIRED)
    assert len(uow.outbox.of_type("address.verification_requested")) == 2
    addresses.verify(uow, request={"token": mailed_token(uow, index=0)})  # the older still works
    addresses.resend(uow, member_id=ada["id"], policy=REQUIRED)
    assert len(uow.outbox.of_type("address.verification_requested")) == 2


def test_a_reset_link_sets_a_new_password_once_within_its_half_hour(uow, passwords):
    ada = register(uow, passwords, "Ada")
    addresses.request_reset(uow, request={"email": "nobody@example.org"}, policy=REQUIRED)
    assert uow.outbox.of_type("password.reset_requested") == []
    addresses.request_reset(uow, request={"email": "Ada@Example.org"}, policy=REQUIRED)
    addresses.request_reset(uow, request={"email": "ada@example.org"}, policy=REQUIRED)
    older, token = (e["token"] for e in uow.outbox.of_type("password.reset_requested"))
    new = {"token": token, "new_password": "a brand new passphrase"}
    assert addresses.reset_password(uow, passwords, request=new) == ada["id"]
    # The link proved the address too; older links and the old password stop working.
    assert log_in(uow, passwords, "ada@example.org", "a brand new passphrase")["id"] == ada["id"]
    assert uow.outbox.of_type("member.address_verified")[0]["member_id"] == ada["id"]
    for used in (token, older):
        with pytest.raises(Gone) as refused:
            addresses.reset_password(uow, passwords, request=new | {"token": used})
        assert "Forgot your password?" in str(refused.value)
    with pytest.raises(Unauthorized):
        log_in(uow, passwords, "ada@example.org")

    addresses.request_reset(uow, request={"email": "ada@example.org"}, policy=REQUIRED)
    uow.clock.advance(minutes=30)
    with pytest.raises(Gone):
        addresses.reset_password(uow, passwords, request=new | {
            "token": mailed_token(uow, "password.reset_requested")})


def test_a_verify_link_does_not_reset_and_a_reset_link_does_not_verify_by_the_other_door(
        uow, passwords):
    register(uow, passwords, "Ada")
    with pytest.raises(NotFound) as refused:
        addresses.reset_password(uow, passwords, request={
            "token": mailed_token(uow), "new_password": "a brand new passphrase"})
    assert refused.value.field == "token"


def test_decoys_are_erased_when_their_day_is_over_and_expired_links_forgotten(uow, passwords):
    register(uow, passwords, "Ada")
    decoy = register(uow, passwords, "Eve", email="ada@example.org")
    uow.clock.advance(hours=23)
    assert addresses.erase_unclaimed(uow, policy=REQUIRED) == 0
    uow.clock.advance(hours=1)
    assert addresses.erase_unclaimed(uow, policy=REQUIRED) == 1
    assert uow.members.find(decoy["id"]) is None
    assert uow.outbox.of_type("member.left") == [{"member_id": decoy["id"], "left_at": uow.now()}]
    assert uow.db.tokens.count_documents({}) == 0  # both links to Ada's address have expired


def test_the_address_policy_is_read_from_the_environment_and_a_wrong_value_named():
    from datetime import timedelta

    from workbuddy_platform.settings import SettingsError
    from workbuddy_profiles.settings import ProfilesSettings

    assert ProfilesSettings.from_env({}).addresses == AddressPolicy()
    read = ProfilesSettings.from_env({"ADDRESS_VERIFICATION": "Trusted",
                                      "VERIFICATION_LINK_HOURS": "48",
                                      "PASSWORD_RESET_LINK_MINUTES": "15"}).addresses
    assert read == AddressPolicy("trusted", timedelta(hours=48), timedelta(minutes=15))
    with pytest.raises(SettingsError, match="ADDRESS_VERIFICATION='sometimes': must be one of "
                                            "required, trusted"):
        ProfilesSettings.from_env({"ADDRESS_VERIFICATION": "sometimes"})
