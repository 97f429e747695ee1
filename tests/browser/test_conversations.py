"""Buddies talk in the web app: two browsers, one in Paris and one in Montreal. A message
arrives live on the other side, a "call me?" shows its times on each member's own clock, and
an answer comes back live."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from .members import reload_until_visible
from .test_web_app import two_buddies


def test_two_buddies_chat_live_and_read_a_call_me_on_their_own_clocks(new_context, system,
                                                                      screenshots):
    stack, _ = system
    amelie, ben = two_buddies(new_context, stack, zones=("Europe/Paris", "America/Montreal"))

    ben.page.get_by_role("link", name="Conversations", exact=True).click()
    # The conversation opens as the news of the buddyship reaches profiles, a moment after the
    # acceptance (longer on a busy machine); the list is drawn once, so Ben looks again.
    with_amelie = ben.page.get_by_role("link", name="Amélie")
    deadline = time.monotonic() + 30
    while True:
        ben.page.locator("main h1").wait_for()
        if with_amelie.count():
            break
        assert time.monotonic() < deadline, ben.page.locator("main").inner_text()
        time.sleep(1)
        ben.page.reload()
    with_amelie.click()
    expect(ben.page.get_by_role("heading", name="With Amélie")).to_be_visible()
    expect(ben.page.get_by_text("Live", exact=True)).to_have_count(0)  # no feed here

    # Her buddies page was drawn before Ben accepted.
    reload_until_visible(amelie.page, amelie.page.get_by_role("link", name="Écrire à Ben"))
    amelie.page.get_by_role("link", name="Écrire à Ben").click()
    expect(amelie.page.get_by_role("heading", name="Avec Ben")).to_be_visible()
    # Tomorrow at 17:00 on Amélie's clock (Paris) is 11:00 on Ben's (Montreal).
    tomorrow = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=1)).replace(
        hour=17, minute=0, second=0, microsecond=0)
    in_montreal = tomorrow.astimezone(ZoneInfo("America/Montreal"))
    amelie.page.get_by_label("Votre message").fill("Salut Ben ! On en parle de vive voix ?")
    amelie.page.get_by_text("On s'appelle ?").first.click()
    amelie.page.get_by_label("Horaire 1").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    amelie.page.get_by_role("button", name="Envoyer").click()
    expect(amelie.page.get_by_role("status")).to_have_text("Envoyé.")
    mine = amelie.page.locator("li.message.mine", has_text="Salut Ben")
    expect(mine).to_contain_text("17:00")

    # Ben's page was not reloaded: the message came through the live stream, on his clock.
    arrived = ben.page.locator("li.message", has_text="Salut Ben")
    expect(arrived).to_be_visible(timeout=20_000)
    expect(arrived).to_contain_text(in_montreal.strftime("%H:%M"))
    screenshots(ben.page, "conversation-call-me")

    ben.page.get_by_label("Your message").fill("Perfect, talk tomorrow!")
    ben.page.get_by_role("button", name="Send").click()
    expect(amelie.page.locator("li.message", has_text="Perfect, talk tomorrow!")).to_be_visible(
        timeout=20_000)
    screenshots(amelie.page, "conversation")

    # The list says who wrote last; what Amélie has open is read.
    amelie.page.get_by_role("link", name="Toutes les conversations").click()
    expect(amelie.page.locator("li[data-conversation]", has_text="Perfect, talk tomorrow!")).to_be_visible()

    # A buddy's moment is answered from the feed, in the conversation, about that moment.
    ben.go("home")
    expect(ben.page.get_by_text("Live", exact=True)).to_be_visible(timeout=15_000)
    amelie.go("home")
    amelie.page.get_by_role("button", name="J'ai signé un client 🍾").click()
    card = ben.page.locator("article", has_text="Amélie — I won a client 🍾")
    expect(card).to_be_visible(timeout=20_000)
    card.get_by_role("link", name="Reply").click()
    expect(ben.page.get_by_text("An answer to their moment.")).to_be_visible()
    ben.page.get_by_label("Your message").fill("Congratulations, tell me everything!")
    ben.page.get_by_role("button", name="Send").click()
    answer = ben.page.locator("li.message.mine", has_text="Congratulations")
    expect(answer).to_contain_text("About a moment")
