"""An urgent ask in the web app: Mia, whose buddy is in deep focus, asks for advice now and lets
it go wider; nobody answers, so Hana, who offered help, is asked on her Asks page, says yes and
lands in their conversation; Mia sees who said yes, and Hana's first words arrive."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from ..support.api import PASSWORD, Gateway
from ..support.waiting import eventually
from .conftest import running_system
from .test_usable_by_everyone import check_page

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1024, "height": 800}


@pytest.fixture
def asks_system(artifacts, fresh_vhost, mongo_uri, db_prefix, redis_url):
    """Asks go wider 3 s after they are logged; members propose to each other themselves."""
    with running_system(artifacts / f"browser-{uuid.uuid4().hex[:6]}", fresh_vhost()[1],
                        mongo_uri, db_prefix, redis_url, ASK_WIDEN_AFTER_MINUTES="0.05",
                        MATCHING_AUTOMATIC="off") as running:
        yield running


def answered(gateway: Gateway, member: dict, **profile) -> None:
    assert gateway.request("PATCH", "/v1/me", member, json=profile).status_code == 200
    eventually(lambda: gateway.request("GET", "/v1/me/matching", member).json()["answered"])


def signed_in(context, base: str, member: dict, words: dict):
    page = context.new_page()
    page.goto(f"{base}/app/#/login")
    page.get_by_label(words["email"], exact=True).fill(member["email"])
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["sign_in"]).click()
    expect(page.locator("#nav")).to_be_visible()
    return page


FR = {"email": "E-mail", "password": "Mot de passe (10 caractères au moins)", "sign_in": "Se connecter"}
EN = {"email": "Email", "password": "Password (at least 10 characters)", "sign_in": "Sign in"}


def test_an_urgent_ask_nobody_answered_is_taken_by_a_helper_in_the_web_app(
        new_context, asks_system, screenshots):
    stack, _ = asks_system
    gateway = Gateway(stack.gateway_url)
    mia, bob, hana = (gateway.sign_up("Mia", "fr"), gateway.sign_up("Bob", "fr"),
                      gateway.sign_up("Hana", "en"))
    trade = {"sector": "frontend_development", "languages": ["fr", "en"]}
    answered(gateway, mia, **trade)
    answered(gateway, hana, offers_support=True, skills=["pricing"], **trade)
    gateway.become_buddies(mia, bob)
    answered(gateway, bob, availability={
        "focus_until": (datetime.now(UTC) + timedelta(hours=3)).isoformat()}, **trade)

    mia_page = signed_in(new_context(locale="fr-FR", viewport=PHONE), stack.gateway_url, mia, FR)
    hana_page = signed_in(new_context(locale="en-GB", viewport=LAPTOP), stack.gateway_url, hana, EN)
    hana_page.get_by_role("link", name="Asks", exact=True).click()
    expect(hana_page.get_by_text("Nobody needs your help right now")).to_be_visible()

    # Mia asks, with a note, and lets it go wider.
    mia_page.get_by_text("Un autre moment…").click()
    mia_page.get_by_label("Que s'est-il passé ?").select_option("urgent_advice")
    mia_page.get_by_label("Quelques mots (facultatif)").fill(
        "Un client veut baisser mon pricing de moitié, je fais quoi ?")
    mia_page.get_by_label("Pour « J'ai besoin d'un avis urgent »", exact=False).check()
    mia_page.get_by_role("button", name="Prévenir mes buddies").click()
    expect(mia_page.get_by_role("status")).to_contain_text("Si aucun ne répond à temps")

    # Nobody answers: Hana's page shows the ask as it arrives (live), with her skill named.
    ask = hana_page.locator("#asks-for-me li").first
    expect(ask).to_contain_text("Mia needs advice now", timeout=30_000)
    expect(ask).to_contain_text("pricing de moitié")
    expect(ask).to_contain_text("Your skills it mentions: pricing")
    check_page(hana_page)
    if screenshots:
        screenshots(hana_page, "ask-for-help")
    hana_page.get_by_role("button", name="Yes, I can help Mia").click()

    # She lands in their conversation, and writes.
    hana_page.wait_for_url("**/#/conversations/*")
    hana_page.get_by_label("Your message").fill("I'm here: cutting the price in half is a no. Call me?")
    hana_page.get_by_role("button", name="Send", exact=True).click()

    # Mia sees who said yes on her Asks page, and the message in the conversation it links to.
    mia_page.get_by_role("link", name="Demandes", exact=True).click()
    mine = mia_page.locator("#my-asks li").first
    expect(mine).to_contain_text("Hana a dit oui", timeout=15_000)
    check_page(mia_page)
    if screenshots:
        screenshots(mia_page, "ask-taken")
    mine.get_by_role("link", name="Lui écrire").click()
    expect(mia_page.get_by_text("cutting the price in half is a no")).to_be_visible(timeout=15_000)
