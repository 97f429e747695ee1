"""Verified addresses and password resets over HTTP, with the real mails read from the SMTP
server, on a stack of its own where addresses must be proven (ADDRESS_VERIFICATION=required,
the default): a link that proves the address and signs in, a taken address answered as a new
one while its owner is told, nothing mailed and nobody proposed until the address is proven,
the limit on new links, one refusal for every failed log-in, and a reset link that works once,
for a short while, and closes every session."""

import re
import time
import uuid

import pytest

from ..support.api import PASSWORD, Gateway
from ..support.waiting import eventually
from .conftest import own_stack
from .test_bad_input import assert_problem

REFUSED = {"en": "the email or the password is wrong, or the address is not confirmed yet: open "
                 "the link we mailed you",
           "fr": "l'adresse e-mail ou le mot de passe est incorrect, ou l'adresse n'est pas "
                 "encore confirmée : ouvrez le lien que nous vous avons envoyé par e-mail"}
RESET_LIFE_SECONDS = 12  # 30 minutes in production


@pytest.fixture(scope="module")
def addresses(mongo_uri, db_prefix, smtp, artifacts, redis_url, run_id):
    with own_stack("addr", {"ADDRESS_VERIFICATION": "required",
                            "PASSWORD_RESET_LINK_MINUTES": str(RESET_LIFE_SECONDS / 60),
                            "MATCHING_AUTOMATIC": "off", "MATCHING_ROUND_EVERY_HOURS": "0"},
                   mongo_uri=mongo_uri, db_prefix=db_prefix, smtp=smtp, artifacts=artifacts,
                   redis_url=redis_url, run_id=run_id) as system:
        yield system


@pytest.fixture
def api(addresses) -> Gateway:
    return addresses["gateway"]


def new_address(name: str) -> str:
    return f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.org"


def sign_up(api, name: str, email: str | None = None, password: str = PASSWORD,
            language: str = "en") -> dict:
    response = api.request("POST", "/v1/auth/signup", json={
        "email": email or new_address(name), "display_name": name, "language": language,
        "password": password})
    assert response.status_code == 201, response.text
    body = response.json()
    return {**body["member"], "access_token": body["access_token"],
            "refresh_token": body["refresh_token"]}


def link_in(mail, view: str) -> str:
    found = re.search(rf"/app/#/{view}/([A-Za-z0-9_-]+)", mail.body)
    assert found, mail.body
    return found.group(1)


def verify_from_mail(api, mailbox, member: dict, count: int = 1) -> dict:
    """Open the link of the ``count``-th verification mail to the member's address."""
    mail = mailbox.wait_for(member["email"], count, kind="address_verification")[count - 1]
    response = api.request("POST", "/v1/auth/verify", json={"token": link_in(mail, "verify")})
    assert response.status_code == 200, response.text
    return response.json()


def log_in(api, email: str, password: str = PASSWORD, language: str = "en"):
    return api.request("POST", "/v1/auth/login", json={"email": email, "password": password},
                       headers={"Accept-Language": language})


def test_a_new_address_is_proven_by_the_link_mailed_to_it_which_signs_in(api, mailbox):
    ada = sign_up(api, "Ada")
    assert ada["email_verified"] is False
    [mail] = mailbox.wait_for(ada["email"], kind="address_verification")
    assert mail.subject == "Confirm your address for Work Buddy"
    assert "List-Unsubscribe" not in mail.message
    assert_problem(log_in(api, ada["email"]), 401)

    token = link_in(mail, "verify")
    signed_in = api.request("POST", "/v1/auth/verify", json={"token": token}).json()
    assert (signed_in["member"]["id"], signed_in["member"]["email_verified"]) == (ada["id"], True)
    me = api.request("GET", "/v1/me", signed_in)
    assert me.status_code == 200 and me.json()["email_verified"] is True
    assert log_in(api, ada["email"]).status_code == 200
    again = assert_problem(api.request("POST", "/v1/auth/verify", json={"token": token}), 410,
                           "token")
    assert "Resend" in again["detail"]
    assert_problem(api.request("POST", "/v1/auth/verify", json={"token": "n" * 43}), 404, "token")


