"""Meeting buddies in person, from the web app: the city field suggests the cities the gazetteer
knows as one types, a checkbox and a distance ask to meet in person, and the proposal that
follows says how near the buddy lives."""

import re
import time

from playwright.sync_api import expect

from ..support.api import Gateway
from ..support.waiting import eventually
from .members import QUESTIONS, Member


def test_a_member_asks_to_meet_in_person_and_is_proposed_a_neighbour(new_context, system):
    stack, _ = system
    gateway = Gateway(stack.gateway_url)
    # Two members wait for a buddy: one in Grenoble (95 km from Lyon), one in Villeurbanne (3 km).
    far, near = gateway.sign_up("Farah", "fr"), gateway.sign_up("Nico", "fr")
    for member, city in ((far, "Grenoble"), (near, "Villeurbanne")):
        assert gateway.request("PATCH", "/v1/me", member, json={
            "city": city, "languages": ["fr"], "buddy_capacity": 1}).status_code == 200
    # Matching pairs the two as soon as both answered; Nico then ends it, so that only Farah
    # (too far) and Nico (near) are free when Ana comes.
    pair = eventually(lambda: next(iter(gateway.request("GET", "/v1/me/buddyships", far)
                                        .json()["items"]), None))
    assert gateway.request("POST", f"/v1/me/buddyships/{pair['id']}/decline", near).status_code == 200

    page = new_context(locale="fr-FR").new_page()
    ana = Member(page, stack.gateway_url, "Ana", "fr")
    ana.sign_up()
    for _ in range(QUESTIONS - 1):
        page.get_by_role("button", name="Suivant").click()
    expect(page.locator("legend")).to_have_text("Où et quand travaillez-vous ?")

    city = page.get_by_label("Ville (facultatif)")
    city.press_sequentially("Ly", delay=50)
    suggestions = page.locator("#f-city-list option")
    expect(suggestions.first).to_have_attribute("value", "Lyon")
    expect(suggestions.first).to_have_text("Lyon (FR)")
    city.fill("Londr")
    city.press_sequentially("e", delay=50)
    expect(suggestions.first).to_have_attribute("value", "Londres")  # the French name, in French

    # Asking to meet with a city nobody knows: the app says what to do.
    city.fill("Atlantide")
    page.get_by_label("J'aimerais rencontrer mes buddies en personne").check()
    page.get_by_label("À combien de km au plus ?").fill("30")
    page.get_by_role("button", name="Trouver mes buddies").click()
    expect(page.locator("#status.error")).to_contain_text("nous ne connaissons pas la ville 'Atlantide'",
                                                          timeout=15000)

    city.fill("Lyon")
    page.get_by_role("button", name="Trouver mes buddies").click()
    expect(page).to_have_url(re.compile(r"#/buddies$"))

    # Nico is proposed, told how near; Farah, with room too, is not.
    accept = page.get_by_role("button", name="Accepter")
    deadline = time.monotonic() + 30
    while not accept.count():
        assert time.monotonic() < deadline, page.locator("main").inner_text()
        time.sleep(1)
        page.reload()
        page.locator("main h1").wait_for()  # the page has drawn itself
    expect(page.get_by_text("3 km entre vous, tous les deux dans le coin de Lyon")).to_be_visible()
    expect(page.get_by_text("Nico").first).to_be_visible()
    farahs = gateway.request("GET", "/v1/me/buddyships", far).json()["items"]
    assert all(b["state"] != "proposed" for b in farahs), farahs

    # "Change my answers" shows the answers given.
    ana.go("answers")
    for _ in range(QUESTIONS - 1):
        page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_label("J'aimerais rencontrer mes buddies en personne")).to_be_checked()
    expect(page.get_by_label("À combien de km au plus ?")).to_have_value("30")
    expect(page.get_by_label("Ville (facultatif)")).to_have_value("Lyon")

