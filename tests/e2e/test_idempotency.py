"""A client that retries (its answer was lost) gets what its first attempt created, never a
second one: Idempotency-Key on sign-up, moments and proposals."""

import uuid

from pymongo import MongoClient

from ..support.api import PASSWORD
from .test_bad_input import assert_problem


def key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_a_retried_moment_is_logged_and_told_once(gateway, mailbox, mongo_uri, db_prefix):
    lea, max_ = gateway.sign_up("Léa", "fr"), gateway.sign_up("Max", "en")
    gateway.become_buddies(lea, max_)
    retry = key()
    first = gateway.request("POST", "/v1/me/moments", lea, headers=retry,
                            json={"kind": "client_won", "note": "Acme!"})
    again = gateway.request("POST", "/v1/me/moments", lea, headers=retry,
                            json={"kind": "client_won", "note": "Acme!"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers

    assert len(gateway.request("GET", "/v1/me/moments", lea).json()["items"]) == 1
    outbox = MongoClient(mongo_uri)[f"{db_prefix}profiles"].outbox
    assert [e["message"]["payload"]["moment_id"] for e in outbox.find({"type": "moment.logged"})
            ].count(first.json()["id"]) == 1  # one event, so one mail per buddy
    mailbox.wait_for(max_["email"], kind="moment")

    # The same key for something else is a mistake, said as such; a new key is a new moment.
    assert_problem(gateway.request("POST", "/v1/me/moments", lea, headers=retry,
                                   json={"kind": "client_lost"}), 422, "Idempotency-Key")
    assert gateway.request("POST", "/v1/me/moments", lea, headers=key(),
                           json={"kind": "client_won", "note": "Acme!"}).json()["id"] != \
        first.json()["id"]


def test_keys_belong_to_one_member(gateway):
    nia, omar = gateway.sign_up("Nia", "en"), gateway.sign_up("Omar", "en")
    shared = key()
    ids = {gateway.request("POST", "/v1/me/moments", who, headers=shared,
                           json={"kind": "milestone"}).json()["id"] for who in (nia, omar)}
    assert len(ids) == 2


def test_a_retried_proposal_is_made_once(gateway):
    pia, quim, rui = (gateway.sign_up(n, "fr") for n in ("Pia", "Quim", "Rui"))
    retry = key()
    first = gateway.request("POST", "/v1/me/buddyships", pia, headers=retry,
                            json={"buddy_id": quim["id"]})
    again = gateway.request("POST", "/v1/me/buddyships", pia, headers=retry,
                            json={"buddy_id": quim["id"]})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert_problem(gateway.request("POST", "/v1/me/buddyships", pia, headers=retry,
                                   json={"buddy_id": rui["id"]}), 422, "Idempotency-Key")


def test_a_retried_sign_up_finds_the_account_it_created(gateway):
    retry = key()
    body = {"email": f"sol-{uuid.uuid4().hex[:6]}@example.org", "display_name": "Sol",
            "language": "en", "password": PASSWORD}
    first = gateway.request("POST", "/v1/auth/signup", headers=retry, json=body)
    again = gateway.request("POST", "/v1/auth/signup", headers=retry, json=body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["member"]["id"] == first.json()["member"]["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert gateway.request("GET", "/v1/me", headers={
        "Authorization": f"Bearer {again.json()['access_token']}"}).status_code == 200

    # Replaying someone's sign-up does not sign you in without their password.
    assert_problem(gateway.request("POST", "/v1/auth/signup", headers=retry,
                                   json=body | {"password": "another long password"}),
                   422, "Idempotency-Key")
    # Without the key, another account is made, as for any address, that never holds it.
    other = gateway.request("POST", "/v1/auth/signup", json=body)
    assert other.status_code == 201 and other.json()["member"]["id"] != first.json()["member"]["id"]
    assert other.json()["member"]["email_verified"] is False
