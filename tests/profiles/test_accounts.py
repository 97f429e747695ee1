"""Accounts, use case by use case: sign-up (with an invitation, retried), log-in, password
change, export and leaving, each against the in-memory unit of work."""

import pytest

from workbuddy_contracts.errors import Forbidden, Invalid, NotFound, Unauthorized
from workbuddy_profiles.use_cases import accounts, invitations, journal

from .conftest import PASSWORD


def test_signing_up_keeps_the_member_and_tells_the_others(uow, passwords):
    answer = accounts.register(uow, passwords, request={
        "email": "Alice@Example.ORG", "display_name": "Alice", "language": "fr",
        "password": PASSWORD})
    member = answer["member"]
    assert answer["replayed"] is False
    assert member["email"] == "alice@example.org"
    assert uow.members.find(member["id"])["display_name"] == "Alice"
    assert uow.members.password_hash_of(member["id"]) != PASSWORD
    [told] = uow.outbox.of_type("member.registered")
    assert told["member_id"] == member["id"] and told["invited_by"] is None


def test_a_retried_sign_up_finds_the_account_its_first_attempt_made(uow, passwords):
    request = {"email": "bob@example.org", "display_name": "Bob", "language": "en",
               "password": PASSWORD}
    first = accounts.register(uow, passwords, request=request, idempotency_key="k-1")
    again = accounts.register(uow, passwords, request=request, idempotency_key="k-1")
    assert again == {"member": first["member"], "replayed": True}
    with pytest.raises(Invalid) as refused:
        accounts.register(uow, passwords, request=request | {"password": "another passphrase!"},
                          idempotency_key="k-1")
    assert refused.value.field == "Idempotency-Key"
    assert len(uow.outbox.of_type("member.registered")) == 1


def test_an_invitation_is_used_once_and_names_who_invited(uow, passwords, sign_up):
    alice = sign_up("Alice")
    code = invitations.invite(uow, member_id=alice["id"])["code"]
    bob = sign_up("Bob", invitation=code)
    assert uow.outbox.of_type("member.registered")[-1]["invited_by"] == alice["id"]
    [shown] = invitations.invitations_of(uow, member_id=alice["id"])["items"]
    assert (shown["state"], shown["used_by"]) == ("used", bob["id"])
    with pytest.raises(NotFound) as refused:
        sign_up("Carol", invitation=code)
    assert refused.value.field == "invitation"
    assert uow.members.find_by_email("carol@example.org") is None


def test_an_expired_invitation_is_refused(uow, sign_up):
    alice = sign_up("Alice")
    code = invitations.invite(uow, member_id=alice["id"])["code"]
    uow.clock.advance(days=15)
    with pytest.raises(NotFound):
        sign_up("Bob", invitation=code)


def test_logging_in_needs_the_right_email_and_password_and_says_the_same_for_both(
        uow, passwords, sign_up):
    alice = sign_up("Alice")
    assert accounts.authenticate(uow, passwords, request={
        "email": "ALICE@example.org", "password": PASSWORD})["id"] == alice["id"]
    wrong_password = {"email": "alice@example.org", "password": "not the passphrase"}
    unknown_email = {"email": "nobody@example.org", "password": PASSWORD}
    messages = set()
    for request in (wrong_password, unknown_email):
        with pytest.raises(Unauthorized) as refused:
            accounts.authenticate(uow, passwords, request=request)
        messages.add(str(refused.value))
    assert len(messages) == 1


def test_a_password_changes_only_with_the_current_one(uow, passwords, sign_up):
    alice = sign_up("Alice")
    with pytest.raises(Forbidden) as refused:
        accounts.change_password(uow, passwords, member_id=alice["id"], request={
            "current_password": "a guess, not it", "new_password": "a brand new passphrase"})
    assert refused.value.field == "current_password"
    accounts.change_password(uow, passwords, member_id=alice["id"], request={
        "current_password": PASSWORD, "new_password": "a brand new passphrase"})
    assert accounts.authenticate(uow, passwords, request={
        "email": "alice@example.org", "password": "a brand new passphrase"})["id"] == alice["id"]


def test_an_export_holds_the_member_their_moments_and_invitations_but_no_password(uow, sign_up):
    alice = sign_up("Alice")
    journal.log_moment(uow, member_id=alice["id"], request={"kind": "client_won", "note": "Acme"})
    invitations.invite(uow, member_id=alice["id"])
    exported = accounts.export(uow, member_id=alice["id"])
    assert exported["member"]["id"] == alice["id"]
    assert [m["note"] for m in exported["moments"]] == ["Acme"]
    assert len(exported["invitations"]) == 1
    assert "hash" not in repr(exported) and PASSWORD not in repr(exported)


def test_leaving_needs_the_password_then_erases_everything_and_tells_every_service(
        uow, passwords, sign_up):
    alice = sign_up("Alice")
    journal.log_moment(uow, member_id=alice["id"], request={"kind": "client_lost", "note": None})
    with pytest.raises(Forbidden) as refused:
        accounts.leave(uow, passwords, member_id=alice["id"], request={"password": "wrong one"})
    assert refused.value.field == "password"
    assert uow.members.find(alice["id"]) is not None
    assert accounts.leave(uow, passwords, member_id=alice["id"],
                          request={"password": PASSWORD}) == {"email": alice["email"]}
    assert uow.members.find(alice["id"]) is None
    assert uow.members.password_hash_of(alice["id"]) is None
    assert uow.moments.of_member(alice["id"], 10, None)["items"] == []
    assert uow.outbox.of_type("member.left")[0]["member_id"] == alice["id"]
