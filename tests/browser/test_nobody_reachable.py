"""Nobody left without an answer, in the web app: a member logs a lost client while their only
buddy is in deep focus and nobody offers support; the home page answers at once, where they
tapped, why nobody can be reached and when the first buddy is back."""

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from ..support.api import Gateway
from ..support.waiting import eventually
from .test_asks import EN, signed_in
from .test_usable_by_everyone import check_page


def test_a_setback_that_reaches_nobody_is_answered_honestly_on_the_home_page(new_context, system,
                                                                            screenshots):
    stack, _ = system
    gateway = Gateway(stack.gateway_url)
    oli, pia = gateway.sign_up("Oli", "en"), gateway.sign_up("Pia", "en")
    gateway.become_buddies(oli, pia)
    back = datetime.now(UTC) + timedelta(hours=2)
    assert gateway.request("PATCH", "/v1/me", pia, json={
        "availability": {"focus_until": back.isoformat()}}).status_code == 200
    eventually(lambda: gateway.request("GET", "/v1/me/matching", pia).json()["answered"])

    page = signed_in(new_context(locale="en-GB", viewport={"width": 390, "height": 844}),
                     stack.gateway_url, oli, EN)
    # The answer comes through the live stream: the page has it open first (on a busy machine
    # it may still be connecting when the page is drawn).
    expect(page.get_by_text("Live", exact=True)).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="I lost a client").click()
    answer = page.locator("#after-moment")
    expect(answer.get_by_role("heading", name="Nobody can be reached right now")).to_be_visible(
        timeout=20_000)
    expect(answer).to_contain_text("None of your buddies can be reached right now (1 in focus "
                                   "mode). The first one is back on ")
    check_page(page)
    screenshots(page, "nobody-reachable")
    # Still there when the member comes back to the page, until they read it.
    page.reload()
    expect(page.locator("#after-moment")).to_contain_text("1 in focus mode")
