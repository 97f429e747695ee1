"""The members' journey in a real browser: two people sign up in two browsers, answer the
questions, are proposed to each other by matching and accept; one logs a win, the other sees it
arrive live and cheers, and the first sees the cheer. And focus mode: a buddy's win waits for
the digest instead of an instant mail."""

from datetime import datetime, timedelta

from playwright.sync_api import expect

from .members import Member


def two_buddies(new_context, stack, screenshots=None, zones: tuple[str, str] | None = None):
    """Amélie (French, on a phone) and Ben (English, on a laptop), buddies; ``zones``: the
    clocks of their browsers, which their profiles take."""
    clocks = [{"timezone_id": zone} for zone in zones] if zones else [{}, {}]
    amelie_context = new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, **clocks[0])
    ben_context = new_context(locale="en-GB", viewport={"width": 1024, "height": 800}, **clocks[1])
    amelie = Member(amelie_context.new_page(), stack.gateway_url, "Amélie", "fr")
    ben = Member(ben_context.new_page(), stack.gateway_url, "Ben", "en")
    for member, other_language in ((amelie, "English"), (ben, "Français")):
        member.sign_up()
        member.answer_the_questions(also_speaks=other_language,
                                    screenshots=screenshots if member is amelie else None)
    amelie.accept_the_proposal()
    if screenshots:
        screenshots(amelie.page, "proposal-accepted")
    ben.accept_the_proposal()
    expect(ben.page.get_by_role("heading", name="Amélie")).to_be_visible(timeout=15_000)
    return amelie, ben


def test_a_win_reaches_a_buddy_live_and_the_cheer_comes_back(new_context, system, screenshots):
    stack, _ = system
    amelie, ben = two_buddies(new_context, stack, screenshots)

    ben.go("home")
    expect(ben.page.get_by_text("Live", exact=True)).to_be_visible(timeout=15_000)
    amelie.go("home")
    amelie.page.get_by_role("button", name="J'ai signé un client 🍾").click()
    expect(amelie.page.get_by_role("status")).to_have_text("Vos buddies sont prévenus.")

    # Ben's page was not reloaded: the moment came through the live stream.
    card = ben.page.locator("article", has_text="Amélie — I won a client 🍾")
    expect(card).to_be_visible(timeout=20_000)
    screenshots(ben.page, "feed-live")
    card.get_by_label("A word for them (optional)").fill("Bravo, well deserved!")
    card.get_by_role("button", name="Cheer 🎉").click()
    expect(card).to_contain_text("Sent.")

    cheer = amelie.page.locator("#notifications li[data-kind=reaction]", has_text="Ben")
    expect(cheer).to_be_visible(timeout=20_000)
    screenshots(amelie.page, "cheer-received")


def test_in_focus_mode_a_buddys_win_waits_for_the_digest(new_context, system, screenshots):
    stack, mailbox = system
    amelie, ben = two_buddies(new_context, stack)

    # Focus until the next minute but one: the input takes minutes, the digest follows its end.
    until = (datetime.now() + timedelta(seconds=90)).replace(second=0, microsecond=0)
    ben.go("settings")
    ben.page.get_by_label("Do not disturb until").fill(until.strftime("%Y-%m-%dT%H:%M"))
    ben.page.get_by_role("button", name="Save").first.click()
    expect(ben.page.locator("#focus-state")).to_contain_text("Focus until")
    screenshots(ben.page, "focus-mode")

    ben.go("home")
    amelie.go("home")
    amelie.page.get_by_role("button", name="J'ai signé un client 🍾").click()
    # The app still shows it at once...
    expect(ben.page.locator("#notifications li[data-kind=moment]", has_text="Amélie")).to_be_visible(
        timeout=20_000)
    # ... but no mail breaks Ben's focus; it comes in the digest once the focus ends.
    [digest] = mailbox.wait_for(ben.email, kind="digest", timeout=180)
    assert datetime.now() >= until
    assert "Amélie" in digest.body
    assert mailbox.to(ben.email, kind="moment") == []
