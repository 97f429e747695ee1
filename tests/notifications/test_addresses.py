"""An address not verified yet is mailed nothing but its verification link (push and the app go
on), until member.address_verified; and the account's own mails, in both languages, each sent
once, with a link into the app and no unsubscribe."""

from datetime import timedelta

import pytest

from workbuddy_notifications.domain import account_mails
from workbuddy_notifications.domain import deliveries as ledger
from workbuddy_notifications.use_cases import accounts, members, preferences

from .conftest import PUBLIC_URL
from .doubles import browser, states

TOKEN = "t0k3n-" + "x" * 37


def unproven(uow, member_id: str) -> dict:
    return {"member_id": member_id, "email": None, "email_verified": False,
            "display_name": member_id.title(), "language": "en", "registered_at": uow.now()}


def test_an_unverified_address_is_mailed_nothing_until_verified_push_goes_on(
        uow, senders, register, become_buddies, log_moment):
    register("ana")
    members.member_registered(uow, senders, payload=unproven(uow, "bob"))
    preferences.subscribe_push(uow, senders, member_id="bob", subscription=browser())
    become_buddies("ana", "bob")
    uow.clock.advance(minutes=1)
    log_moment("ana", n=1)
    assert senders.mail.to("bob") == [] and len(senders.push.sent) == 2  # buddyship, moment
    cancelled = uow.db.deliveries.find_one({"recipient_id": "bob", "channel": "email",
                                            "event_id": "logged-mo-ana-1"})
    assert cancelled["state"] == ledger.CANCELLED and "not verified" in cancelled["reason"]
    assert uow.recipients.export("bob")[0].get("email") is None  # not even kept

    accounts.address_verified(uow, payload={"member_id": "bob", "email": "bob@example.org",
                                            "verified_at": uow.now()})
    log_moment("ana", n=2)
    assert [s.headers["X-WorkBuddy-Kind"] for s in senders.mail.to("bob")] == ["moment"]


def test_a_verification_that_comes_before_the_registration_is_kept(uow, senders):
    accounts.address_verified(uow, payload={"member_id": "bob", "email": "bob@example.org",
                                            "verified_at": uow.now()})
    assert uow.recipients.get("bob") is None  # no name yet: deliveries wait
    members.member_registered(uow, senders, payload=unproven(uow, "bob"))
    found = uow.recipients.get("bob")
    assert (found["email"], found["email_verified"]) == ("bob@example.org", True)


@pytest.mark.parametrize("language, subject, words", [
    ("en", "Confirm your address for Work Buddy", "The link works once, for 24 hours."),
    ("fr", "Confirme ton adresse pour Work Buddy", "Le lien sert une fois, pendant 24 heures."),
])
def test_the_verification_mail_links_into_the_app_once_whatever_the_redeliveries(
        uow, senders, language, subject, words):
    payload = {"member_id": "bob", "email": "bob@example.org", "display_name": "Bob",
               "language": language, "token": TOKEN, "expires_at": uow.now() + timedelta(hours=24)}
    for _ in range(2):
        accounts.mail(uow, senders, kind=account_mails.VERIFY, event_id="ev-1", payload=payload)
    [sent] = senders.mail.sent
    assert (sent.mail.to, sent.mail.subject) == ("bob@example.org", subject)
    assert sent.headers["X-WorkBuddy-Kind"] == "address_verification"
    assert f"{PUBLIC_URL}/app/#/verify/{TOKEN}" in sent.mail.text
    assert words in sent.mail.text and "unsubscribe" not in sent.mail.text.lower()
    assert "List-Unsubscribe" not in sent.mail.headers
    # Sent: the link is not kept here any more.
    assert uow.db.deliveries.find_one({"_id": "ev-1:bob:email"})["mail"] is None


def test_an_account_mail_refused_for_now_is_kept_and_retried(uow, senders):
    from workbuddy_notifications.adapters.smtp import TransientMailError
    from workbuddy_notifications.use_cases import deliveries

    senders.mail.refusal = TransientMailError("451 try later")
    accounts.mail(uow, senders, kind=account_mails.RESET, event_id="ev-2", payload={
        "member_id": "bob", "email": "bob@example.org", "display_name": "Bob", "language": "fr",
        "token": TOKEN, "expires_at": uow.now() + timedelta(minutes=30)})
    assert states(uow) == {"ev-2:bob:email": ledger.PENDING}
    senders.mail.refusal = None
    uow.clock.advance(minutes=5)
    deliveries.retry_due(uow, senders)
    [sent] = senders.mail.sent
    assert sent.mail.subject == "Choisis un nouveau mot de passe pour Work Buddy"
    assert f"/app/#/reset/{TOKEN}" in sent.mail.text and "30 minutes" in sent.mail.text


def test_the_owner_is_told_when_someone_signs_up_with_their_address(uow, senders):
    accounts.mail(uow, senders, kind=account_mails.CLAIMED, event_id="ev-3", payload={
        "member_id": "ana", "email": "ana@example.org", "display_name": "Ana", "language": "en",
        "attempted_at": uow.now()})
    [sent] = senders.mail.sent
    assert sent.mail.subject == "Someone tried to sign up to Work Buddy with your address"
    assert f"{PUBLIC_URL}/app/#/forgot" in sent.mail.text