def test_a_taken_address_is_answered_as_a_new_one_and_its_owner_is_told(api, mailbox):
    owner = sign_up(api, "Owen")
    verify_from_mail(api, mailbox, owner)
    shouted = owner["email"].replace("owen", "OWEN")
    other = sign_up(api, "Eve", email=shouted, password="eve's very own passphrase")
    assert set(other) == set(owner) and other["id"] != owner["id"]
    assert (other["email"], other["email_verified"]) == (owner["email"], False)
    me = api.request("GET", "/v1/me", other).json()
    assert (me["email"], me["email_verified"]) == (owner["email"], False)

    [warning] = mailbox.wait_for(owner["email"], kind="address_claimed")
    assert warning.subject == "Someone tried to sign up to Work Buddy with your address"
    # No second account can sign in with the address; its owner still can.
    assert_problem(log_in(api, owner["email"], "eve's very own passphrase"), 401)
    assert log_in(api, owner["email"]).json()["member"]["id"] == owner["id"]
    # The other account is answered as any unproven one, and no link ever goes for it.
    assert api.request("POST", "/v1/me/address/verification", other).status_code == 202
    time.sleep(2)
    assert len(mailbox.to(owner["email"], kind="address_verification")) == 1


def test_an_owner_not_verified_yet_gets_a_fresh_link_when_someone_signs_up_again(api, mailbox):
    first = sign_up(api, "Ines")
    sign_up(api, "Ines", email=first["email"], password="another long passphrase")
    signed_in = verify_from_mail(api, mailbox, first, count=2)
    assert signed_in["member"]["id"] == first["id"]
    assert mailbox.to(first["email"], kind="address_claimed") == []


def notifications(api, member) -> list[dict]:
    return api.request("GET", "/v1/me/notifications", member).json()["items"]


def suggested(api, member) -> list[str]:
    response = api.request("GET", "/v1/me/suggestions", member, params={"limit": 50})
    assert response.status_code == 200, response.text
    return [s["member_id"] for s in response.json()["items"]]


def test_an_invited_member_is_mailed_nothing_but_the_link_and_proposed_once_verified(
        api, mailbox):
    """Until Bob proves his address, he is proposed to nobody, not even to Ana who invited him,
    and nothing but the verification link is mailed to it; once proven, the invitation's
    proposal comes and Ana's moments reach him by mail."""
    language = {"languages": ["fr"], "time_zone": "Europe/Paris"}
    ana = sign_up(api, "Ana", language="fr")
    ana = ana | verify_from_mail(api, mailbox, ana)
    code = api.request("POST", "/v1/me/invitations", ana).json()["code"]
    joined = api.request("POST", "/v1/auth/signup", json={
        "email": new_address("Bob"), "display_name": "Bob", "language": "fr",
        "password": PASSWORD, "invitation": code})
    assert joined.status_code == 201, joined.text
    bob = {**joined.json()["member"], "access_token": joined.json()["access_token"]}
    for member in (ana, bob):
        assert api.request("PATCH", "/v1/me", member, json=language).status_code == 200
    api.log_moment(ana, "client_won", "Signé !")
    time.sleep(2)  # matching and notifications have had the news
    assert bob["id"] not in suggested(api, ana)
    assert suggested(api, bob) == []
    assert api.request("GET", "/v1/me/buddyships", bob).json()["items"] == []
    assert {mail.kind for mail in mailbox.to(bob["email"])} == {"address_verification"}

    bob = bob | verify_from_mail(api, mailbox, bob)
    invited = eventually(lambda: api.request("GET", "/v1/me/buddyships", bob).json()["items"])
    accepted = api.request("POST", f"/v1/me/buddyships/{invited[0]['id']}/accept", bob)
    assert accepted.json()["state"] == "active", accepted.text
    api.log_moment(ana, "client_won", "Encore un !")
    [mail] = mailbox.wait_for(bob["email"], kind="moment")
    assert "Encore un !" in mail.body


def test_an_unproven_member_proposes_to_nobody_and_nobody_proposes_to_them(api, mailbox):
    """An account whose address is not proven (perhaps made with someone else's) reaches no
    member in that person's name; once proven, proposals go both ways."""
    fay = sign_up(api, "Fay")
    fay = fay | verify_from_mail(api, mailbox, fay)
    gus = sign_up(api, "Gus")

    refused = assert_problem(api.propose(gus, fay), 409)
    assert refused["detail"].startswith("confirm your email address first"), refused
    refused = assert_problem(api.propose(fay, gus), 409, "buddy_id")
    assert "has not confirmed their email address yet" in refused["detail"], refused
    french = api.request("POST", "/v1/me/buddyships", fay, json={"buddy_id": gus["id"]},
                         headers={"Accept-Language": "fr"})
    assert "n'a pas encore confirmé son adresse" in assert_problem(french, 409, "buddy_id")["detail"]

    gus = gus | verify_from_mail(api, mailbox, gus)
    eventually(lambda: api.propose(gus, fay).status_code == 201)


