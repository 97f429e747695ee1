"""A check-in in the web app, on a system whose trial lasts seconds: the buddy's page shows the
trial's end and the mode; once the trial is over, Lou (French, on a phone) is asked privately
and proposes another mode; Max (English, on a laptop) opens the link of his mail, accepts it,
and the buddyship is confirmed with its new mode."""

import uuid

import pytest
from playwright.sync_api import expect

from ..support.api import Gateway
from ..support.waiting import eventually
from .conftest import running_system
from .test_asks import EN, FR, signed_in
from .test_usable_by_everyone import check_page

TRIAL_SECONDS = 8


@pytest.fixture
def check_ins_system(artifacts, fresh_vhost, mongo_uri, db_prefix, redis_url):
    with running_system(artifacts / f"browser-{uuid.uuid4().hex[:6]}", fresh_vhost()[1],
                        mongo_uri, db_prefix, redis_url, MATCHING_AUTOMATIC="off",
                        BUDDYSHIP_TRIAL_DAYS=str(TRIAL_SECONDS / 86400)) as running:
        yield running


def test_buddies_agree_on_another_mode_at_their_check_in(new_context, check_ins_system,
                                                        screenshots):
    stack, mailbox = check_ins_system
    gateway = Gateway(stack.gateway_url)
    lea, max_ = gateway.sign_up("Lou", "fr"), gateway.sign_up("Max", "en")
    buddyship = gateway.become_buddies(lea, max_)

    phone = signed_in(new_context(locale="fr-FR", viewport={"width": 390, "height": 844}),
                      stack.gateway_url, lea, FR)
    phone.goto(f"{stack.gateway_url}/app/#/buddies/{buddyship['id']}")
    expect(phone.get_by_text("Notre façon de faire : pas encore convenue")).to_be_visible()
    expect(phone.get_by_text("Période d'essai jusqu'au")).to_be_visible()

    # The trial ends: the buddies page says a check-in waits, and leads to it.
    eventually(lambda: gateway.request("GET", "/v1/me/check-ins", lea).json()["items"],
               timeout=TRIAL_SECONDS + 20)
    phone.goto(f"{stack.gateway_url}/app/#/buddies")
    phone.get_by_role("link", name="Un point d'étape sur votre binôme avec Max attend votre réponse").click()
    expect(phone.get_by_role("heading", name="Votre période d'essai avec Max touche à sa fin")) \
        .to_be_visible()
    expect(phone.get_by_text("Vous seul voyez votre réponse ; Max ne la voit jamais.")).to_be_visible()
    for answer in ("On continue", "Se quitter en douceur"):
        expect(phone.get_by_role("button", name=answer)).to_be_visible()
    phone.get_by_role("button", name="Changer notre façon de faire").click()
    phone.get_by_label("Autour de projets communs").check()
    phone.get_by_label("chaque semaine").check()
    check_page(phone)
    screenshots(phone, "check-in")
    phone.get_by_role("button", name="Proposer cette façon de faire").click()
    expect(phone.get_by_role("status")).to_contain_text("Votre réponse est enregistrée")
    expect(phone.get_by_text("Vous avez proposé : Autour de projets communs · chaque semaine.")) \
        .to_be_visible()

    # Max reads it in his mail, and answers from its link.
    [mail] = [m for m in mailbox.wait_for(max_["email"], kind="check_in", count=2)
              if m.subject == "Lou proposes another way to work together"]
    link = next(word for word in mail.body.split() if "/app/#/check-ins/" in word)
    laptop = signed_in(new_context(locale="en-GB", viewport={"width": 1280, "height": 800}),
                       stack.gateway_url, max_, EN)
    laptop.goto(link)
    expect(laptop.get_by_text("Lou proposes: Around shared projects · every week.")).to_be_visible()
    check_page(laptop)
    laptop.get_by_role("button", name="Accept this mode").click()
    expect(laptop.get_by_role("status")).to_contain_text("You and Lou keep going")

    laptop.goto(f"{stack.gateway_url}/app/#/buddies/{buddyship['id']}")
    expect(laptop.get_by_text("Our mode: Around shared projects · every week")).to_be_visible()
    expect(laptop.get_by_text("Confirmed on")).to_be_visible()
    expect(laptop.get_by_text("Next check-in:")).to_be_visible()
