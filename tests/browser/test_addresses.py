"""Addresses and passwords in the web app, on a system where addresses must be proven (the
default): a newcomer sees where the link went, opens it from the real mail and is signed in,
confirmed; a member who forgot their password asks for a link from the sign-in page, opens it
from the real mail, chooses a new one and is signed in, every older session closed."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from ..support.api import PASSWORD, Gateway
from .conftest import running_system
from .members import Member
from .test_usable_by_everyone import check_page


@pytest.fixture(scope="module")
def proving_system(artifacts, mongo_uri, db_prefix, redis_url, run_id):
    from workbuddy_devstack.broker import Management, with_vhost

    from ..conftest import BROKER

    management, vhost = Management(BROKER), f"wb-test-{run_id}-addr{uuid.uuid4().hex[:6]}"
    management.create_vhost(vhost)
    try:
        with running_system(artifacts / f"browser-addr-{uuid.uuid4().hex[:6]}",
                            with_vhost(BROKER, vhost), mongo_uri, db_prefix, redis_url,
                            ADDRESS_VERIFICATION="required") as running:
            yield running
    finally:
        management.delete_vhost(vhost)


def link_in(mail, view: str) -> str:
    found = re.search(rf"https?://\S+/app/#/{view}/[A-Za-z0-9_-]+", mail.body)
    assert found, mail.body
    return found.group(0)


def test_a_newcomer_confirms_the_address_from_the_mail_and_is_signed_in(
        new_context, proving_system, screenshots):
    stack, mailbox = proving_system
    page = new_context(locale="en-GB", viewport={"width": 390, "height": 844}).new_page()
    lea = Member(page, stack.gateway_url, "Léa", "en")
    lea.sign_up()
    banner = page.locator("#address")
    expect(banner).to_contain_text(f"Confirm your address: we sent a link to {lea.email}.")
    check_page(page)
    screenshots(page, "address-banner")
    banner.get_by_role("button", name="Resend").click()
    expect(page.locator("#status")).to_contain_text(f"A new link is on its way to {lea.email}.")

    # The first mail's link, opened where the mail is read: another browser, signed out.
    first = mailbox.wait_for(lea.email, 2, kind="address_verification")[0]
    elsewhere = new_context(locale="en-GB").new_page()
    elsewhere.goto(link_in(first, "verify"))
    expect(elsewhere.locator("#status")).to_contain_text("Your address is confirmed. Welcome!")
    expect(elsewhere.locator("#nav")).to_be_visible()
    expect(elsewhere.locator("#address")).to_have_count(0)
    # The same link again says what to do.
    again = new_context(locale="en-GB").new_page()
    again.goto(link_in(first, "verify"))
    expect(again.locator("main [role=alert]")).to_contain_text("already used or is too old")
    page.reload()
    expect(page.locator("main h1, legend").first).to_be_visible()
    expect(page.locator("#address")).to_have_count(0)


def test_a_member_who_forgot_the_password_chooses_a_new_one_from_the_mail(
        new_context, proving_system):
    stack, mailbox = proving_system
    gateway = Gateway(stack.gateway_url)
    email = f"noe-{uuid.uuid4().hex[:6]}@example.org"
    signed_up = gateway.request("POST", "/v1/auth/signup", json={
        "email": email, "display_name": "Noé", "language": "fr", "password": PASSWORD}).json()
    page = new_context(locale="fr-FR").new_page()
    page.goto(f"{stack.gateway_url}/app/#/login")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_role("button", name="M'envoyer un lien").click()
    expect(page.get_by_role("status").last).to_contain_text("Si un compte a cette adresse")
    check_page(page)

    [mail] = mailbox.wait_for(email, kind="password_reset")
    assert mail.subject == "Choisis un nouveau mot de passe pour Work Buddy"
    page.goto(link_in(mail, "reset"))
    page.get_by_label("Nouveau mot de passe (10 caractères au moins)").fill("un tout nouveau secret")
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(page.locator("#nav")).to_be_visible()
    # The link proved the address too; the session from sign-up is closed.
    expect(page.locator("#address")).to_have_count(0)
    assert gateway.request("GET", "/v1/me", headers={
        "Authorization": f"Bearer {signed_up['access_token']}"}).status_code == 401
    assert gateway.request("POST", "/v1/auth/login", json={
        "email": email, "password": "un tout nouveau secret"}).status_code == 200