def test_an_unproven_member_is_suggested_once_verified(api, mailbox):
    city = {"languages": ["fr"], "time_zone": "Europe/Paris", "city": "Lyon"}
    cy, dee = sign_up(api, "Cy", language="fr"), sign_up(api, "Dee", language="fr")
    cy = cy | verify_from_mail(api, mailbox, cy)
    for member in (cy, dee):
        assert api.request("PATCH", "/v1/me", member, json=city).status_code == 200
    time.sleep(1)  # matching has the answers
    assert dee["id"] not in suggested(api, cy)
    verify_from_mail(api, mailbox, dee)
    eventually(lambda: dee["id"] in suggested(api, cy))


def test_new_links_are_limited_per_member(api, mailbox):
    eli = sign_up(api, "Eli")
    for _ in range(3):
        assert api.request("POST", "/v1/me/address/verification", eli).status_code == 202
    refused = assert_problem(api.request("POST", "/v1/me/address/verification", eli), 429)
    assert refused["detail"] and int(api.request(
        "POST", "/v1/me/address/verification", eli).headers["Retry-After"]) > 0
    mails = mailbox.wait_for(eli["email"], 4, kind="address_verification")
    assert len({link_in(m, "verify") for m in mails}) == 4
    time.sleep(1)
    assert len(mailbox.to(eli["email"], kind="address_verification")) == 4


@pytest.mark.parametrize("language", ["en", "fr"])
def test_log_in_is_refused_alike_for_an_unknown_address_a_wrong_password_and_an_unproven_one(
        api, mailbox, language):
    known = sign_up(api, "Kim")
    verify_from_mail(api, mailbox, known)
    unproven = sign_up(api, "Uma")
    answers = [log_in(api, new_address("nobody"), language=language),
               log_in(api, known["email"], "not the passphrase at all", language=language),
               log_in(api, unproven["email"], language=language)]
    bodies = [assert_problem(a, 401) for a in answers]
    assert {b["detail"] for b in bodies} == {REFUSED[language]}
    assert len({(a.status_code, tuple(sorted(b))) for a, b in zip(answers, bodies, strict=True)}) == 1


def test_a_reset_link_sets_a_new_password_once_and_closes_every_session(api, mailbox):
    rae = sign_up(api, "Rae")
    verify_from_mail(api, mailbox, rae)
    phone = log_in(api, rae["email"]).json()
    unknown = new_address("nobody")
    answers = [api.request("POST", "/v1/auth/password-reset", json={"email": email})
               for email in (unknown, rae["email"].upper())]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].content == answers[1].content == b""

    [mail] = mailbox.wait_for(rae["email"], kind="password_reset")
    token = link_in(mail, "reset")
    new = {"token": token, "new_password": "a brand new passphrase"}
    signed_in = api.request("POST", "/v1/auth/password-reset/confirm", json=new)
    assert signed_in.status_code == 200, signed_in.text
    assert api.request("GET", "/v1/me", signed_in.json()).status_code == 200
    for session in (rae, phone):  # every earlier session is closed
        assert api.request("GET", "/v1/me", session).status_code == 401
        assert api.request("POST", "/v1/auth/refresh", json={
            "refresh_token": session["refresh_token"]}).status_code == 401
    assert log_in(api, rae["email"], "a brand new passphrase").status_code == 200
    assert_problem(log_in(api, rae["email"]), 401)
    used = assert_problem(api.request("POST", "/v1/auth/password-reset/confirm", json=new), 410,
                          "token")
    assert "Forgot your password?" in used["detail"]
    assert mailbox.to(unknown) == []


def test_a_reset_link_proves_an_unverified_address_and_expires(api, mailbox):
    ugo = sign_up(api, "Ugo")
    api.request("POST", "/v1/auth/password-reset", json={"email": ugo["email"]})
    [mail] = mailbox.wait_for(ugo["email"], kind="password_reset")
    signed_in = api.request("POST", "/v1/auth/password-reset/confirm", json={
        "token": link_in(mail, "reset"), "new_password": "a brand new passphrase"})
    assert signed_in.json()["member"]["email_verified"] is True

    api.request("POST", "/v1/auth/password-reset", json={"email": ugo["email"]})
    [_, late] = mailbox.wait_for(ugo["email"], 2, kind="password_reset")
    time.sleep(RESET_LIFE_SECONDS + 1)
    assert_problem(api.request("POST", "/v1/auth/password-reset/confirm", json={
        "token": link_in(late, "reset"), "new_password": "yet another passphrase"}), 410, "token")
